/**
 * `promo.claim`: one more claim of a coupon for the learner, never more than the stock nor the learner's limit, with
 * any number of claims at once.
 *
 * - The stock: the coupon's `claimed` is raised by a conditional update that matches only while `claimed < stock`
 *   (the database applies it to the document as it is at that moment), so of N learners claiming the last coupon
 *   exactly one update matches; the others read the coupon again and are told it is sold out.
 * - The learner's limit: the n-th claim is written under `userCouponId(openid, couponId, n)` with an insert, so two
 *   claims of the same slot collide on `_id` and the loser moves to the next slot; past `perLearner` there is none.
 * - Nothing stays written on a refusal: a stock raised for a claim that finds no free slot (or fails to insert) is
 *   given back with `inc(-1)`.
 *
 * Database calls: the coupon and the learner's count of its claims (in parallel), the update, the insert; more only
 * when claims race.
 */
import { AppError, type MyCoupon } from '../contract';
import { countWhere, getById, isDuplicateKey, updated, type Database } from '../db';
import { COLLECTIONS } from '../collections';
import { claimDecision, claimRefusalError } from './coupons';
import type { PromoDeps } from './deps';
import { readCoupon, userCouponId, type CouponDoc, type UserCouponDoc } from './documents';
import { toMyCoupon } from './views';

/** Reads before giving up when the coupon keeps changing under the claim (a creator editing its stock meanwhile). */
const ROUNDS = 3;

async function readClaimable(db: Database, openid: string, couponId: string): Promise<[CouponDoc, number]> {
  const [raw, held] = await Promise.all([
    getById<unknown>(db, COLLECTIONS.coupons, couponId),
    countWhere(db, COLLECTIONS.userCoupons, { _openid: openid, couponId }),
  ]);
  const read = raw === null ? undefined : readCoupon(raw);
  if (!read?.ok) throw new AppError('NOT_FOUND', '优惠券不存在', { field: 'couponId' });
  return [read.value, held];
}

/** Raises `claimed` by one if, at that moment, the coupon is still active, its stock unchanged and not used up. */
async function reserve(db: Database, coupon: CouponDoc): Promise<boolean> {
  const write = db
    .collection(COLLECTIONS.coupons)
    .where({ _id: coupon._id, status: 'active', stock: coupon.stock, claimed: db.command.lt(coupon.stock) })
    .update({ data: { claimed: db.command.inc(1) } });
  return (await updated(write)) === 1;
}

async function release(db: Database, couponId: string): Promise<void> {
  await db
    .collection(COLLECTIONS.coupons)
    .where({ _id: couponId, claimed: db.command.gt(0) })
    .update({ data: { claimed: db.command.inc(-1) } });
}

/** Inserts the learner's first free claim slot from `from` on, or undefined when every slot is taken. */
async function insertClaim(
  db: Database,
  openid: string,
  coupon: CouponDoc,
  from: number,
  claimedAt: string,
): Promise<UserCouponDoc | undefined> {
  for (let n = from; n <= coupon.perLearner; n++) {
    const claim: UserCouponDoc = {
      _id: userCouponId(openid, coupon._id, n),
      _openid: openid,
      couponId: coupon._id,
      status: 'usable',
      claimedAt,
    };
    try {
      await db.collection(COLLECTIONS.userCoupons).add({ data: claim });
      return claim;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  return undefined;
}

/** Claims one of the coupon for the learner, or throws the refusal (`claimRefusalError`) with nothing written. */
export async function claimCoupon(deps: PromoDeps, openid: string, couponId: string): Promise<MyCoupon> {
  const { db } = deps;
  const now = deps.now();
  for (let round = 0; round < ROUNDS; round++) {
    const [coupon, held] = await readClaimable(db, openid, couponId);
    const decision = claimDecision(coupon, held, now);
    if (!decision.ok) throw claimRefusalError(decision.reason);
    if (!(await reserve(db, coupon))) continue;
    let claim: UserCouponDoc | undefined;
    try {
      claim = await insertClaim(db, openid, coupon, held + 1, now.toISOString());
    } catch (error) {
      await release(db, couponId);
      throw error;
    }
    if (!claim) {
      await release(db, couponId);
      throw claimRefusalError('limit');
    }
    return toMyCoupon(claim, { ...coupon, claimed: coupon.claimed + 1 }, now);
  }
  throw new AppError('UNAVAILABLE', '优惠券正在更新，请稍后再试');
}
