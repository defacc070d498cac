/**
 * What a learner sees of a coupon and of their claims. Every field is picked by name, so a field a console edit adds
 * to a document never reaches a client.
 */
import type { Coupon, MyCoupon } from '../contract';
import type { CouponDoc, UserCouponDoc } from './documents';
import { myCouponStatus, remainingStock } from './coupons';
import { couponLabel, scopeText } from './labels';

export function toCoupon(coupon: CouponDoc): Coupon {
  const view: Coupon = {
    id: coupon._id,
    title: coupon.title,
    label: couponLabel(coupon),
    kind: coupon.kind,
    startsAt: coupon.startsAt,
    endsAt: coupon.endsAt,
    appliesTo: scopeText(coupon.appliesTo),
    remaining: remainingStock(coupon),
    perLearner: coupon.perLearner,
  };
  switch (coupon.kind) {
    case 'amount':
      view.amountFen = coupon.amountFen;
      break;
    case 'percent':
      view.percentOff = coupon.percentOff;
      if (coupon.maxOffFen !== undefined) view.maxOffFen = coupon.maxOffFen;
      break;
    case 'threshold':
      view.amountFen = coupon.amountFen;
      view.thresholdFen = coupon.thresholdFen;
      break;
  }
  return view;
}

export function toMyCoupon(userCoupon: UserCouponDoc, coupon: CouponDoc, now: Date): MyCoupon {
  const view: MyCoupon = {
    id: userCoupon._id,
    status: myCouponStatus(userCoupon, coupon, now),
    claimedAt: userCoupon.claimedAt,
    coupon: toCoupon(coupon),
  };
  if (userCoupon.orderId !== undefined) view.orderId = userCoupon.orderId;
  return view;
}
