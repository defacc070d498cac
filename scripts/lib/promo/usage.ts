/**
 * `npm run promo -- usage`: how each coupon, limited-time price and batch of codes is doing — claimed and used per
 * coupon, codes used per batch. Counted from the documents at the time of the run.
 */
import { COLLECTIONS } from '../../../shared/collections';
import { readCoupon, readPromotion, readRedeemBatch } from '../../../shared/promo/documents';
import {
  countBy,
  promoUsage,
  type BatchUsage,
  type CouponUsage,
  type PromotionUsage,
} from '../../../shared/promo/usage';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { everything, readEach } from './store';

export type { BatchUsage, CouponUsage, PromotionUsage } from '../../../shared/promo/usage';

export interface UsageReport {
  coupons: CouponUsage[];
  promotions: PromotionUsage[];
  batches: BatchUsage[];
  /** Documents that fail their schema, by collection and id (fix them in the console). */
  unreadable: string[];
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
  const claimsIn = (status: string) =>
    countBy(
      claims.filter((c) => c.status === status),
      (c) => c.couponId,
    );
  const usage = promoUsage(
    {
      coupons: readEach(coupons, readCoupon, bad('coupons')),
      promotions: readEach(promotions, readPromotion, bad('promotions')),
      batches: readEach(batches, readRedeemBatch, bad('redeemBatches')),
    },
    { held: claimsIn('held'), used: claimsIn('used'), codesUsed: countBy(usedCodes, (c) => c.batchId) },
    now,
  );
  return { ...usage, unreadable };
}
