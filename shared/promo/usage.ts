/**
 * How each coupon, limited-time price and batch of codes is doing, from the documents and the counts of their
 * claims and used codes: the same figures for `npm run promo -- usage` and the creator center. Pure; each side reads
 * the documents and counts in its own way (all of them for the command, one creator's in the creator center).
 */
import { remainingStock } from './coupons';
import type { CouponDoc, PromotionDoc, RedeemBatchDoc } from './documents';
import { promotionRuns } from './pricing';

export interface CouponUsage {
  coupon: CouponDoc;
  claimed: number;
  remaining: number;
  /** Claims held by a pending order. */
  held: number;
  /** Claims spent on a paid order. */
  used: number;
}

export interface BatchUsage {
  batch: RedeemBatchDoc;
  used: number;
}

export interface PromotionUsage {
  promotion: PromotionDoc;
  /** In force now: active and inside its window. */
  running: boolean;
}

export interface UsageCounts {
  /** Claims by coupon id, of those held by a pending order and of those used. */
  held: ReadonlyMap<string, number>;
  used: ReadonlyMap<string, number>;
  /** Used codes by batch id. */
  codesUsed: ReadonlyMap<string, number>;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

const newestFirst = <T extends { createdAt: string }>(a: T, b: T) => b.createdAt.localeCompare(a.createdAt);

/** Each kind's usage, newest first. */
export function promoUsage(
  docs: { coupons: readonly CouponDoc[]; promotions: readonly PromotionDoc[]; batches: readonly RedeemBatchDoc[] },
  counts: UsageCounts,
  now: Date,
): { coupons: CouponUsage[]; promotions: PromotionUsage[]; batches: BatchUsage[] } {
  return {
    coupons: [...docs.coupons].sort(newestFirst).map((coupon) => ({
      coupon,
      claimed: coupon.claimed,
      remaining: remainingStock(coupon),
      held: counts.held.get(coupon._id) ?? 0,
      used: counts.used.get(coupon._id) ?? 0,
    })),
    promotions: [...docs.promotions]
      .sort(newestFirst)
      .map((promotion) => ({ promotion, running: promotionRuns(promotion, now) })),
    batches: [...docs.batches]
      .sort(newestFirst)
      .map((batch) => ({ batch, used: counts.codesUsed.get(batch._id) ?? 0 })),
  };
}
