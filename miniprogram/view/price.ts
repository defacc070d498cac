/**
 * A price as every page shows it: the price in force, and while a limited-time price runs (`promotion`) the list
 * price struck through, the promotion's label and a countdown to its end. Pure: the time is a parameter.
 */
import type { PromotionBrief } from '../../shared/contract';
import { priceText } from './format';

export interface PriceView {
  /** The price in force: the promotion's while it runs. */
  now: string;
  free: boolean;
  /** A limited-time price runs: `was` is struck through beside `now`. */
  sale: boolean;
  was: string;
  label: string;
  countdown: string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * `剩 2 天 3 小时 5 分`, `剩 3 小时 5 分`, `剩 5 分`, `剩不到 1 分钟`; at or past the end `即将结束` (the server
 * still priced it so: the phone's clock may be ahead, and the page shows what the server charges until it re-fetches).
 */
export function countdownText(msLeft: number): string {
  if (msLeft <= 0) return '即将结束';
  if (msLeft < MINUTE_MS) return '剩不到 1 分钟';
  const days = Math.floor(msLeft / DAY_MS);
  const hours = Math.floor((msLeft % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((msLeft % HOUR_MS) / MINUTE_MS);
  if (days > 0) return `剩 ${days} 天 ${hours} 小时 ${minutes} 分`;
  if (hours > 0) return `剩 ${hours} 小时 ${minutes} 分`;
  return `剩 ${minutes} 分`;
}

/** Milliseconds until the countdown's text changes next (the next whole minute, or the end); 0 once it has ended. */
export function nextTickMs(msLeft: number): number {
  if (msLeft <= 0) return 0;
  if (msLeft < MINUTE_MS) return msLeft;
  return (msLeft % MINUTE_MS) + 1;
}

/** Milliseconds left of the promotion at `nowMs`. */
export function msLeft(promotion: Pick<PromotionBrief, 'endsAt'>, nowMs: number): number {
  const end = new Date(promotion.endsAt).getTime();
  return Number.isNaN(end) ? 0 : end - nowMs;
}

export function priceView(listFen: number, promotion: PromotionBrief | null | undefined, nowMs: number): PriceView {
  const sale = !!promotion && promotion.priceFen < listFen;
  const fen = sale && promotion ? promotion.priceFen : listFen;
  return {
    now: priceText(fen),
    free: fen <= 0,
    sale,
    was: sale ? priceText(listFen) : '',
    label: sale && promotion ? promotion.label : '',
    countdown: sale && promotion ? countdownText(msLeft(promotion, nowMs)) : '',
  };
}

/** The price the learner pays now without a coupon: the promotion's while it runs. */
export function priceInForceFen(listFen: number, promotion: PromotionBrief | null | undefined): number {
  return promotion && promotion.priceFen < listFen ? promotion.priceFen : listFen;
}
