/**
 * `npm run promo -- usage`: how each coupon, limited-time price and batch of codes is doing — claimed and used per
 * coupon, codes used per batch. Counted from the documents at the time of the run.
 */
import { COLLECTIONS } from '../../../shared/collections';
import { remainingStock } from '../../../shared/promo/coupons';
import {
  readCoupon,
  readPromotion,
  readRedeemBatch,
  type CouponDoc,
  type PromotionDoc,
  type RedeemBatchDoc,
} from '../../../shared/promo/documents';
import { promotionRuns } from '../../../shared/promo/pricing';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { everything, readEach } from './store';

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
  running: boolean;
}

export interface UsageReport {
  coupons: CouponUsage[];
  promotions: PromotionUsage[];
  batches: BatchUsage[];
  /** Documents that fail their schema, by collection and id (fix them in the console). */
  unreadable: string[];
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

export async function usageReport(db: NodeDb, now: Date): Promise<UsageReport> {
  const _ = db.command;
  const [coupons, promotions, batches, claims, usedCodes] = await Promise.all([
    everything(db, COLLECTIONS.coupons),
    everything(db, COLLECTIONS.promotions),
    everything(db, COLLECTIONS.redeemBatches),
    everything<{ couponId: string; status: string }>(db, COLLECTIONS.userCoupons, { status: _.in(['held', 'used']) }),
    everything<{ batchId: string }>(db, COLLECTIONS.redeemCodes, { status: 'used' }),
  ]);
  const unreadable: string[] = [];
  const bad = (collection: string) => (raw: unknown) =>
    unreadable.push(`${collection}/${String((raw as { _id?: unknown } | null)?._id)}`);
  const held = countBy(
    claims.filter((c) => c.status === 'held'),
    (c) => c.couponId,
  );
  const used = countBy(
    claims.filter((c) => c.status === 'used'),
    (c) => c.couponId,
  );
  const codesUsed = countBy(usedCodes, (c) => c.batchId);
  const byCreated = <T extends { createdAt: string }>(a: T, b: T) => b.createdAt.localeCompare(a.createdAt);
  return {
    coupons: readEach(coupons, readCoupon, bad('coupons'))
      .sort(byCreated)
      .map((coupon) => ({
        coupon,
        claimed: coupon.claimed,
        remaining: remainingStock(coupon),
        held: held.get(coupon._id) ?? 0,
        used: used.get(coupon._id) ?? 0,
      })),
    promotions: readEach(promotions, readPromotion, bad('promotions'))
      .sort(byCreated)
      .map((promotion) => ({ promotion, running: promotionRuns(promotion, now) })),
    batches: readEach(batches, readRedeemBatch, bad('redeemBatches'))
      .sort(byCreated)
      .map((batch) => ({ batch, used: codesUsed.get(batch._id) ?? 0 })),
    unreadable,
  };
}
