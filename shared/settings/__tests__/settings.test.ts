import { checkSettings, DEFAULT_SETTINGS } from '..';

describe('settings/app', () => {
  test('an empty document means every default', () => {
    expect(checkSettings({ _id: 'app' })).toEqual({ ok: true, settings: DEFAULT_SETTINGS });
  });

  test('a nested field overrides only itself', () => {
    const checked = checkSettings({ _id: 'app', subMchId: '1900000109', refund: { windowDays: 3 } });
    expect(checked).toEqual({
      ok: true,
      settings: { ...DEFAULT_SETTINGS, subMchId: '1900000109', refund: { windowDays: 3, maxProgressPercent: 20 } },
    });
  });

  test('a typo or an out-of-range value is reported by field', () => {
    const checked = checkSettings({ orderLifetimeMinute: 30, refund: { maxProgressPercent: 120 }, payRail: 'alipay' });
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        'orderLifetimeMinute is not allowed',
        'refund.maxProgressPercent must be <= 100',
        'payRail must be one of wxpay, virtual',
      ]),
    );
  });

  test('virtual payment: only non-secret fields, validated', () => {
    const checked = checkSettings({ virtualPayment: { appId: 'wx0123456789abcdef', offerId: '1450000001', env: 1 } });
    expect(checked.ok && checked.settings.virtualPayment).toEqual({
      appId: 'wx0123456789abcdef',
      offerId: '1450000001',
      env: 1,
      productIdPrefix: 'course_',
    });
    const bad = checkSettings({ virtualPayment: { env: 2, appKey: 'secret' } });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['virtualPayment.env', 'virtualPayment.appKey']),
    );
  });
});
