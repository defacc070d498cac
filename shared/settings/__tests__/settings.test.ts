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

describe('content.blockedTerms', () => {
  test('empty by default; the operator’s terms as written', () => {
    expect(DEFAULT_SETTINGS.content).toEqual({ blockedTerms: [] });
    const checked = checkSettings({ content: { blockedTerms: ['返现', '加 V'] } });
    expect(checked.ok && checked.settings.content).toEqual({ blockedTerms: ['返现', '加 V'] });
  });

  test('each term is one line of 1 to 50 characters; a typo is reported by field', () => {
    const checked = checkSettings({ content: { blockedTerms: ['', 'a\u0000b', 'x'.repeat(51), 7], blocked: [] } });
    expect(checked.ok ? [] : checked.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        'content.blocked is not allowed',
        'content.blockedTerms[0] must have at least 1 characters',
        'content.blockedTerms[1] must be one line of text of 1 to 50 characters without control characters',
        'content.blockedTerms[2] must have at most 50 characters',
        'content.blockedTerms[3] must be one line of text of 1 to 50 characters without control characters',
      ]),
    );
  });
});
