import {
  readBundle,
  readCoupon,
  readPromotion,
  readRedeemBatch,
  readRedeemCode,
  readUserCoupon,
  userCouponId,
} from '../documents';
import { coupon, promotion, T0, T1, userCoupon } from './fixtures';

const messages = (result: { ok: boolean; problems?: { message: string }[] }) =>
  result.ok ? [] : (result.problems ?? []).map((p) => p.message);

describe('coupons', () => {
  it.each([
    coupon({ kind: 'amount', amountFen: 2000 }),
    coupon({ kind: 'percent', percentOff: 15, maxOffFen: 5000 }),
    coupon({ kind: 'threshold', thresholdFen: 10000, amountFen: 2000 }, { appliesTo: { categories: ['python'] } }),
  ])('reads a valid %j', (doc) => {
    expect(readCoupon(doc)).toEqual({ ok: true, value: doc });
  });

  it.each([
    [{ kind: 'amount' }, ['amountFen is required']],
    [{ kind: 'percent', percentOff: 100 }, ['percentOff must be <= 99']],
    [{ kind: 'threshold', thresholdFen: 2000, amountFen: 2000 }, ['amountFen must be below thresholdFen']],
    [{ kind: 'amount', amountFen: 100, endsAt: T0 }, ['endsAt must be after startsAt']],
    [{ kind: 'amount', amountFen: 100, claimed: 11 }, ['claimed must be <= stock']],
    [{ kind: 'amount', amountFen: 100, appliesTo: {} }, [expect.stringContaining('appliesTo must be { all: true }')]],
    [
      { kind: 'amount', amountFen: 100, appliesTo: { all: true, courseIds: ['a'] } },
      ['appliesTo.all cannot be given with a list'],
    ],
    [{ kind: 'amount', amountFen: 100, appliesTo: { courses: ['a'] } }, ['appliesTo.courses is not allowed']],
    [{ kind: 'gift' }, ['kind must be one of amount, percent, threshold']],
  ])('refuses %j naming the field', (change, expected) => {
    const base = coupon({ kind: 'amount', amountFen: 1 }) as Record<string, unknown>;
    delete base.amountFen;
    expect(messages(readCoupon({ ...base, ...change }))).toEqual(expected);
  });
});

describe('the other documents', () => {
  it('reads a promotion and refuses a price below ¥1 or an empty window', () => {
    expect(readPromotion(promotion()).ok).toBe(true);
    expect(messages(readPromotion(promotion({ priceFen: 99 })))).toEqual(['priceFen must be >= 100']);
    expect(messages(readPromotion(promotion({ endsAt: T0 })))).toEqual(['endsAt must be after startsAt']);
  });

  it('requires termDays of a membership and refuses it on a 专栏', () => {
    const bundle = {
      _id: 'vip',
      title: '年度会员',
      subtitle: '',
      cover: 'cloud://env/cover.png',
      priceFen: 19900,
      kind: 'membership',
      termDays: 365,
      courseIds: ['py-101', 'go-101'],
      status: 'published',
      createdAt: T0,
      updatedAt: T0,
    };
    expect(readBundle(bundle).ok).toBe(true);
    expect(messages(readBundle({ ...bundle, termDays: undefined }))).toEqual(['termDays is required for a membership']);
    expect(messages(readBundle({ ...bundle, kind: 'column' }))).toEqual([
      'termDays is not allowed for a column (a 专栏 is for life)',
    ]);
    expect(messages(readBundle({ ...bundle, courseIds: ['a', 'a'] }))).toEqual([
      'courseIds must not contain duplicates',
    ]);
  });

  it('requires the order of a held or used claim', () => {
    expect(readUserCoupon(userCoupon()).ok).toBe(true);
    expect(readUserCoupon(userCoupon({ status: 'held', orderId: 'o-1' })).ok).toBe(true);
    expect(messages(readUserCoupon(userCoupon({ status: 'used' })))).toEqual([
      'orderId is required when status is used',
    ]);
  });

  it('keys a redemption code by a hash and requires who used it', () => {
    const code = {
      _id: 'a'.repeat(64),
      batchId: 'b1',
      target: { kind: 'bundle', id: 'vip' },
      status: 'unused',
      expiresAt: T1,
    };
    expect(readRedeemCode(code).ok).toBe(true);
    expect(messages(readRedeemCode({ ...code, _id: 'ABCD-EFGH' }))).toEqual(['_id must be an HMAC-SHA256 in hex']);
    expect(messages(readRedeemCode({ ...code, status: 'used' }))).toEqual([
      'usedBy and usedAt are required when status is used',
    ]);
    expect(messages(readRedeemCode({ ...code, target: { kind: 'lesson', id: 'x' } }))).toEqual([
      'target.kind must be one of course, bundle',
    ]);
    expect(
      readRedeemBatch({ _id: 'b1', target: code.target, count: 100, status: 'active', createdAt: T0, note: '某公司' })
        .ok,
    ).toBe(true);
  });
});

describe('userCouponId', () => {
  it('is fixed per learner, coupon and slot, and differs across them', () => {
    expect(userCouponId('o1', 'c1', 1)).toBe(userCouponId('o1', 'c1', 1));
    const ids = new Set([
      userCouponId('o1', 'c1', 1),
      userCouponId('o1', 'c1', 2),
      userCouponId('o2', 'c1', 1),
      userCouponId('o1', 'c2', 1),
    ]);
    expect(ids.size).toBe(4);
    expect(userCouponId('o1', 'c1', 1)).toMatch(/^[0-9a-f]{24}-1$/);
  });
});
