/**
 * What a course or a bundle costs now, for every learner alike (no per-learner prices, PIPL Art. 24): the list
 * price, the limited-time price in force, at most one coupon, and never below the rail's minimum.
 *
 * - A limited-time price applies in its window [startsAt, endsAt); of several at once, the lowest.
 * - A coupon applies to the price in force. Percent off: the learner pays `floor(price × (100 − percentOff) / 100)`,
 *   so the discount is rounded up, in the learner's favour; a threshold coupon needs a price in force of at least
 *   its threshold.
 * - The payable never goes below the rail's minimum (1 fen on WeChat Pay, ¥1 on virtual payment): a discount that
 *   would is capped so the payable stays at the minimum, and a list price already at or below it gets no discount.
 * - `payFen = listPriceFen − Σ discounts`; every discount listed takes at least 1 fen off.
 */
import { AppError, type Discount, type PayRail } from '../contract';
import type { CouponDoc, CouponTerms, PromotionDoc, UserCouponDoc } from './documents';
import { yuanText } from './labels';
import { inWindow } from './windows';

/** The least a rail can charge: cloudPay takes 1 fen; 小程序虚拟支付 ¥1 (platform-facts.md, virtual payment). */
export const RAIL_MINIMUM_FEN: Record<PayRail, number> = { wxpay: 1, virtual: 100 };

/** What is being priced; a course's category decides category-scoped coupons. */
export type PricedTarget = { kind: 'course'; id: string; category: string } | { kind: 'bundle'; id: string };

/** Whether a promotion's price applies now (its target is the caller's to match). */
export function promotionRuns(promotion: PromotionDoc, now: Date): boolean {
  return promotion.status === 'active' && inWindow(promotion, now);
}

export interface PriceInForce {
  priceFen: number;
  /** The promotion that sets it; absent = the list price. */
  promotion?: PromotionDoc;
}

/**
 * The price in force at `now` given the target's promotions: the lowest running promotion below the list price (the
 * earliest ending, then the smallest id, among equal ones), else the list price.
 */
export function priceInForce(listPriceFen: number, promotions: readonly PromotionDoc[], now: Date): PriceInForce {
  let best: PromotionDoc | undefined;
  for (const p of promotions) {
    if (!promotionRuns(p, now) || p.priceFen >= listPriceFen) continue;
    if (!best || compareOffers(p, best) < 0) best = p;
  }
  return best ? { priceFen: best.priceFen, promotion: best } : { priceFen: listPriceFen };
}

function compareOffers(a: PromotionDoc, b: PromotionDoc): number {
  return a.priceFen - b.priceFen || Date.parse(a.endsAt) - Date.parse(b.endsAt) || (a._id < b._id ? -1 : 1);
}

/**
 * The amount a coupon takes off `baseFen` (the price in force), capped so that at least `minimumFen` is paid; 0 when
 * it takes nothing (a threshold not reached, or a base already at or below the minimum).
 */
export function applyCoupon(terms: CouponTerms, baseFen: number, minimumFen: number): number {
  if (baseFen <= minimumFen) return 0;
  let off: number;
  switch (terms.kind) {
    case 'amount':
      off = terms.amountFen;
      break;
    case 'percent':
      off = baseFen - Math.floor((baseFen * (100 - terms.percentOff)) / 100);
      if (terms.maxOffFen !== undefined) off = Math.min(off, terms.maxOffFen);
      break;
    case 'threshold':
      off = baseFen >= terms.thresholdFen ? terms.amountFen : 0;
      break;
  }
  return Math.min(off, baseFen - minimumFen);
}

/** Why a coupon cannot be used on a target now, whatever the price. */
export type CouponRefusal = 'revoked' | 'paused' | 'notStarted' | 'ended' | 'notForTarget';

export function couponRefusal(coupon: CouponDoc, target: PricedTarget, now: Date): CouponRefusal | undefined {
  if (coupon.status === 'paused') return 'paused';
  if (coupon.status !== 'active') return 'revoked';
  if (now.getTime() < Date.parse(coupon.startsAt)) return 'notStarted';
  if (now.getTime() >= Date.parse(coupon.endsAt)) return 'ended';
  return scopeCovers(coupon, target) ? undefined : 'notForTarget';
}

/** Whether the coupon may be used on the target now (status, window and scope; the threshold is `applyCoupon`'s). */
export function couponApplies(coupon: CouponDoc, target: PricedTarget, now: Date): boolean {
  return couponRefusal(coupon, target, now) === undefined;
}

/** Whether the coupon's scope names the target, at any time. */
export function scopeCovers(coupon: CouponDoc, target: PricedTarget): boolean {
  const scope = coupon.appliesTo;
  if (scope.all) return true;
  if (target.kind === 'bundle') return scope.bundleIds?.includes(target.id) ?? false;
  return (scope.courseIds?.includes(target.id) ?? false) || (scope.categories?.includes(target.category) ?? false);
}

const REFUSAL_TEXT: Record<CouponRefusal, string> = {
  revoked: '这张优惠券已失效',
  paused: '这张优惠券已暂停使用，请稍后再试',
  notStarted: '这张优惠券还未到使用时间',
  ended: '这张优惠券已过期',
  notForTarget: '这张优惠券不适用于当前课程或会员',
};

export interface PriceQuote {
  listPriceFen: number;
  /** The promotion first, then the coupon. */
  discounts: Discount[];
  payFen: number;
}

export interface QuoteInput {
  target: PricedTarget;
  listPriceFen: number;
  /** The target's promotions (any state; only running ones count). */
  promotions: readonly PromotionDoc[];
  /** The coupon the learner chose; the caller has checked the learner may use it (coupons.ts). */
  coupon?: CouponDoc;
  rail: PayRail;
  now: Date;
}

/**
 * What an order for the target would charge now. A chosen coupon that cannot take anything off is refused
 * (FAILED_PRECONDITION, saying why) rather than silently dropped, so the learner never pays a price they did not see.
 */
export function quote(input: QuoteInput): PriceQuote {
  const { listPriceFen, coupon, now } = input;
  const minimumFen = RAIL_MINIMUM_FEN[input.rail];
  const discounts: Discount[] = [];
  let base = listPriceFen;

  const inForce = priceInForce(listPriceFen, input.promotions, now);
  if (inForce.promotion && listPriceFen > minimumFen) {
    base = Math.max(inForce.priceFen, minimumFen);
    discounts.push({
      kind: 'promotion',
      id: inForce.promotion._id,
      label: inForce.promotion.label,
      amountFen: listPriceFen - base,
    });
  }

  if (coupon) {
    const refusal = couponRefusal(coupon, input.target, now);
    if (refusal) throw new AppError('FAILED_PRECONDITION', REFUSAL_TEXT[refusal], { reason: refusal });
    const off = applyCoupon(coupon, base, minimumFen);
    if (off === 0) {
      const message =
        coupon.kind === 'threshold' && base > minimumFen && base < coupon.thresholdFen
          ? `未满 ${yuanText(coupon.thresholdFen)}，不能使用这张满减券`
          : '当前价格已是最低支付金额，不能再使用优惠券';
      throw new AppError('FAILED_PRECONDITION', message, { reason: 'noDiscount' });
    }
    discounts.push({ kind: 'coupon', id: coupon._id, label: coupon.title, amountFen: off });
    base -= off;
  }
  return { listPriceFen, discounts, payFen: base };
}

/** A claim the learner holds, with the coupon it is of. */
export interface Claim {
  userCoupon: UserCouponDoc;
  coupon: CouponDoc;
}

/**
 * Of the learner's usable claims (the caller passes only those `myCouponStatus` says are usable), those that would
 * take something off this target now, with how much: the most first, then the soonest to expire.
 */
export function usableClaims(
  claims: readonly Claim[],
  input: Omit<QuoteInput, 'coupon'>,
): (Claim & { amountFen: number })[] {
  const minimumFen = RAIL_MINIMUM_FEN[input.rail];
  const base = quote(input).payFen;
  return claims
    .filter(({ coupon }) => couponApplies(coupon, input.target, input.now))
    .map((c) => ({ ...c, amountFen: applyCoupon(c.coupon, base, minimumFen) }))
    .filter((c) => c.amountFen > 0)
    .sort((a, b) => b.amountFen - a.amountFen || Date.parse(a.coupon.endsAt) - Date.parse(b.coupon.endsAt));
}

/** What a pending order recorded of its price. */
export interface PendingPrice {
  listPriceFen: number;
  /** What the order charges. */
  amountFen: number;
  discounts: readonly Discount[];
  /** ISO-8601. */
  expiresAt: string;
}

/**
 * Whether a pending order may be paid at its own price instead of being replaced at checkout: it has not expired,
 * the list price is the one it was made at, the learner asks for the same coupon (or none), and it charges no more
 * than a new order would. Then the only way its price can differ is a promotion or coupon window that was open when
 * it was made and has closed since: such an order keeps its price until it expires (issue 14). `current` is the
 * quote a new order would get now, with `couponId` the coupon the learner asks for now.
 */
export function orderPriceStillValid(
  order: PendingPrice,
  current: { listPriceFen: number; payFen: number; couponId?: string },
  now: Date,
): boolean {
  if (now.getTime() >= Date.parse(order.expiresAt)) return false;
  if (order.listPriceFen !== current.listPriceFen) return false;
  const orderCoupon = order.discounts.find((d) => d.kind === 'coupon')?.id;
  if (orderCoupon !== current.couponId) return false;
  return order.amountFen <= current.payFen;
}
