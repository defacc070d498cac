/**
 * The one rule for a learner's pending order at checkout: `order.create` pays it again at its own price when it was
 * made on the rail asked for and its price still holds for this learner (shared/promo/pricing.ts
 * `orderPriceStillValid`: a window that closed since does not reprice it); otherwise it is replaced. `promo.quote`
 * answers by the same rule, so the bill shows what the checkout will charge.
 */
import type { PayRail } from '../contract';
import { findMany, type Database } from '../db';
import type { GrantTarget } from '../grants';
import { orderPriceStillValid, type PriceQuote } from '../promo/pricing';
import type { OrderDoc } from './model';
import { COLLECTIONS } from '../collections';

/** What the learner asks for now: the price a new order would get, and the coupon named. */
export interface AskedPrice {
  listPriceFen: number;
  payFen: number;
  couponId?: string;
}

/** The learner's newest order for the target (indexes owner_course_attempt and owner_bundle_attempt). */
export async function latestOrderFor(db: Database, openid: string, target: GrantTarget): Promise<OrderDoc | undefined> {
  const where =
    target.kind === 'course' ? { _openid: openid, courseId: target.id } : { _openid: openid, bundleId: target.id };
  const [latest] = await findMany<OrderDoc>(db, COLLECTIONS.orders, where, { orderBy: ['attempt', 'desc'], limit: 1 });
  return latest;
}

/** Whether checking out now pays `order` again at its own price. */
export function reusesPending(order: OrderDoc, asked: AskedPrice, rail: PayRail, now: Date): boolean {
  if (order.status !== 'pending' || order.rail !== rail) return false;
  const held = {
    listPriceFen: order.listPriceFen ?? order.amountFen,
    amountFen: order.amountFen,
    discounts: order.discounts ?? [],
    expiresAt: order.expiresAt,
  };
  return orderPriceStillValid(held, asked, now);
}

/** The price checking out now would charge when it pays the learner's pending order again, else undefined. */
export async function pendingOrderPrice(
  db: Database,
  openid: string,
  target: GrantTarget,
  asked: AskedPrice,
  rail: PayRail,
  now: Date,
): Promise<PriceQuote | undefined> {
  const latest = await latestOrderFor(db, openid, target);
  if (!latest || !reusesPending(latest, asked, rail, now)) return undefined;
  return {
    listPriceFen: latest.listPriceFen ?? latest.amountFen,
    discounts: [...(latest.discounts ?? [])],
    payFen: latest.amountFen,
  };
}
