/**
 * The catalog's history as the models need it whole (the forecaster and the price response both pool across
 * courses): each published course's active weeks, compact, gathered by the nightly job's `pool` phase a batch at a
 * time and kept in the run document (about 50 bytes a course-week: 200 courses with two years of history is 1 MB).
 */
import type { CourseWeekRow } from '../data/weekly';

export interface CourseHistory {
  id: string;
  category: string;
  /** The list price now. */
  priceFen: number;
  /**
   * The weeks with any activity, by week and price in force; a week absent sold and showed nothing. `views` are the
   * prospects' page views, `viewers` the distinct prospects among them (../data/weekly.ts).
   */
  weeks: {
    week: string;
    priceFen?: number;
    views: number;
    viewers: number;
    paid: number;
    revenueFen: number;
    refunds: number;
  }[];
}

export function historyOf(
  course: { _id: string; category: string; priceFen: number },
  rows: readonly CourseWeekRow[],
): CourseHistory {
  return {
    id: course._id,
    category: course.category,
    priceFen: course.priceFen,
    weeks: rows.map((r) => ({
      week: r.week,
      ...(r.priceFen !== undefined ? { priceFen: r.priceFen } : {}),
      views: r.detailViews,
      viewers: r.viewers,
      paid: r.paid,
      revenueFen: r.revenueFen,
      refunds: r.refunds,
    })),
  };
}
