import fc from 'fast-check';
import {
  canTransitionCoupon,
  claimDecision,
  claimRefusalError,
  myCouponStatus,
  nextCouponState,
  remainingStock,
  type CouponEvent,
  type CouponState,
} from '../coupons';
import { AT, coupon, T0, T1, userCoupon } from './fixtures';

const MID = AT('2025-06-04T00:00:00.000Z');
const amount = { kind: 'amount' as const, amountFen: 1000 };

describe('claimDecision', () => {
  it('allows a claim inside the window while stock and the limit allow', () => {
    expect(claimDecision(coupon(amount, { stock: 10, claimed: 9 }), 0, MID)).toEqual({ ok: true });
    expect(claimDecision(coupon(amount, { perLearner: 3 }), 2, AT(T0))).toEqual({ ok: true });
  });

  it.each([
    ['revoked', coupon(amount, { status: 'revoked' }), 0, MID],
    ['notStarted', coupon(amount), 0, AT('2025-05-31T23:59:59.999Z')],
    ['ended', coupon(amount), 0, AT(T1)],
    ['limit', coupon(amount, { perLearner: 2 }), 2, MID],
    ['soldOut', coupon(amount, { stock: 10, claimed: 10 }), 0, MID],
    // The learner who has theirs is told so, even when none is left.
    ['limit', coupon(amount, { stock: 10, claimed: 10 }), 1, MID],
  ] as const)('refuses with %s', (reason, doc, claimed, now) => {
    expect(claimDecision(doc, claimed, now)).toEqual({ ok: false, reason });
  });

  it('answers FAILED_PRECONDITION soldOut and CONFLICT past the limit', () => {
    expect(claimRefusalError('soldOut')).toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: '优惠券已被领完',
      details: { reason: 'soldOut' },
    });
    expect(claimRefusalError('limit')).toMatchObject({ code: 'CONFLICT', details: { reason: 'limit' } });
  });

  it('never lets claims exceed the stock, however many learners ask one after another', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 80 }),
        (stock, perLearner, askers) => {
          let doc = coupon(amount, { stock, perLearner });
          const held = new Map<number, number>();
          for (const learner of askers) {
            const mine = held.get(learner) ?? 0;
            const decision = claimDecision(doc, mine, MID);
            if (decision.ok) {
              doc = { ...doc, claimed: doc.claimed + 1 };
              held.set(learner, mine + 1);
            } else {
              expect(decision.reason === 'limit' ? mine >= perLearner : remainingStock(doc) === 0).toBe(true);
            }
          }
          expect(doc.claimed).toBeLessThanOrEqual(stock);
          expect(remainingStock(doc)).toBe(stock - doc.claimed);
          for (const count of held.values()) expect(count).toBeLessThanOrEqual(perLearner);
        },
      ),
    );
  });
});

describe('myCouponStatus', () => {
  it('derives expired from the window and the coupon status, never for a held or used claim', () => {
    const doc = coupon(amount);
    expect(myCouponStatus(userCoupon(), doc, MID)).toBe('usable');
    expect(myCouponStatus(userCoupon(), doc, AT(T1))).toBe('expired');
    expect(myCouponStatus(userCoupon(), { ...doc, status: 'revoked' }, MID)).toBe('expired');
    expect(myCouponStatus(userCoupon({ status: 'held', orderId: 'o' }), doc, AT(T1))).toBe('held');
    expect(myCouponStatus(userCoupon({ status: 'used', orderId: 'o' }), doc, AT(T1))).toBe('used');
  });
});

describe('nextCouponState', () => {
  const usable: CouponState = { status: 'usable' };
  const heldA: CouponState = { status: 'held', orderId: 'A' };
  const usedA: CouponState = { status: 'used', orderId: 'A' };

  it.each<[CouponState, CouponEvent, boolean, CouponState | undefined]>([
    [usable, { type: 'hold', orderId: 'A' }, true, heldA],
    [usable, { type: 'hold', orderId: 'A' }, false, undefined],
    [heldA, { type: 'hold', orderId: 'A' }, true, heldA],
    [heldA, { type: 'hold', orderId: 'B' }, true, undefined],
    [heldA, { type: 'release', orderId: 'A' }, true, usable],
    [heldA, { type: 'release', orderId: 'B' }, true, undefined],
    [usable, { type: 'release', orderId: 'A' }, true, usable],
    [heldA, { type: 'consume', orderId: 'A' }, false, usedA],
    [usedA, { type: 'consume', orderId: 'A' }, true, usedA],
    // A late payment of a closed order takes the coupon if nothing has since…
    [usable, { type: 'consume', orderId: 'A' }, false, usedA],
    // …and is refused (so refunded by the system) when another order holds or used it.
    [{ status: 'held', orderId: 'B' }, { type: 'consume', orderId: 'A' }, true, undefined],
    [{ status: 'used', orderId: 'B' }, { type: 'consume', orderId: 'A' }, true, undefined],
    [usedA, { type: 'refund', orderId: 'A' }, true, usable],
    [usedA, { type: 'refund', orderId: 'A' }, false, usedA],
    [usedA, { type: 'refund', orderId: 'B' }, true, undefined],
  ])('%j on %j (valid %s) → %j', (state, event, valid, next) => {
    expect(nextCouponState(state, event, valid)).toEqual(next);
  });

  const events = fc.record({
    type: fc.constantFrom('hold', 'release', 'consume', 'refund' as const),
    orderId: fc.constantFrom('A', 'B', 'C'),
    valid: fc.boolean(),
  });

  it('changes state only along the allowed transitions, and no two orders ever both have consumed it', () => {
    fc.assert(
      fc.property(fc.array(events, { maxLength: 60 }), (sequence) => {
        let state: CouponState = { status: 'usable' };
        /** The order whose payment used the coupon, until a refund gives it back. */
        let usedBy: string | undefined;
        for (const { valid, ...event } of sequence) {
          const next = nextCouponState(state, event as CouponEvent, valid);
          if (next === undefined) continue;
          if (next.status !== state.status) expect(canTransitionCoupon(state.status, next.status)).toBe(true);
          if (event.type === 'consume') {
            expect(usedBy === undefined || usedBy === event.orderId).toBe(true);
            usedBy = event.orderId;
          }
          if (next.status === 'usable') usedBy = undefined;
          if (next.status === 'held' && state.status === 'usable') expect(valid).toBe(true);
          state = next;
        }
      }),
    );
  });

  it('is idempotent: repeating an accepted event changes nothing', () => {
    fc.assert(
      fc.property(fc.array(events, { maxLength: 30 }), (sequence) => {
        let state: CouponState = { status: 'usable' };
        for (const { valid, ...event } of sequence) {
          const next = nextCouponState(state, event as CouponEvent, valid);
          if (next === undefined) continue;
          if (!(event.type === 'refund' && !valid))
            expect(nextCouponState(next, event as CouponEvent, valid)).toEqual(next);
          state = next;
        }
      }),
    );
  });
});
