/**
 * What each category's courses sold together, week by week, and how its courses' sales went in their first weeks:
 * the pool a course with little history of its own borrows strength from, and the launch curve a new course starts
 * from. Built by the nightly job's `pool` phase a batch of courses at a time, kept in the run document.
 */
import { addDays } from '../daily/calendar';
import type { CourseWeekRow } from '../data/weekly';

/** How many weeks after a course's first week the launch curve follows. */
export const LAUNCH_WEEKS = 12;

export interface CategoryPool {
  /** Monday week → the category's paid orders and prospect views that week, and how many of its courses had any. */
  weekly: Record<string, { paid: number; detailViews: number; courses: number }>;
  /** Weeks since a course's first active week → the paid orders of its courses then, and how many courses. */
  launch: { paid: number; courses: number }[];
  courses: number;
}

export type CategoryPools = Record<string, CategoryPool>;

/** Adds a batch of courses (with their weekly rows through `lastWeek`, the last full week) to the pools, in place. */
export function addToPools(
  pools: CategoryPools,
  courses: readonly { _id: string; category: string }[],
  weeks: ReadonlyMap<string, readonly CourseWeekRow[]>,
  lastWeek: string,
): void {
  for (const course of courses) {
    const pool = (pools[course.category] ??= { weekly: {}, launch: [], courses: 0 });
    pool.courses += 1;
    const rows = weeks.get(course._id) ?? [];
    const byWeek = new Map<string, { paid: number; detailViews: number }>();
    for (const row of rows) {
      const week = byWeek.get(row.week) ?? { paid: 0, detailViews: 0 };
      week.paid += row.paid;
      week.detailViews += row.detailViews;
      byWeek.set(row.week, week);
    }
    const active = [...byWeek.keys()].sort();
    for (const [week, figures] of byWeek) {
      const at = (pool.weekly[week] ??= { paid: 0, detailViews: 0, courses: 0 });
      at.paid += figures.paid;
      at.detailViews += figures.detailViews;
      at.courses += 1;
    }
    const first = active[0];
    if (first === undefined) continue;
    // Every week from the first active one to the last full week is observed (a quiet week sold nothing).
    for (let k = 0; k < LAUNCH_WEEKS; k++) {
      const week = addDays(first, 7 * k);
      if (week > lastWeek) break;
      const slot = (pool.launch[k] ??= { paid: 0, courses: 0 });
      slot.paid += byWeek.get(week)?.paid ?? 0;
      slot.courses += 1;
    }
  }
}
