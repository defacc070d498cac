/** Documents for the promo tests: valid by their schemas, with the fields each test varies given explicitly. */
import type { CouponDoc, CouponTerms, PromotionDoc, UserCouponDoc } from '../documents';

export const T0 = '2025-06-01T00:00:00.000Z';
export const T1 = '2025-06-08T00:00:00.000Z';
export const AT = (iso: string) => new Date(iso);

export function coupon(terms: CouponTerms, fields: Partial<Omit<CouponDoc, keyof CouponTerms>> = {}): CouponDoc {
  return {
    _id: 'c1',
    title: '新人券',
    startsAt: T0,
    endsAt: T1,
    stock: 10,
    claimed: 0,
    perLearner: 1,
    appliesTo: { all: true },
    status: 'active',
    createdAt: T0,
    ...fields,
    ...terms,
  };
}

export function promotion(fields: Partial<PromotionDoc> = {}): PromotionDoc {
  return {
    _id: 'p1',
    target: { kind: 'course', id: 'py-101' },
    priceFen: 4900,
    startsAt: T0,
    endsAt: T1,
    label: '限时特惠',
    status: 'active',
    createdAt: T0,
    ...fields,
  };
}

export function userCoupon(fields: Partial<UserCouponDoc> = {}): UserCouponDoc {
  return { _id: 'uc1', _openid: 'o1', couponId: 'c1', status: 'usable', claimedAt: T0, ...fields };
}
