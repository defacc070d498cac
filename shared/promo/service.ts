/**
 * The `promo` function's reading actions: `quote`, `coupons` and `mine` (`claim` is ./claim.ts, `redeem`
 * ./redeem.ts). Every figure is computed here from the documents; the client only names what it asks about.
 *
 * Database calls per action:
 * - `quote`: the rail (settings), the learner's claims (2, ./learner-claims.ts), then readOffer (./offer.ts: 2 to 4,
 *   in parallel);
 * - `coupons`: the running coupons (`status` + `endsAt`, index status_ends) beside the course when one is named, then
 *   the learner's claims of those coupons (`_openid` + `couponId`, index owner_coupon);
 * - `mine`: the learner's claims and their coupons (./learner-claims.ts).
 */
import {
  AppError,
  type MyCoupon,
  type MyCouponFilter,
  type MyCouponStatus,
  type PromoCouponsData,
  type PromoCouponsParams,
  type PromoMineData,
  type PromoMineParams,
  type PromoQuoteData,
  type PromoQuoteParams,
} from '../contract';
import type { CourseDoc } from '../catalog/schema';
import { found, getById } from '../db';
import { COLLECTIONS } from '../collections';
import { claimDecision, myCouponStatus } from './coupons';
import type { PromoDeps } from './deps';
import { readCoupon, type CouponDoc, type UserCouponStatus } from './documents';
import { learnerClaims, MAX_CLAIMS } from './learner-claims';
import { readOffer, type OfferTarget } from './offer';
import { scopeCovers, usableClaims, type Claim } from './pricing';
import { toCoupon, toMyCoupon } from './views';
import { isCourseOpen } from '../catalog/visibility';

/** Coupons running at once, in one read: far more than a creator issues. */
const MAX_COUPONS = 100;

export function offerTarget(params: { courseId?: string; bundleId?: string }): OfferTarget {
  // The schema takes exactly one of the two.
  if (params.courseId !== undefined) return { kind: 'course', id: params.courseId };
  return { kind: 'bundle', id: params.bundleId as string };
}

/** The learner's earliest claim of each coupon: the one `order.create` takes for that coupon (./offer.ts). */
function earliestPerCoupon(claims: readonly Claim[]): Claim[] {
  const earliest = new Map<string, Claim>();
  for (const claim of claims) {
    const kept = earliest.get(claim.coupon._id);
    if (!kept || claim.userCoupon.claimedAt < kept.userCoupon.claimedAt) earliest.set(claim.coupon._id, claim);
  }
  return [...earliest.values()];
}

/**
 * What `order.create` would charge the learner now for the course or bundle, with the coupon named (if any), on the
 * configured rail; and the learner's coupons that would take something off it, the best first. A coupon held by the
 * learner's pending order can be quoted (checking out again with that order), but is not offered among the usable;
 * and when checking out would pay that pending order again at its own price, that price is the quote.
 */
export async function quotePrice(deps: PromoDeps, openid: string, params: PromoQuoteParams): Promise<PromoQuoteData> {
  const { db } = deps;
  const now = deps.now();
  const rail = await deps.defaultRail();
  const target = offerTarget(params);
  const claims = await learnerClaims(db, openid, ['usable', 'held']);
  const held = claims.find((c) => c.coupon._id === params.couponId && c.userCoupon.status === 'held');
  const offer = await readOffer(db, {
    openid,
    target,
    rail,
    now,
    ...(params.couponId !== undefined ? { couponId: params.couponId } : {}),
    ...(held?.userCoupon.orderId !== undefined ? { heldBy: held.userCoupon.orderId } : {}),
  });
  const usable = earliestPerCoupon(claims.filter((c) => myCouponStatus(c.userCoupon, c.coupon, now) === 'usable'));
  const best = usableClaims(usable, {
    target: offer.target,
    listPriceFen: offer.price.listPriceFen,
    promotions: offer.promotions,
    rail,
    now,
  });
  // A pending order the checkout would pay again keeps its own price: the bill shows what will be charged.
  const asked = { listPriceFen: offer.price.listPriceFen, payFen: offer.price.payFen, couponId: params.couponId };
  const price = (await deps.pendingOrderPrice?.(openid, offer.target, asked, rail)) ?? offer.price;
  return {
    listPriceFen: price.listPriceFen,
    discounts: price.discounts,
    payFen: price.payFen,
    usableCoupons: best.map((c) => toMyCoupon(c.userCoupon, c.coupon, now)),
  };
}

/**
 * The coupons the learner may claim now: active, inside their window, with stock left, the learner under its
 * per-learner limit; with `courseId`, only those whose scope covers that published course. Soonest to end first.
 */
export async function claimableCoupons(
  deps: PromoDeps,
  openid: string,
  params: PromoCouponsParams,
): Promise<PromoCouponsData> {
  const { db } = deps;
  const _ = db.command;
  const now = deps.now();
  const [rows, course] = await Promise.all([
    found<unknown>(
      db
        .collection(COLLECTIONS.coupons)
        .where({ status: 'active', endsAt: _.gt(now.toISOString()) })
        .orderBy('endsAt', 'asc')
        .limit(MAX_COUPONS),
    ),
    params.courseId === undefined ? null : getById<CourseDoc>(db, COLLECTIONS.courses, params.courseId),
  ]);
  if (params.courseId !== undefined && !isCourseOpen(course)) {
    throw new AppError('NOT_FOUND', '课程不存在或已下架', { field: 'courseId' });
  }
  const open = rows.flatMap((row) => {
    const read = readCoupon(row);
    if (!read.ok || !claimDecision(read.value, 0, now).ok) return [];
    if (course && !scopeCovers(read.value, { kind: 'course', id: course._id, category: course.category })) return [];
    return [read.value];
  });
  if (open.length === 0) return { items: [] };
  const mine = await found<{ couponId: string }>(
    db
      .collection(COLLECTIONS.userCoupons)
      .where({ _openid: openid, couponId: _.in(open.map((c) => c._id)) })
      .field({ couponId: true })
      .limit(MAX_CLAIMS),
  );
  const held = new Map<string, number>();
  for (const { couponId } of mine) held.set(couponId, (held.get(couponId) ?? 0) + 1);
  return {
    items: open.filter((c: CouponDoc) => claimDecision(c, held.get(c._id) ?? 0, now).ok).map(toCoupon),
  };
}

/**
 * The stored states a filter reads, and the statuses it shows (`usable` also shows those held by a pending order and
 * those the creator paused).
 */
const FILTERS: Record<MyCouponFilter, { stored: UserCouponStatus[]; shown: MyCouponStatus[] }> = {
  usable: { stored: ['usable', 'held'], shown: ['usable', 'held', 'paused'] },
  used: { stored: ['used'], shown: ['used'] },
  expired: { stored: ['usable'], shown: ['expired'] },
};

/** The learner's claims, newest first, in every status or the one asked for. */
export async function myCoupons(deps: PromoDeps, openid: string, params: PromoMineParams): Promise<PromoMineData> {
  const now = deps.now();
  const filter = params.status === undefined ? undefined : FILTERS[params.status];
  const claims = await learnerClaims(deps.db, openid, filter?.stored ?? ['usable', 'held', 'used']);
  const items: MyCoupon[] = claims.map((c) => toMyCoupon(c.userCoupon, c.coupon, now));
  return { items: filter ? items.filter((c) => filter.shown.includes(c.status)) : items };
}
