/**
 * 小程序虚拟支付 sells only items (道具) registered in the MP backend, each at its registered price, ¥1 at least
 * (platform-facts.md). Mapping: one item per payable price of a course or bundle.
 *
 * - A course at its list price is `productIdOf(prefix, courseId)`, the item the virtual rail has always used.
 * - A bundle at its list price is `productIdOf(prefix, 'bundle_' + bundleId)`.
 * - Any other payable price (a promotion, a coupon, both) appends `_<payFen>`: `course_py101_4900`.
 *
 * `itemsToRegister` lists every price the catalog, its running and coming promotions and its coupons can reach, for
 * the creator to register; `virtualItemFor` refuses a price with no registered item at that exact price rather than
 * charging another amount.
 */
import { AppError } from '../contract';
import { productIdOf } from '../orders/xpay/rail';
import type { CouponDoc, PromotionDoc, PromoTarget } from './documents';
import { yuanText } from './labels';
import { applyCoupon, RAIL_MINIMUM_FEN, scopeCovers, type PricedTarget } from './pricing';

const MINIMUM_FEN = RAIL_MINIMUM_FEN.virtual;
const MAX_PRODUCT_ID = 64;

/** An item as registered in the MP backend (虚拟支付 → 道具配置). */
export interface RegisteredItem {
  productId: string;
  priceFen: number;
}

/** One sale: what is sold, its list price, and what the learner pays. */
export interface VirtualSale {
  target: PromoTarget;
  listPriceFen: number;
  payFen: number;
}

/** The item id of a sale (the platform's `[0-9A-Za-z_-]{1,64}`; a long id keeps its price suffix). */
export function virtualProductId(prefix: string, sale: VirtualSale): string {
  if (sale.payFen === sale.listPriceFen) {
    return productIdOf(prefix, sale.target.kind === 'course' ? sale.target.id : `bundle_${sale.target.id}`);
  }
  return pricedProductId(prefix, sale.target, sale.payFen);
}

/** The item id of a target at a price other than the one its own item was registered at: `course_py101_4900`. */
export function pricedProductId(prefix: string, target: PromoTarget, payFen: number): string {
  const base = target.kind === 'course' ? target.id : `bundle_${target.id}`;
  const suffix = `_${payFen}`;
  return productIdOf(prefix, base).slice(0, MAX_PRODUCT_ID - suffix.length) + suffix;
}

/**
 * The prices other than its list price at which a course or bundle can be sold on the virtual rail: those with an
 * item registered under the id `virtualProductId` gives that price (the list price's own item is assumed).
 */
export function registeredPrices(
  prefix: string,
  target: PromoTarget,
  listPriceFen: number,
  registered: readonly RegisteredItem[],
): number[] {
  return registered
    .filter(
      (item) =>
        item.priceFen !== listPriceFen &&
        item.productId === virtualProductId(prefix, { target, listPriceFen, payFen: item.priceFen }),
    )
    .map((item) => item.priceFen);
}

/** The registered item for a sale, or FAILED_PRECONDITION in words the learner reads. */
export function virtualItemFor(
  prefix: string,
  sale: VirtualSale,
  registered: readonly RegisteredItem[],
): RegisteredItem {
  if (sale.payFen < MINIMUM_FEN) {
    throw new AppError('FAILED_PRECONDITION', `虚拟支付最低 ${yuanText(MINIMUM_FEN)}，这个价格无法用虚拟支付购买`);
  }
  const productId = virtualProductId(prefix, sale);
  const item = registered.find((i) => i.productId === productId && i.priceFen === sale.payFen);
  if (item) return item;
  throw new AppError(
    'FAILED_PRECONDITION',
    `这个价格（${yuanText(sale.payFen)}）还没有登记为虚拟支付商品，暂时无法用虚拟支付购买，请联系创作者`,
    { productId, priceFen: sale.payFen },
  );
}

/** A course or bundle on sale, as the creator command reads it from the catalog. */
export interface SellableTarget {
  target: PricedTarget;
  title: string;
  listPriceFen: number;
}

/** An item the creator must register: its id, price and a name to give it. */
export interface ItemToRegister extends RegisteredItem {
  name: string;
  target: PromoTarget;
}

export interface ItemsToRegister {
  /** By target, then price from high to low. */
  items: ItemToRegister[];
  /** Paid targets whose list price is below the virtual rail's minimum: they cannot be sold on it at all. */
  belowMinimum: SellableTarget[];
}

interface Window {
  from: number;
  to: number;
}

function overlaps(a: Window, b: Window): boolean {
  return a.from < b.to && b.from < a.to;
}

/**
 * Every price a learner paying on the virtual rail can be asked from `now` on: the list price, each promotion that
 * has not ended, and each coupon that has not ended applied to each of those prices whose windows meet its own. A
 * superset when promotions overlap (only the lowest is in force), never a subset.
 */
export function itemsToRegister(input: {
  prefix: string;
  targets: readonly SellableTarget[];
  promotions: readonly PromotionDoc[];
  coupons: readonly CouponDoc[];
  now: Date;
}): ItemsToRegister {
  const now = input.now.getTime();
  const coupons = input.coupons.filter((c) => c.status === 'active' && Date.parse(c.endsAt) > now);
  const items: ItemToRegister[] = [];
  const belowMinimum: SellableTarget[] = [];
  const byId = new Map<string, ItemToRegister>();

  for (const sellable of input.targets) {
    const { target, listPriceFen } = sellable;
    if (listPriceFen === 0) continue;
    if (listPriceFen < MINIMUM_FEN) {
      belowMinimum.push(sellable);
      continue;
    }
    const bases: { priceFen: number; window: Window }[] = [
      { priceFen: listPriceFen, window: { from: now, to: Infinity } },
    ];
    for (const p of input.promotions) {
      if (p.status !== 'active' || p.target.kind !== target.kind || p.target.id !== target.id) continue;
      const window = { from: Math.max(now, Date.parse(p.startsAt)), to: Date.parse(p.endsAt) };
      if (window.from >= window.to || p.priceFen >= listPriceFen) continue;
      bases.push({ priceFen: Math.max(p.priceFen, MINIMUM_FEN), window });
    }
    const prices = new Set(bases.map((b) => b.priceFen));
    for (const coupon of coupons) {
      if (!scopeCovers(coupon, target)) continue;
      const window = { from: Date.parse(coupon.startsAt), to: Date.parse(coupon.endsAt) };
      for (const base of bases) {
        if (overlaps(base.window, window)) prices.add(base.priceFen - applyCoupon(coupon, base.priceFen, MINIMUM_FEN));
      }
    }
    const key: PromoTarget = { kind: target.kind, id: target.id };
    for (const payFen of [...prices].sort((a, b) => b - a)) {
      const productId = virtualProductId(input.prefix, { target: key, listPriceFen, payFen });
      const name = payFen === listPriceFen ? sellable.title : `${sellable.title}（${yuanText(payFen)}）`;
      const item = { productId, priceFen: payFen, name, target: key };
      const clash = byId.get(productId);
      if (clash) {
        throw new Error(
          `item ${productId} would sell both ${clash.target.kind} ${clash.target.id} at ${clash.priceFen} fen and ` +
            `${key.kind} ${key.id} at ${payFen} fen: rename one of them`,
        );
      }
      byId.set(productId, item);
      items.push(item);
    }
  }
  return { items, belowMinimum };
}
