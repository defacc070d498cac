/**
 * What an order's payment and refund write to the coupon claim it holds (../coupons.ts), through the real
 * wx-server-sdk against the local cloud: the claim as stored after each outcome, a redelivered payment that must not
 * rewrite it, a claim used or lost meanwhile, and whether a refund finds the order's coupon still valid.
 */
import { getById, inTransaction } from '../../db';
import { COLLECTIONS } from '../../collections';
import type { UserCouponDoc } from '../../promo/documents';
import type { OrderDoc } from '../model';
import { claimAfterPayment, claimState, couponStillValid, giveClaimBack } from '../coupons';
import { useClockedOrders } from '../../../testing/order-platforms';

const DAY = 86_400_000;
const T0 = '2026-11-01T08:00:00.000Z';

const world = useClockedOrders('claims');

let made = 0;

/** A stored claim (without `_openid`'s owner check: the domain writes it as the server). */
async function claim(fields: Partial<UserCouponDoc>): Promise<string> {
  made += 1;
  const _id = `claim-${made}`;
  const doc = { _openid: 'learner', couponId: 'c', status: 'usable', claimedAt: T0, ...fields };
  await world.db.collection(COLLECTIONS.userCoupons).doc(_id).set({ data: doc });
  return _id;
}

const stored = async (id: string) => {
  const doc = await getById<UserCouponDoc>(world.db, COLLECTIONS.userCoupons, id);
  if (doc === null) return null;
  const { _id, ...rest } = doc;
  return rest;
};

const order = (id: string, fields: Partial<OrderDoc> = {}) => ({ _id: id, ...fields }) as OrderDoc;

/** The claim's outcome of a payment: whether it was taken, and the claim after `settle(action)`. */
async function pay(claimId: string | undefined, orderId: string, action: 'consume' | 'release', now = new Date()) {
  const taken = await inTransaction(world.db, async (tx) => {
    const inPayment = await claimAfterPayment(tx, order(orderId, { couponClaimId: claimId }), now);
    await inPayment.settle(action);
    return inPayment.taken;
  });
  return { taken, claim: claimId === undefined ? null : await stored(claimId) };
}

describe('claimState: a stored claim as the coupon rules see it', () => {
  const base = { _id: 'x', _openid: 'o', couponId: 'c', claimedAt: T0 };
  it('a usable claim is usable whatever order id it still carries', () => {
    expect(claimState({ ...base, status: 'usable', orderId: 'old' })).toEqual({ status: 'usable' });
  });
  it('a held or used claim without its order counts as usable (the reader refuses such a document)', () => {
    expect(claimState({ ...base, status: 'held' })).toEqual({ status: 'usable' });
    expect(claimState({ ...base, status: 'used' })).toEqual({ status: 'usable' });
  });
  it('a held or used claim keeps its order', () => {
    expect(claimState({ ...base, status: 'held', orderId: 'o1' })).toEqual({ status: 'held', orderId: 'o1' });
    expect(claimState({ ...base, status: 'used', orderId: 'o1' })).toEqual({ status: 'used', orderId: 'o1' });
  });
});

describe('a payment and the claim its order holds', () => {
  it('an order without a claim is not taken and writes nothing', async () => {
    expect(await pay(undefined, 'o-none', 'consume')).toEqual({ taken: false, claim: null });
  });

  it('a claim that no longer exists counts as taken: the payment cannot have the discount', async () => {
    expect((await pay('claim-missing', 'o-missing', 'consume')).taken).toBe(true);
    expect(await stored('claim-missing')).toBeNull();
  });

  it('the payment uses the claim it held, at the time of payment', async () => {
    const id = await claim({ status: 'held', orderId: 'o-pay' });
    const now = new Date('2026-11-02T09:30:00.000Z');
    expect(await pay(id, 'o-pay', 'consume', now)).toEqual({
      taken: false,
      claim: {
        _openid: 'learner',
        couponId: 'c',
        status: 'used',
        orderId: 'o-pay',
        claimedAt: T0,
        usedAt: now.toISOString(),
      },
    });
  });

  it('a payment delivered again does not rewrite the claim it already used', async () => {
    const id = await claim({ status: 'used', orderId: 'o-again', usedAt: T0 });
    const again = await pay(id, 'o-again', 'consume', new Date('2026-11-05T00:00:00.000Z'));
    expect(again).toEqual({
      taken: false,
      claim: { _openid: 'learner', couponId: 'c', status: 'used', orderId: 'o-again', claimedAt: T0, usedAt: T0 },
    });
  });

  it('a claim another order used is taken, and releasing it leaves it with that order', async () => {
    const id = await claim({ status: 'used', orderId: 'o-first', usedAt: T0 });
    const before = await stored(id);
    expect(await pay(id, 'o-second', 'release')).toEqual({ taken: true, claim: before });
  });

  it('a refused payment gives the claim back usable, with neither its order nor a use time', async () => {
    const id = await claim({ status: 'held', orderId: 'o-refused' });
    expect(await pay(id, 'o-refused', 'release')).toEqual({
      taken: false,
      claim: { _openid: 'learner', couponId: 'c', status: 'usable', claimedAt: T0 },
    });
  });
});

describe('a refund and the claim its order used', () => {
  const refund = async (claimId: string, orderId: string, valid: boolean) => {
    await inTransaction(world.db, (tx) => giveClaimBack(tx, order(orderId, { couponClaimId: claimId }), valid, T0));
    return stored(claimId);
  };

  it('gives it back usable while the coupon is valid', async () => {
    const id = await claim({ status: 'used', orderId: 'o-r1', usedAt: T0 });
    expect(await refund(id, 'o-r1', true)).toEqual({
      _openid: 'learner',
      couponId: 'c',
      status: 'usable',
      claimedAt: T0,
    });
  });

  it('keeps it used when the coupon has ended, or when another order used it', async () => {
    const ended = await claim({ status: 'used', orderId: 'o-r2', usedAt: T0 });
    expect((await refund(ended, 'o-r2', false))?.status).toBe('used');
    const other = await claim({ status: 'used', orderId: 'o-r3', usedAt: T0 });
    expect(await refund(other, 'o-not-r3', true)).toMatchObject({ status: 'used', orderId: 'o-r3' });
  });
});

describe('couponStillValid: whether a refunded order finds its coupon valid now', () => {
  const now = () => world.deps.clock();
  async function coupon(id: string, fields: Record<string, unknown> = {}): Promise<string> {
    await world.db
      .collection(COLLECTIONS.coupons)
      .doc(id)
      .set({
        data: {
          title: '立减 10',
          kind: 'amount',
          amountFen: 1000,
          appliesTo: { all: true },
          startsAt: new Date(now().getTime() - DAY).toISOString(),
          endsAt: new Date(now().getTime() + DAY).toISOString(),
          stock: 10,
          claimed: 1,
          perLearner: 1,
          status: 'active',
          createdAt: T0,
          ...fields,
        },
      });
    return id;
  }
  const withDiscounts = (discounts: OrderDoc['discounts']) => order('o-valid', { discounts });
  const couponOff = (id: string) => ({ kind: 'coupon' as const, id, label: '立减 10', amountFen: 1000 });

  it('is true for an active coupon inside its window', async () => {
    const id = await coupon('valid-active');
    expect(await couponStillValid(world.deps, withDiscounts([couponOff(id)]))).toBe(true);
  });

  it('finds the coupon among the discounts, never a promotion of the same id', async () => {
    const id = await coupon('valid-beside-promotion');
    const promotion = { kind: 'promotion' as const, id, label: '限时特惠', amountFen: 500 };
    expect(await couponStillValid(world.deps, withDiscounts([promotion]))).toBe(false);
    expect(await couponStillValid(world.deps, withDiscounts([promotion, couponOff(id)]))).toBe(true);
  });

  it('is false without a coupon, for a coupon gone, ended, revoked or unreadable', async () => {
    expect(await couponStillValid(world.deps, withDiscounts(undefined))).toBe(false);
    expect(await couponStillValid(world.deps, withDiscounts([couponOff('valid-gone')]))).toBe(false);
    const ended = await coupon('valid-ended', { endsAt: new Date(now().getTime() - 1).toISOString() });
    expect(await couponStillValid(world.deps, withDiscounts([couponOff(ended)]))).toBe(false);
    const revoked = await coupon('valid-revoked', { status: 'revoked' });
    expect(await couponStillValid(world.deps, withDiscounts([couponOff(revoked)]))).toBe(false);
    const unreadable = await coupon('valid-unreadable', { stock: 0 });
    expect(await couponStillValid(world.deps, withDiscounts([couponOff(unreadable)]))).toBe(false);
  });
});
