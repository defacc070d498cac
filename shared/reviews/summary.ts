/**
 * A course's rating summary (average, count, histogram) as a function of the ratings it counts. The histogram is the
 * source: count and average are derived from it, so applying the same changes in any order gives the same summary.
 */
import type { RatingSummary } from '../catalog';

/** The summary of a histogram of 1★ … 5★ counts; the average is rounded to two decimals. */
export function summaryOf(histogram: readonly number[]): RatingSummary {
  const counts = [0, 1, 2, 3, 4].map((i) => histogram[i] ?? 0);
  const count = counts.reduce((sum, n) => sum + n, 0);
  const total = counts.reduce((sum, n, i) => sum + n * (i + 1), 0);
  return { avg: count === 0 ? 0 : Math.round((total / count) * 100) / 100, count, histogram: counts };
}

/**
 * The summary after one review stops counting `removed` (its old rating, or null if it did not count) and starts
 * counting `added` (null if it no longer counts). A histogram bucket never goes below zero, so a summary edited by
 * hand cannot be driven negative.
 */
export function adjustSummary(summary: RatingSummary, removed: number | null, added: number | null): RatingSummary {
  const histogram = [0, 1, 2, 3, 4].map((i) => summary.histogram[i] ?? 0);
  if (removed !== null) histogram[removed - 1] = Math.max(0, (histogram[removed - 1] ?? 0) - 1);
  if (added !== null) histogram[added - 1] = (histogram[added - 1] ?? 0) + 1;
  return summaryOf(histogram);
}

export function sameSummary(a: RatingSummary, b: RatingSummary): boolean {
  return a.avg === b.avg && a.count === b.count && a.histogram.every((n, i) => n === b.histogram[i]);
}
