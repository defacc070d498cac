/**
 * The creator center's time axes, pure: the buckets of a series (Beijing days, Monday weeks, calendar months) ending
 * with the bucket of the last day the nightly job has folded (yesterday), and the folding of `courseDaily` rows
 * into them. Every bucket of the range is present, zeros where nothing happened, so a chart's axis has no gaps.
 */
import { OVERVIEW_PERIODS, type OverviewPeriod, type SalesPoint } from '../contract';
import { addDays, beijingDay, weekOf } from '../insights/daily/calendar';

/** The last day with folded sales: the Beijing day before `now`. */
export function lastFoldedDay(now: Date): string {
  return addDays(beijingDay(now), -1);
}

/** The first day of the bucket of `day`. */
export function bucketOf(period: OverviewPeriod, day: string): string {
  if (period === 'day') return day;
  if (period === 'week') return weekOf(day);
  return `${day.slice(0, 7)}-01`;
}

/** The first day of the month `n` months after the month of `day` (before, when negative). */
function addMonths(day: string, n: number): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7)) - 1 + n;
  const y = year + Math.floor(month / 12);
  const m = ((month % 12) + 12) % 12;
  return `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The starts of the period's buckets (OVERVIEW_PERIODS of them), oldest first, the last holding `to`. */
export function bucketStarts(period: OverviewPeriod, to: string): string[] {
  const n = OVERVIEW_PERIODS[period];
  const last = bucketOf(period, to);
  return Array.from({ length: n }, (_, i) => {
    const back = n - 1 - i;
    if (period === 'day') return addDays(last, -back);
    if (period === 'week') return addDays(last, -7 * back);
    return addMonths(last, -back);
  });
}

/** The money figures of one bucket or day, as the aggregate sums them from `courseDaily.sales`. */
export type SalesFigures = Omit<SalesPoint, 'start'>;

export const NO_SALES: SalesFigures = { paidOrders: 0, revenueFen: 0, refunds: 0, refundedFen: 0 };

/** One point per bucket start, with the figures of `rows` (by bucket start) added in; rows outside are ignored. */
export function fillSeries(
  starts: readonly string[],
  rows: Iterable<{ start: string } & Partial<SalesFigures>>,
): SalesPoint[] {
  const points = new Map(starts.map((start) => [start, { start, ...NO_SALES }]));
  for (const row of rows) {
    const point = points.get(row.start);
    if (!point) continue;
    point.paidOrders += row.paidOrders ?? 0;
    point.revenueFen += row.revenueFen ?? 0;
    point.refunds += row.refunds ?? 0;
    point.refundedFen += row.refundedFen ?? 0;
  }
  return [...points.values()];
}
