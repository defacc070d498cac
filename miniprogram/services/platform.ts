/** Facts about the device the mini-program runs on. */

export type Platform = 'ios' | 'android' | 'ohos' | 'windows' | 'mac' | 'devtools' | 'other';

const KNOWN: readonly Platform[] = ['ios', 'android', 'ohos', 'windows', 'mac', 'devtools'];

/** From `wx.getDeviceInfo()` (base library ≥ 2.20.1), else the older `wx.getSystemInfoSync()`. */
export function currentPlatform(): Platform {
  const raw = typeof wx.getDeviceInfo === 'function' ? wx.getDeviceInfo().platform : wx.getSystemInfoSync().platform;
  const name = String(raw).toLowerCase();
  return KNOWN.find((known) => known === name) ?? 'other';
}

/** Device pixels per CSS pixel, from `wx.getWindowInfo()` (base library ≥ 2.20.1), else `wx.getSystemInfoSync()`. */
export function pixelRatio(): number {
  const ratio =
    typeof wx.getWindowInfo === 'function' ? wx.getWindowInfo().pixelRatio : wx.getSystemInfoSync().pixelRatio;
  return ratio > 0 ? ratio : 1;
}
