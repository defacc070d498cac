/** The categories a learner picked on 我的, kept on the device, for a new learner's recommendations. */
const KEY = 'interests';

export function loadInterests(): string[] {
  try {
    const value: unknown = wx.getStorageSync(KEY);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function saveInterests(ids: string[]): void {
  wx.setStorageSync(KEY, ids);
}
