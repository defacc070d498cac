import { toCoupon, toMyCoupon } from '../views';
import { AT, coupon, T0, userCoupon } from './fixtures';

describe('toCoupon', () => {
  it('shows each kind with its own figures only, and the stock left', () => {
    expect(toCoupon(coupon({ kind: 'amount', amountFen: 2000 }, { claimed: 4 }))).toEqual({
      id: 'c1',
      title: '新人券',
      label: '立减 ¥20',
      kind: 'amount',
      amountFen: 2000,
      startsAt: T0,
      endsAt: '2025-06-08T00:00:00.000Z',
      appliesTo: '全部课程和会员',
      remaining: 6,
      perLearner: 1,
    });
    expect(toCoupon(coupon({ kind: 'percent', percentOff: 15, maxOffFen: 5000 }))).toMatchObject({
      label: '8.5 折，最多减 ¥50',
      percentOff: 15,
      maxOffFen: 5000,
    });
    expect(toCoupon(coupon({ kind: 'percent', percentOff: 20 }))).not.toHaveProperty('maxOffFen');
    expect(toCoupon(coupon({ kind: 'threshold', thresholdFen: 10000, amountFen: 2000 }))).toMatchObject({
      label: '满 ¥100 减 ¥20',
      amountFen: 2000,
      thresholdFen: 10000,
    });
  });

  it('never passes on a field a console edit added', () => {
    const edited = { ...coupon({ kind: 'amount', amountFen: 100 }), note: 'internal' };
    expect(toCoupon(edited)).not.toHaveProperty('note');
  });
});

describe('toMyCoupon', () => {
  const c = coupon({ kind: 'amount', amountFen: 100 });
  it('a usable claim of a coupon past its window shows as expired; a held one keeps its order', () => {
    expect(toMyCoupon(userCoupon(), c, AT('2025-06-09T00:00:00.000Z')).status).toBe('expired');
    expect(toMyCoupon(userCoupon(), c, AT(T0))).toMatchObject({ id: 'uc1', status: 'usable', claimedAt: T0 });
    expect(toMyCoupon(userCoupon({ status: 'held', orderId: 'o9' }), c, AT(T0))).toMatchObject({
      status: 'held',
      orderId: 'o9',
    });
  });
});
