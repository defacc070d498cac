/**
 * Card impressions: how often each course's card was shown in a list (home, catalog, recommendations), the top of
 * the funnel. They come far more often than anything else a learner does, so the mini-program batches them and each
 * batch is one update, whatever the number of courses in it: `inc` of `counts.<courseId>` in one of the day's
 * `SHARDS` documents (collection `cardImpressions`, `_id` = `<YYYY-MM-DD>_<shard>`, the shard from the learner's
 * openid), so the learners of a busy day do not all write the same document. A day's count of a course is the sum
 * over its shards.
 */
import { createHash } from 'node:crypto';
import { updateOrInsert, type Database } from '../../db';
import { COLLECTIONS } from '../../collections';
import { beijingDay } from './calendar';

export const SHARDS = 8;

export interface CardImpressionsDoc {
  _id: string;
  day: string;
  shard: number;
  /** Course id → cards shown. */
  counts: Record<string, number>;
  updatedAt: string;
}

export function impressionShard(openid: string): number {
  return createHash('sha256').update(openid).digest()[0]! % SHARDS;
}

/** Adds a batch of impressions (course id → cards shown) to the learner's shard of the day of `now`. */
export async function recordImpressions(
  db: Database,
  openid: string,
  now: Date,
  counts: ReadonlyMap<string, number>,
): Promise<void> {
  if (counts.size === 0) return;
  const day = beijingDay(now);
  const shard = impressionShard(openid);
  const at = now.toISOString();
  const update: Record<string, unknown> = { updatedAt: at };
  for (const [courseId, n] of counts) update[`counts.${courseId}`] = db.command.inc(n);
  const first: Omit<CardImpressionsDoc, '_id'> = { day, shard, counts: Object.fromEntries(counts), updatedAt: at };
  await updateOrInsert(db, COLLECTIONS.cardImpressions, `${day}_${shard}`, update, first);
}

/** A day's impressions of each course, summed over the shards. */
export function impressionsOfDay(shards: readonly Pick<CardImpressionsDoc, 'counts'>[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const { counts } of shards) {
    for (const [courseId, n] of Object.entries(counts)) total.set(courseId, (total.get(courseId) ?? 0) + n);
  }
  return total;
}
