/**
 * The prices a course may be advised or tested at, and what each rail keeps of a sale. One price per course per
 * period, the same for every learner (PIPL Art. 24; platform-facts.md, pricing law): nothing here takes a learner.
 */
import type { PayRail } from '../../contract';
import { RAIL_MINIMUM_FEN } from '../../promo/pricing';

/** The platform's ladder when the creator has none: the ¥x9 / ¥x90 steps Chinese course shops use. */
export const DEFAULT_LADDER_FEN: readonly number[] = [990, 1900, 2900, 3900, 4900, 6900, 9900, 14900, 19900, 29900];

/**
 * The share of a sale's price the rail keeps (platform-facts.md, virtual payment → fees/settlement: WeChat Pay ≈ 0.6 %;
 * 小程序虚拟支付 1 % on Android, 12 % (Apple) on iOS — developers.weixin.qq.com/…/virtual-payment/person.md and
 * docs.cloudbase.net/integration/wechat-virtual-pay). On the virtual rail the fee is blended by the share of buyers
 * on iOS, which the caller knows from its orders.
 */
export function railFeeRate(rail: PayRail, iosShare = 0): number {
  if (!(iosShare >= 0 && iosShare <= 1)) throw new Error(`iosShare must be in [0, 1], got ${iosShare}`);
  return rail === 'wxpay' ? 0.006 : 0.01 * (1 - iosShare) + 0.12 * iosShare;
}

/** Where a course's price may go. */
export interface PriceBounds {
  /** The creator's ladder; absent = DEFAULT_LADDER_FEN. */
  ladderFen?: readonly number[];
  /** The creator's bounds for a price test (inclusive); absent = the whole ladder. */
  minFen?: number;
  maxFen?: number;
  rail: PayRail;
  /** On the virtual rail: the prices with an item registered for this course (only those can be charged). */
  registeredPricesFen?: readonly number[];
}

/**
 * The ladder prices allowed for a course, ascending: within the creator's bounds, at least the rail's minimum, and on
 * the virtual rail only registered prices. Throws, naming the field, when nothing is left.
 */
export function allowedPrices(bounds: PriceBounds): number[] {
  const ladder = bounds.ladderFen ?? DEFAULT_LADDER_FEN;
  for (const p of ladder) {
    if (!Number.isInteger(p) || p <= 0) throw new Error(`ladderFen must hold positive integer fen, got ${p}`);
  }
  const min = bounds.minFen ?? 0;
  const max = bounds.maxFen ?? Infinity;
  if (min > max) throw new Error(`minFen (${min}) is above maxFen (${max})`);
  const registered = bounds.rail === 'virtual' ? new Set(bounds.registeredPricesFen ?? []) : undefined;
  const prices = [...new Set(ladder)]
    .filter((p) => p >= min && p <= max && p >= RAIL_MINIMUM_FEN[bounds.rail])
    .filter((p) => !registered || registered.has(p))
    .sort((a, b) => a - b);
  if (prices.length === 0) {
    throw new Error(
      bounds.rail === 'virtual'
        ? 'registeredPricesFen: no registered price lies on the ladder within minFen..maxFen'
        : 'ladderFen: no ladder price lies within minFen..maxFen',
    );
  }
  return prices;
}
