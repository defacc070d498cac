import fc from 'fast-check';
import { AppError, PAY_RAILS } from '../../contract';
import type { CouponTerms } from '../documents';
import {
  applyCoupon,
  couponApplies,
  couponRefusal,
  orderPriceStillValid,
  priceInForce,
  quote,
  RAIL_MINIMUM_FEN,
  usableClaims,
  type PricedTarget,
} from '../pricing';
import { AT, coupon, promotion, T0, T1, userCoupon } from './fixtures';

const COURSE: PricedTarget = { kind: 'course', id: 'py-101', category: 'python' };
const BUNDLE: PricedTarget = { kind: 'bundle', id: 'vip' };
const MID = AT('2025-06-04T00:00:00.000Z');

describe('priceInForce', () => {
  it('is the list price outside every window, which is [startsAt, endsAt)', () => {
    const p = promotion({ priceFen: 4900 });
    expect(priceInForce(9900, [p], AT('2025-05-31T23:59:59.999Z'))).toEqual({ priceFen: 9900 });
    expect(priceInForce(9900, [p], AT(T0))).toEqual({ priceFen: 4900, promotion: p });
    expect(priceInForce(9900, [p], AT('2025-06-07T23:59:59.999Z')).priceFen).toBe(4900);
    expect(priceInForce(9900, [p], AT(T1))).toEqual({ priceFen: 9900 });
  });

  it('takes the lowest running promotion, ignores revoked ones and never raises the price', () => {
    const low = promotion({ _id: 'low', priceFen: 3900 });
    const revoked = promotion({ _id: 'gone', priceFen: 1900, status: 'revoked' });
    const higher = promotion({ _id: 'up', priceFen: 12900 });
    expect(priceInForce(9900, [promotion(), low, revoked, higher], MID)).toEqual({ priceFen: 3900, promotion: low });
    expect(priceInForce(9900, [higher], MID)).toEqual({ priceFen: 9900 });
  });

  it('breaks a tie by the earliest end, then the id, whatever the order given', () => {
    const a = promotion({ _id: 'a', endsAt: T1 });
    const b = promotion({ _id: 'b', endsAt: '2025-06-05T00:00:00.000Z' });
    const c = promotion({ _id: 'c', endsAt: '2025-06-05T00:00:00.000Z' });
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ]) {
      expect(priceInForce(9900, order, MID).promotion?._id).toBe('b');
    }
  });
});

describe('applyCoupon', () => {
  it.each<[CouponTerms, number, number, number]>([
    [{ kind: 'amount', amountFen: 2000 }, 9900, 1, 2000],
    [{ kind: 'amount', amountFen: 2000 }, 1500, 1, 1499],
    [{ kind: 'amount', amountFen: 2000 }, 1500, 100, 1400],
    [{ kind: 'amount', amountFen: 2000 }, 100, 100, 0],
    [{ kind: 'amount', amountFen: 2000 }, 1, 1, 0],
    // 15 % off 999 fen: pay floor(849.15) = 849, so 150 off (rounded up, in the learner's favour).
    [{ kind: 'percent', percentOff: 15 }, 999, 1, 150],
    [{ kind: 'percent', percentOff: 15 }, 9900, 1, 1485],
    [{ kind: 'percent', percentOff: 50, maxOffFen: 3000 }, 9900, 1, 3000],
    [{ kind: 'percent', percentOff: 99 }, 150, 100, 50],
    [{ kind: 'percent', percentOff: 1 }, 1, 1, 0],
    [{ kind: 'threshold', thresholdFen: 10000, amountFen: 2000 }, 9999, 1, 0],
    [{ kind: 'threshold', thresholdFen: 10000, amountFen: 2000 }, 10000, 1, 2000],
    [{ kind: 'threshold', thresholdFen: 200, amountFen: 150 }, 200, 100, 100],
  ])('%j on %i fen with a minimum of %i takes %i off', (terms, base, minimum, off) => {
    expect(applyCoupon(terms, base, minimum)).toBe(off);
  });

  const terms: fc.Arbitrary<CouponTerms> = fc.oneof(
    fc.record({ kind: fc.constant('amount' as const), amountFen: fc.integer({ min: 1, max: 100_000 }) }),
    fc.record(
      {
        kind: fc.constant('percent' as const),
        percentOff: fc.integer({ min: 1, max: 99 }),
        maxOffFen: fc.integer({ min: 1, max: 100_000 }),
      },
      { requiredKeys: ['kind', 'percentOff'] },
    ),
    fc.record({
      kind: fc.constant('threshold' as const),
      thresholdFen: fc.integer({ min: 2, max: 100_000 }),
      amountFen: fc.integer({ min: 1, max: 100_000 }),
    }),
  );

  it('never takes the payable below the minimum, nor anything off a price at or below it', () => {
    fc.assert(
      fc.property(terms, fc.integer({ min: 0, max: 200_000 }), fc.constantFrom(1, 100), (t, base, minimum) => {
        const off = applyCoupon(t, base, minimum);
        expect(Number.isInteger(off)).toBe(true);
        expect(off).toBeGreaterThanOrEqual(0);
        if (base <= minimum) expect(off).toBe(0);
        else expect(base - off).toBeGreaterThanOrEqual(minimum);
      }),
    );
  });

  it('takes off a percentage rounded up: the learner pays floor(base × (100 − p) / 100) unless capped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 2, max: 200_000 }), (p, base) => {
        const pay = base - applyCoupon({ kind: 'percent', percentOff: p }, base, 1);
        expect(pay).toBe(Math.max(1, Math.floor((base * (100 - p)) / 100)));
      }),
    );
  });
});

describe('couponApplies', () => {
  it('follows the window, the status and the scope', () => {
    const all = coupon({ kind: 'amount', amountFen: 100 });
    expect(couponApplies(all, COURSE, MID)).toBe(true);
    expect(couponApplies(all, BUNDLE, MID)).toBe(true);
    expect(couponRefusal(all, COURSE, AT('2025-05-31T23:59:59.999Z'))).toBe('notStarted');
    expect(couponRefusal(all, COURSE, AT(T1))).toBe('ended');
    expect(couponRefusal({ ...all, status: 'revoked' }, COURSE, MID)).toBe('revoked');

    const listed = coupon({ kind: 'amount', amountFen: 100 }, { appliesTo: { courseIds: ['py-101'] } });
    expect(couponApplies(listed, COURSE, MID)).toBe(true);
    expect(couponRefusal(listed, { ...COURSE, id: 'go-101' }, MID)).toBe('notForTarget');
    expect(couponRefusal(listed, BUNDLE, MID)).toBe('notForTarget');

    const category = coupon({ kind: 'amount', amountFen: 100 }, { appliesTo: { categories: ['python'] } });
    expect(couponApplies(category, { ...COURSE, id: 'py-201' }, MID)).toBe(true);
    expect(couponApplies(category, { ...COURSE, category: 'go' }, MID)).toBe(false);

    const bundles = coupon({ kind: 'amount', amountFen: 100 }, { appliesTo: { bundleIds: ['vip'] } });
    expect(couponApplies(bundles, BUNDLE, MID)).toBe(true);
    // A bundle id that happens to equal a course id does not make the coupon apply to the course.
    expect(couponApplies(bundles, { ...COURSE, id: 'vip' }, MID)).toBe(false);
  });
});

describe('quote', () => {
  const base = { target: COURSE, listPriceFen: 9900, promotions: [promotion()], now: MID };

  it('lists the promotion then the coupon, and pays the list price less both', () => {
    const c = coupon({ kind: 'amount', amountFen: 1000 });
    expect(quote({ ...base, coupon: c, rail: 'wxpay' })).toEqual({
      listPriceFen: 9900,
      discounts: [
        { kind: 'promotion', id: 'p1', label: '限时特惠', amountFen: 5000 },
        { kind: 'coupon', id: 'c1', label: '新人券', amountFen: 1000 },
      ],
      payFen: 3900,
    });
    expect(quote({ ...base, promotions: [], rail: 'wxpay' })).toEqual({
      listPriceFen: 9900,
      discounts: [],
      payFen: 9900,
    });
  });

  it('applies a threshold to the price in force, not the list price', () => {
    const c = coupon({ kind: 'threshold', thresholdFen: 5000, amountFen: 1000 });
    expect(() => quote({ ...base, coupon: c, rail: 'wxpay' })).toThrow('未满 ¥50，不能使用这张满减券');
    expect(quote({ ...base, promotions: [], coupon: c, rail: 'wxpay' }).payFen).toBe(8900);
  });

  it('caps a coupon at the rail minimum: 1 fen on WeChat Pay, ¥1 on virtual payment', () => {
    const c = coupon({ kind: 'amount', amountFen: 100_000 });
    expect(quote({ ...base, coupon: c, rail: 'wxpay' }).payFen).toBe(1);
    expect(quote({ ...base, coupon: c, rail: 'virtual' }).payFen).toBe(100);
    expect(quote({ ...base, coupon: c, rail: 'virtual' }).discounts[1]?.amountFen).toBe(4800);
  });

  it('gives no discount to a list price at or below the minimum, and refuses a coupon there', () => {
    const cheap = { ...base, listPriceFen: 100, promotions: [promotion({ priceFen: 100 })] };
    expect(quote({ ...cheap, rail: 'virtual' })).toEqual({ listPriceFen: 100, discounts: [], payFen: 100 });
    expect(() => quote({ ...cheap, coupon: coupon({ kind: 'amount', amountFen: 50 }), rail: 'virtual' })).toThrow(
      '当前价格已是最低支付金额，不能再使用优惠券',
    );
    expect(quote({ ...base, listPriceFen: 0, rail: 'wxpay' })).toEqual({ listPriceFen: 0, discounts: [], payFen: 0 });
  });

  it('refuses a coupon that does not apply, saying why', () => {
    const ended = coupon({ kind: 'amount', amountFen: 100 }, { endsAt: '2025-06-02T00:00:00.000Z' });
    let error: unknown;
    try {
      quote({ ...base, coupon: ended, rail: 'wxpay' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: '这张优惠券已过期',
      details: { reason: 'ended' },
    });
  });

  it('always pays list − Σ discounts, each at least 1 fen, and at least the minimum when anything is taken off', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(
          fc.record({ priceFen: fc.integer({ min: 100, max: 100_000 }), start: fc.integer({ min: 0, max: 9 }) }),
        ),
        fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
        fc.constantFrom(...PAY_RAILS),
        // Days inside the coupon's window, so only a coupon that takes nothing off is refused.
        fc.integer({ min: 0, max: 6 }),
        (list, promos, amountOff, rail, day) => {
          const promotions = promos.map((p, i) =>
            promotion({
              _id: `p${i}`,
              priceFen: p.priceFen,
              startsAt: new Date(Date.UTC(2025, 5, 1 + p.start)).toISOString(),
              endsAt: new Date(Date.UTC(2025, 5, 4 + p.start)).toISOString(),
            }),
          );
          const now = new Date(Date.UTC(2025, 5, 1 + day, 12));
          const c = amountOff === undefined ? undefined : coupon({ kind: 'amount', amountFen: amountOff });
          let q;
          try {
            q = quote({ target: COURSE, listPriceFen: list, promotions, coupon: c, rail, now });
          } catch (error) {
            expect(c).toBeDefined();
            expect(error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { reason: 'noDiscount' } });
            return;
          }
          const total = q.discounts.reduce((sum, d) => sum + d.amountFen, 0);
          expect(q.payFen).toBe(list - total);
          for (const d of q.discounts) expect(d.amountFen).toBeGreaterThanOrEqual(1);
          if (q.discounts.length > 0) expect(q.payFen).toBeGreaterThanOrEqual(RAIL_MINIMUM_FEN[rail]);
          expect(q.payFen).toBeLessThanOrEqual(Math.max(list, 0));
          expect(q.discounts.filter((d) => d.kind === 'coupon').length).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('usableClaims', () => {
  it('keeps the claims that take something off now, the most first, then the soonest to end', () => {
    const big = coupon({ kind: 'amount', amountFen: 3000 }, { _id: 'big' });
    const soon = coupon({ kind: 'amount', amountFen: 1000 }, { _id: 'soon', endsAt: '2025-06-05T00:00:00.000Z' });
    const late = coupon({ kind: 'amount', amountFen: 1000 }, { _id: 'late' });
    const over = coupon({ kind: 'threshold', thresholdFen: 9000, amountFen: 2000 }, { _id: 'over' });
    const other = coupon({ kind: 'amount', amountFen: 1000 }, { _id: 'other', appliesTo: { bundleIds: ['vip'] } });
    const claims = [late, over, soon, other, big].map((c) => ({
      userCoupon: userCoupon({ couponId: c._id }),
      coupon: c,
    }));
    const usable = usableClaims(claims, {
      target: COURSE,
      listPriceFen: 9900,
      promotions: [promotion()],
      rail: 'wxpay',
      now: MID,
    });
    expect(usable.map((c) => [c.coupon._id, c.amountFen])).toEqual([
      ['big', 3000],
      ['soon', 1000],
      ['late', 1000],
    ]);
  });
});

describe('orderPriceStillValid', () => {
  const order = {
    listPriceFen: 9900,
    amountFen: 4900,
    discounts: [{ kind: 'promotion' as const, id: 'p1', label: '限时特惠', amountFen: 5000 }],
    expiresAt: '2025-06-08T00:30:00.000Z',
  };
  const afterWindow = AT('2025-06-08T00:10:00.000Z');

  it('keeps a promotion price after the window ends, until the order expires', () => {
    expect(orderPriceStillValid(order, { listPriceFen: 9900, payFen: 9900 }, afterWindow)).toBe(true);
    expect(orderPriceStillValid(order, { listPriceFen: 9900, payFen: 9900 }, AT(order.expiresAt))).toBe(false);
  });

  it('replaces the order when its price no longer applies to the learner', () => {
    // A cheaper price now, a changed list price, another coupon asked for.
    expect(orderPriceStillValid(order, { listPriceFen: 9900, payFen: 3900 }, afterWindow)).toBe(false);
    expect(orderPriceStillValid(order, { listPriceFen: 12900, payFen: 12900 }, afterWindow)).toBe(false);
    expect(orderPriceStillValid(order, { listPriceFen: 9900, payFen: 8900, couponId: 'c1' }, afterWindow)).toBe(false);
    const withCoupon = {
      ...order,
      amountFen: 3900,
      discounts: [...order.discounts, { kind: 'coupon' as const, id: 'c1', label: '新人券', amountFen: 1000 }],
    };
    expect(orderPriceStillValid(withCoupon, { listPriceFen: 9900, payFen: 8900, couponId: 'c1' }, afterWindow)).toBe(
      true,
    );
    expect(orderPriceStillValid(withCoupon, { listPriceFen: 9900, payFen: 9900 }, afterWindow)).toBe(false);
  });

  it('keeps an unchanged price while the order lives', () => {
    expect(orderPriceStillValid(order, { listPriceFen: 9900, payFen: 4900 }, MID)).toBe(true);
  });
});
