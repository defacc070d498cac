/**
 * What an order does to the coupon claim it holds (shared/promo/coupons.ts has the rules): held while the order is
 * pending, released when it closes or fails, used by its payment — unless another order used it first, in which case
 * that payment is refunded by the system — and given back by a refund while the coupon is still valid. The claim is
 * the learner's own document, so writing it inside the order's transaction never meets another learner.
 */
import { getById, txGet, type Transaction } from '../db';
import { COLLECTIONS } from '../collections';
import { couponValid, nextCouponState, type CouponEvent, type CouponState } from '../promo/coupons';
import { readCoupon, type UserCouponDoc } from '../promo/documents';
import type { OrderDoc } from './model';
import type { OrderDeps } from './deps';

/** A stored claim as the rules of shared/promo/coupons.ts see it. */
export function claimState(claim: UserCouponDoc): CouponState {
  return claim.status === 'usable' || claim.orderId === undefined
    ? { status: 'usable' }
    : { status: claim.status, orderId: claim.orderId };
}

/** The claim as `next` leaves it, or null when nothing changes. */
function written(claim: UserCouponDoc, next: CouponState | undefined, at: string): UserCouponDoc | null {
  if (next === undefined) return null;
  const before = claimState(claim);
  if (
    next.status === before.status &&
    (next.status === 'usable' || next.orderId === (before as { orderId: string }).orderId)
  ) {
    return null;
  }
  const { orderId: _dropped, usedAt: _used, ...rest } = claim;
  if (next.status === 'usable') return { ...rest, status: 'usable' };
  return { ...rest, status: next.status, orderId: next.orderId, ...(next.status === 'used' ? { usedAt: at } : {}) };
}

async function save(tx: Transaction, claim: UserCouponDoc): Promise<void> {
  const { _id, ...data } = claim;
  await tx.collection(COLLECTIONS.userCoupons).doc(_id).set({ data });
}

/** The order's claim inside a payment's transaction. */
export interface ClaimInPayment {
  /** Another order used the claim since this order took it: the payment cannot have its discount. */
  taken: boolean;
  /** Writes what the payment's outcome does to the claim: used by it, or back to usable (a payment refunded). */
  settle(action: 'consume' | 'release'): Promise<void>;
}

const NO_CLAIM: ClaimInPayment = { taken: false, settle: async () => undefined };

/** Reads the order's claim inside the payment's transaction. */
export async function claimAfterPayment(tx: Transaction, order: OrderDoc, now: Date): Promise<ClaimInPayment> {
  if (order.couponClaimId === undefined) return NO_CLAIM;
  const claim = await txGet<UserCouponDoc>(tx, COLLECTIONS.userCoupons, order.couponClaimId);
  if (claim === null) return { taken: true, settle: async () => undefined };
  const event = (type: CouponEvent['type']) => nextCouponState(claimState(claim), { type, orderId: order._id }, true);
  return {
    taken: event('consume') === undefined,
    settle: async (action) => {
      const next = written(claim, event(action), now.toISOString());
      if (next) await save(tx, next);
    },
  };
}

/** Inside a refund's transaction: the claim the order used goes back to usable while its coupon is still valid. */
export async function giveClaimBack(tx: Transaction, order: OrderDoc, valid: boolean, at: string): Promise<void> {
  if (order.couponClaimId === undefined) return;
  const claim = await txGet<UserCouponDoc>(tx, COLLECTIONS.userCoupons, order.couponClaimId);
  if (claim === null) return;
  const next = written(claim, nextCouponState(claimState(claim), { type: 'refund', orderId: order._id }, valid), at);
  if (next) await save(tx, next);
}

/** Whether the order's coupon is still valid now (a refund gives the claim back only then). */
export async function couponStillValid(deps: Pick<OrderDeps, 'db' | 'clock'>, order: OrderDoc): Promise<boolean> {
  const couponId = order.discounts?.find((d) => d.kind === 'coupon')?.id;
  if (couponId === undefined) return false;
  const raw = await getById<unknown>(deps.db, COLLECTIONS.coupons, couponId);
  const read = raw === null ? undefined : readCoupon(raw);
  return read?.ok === true && couponValid(read.value, deps.clock());
}

/**
 * After the order closed: the claim it held is usable again. One conditional update on the learner's claim; one lost
 * (the instance dies in between) leaves the claim held by the closed order until the learner's next checkout of the
 * same course or bundle, which releases it again (checkout.ts).
 */
export async function releaseClaim(deps: Pick<OrderDeps, 'db'>, order: OrderDoc): Promise<void> {
  if (order.couponClaimId === undefined) return;
  const _ = deps.db.command;
  await deps.db
    .collection(COLLECTIONS.userCoupons)
    .where({ _id: order.couponClaimId, status: 'held', orderId: order._id })
    .update({ data: { status: 'usable', orderId: _.remove() } });
}
