/**
 * How purchase propensity changes a learner's list: the paid courses among their candidates (never one they own:
 * candidates exclude every course they have a signal on) move up in proportion to their chance of buying soon.
 *
 * Why the ranking and not the order of the retrain's batches: lists are read only after the pointer switches, once
 * every shard is written, so no learner would see a list sooner for being written first. A learner likely to buy
 * soon is served best by the paid courses they would want, ahead of a free course of about the same relevance; a
 * learner unlikely to buy (chance near 0) keeps the plain ranking, where a free course is a fair way in. Only the order
 * changes: the scores stored are the model's, and nothing here touches a price.
 */
import type { ListEntry } from './lists';

/** A certain buyer's paid courses count as (1 + BUYER_TILT) times as relevant as they score. */
export const BUYER_TILT = 0.5;

/** What the lists phase knows of a learner's purchases: their chance, and which courses are sold (price > 0). */
export interface BuyerTilt {
  propensity(openid: string): number;
  paid: ReadonlySet<string>;
}

/**
 * The first `length` of `candidates` (ranked by score) reordered by score × (1 + BUYER_TILT · p) for paid courses
 * with a positive score; others keep their score. Stable: ties keep the model's order.
 */
export function tiltTowardBuyable(
  candidates: readonly ListEntry[],
  p: number,
  paid: ReadonlySet<string>,
  length: number,
): ListEntry[] {
  const factor = 1 + BUYER_TILT * Math.min(1, Math.max(0, p));
  const tilted = (entry: ListEntry) =>
    paid.has(entry.courseId) && entry.score > 0 ? entry.score * factor : entry.score;
  return candidates
    .map((entry, rank) => ({ entry, rank, key: tilted(entry) }))
    .sort((a, b) => b.key - a.key || a.rank - b.rank)
    .slice(0, length)
    .map(({ entry }) => entry);
}
