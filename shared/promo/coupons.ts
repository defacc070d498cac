/**
 * Coupons a learner claims and spends: the claim rule, the lifecycle of a claim, and its status as the learner sees
 * it. Pure: the promo function applies the decisions in one transaction (the coupon's `claimed` raised only while
 * below `stock`, the claim written under `userCouponId`), so N learners claiming the last one get exactly one claim.
 *
 * Lifecycle of a claim (`USER_COUPON_TRANSITIONS`):
 * - `usable → held(order)` when a pending order takes it (only while the coupon may be used);
 * - `held(order) → usable` when that order closes or fails;
 * - `held(order) → used(order)` when that order is paid; also `usable → used(order)` when a closed order whose hold
 *   was released is paid late and nothing has taken the coupon since. A payment of an order that no longer holds
 *   the coupon while another order holds or used it is refused: that payment is refunded by the system;
 * - `used(order) → usable` when that order is refunded, only if the coupon is still valid; otherwise it stays used.
 */
import { AppError, type ClaimRefusalReason, type ErrorCode, type MyCouponStatus } from '../contract';
import type { CouponDoc, UserCouponDoc, UserCouponStatus } from './documents';
import { inWindow } from './windows';

/** Coupons left to claim. */
export function remainingStock(coupon: CouponDoc): number {
  return Math.max(0, coupon.stock - coupon.claimed);
}

export type ClaimDecision = { ok: true } | { ok: false; reason: ClaimRefusalReason };

/**
 * Whether a learner who holds `claimedByLearner` claims of the coupon (any status) may claim one more at `now`.
 * Checked in this order: paused or revoked, before the window, after it, the learner's limit, the stock; so a learner
 * who has their coupon is told so even when none is left.
 */
export function claimDecision(coupon: CouponDoc, claimedByLearner: number, now: Date): ClaimDecision {
  if (coupon.status === 'paused') return { ok: false, reason: 'paused' };
  if (coupon.status !== 'active') return { ok: false, reason: 'revoked' };
  if (now.getTime() < Date.parse(coupon.startsAt)) return { ok: false, reason: 'notStarted' };
  if (now.getTime() >= Date.parse(coupon.endsAt)) return { ok: false, reason: 'ended' };
  if (claimedByLearner >= coupon.perLearner) return { ok: false, reason: 'limit' };
  if (remainingStock(coupon) === 0) return { ok: false, reason: 'soldOut' };
  return { ok: true };
}

/** The error code and the learner's message of each refusal. */
export const CLAIM_REFUSALS: Record<ClaimRefusalReason, { code: ErrorCode; message: string }> = {
  soldOut: { code: 'FAILED_PRECONDITION', message: '优惠券已被领完' },
  limit: { code: 'CONFLICT', message: '你已领取过这张优惠券' },
  notStarted: { code: 'FAILED_PRECONDITION', message: '优惠券还未开始领取' },
  ended: { code: 'FAILED_PRECONDITION', message: '优惠券已过期' },
  revoked: { code: 'FAILED_PRECONDITION', message: '优惠券已失效' },
  paused: { code: 'FAILED_PRECONDITION', message: '优惠券已暂停领取，请稍后再试' },
};

/** The error `promo.claim` answers, with `details.reason`. */
export function claimRefusalError(reason: ClaimRefusalReason): AppError {
  const { code, message } = CLAIM_REFUSALS[reason];
  return new AppError(code, message, { reason });
}

/** Whether a claimed coupon may be used at `now`: the coupon is active and inside its window. */
export function couponValid(coupon: CouponDoc, now: Date): boolean {
  return coupon.status === 'active' && inWindow(coupon, now);
}

/**
 * The status the learner sees: a usable claim whose coupon is no longer valid shows as expired, or as paused while
 * the creator paused the coupon inside its window.
 */
export function myCouponStatus(userCoupon: UserCouponDoc, coupon: CouponDoc, now: Date): MyCouponStatus {
  if (userCoupon.status !== 'usable') return userCoupon.status;
  if (coupon.status === 'paused' && inWindow(coupon, now)) return 'paused';
  return couponValid(coupon, now) ? 'usable' : 'expired';
}

/** Every stored status change a claim may make. */
export const USER_COUPON_TRANSITIONS: Record<UserCouponStatus, readonly UserCouponStatus[]> = {
  usable: ['held', 'used'],
  held: ['usable', 'used'],
  used: ['usable'],
};

export function canTransitionCoupon(from: UserCouponStatus, to: UserCouponStatus): boolean {
  return USER_COUPON_TRANSITIONS[from].includes(to);
}

/** A claim's stored state. */
export type CouponState = { status: 'usable' } | { status: 'held' | 'used'; orderId: string };

/** What happens to a claim: an order takes it, closes, is paid, is refunded. */
export type CouponEvent =
  | { type: 'hold'; orderId: string }
  | { type: 'release'; orderId: string }
  | { type: 'consume'; orderId: string }
  | { type: 'refund'; orderId: string };

/**
 * The state after `event`, or undefined when the event may not act on this claim (held or used by another order, or
 * an order taking a coupon no longer valid). Repeating an event gives the same state (a retried transaction writes
 * nothing new). `valid` is `couponValid(coupon, now)`.
 */
export function nextCouponState(state: CouponState, event: CouponEvent, valid: boolean): CouponState | undefined {
  const mine = state.status !== 'usable' && state.orderId === event.orderId;
  switch (event.type) {
    case 'hold':
      if (state.status === 'usable') return valid ? { status: 'held', orderId: event.orderId } : undefined;
      return state.status === 'held' && mine ? state : undefined;
    case 'release':
      if (state.status === 'usable') return state;
      return state.status === 'held' && mine ? { status: 'usable' } : undefined;
    case 'consume':
      if (state.status === 'usable' || (state.status === 'held' && mine)) {
        return { status: 'used', orderId: event.orderId };
      }
      return state.status === 'used' && mine ? state : undefined;
    case 'refund':
      if (state.status !== 'used' || !mine) return state.status === 'usable' ? state : undefined;
      return valid ? { status: 'usable' } : state;
  }
}
