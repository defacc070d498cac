/**
 * The app: connects to CloudBase. Without an `env` the project's default environment is used, so no environment id
 * lives in the source (set it in WeChat DevTools for the project).
 */
import { impressions } from './services/impressions';

App({
  onLaunch() {
    wx.cloud.init({ traceUser: true });
  },
  onHide() {
    // Leaving for the background may be the last chance: send the cards seen so far.
    void impressions.flush();
  },
});
