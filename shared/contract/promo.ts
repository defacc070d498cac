/**
 * The `promo` function (issue 14): prices as they would be charged now, the coupons a learner may claim or holds,
 * and redemption codes. Every figure comes from the server (shared/promo); the client only names what it asks about.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DocId } from './catalog';
import type { RequestOf } from './handler';
import { exactlyOneOf, Line, StringEnum } from './validation';

/** 立减 (a fixed amount off), 折扣 (a percentage off), 满减 (an amount off at or above a threshold). */
export const COUPON_KINDS = ['amount', 'percent', 'threshold'] as const;
export type CouponKind = (typeof COUPON_KINDS)[number];

/**
 * A claimed coupon's state as the learner sees it: `usable`; `held` by a pending order (back to usable when the order
 * closes); `used` by a paid order; `paused` while the creator paused the coupon (usable again once resumed, listed
 * under the `usable` filter); `expired` once its window has ended or the creator revoked it, unless used or held.
 */
export const MY_COUPON_STATUSES = ['usable', 'held', 'used', 'paused', 'expired'] as const;
export type MyCouponStatus = (typeof MY_COUPON_STATUSES)[number];

/** The `mine` filter: `usable` also lists the coupons held by a pending order. */
export const MY_COUPON_FILTERS = ['usable', 'used', 'expired'] as const;
export type MyCouponFilter = (typeof MY_COUPON_FILTERS)[number];

export const DISCOUNT_KINDS = ['promotion', 'coupon'] as const;
export type DiscountKind = (typeof DISCOUNT_KINDS)[number];

/** What a code may look like when typed: 16 characters in groups, with whatever spaces or dashes a person adds. */
const RedeemCodeInput = Line({ minLength: 1, maxLength: 40 });

/** A course or a bundle: exactly one of the two. */
const TARGET = exactlyOneOf(['courseId', 'bundleId']);

export const promoActions = {
  /** What `order.create` would charge now for the course or bundle, with that coupon (absent: none). */
  quote: Type.Object(
    { courseId: Type.Optional(DocId), bundleId: Type.Optional(DocId), couponId: Type.Optional(DocId) },
    { additionalProperties: false, ...TARGET },
  ),
  /** The coupons the caller may claim now: for that course, or all. */
  coupons: Type.Object({ courseId: Type.Optional(DocId) }, { additionalProperties: false }),
  claim: Type.Object({ couponId: DocId }, { additionalProperties: false }),
  mine: Type.Object({ status: Type.Optional(StringEnum(MY_COUPON_FILTERS)) }, { additionalProperties: false }),
  redeem: Type.Object({ code: RedeemCodeInput }, { additionalProperties: false }),
};

export type PromoRequest = RequestOf<typeof promoActions>;
export type PromoQuoteParams = Static<typeof promoActions.quote>;
export type PromoCouponsParams = Static<typeof promoActions.coupons>;
export type PromoClaimParams = Static<typeof promoActions.claim>;
export type PromoMineParams = Static<typeof promoActions.mine>;
export type PromoRedeemParams = Static<typeof promoActions.redeem>;

/** A coupon as a learner sees it. Times are ISO-8601; the window is [startsAt, endsAt). */
export const Coupon = Type.Object({
  id: Type.String(),
  /** The creator's name for it, e.g. `新人专享`. */
  title: Type.String(),
  /** Its figure in words, e.g. `立减 ¥20`, `8.5 折`, `满 ¥100 减 ¥20` (shared/promo/labels.ts). */
  label: Type.String(),
  kind: StringEnum(COUPON_KINDS),
  /** `amount` and `threshold`: the amount off. */
  amountFen: Type.Optional(Type.Integer({ minimum: 1 })),
  /** `percent`: the percentage taken off, 15 = 15 % off (8.5 折). */
  percentOff: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
  /** `percent`: at most this much off. */
  maxOffFen: Type.Optional(Type.Integer({ minimum: 1 })),
  /** `threshold`: the price in force must be at least this. */
  thresholdFen: Type.Optional(Type.Integer({ minimum: 1 })),
  startsAt: Type.String(),
  endsAt: Type.String(),
  /** What it applies to, in words: `全部课程和会员`, `指定 3 门课程`, … */
  appliesTo: Type.String(),
  /** Coupons left to claim. */
  remaining: Type.Integer({ minimum: 0 }),
  /** How many one learner may claim. */
  perLearner: Type.Integer({ minimum: 1 }),
});
export type Coupon = Static<typeof Coupon>;

/** A coupon the learner claimed. */
export const MyCoupon = Type.Object({
  /** The claim's id (a learner may hold several claims of one coupon, up to its `perLearner`). */
  id: Type.String(),
  status: StringEnum(MY_COUPON_STATUSES),
  claimedAt: Type.String(),
  /** The order holding (`held`) or having used (`used`) it. */
  orderId: Type.Optional(Type.String()),
  coupon: Coupon,
});
export type MyCoupon = Static<typeof MyCoupon>;

/** One line of a price: a limited-time price or a coupon, and what it takes off the list price. */
export const Discount = Type.Object({
  kind: StringEnum(DISCOUNT_KINDS),
  /** The promotion's or the coupon's id. */
  id: Type.String(),
  label: Type.String(),
  amountFen: Type.Integer({ minimum: 1 }),
});
export type Discount = Static<typeof Discount>;

export interface PromoQuoteData {
  listPriceFen: number;
  /** The promotion first, then the coupon; `payFen = listPriceFen − Σ amountFen`. */
  discounts: Discount[];
  payFen: number;
  /** The caller's coupons that would take something off this price now, the best first. */
  usableCoupons: MyCoupon[];
}

export interface PromoCouponsData {
  items: Coupon[];
}

export interface PromoClaimData {
  coupon: MyCoupon;
}

export interface PromoMineData {
  items: MyCoupon[];
}

/**
 * Why `claim` refuses: `limit` (the learner holds as many as one may) is CONFLICT, the others FAILED_PRECONDITION
 * (`soldOut`: none left; `notStarted`, `ended`: outside the window; `revoked` by the creator; `paused` by the creator
 * until resumed).
 */
export const CLAIM_REFUSAL_REASONS = ['soldOut', 'limit', 'notStarted', 'ended', 'revoked', 'paused'] as const;
export type ClaimRefusalReason = (typeof CLAIM_REFUSAL_REASONS)[number];

/** `details` of the error by which `claim` refuses. */
export interface PromoClaimRefusalDetails {
  reason: ClaimRefusalReason;
}

export interface PromoRedeemData {
  access: {
    courseId?: string;
    bundleId?: string;
    via: 'redeem';
    /** ISO-8601; absent = for life. */
    until?: string;
  };
}

export interface PromoResponses {
  quote: PromoQuoteData;
  coupons: PromoCouponsData;
  claim: PromoClaimData;
  mine: PromoMineData;
  redeem: PromoRedeemData;
}
