/** Two years of counters are kept (the forecast's longest look back); the nightly job removes what is older. */
import { COLLECTIONS } from '../../collections';
import type { Database } from '../../db';
import { addDays } from './calendar';

export const KEEP_DAYS = 730;

/** Removes the counters and impressions of days before the last `KEEP_DAYS` up to `today`; returns how many. */
export async function pruneDaily(db: Database, today: string): Promise<number> {
  const before = db.command.lt(addDays(today, -(KEEP_DAYS - 1)));
  let removed = 0;
  for (const name of [COLLECTIONS.courseDaily, COLLECTIONS.cardImpressions]) {
    const result = (await db.collection(name).where({ day: before }).remove()) as { stats: { removed: number } };
    removed += result.stats.removed;
  }
  return removed;
}
