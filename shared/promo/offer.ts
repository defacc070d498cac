/**
 * What a course or bundle costs a learner now, read from the database: the target, its running promotions and, when
 * the learner names a coupon, their claim of it — then priced by pricing.ts `quote`. `order.create` charges exactly
 * this and `promo.quote` shows it, so the sheet never asks for another amount than the page showed.
 *
 * Database calls: the target and its promotions in parallel (2), plus the learner's claims of the coupon and the
 * coupon (2, in parallel) when one is named.
 */
import { AppError, type PayRail } from '../contract';
import type { CourseDoc } from '../catalog/schema';
import { found, getById, type Database } from '../db';
import { COLLECTIONS } from '../collections';
import {
  readBundle,
  readCoupon,
  readPromotion,
  type BundleDoc,
  type PromotionDoc,
  type UserCouponDoc,
} from './documents';
import { quote, type Claim, type PriceQuote, type PricedTarget } from './pricing';
import { couponValid } from './coupons';
import { isCourseOpen } from '../catalog/visibility';

export type OfferTarget = { kind: 'course'; id: string } | { kind: 'bundle'; id: string };

export interface Offer {
  target: PricedTarget;
  /** The course's or bundle's title, for the bill. */
  title: string;
  course?: CourseDoc;
  bundle?: BundleDoc;
  /** The promotions of the target (any state; `quote` uses the running ones). */
  promotions: PromotionDoc[];
  price: PriceQuote;
  /** The learner's claim the price uses, when a coupon was named. */
  claim?: Claim;
}

export interface OfferInput {
  openid: string;
  target: OfferTarget;
  /** The coupon's id (`Coupon.id`); the learner's earliest usable claim of it is used. */
  couponId?: string;
  rail: PayRail;
  now: Date;
  /** A claim held by this order counts as usable: the learner checking out again with the order that holds it. */
  heldBy?: string;
}

/** A learner holds at most this many claims of one coupon; a target has at most this many promotions in one read. */
const MAX_ROWS = 100;

/** The published course or bundle, or NOT_FOUND naming the field. */
async function readTarget(
  db: Database,
  target: OfferTarget,
): Promise<{ priced: PricedTarget; title: string; listPriceFen: number; course?: CourseDoc; bundle?: BundleDoc }> {
  if (target.kind === 'course') {
    const course = await getById<CourseDoc>(db, COLLECTIONS.courses, target.id);
    if (!isCourseOpen(course)) {
      throw new AppError('NOT_FOUND', '课程不存在或已下架', { field: 'courseId' });
    }
    return {
      priced: { kind: 'course', id: course._id, category: course.category },
      title: course.title,
      listPriceFen: course.priceFen,
      course,
    };
  }
  const raw = await getById<unknown>(db, COLLECTIONS.bundles, target.id);
  const read = raw === null ? undefined : readBundle(raw);
  if (!read?.ok || read.value.status !== 'published') {
    throw new AppError('NOT_FOUND', '会员或专栏不存在或已下架', { field: 'bundleId' });
  }
  const bundle = read.value;
  return { priced: { kind: 'bundle', id: bundle._id }, title: bundle.title, listPriceFen: bundle.priceFen, bundle };
}

/** The target's promotions; one that fails its schema is left out (it cannot set a price). */
async function readPromotions(db: Database, target: OfferTarget): Promise<PromotionDoc[]> {
  const rows = await found<unknown>(
    db
      .collection(COLLECTIONS.promotions)
      .where({ 'target.kind': target.kind, 'target.id': target.id, status: 'active' })
      .limit(MAX_ROWS),
  );
  return rows.flatMap((row) => {
    const read = readPromotion(row);
    return read.ok ? [read.value] : [];
  });
}

/** The learner's earliest claim of the coupon that is usable (or held by `heldBy`), or FAILED_PRECONDITION. */
async function readClaim(db: Database, input: OfferInput & { couponId: string }): Promise<Claim> {
  const [claims, raw] = await Promise.all([
    found<UserCouponDoc>(
      db.collection(COLLECTIONS.userCoupons).where({ _openid: input.openid, couponId: input.couponId }).limit(MAX_ROWS),
    ),
    getById<unknown>(db, COLLECTIONS.coupons, input.couponId),
  ]);
  const coupon = raw === null ? undefined : readCoupon(raw);
  const notYours = new AppError('FAILED_PRECONDITION', '你没有这张优惠券，或它已被使用', {
    field: 'couponId',
    reason: 'notClaimed',
  });
  if (!coupon?.ok) throw notYours;
  const heldHere = (c: UserCouponDoc) =>
    c.status === 'held' && input.heldBy !== undefined && c.orderId === input.heldBy;
  const earliest = (a: UserCouponDoc, b: UserCouponDoc) => a.claimedAt.localeCompare(b.claimedAt);
  const userCoupon = claims.find(heldHere) ?? claims.filter((c) => c.status === 'usable').sort(earliest)[0];
  if (!userCoupon) throw notYours;
  if (coupon.value.status === 'paused') {
    throw new AppError('FAILED_PRECONDITION', '这张优惠券已暂停使用，请稍后再试', {
      field: 'couponId',
      reason: 'paused',
    });
  }
  if (!couponValid(coupon.value, input.now)) {
    throw new AppError('FAILED_PRECONDITION', '这张优惠券已过期或已失效', { field: 'couponId', reason: 'ended' });
  }
  return { userCoupon, coupon: coupon.value };
}

/** What an order for the target would charge the learner now, with the coupon named (if any). */
export async function readOffer(db: Database, input: OfferInput): Promise<Offer> {
  const couponId = input.couponId;
  const [read, promotions, claimed] = await Promise.allSettled([
    readTarget(db, input.target),
    readPromotions(db, input.target),
    couponId === undefined ? Promise.resolve(undefined) : readClaim(db, { ...input, couponId }),
  ]);
  // Read at once, reported in order: an unknown target before anything about the coupon.
  const target = settled(read);
  const claim = settled(claimed);
  const price = quote({
    target: target.priced,
    listPriceFen: target.listPriceFen,
    promotions: settled(promotions),
    ...(claim ? { coupon: claim.coupon } : {}),
    rail: input.rail,
    now: input.now,
  });
  const offer: Offer = { target: target.priced, title: target.title, promotions: settled(promotions), price };
  if (target.course) offer.course = target.course;
  if (target.bundle) offer.bundle = target.bundle;
  if (claim) offer.claim = claim;
  return offer;
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
