/**
 * What the models learn from, per course and Monday week, summed in the database from the daily documents
 * (../daily): one aggregate per batch of courses, grouped by course, week and the price in force, so a week with a
 * price change gives one row per price. Weeks with no document are weeks of nothing; `fillWeeks` puts them back.
 */
import { COLLECTIONS } from '../../collections';
import type { Database } from '../../db';
import { addDays } from '../daily/calendar';

export interface CourseWeekRow {
  courseId: string;
  /** The Monday. */
  week: string;
  /** The price the days of the row showed (absent: no prospect saw the page those days). */
  priceFen?: number;
  detailViews: number;
  freeLessonStarts: number;
  checkouts: number;
  paid: number;
  revenueFen: number;
  refunds: number;
  refundedFen: number;
}

/** The figures of a week, all prices together. */
export type CourseWeek = Omit<CourseWeekRow, 'courseId' | 'priceFen'>;

const FIGURES = [
  'detailViews',
  'freeLessonStarts',
  'checkouts',
  'paid',
  'revenueFen',
  'refunds',
  'refundedFen',
] as const satisfies readonly (keyof CourseWeek)[];

/** Where each figure is in a daily document. */
const SOURCE: Record<(typeof FIGURES)[number], string> = {
  detailViews: '$detailViews',
  freeLessonStarts: '$freeLessonStarts',
  checkouts: '$checkouts',
  paid: '$sales.paid',
  revenueFen: '$sales.revenueFen',
  refunds: '$sales.refunds',
  refundedFen: '$sales.refundedFen',
};

/** Rows per aggregate page: the server's largest. */
const PAGE = 1000;

/** The weekly rows of these courses of the days in [`sinceDay`, `untilDay`) (index course_day). */
export async function readCourseWeeks(
  db: Database,
  courseIds: readonly string[],
  sinceDay: string,
  untilDay: string,
): Promise<CourseWeekRow[]> {
  if (courseIds.length === 0) return [];
  const _ = db.command;
  const $ = db.command.aggregate;
  const sums: Record<string, unknown> = {};
  for (const figure of FIGURES) sums[figure] = $.sum(SOURCE[figure]);
  const rows: CourseWeekRow[] = [];
  for (let skip = 0; ; skip += PAGE) {
    let pipeline = db
      .collection(COLLECTIONS.courseDaily)
      .aggregate()
      .match({ courseId: _.in([...courseIds]), day: _.gte(sinceDay).and(_.lt(untilDay)) })
      .group({ _id: { courseId: '$courseId', week: '$week', priceFen: '$priceFen' }, ...sums })
      // Stable pages.
      .sort({ '_id.courseId': 1, '_id.week': 1, '_id.priceFen': 1 });
    if (skip > 0) pipeline = pipeline.skip(skip);
    const page = ((await pipeline.limit(PAGE).end()) as { list: GroupRow[] }).list;
    rows.push(...page.map(toRow));
    if (page.length < PAGE) return rows;
  }
}

interface GroupRow extends Partial<Record<(typeof FIGURES)[number], number | null>> {
  _id: { courseId: string; week: string; priceFen?: number | null };
}

function toRow(group: GroupRow): CourseWeekRow {
  const row: CourseWeekRow = {
    courseId: group._id.courseId,
    week: group._id.week,
    detailViews: 0,
    freeLessonStarts: 0,
    checkouts: 0,
    paid: 0,
    revenueFen: 0,
    refunds: 0,
    refundedFen: 0,
  };
  if (typeof group._id.priceFen === 'number') row.priceFen = group._id.priceFen;
  for (const figure of FIGURES) row[figure] = group[figure] ?? 0;
  return row;
}

/**
 * One course's weeks from `fromWeek` to `toWeek` (Mondays, both included), all prices summed, a week without any row
 * all zeros: the series a forecast reads.
 */
export function fillWeeks(rows: readonly CourseWeekRow[], fromWeek: string, toWeek: string): CourseWeek[] {
  const byWeek = new Map<string, CourseWeek>();
  for (const row of rows) {
    const week = byWeek.get(row.week) ?? emptyWeek(row.week);
    for (const figure of FIGURES) week[figure] += row[figure];
    byWeek.set(row.week, week);
  }
  const weeks: CourseWeek[] = [];
  for (let week = fromWeek; week <= toWeek; week = addDays(week, 7)) weeks.push(byWeek.get(week) ?? emptyWeek(week));
  return weeks;
}

function emptyWeek(week: string): CourseWeek {
  return {
    week,
    detailViews: 0,
    freeLessonStarts: 0,
    checkouts: 0,
    paid: 0,
    revenueFen: 0,
    refunds: 0,
    refundedFen: 0,
  };
}
