/**
 * The app: connects to CloudBase. Without an `env` the project's default environment is used, so no environment id
 * lives in the source (set it in WeChat DevTools for the project).
 */
App({
  onLaunch() {
    wx.cloud.init({ traceUser: true });
  },
});
