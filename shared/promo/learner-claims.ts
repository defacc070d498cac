/**
 * Reading a learner's claims with their coupons: 2 database calls in sequence — the claims (`_openid` + `status`,
 * index owner_status) and the coupons they are of (`_id`). Only the caller's own claims are ever read: every query
 * fixes `_openid` to the openid the platform gave the call.
 */
import { found, type Database } from '../db';
import { COLLECTIONS } from '../collections';
import { readCoupon, readUserCoupon, type CouponDoc, type UserCouponStatus } from './documents';
import type { Claim } from './pricing';

/** A learner holds at most this many claims in one read (far more than a page of 我的优惠券 shows). */
export const MAX_CLAIMS = 200;

/** The coupons with these ids that pass their schema, by id (a deleted or broken one is absent). */
export async function couponsById(db: Database, ids: readonly string[]): Promise<Map<string, CouponDoc>> {
  if (ids.length === 0) return new Map();
  const rows = await found<unknown>(
    db
      .collection(COLLECTIONS.coupons)
      .where({ _id: db.command.in([...new Set(ids)]) })
      .limit(MAX_CLAIMS),
  );
  const coupons = new Map<string, CouponDoc>();
  for (const row of rows) {
    const read = readCoupon(row);
    if (read.ok) coupons.set(read.value._id, read.value);
  }
  return coupons;
}

/**
 * The learner's claims in the given stored states, newest first, each with its coupon. A claim that fails its schema
 * or whose coupon is gone is left out: it can neither be shown nor priced.
 */
export async function learnerClaims(
  db: Database,
  openid: string,
  statuses: readonly UserCouponStatus[],
): Promise<Claim[]> {
  const rows = await found<unknown>(
    db
      .collection(COLLECTIONS.userCoupons)
      .where({ _openid: openid, status: db.command.in([...statuses]) })
      .orderBy('claimedAt', 'desc')
      .limit(MAX_CLAIMS),
  );
  const userCoupons = rows.flatMap((row) => {
    const read = readUserCoupon(row);
    return read.ok && read.value._openid === openid ? [read.value] : [];
  });
  const coupons = await couponsById(
    db,
    userCoupons.map((c) => c.couponId),
  );
  return userCoupons.flatMap((userCoupon) => {
    const coupon = coupons.get(userCoupon.couponId);
    return coupon ? [{ userCoupon, coupon }] : [];
  });
}
