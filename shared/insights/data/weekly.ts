/**
 * What the models learn from, per course and Monday week, summed in the database from the daily documents
 * (../daily): one aggregate per batch of courses, grouped by course, week and the price in force, so a week with a
 * price change gives one row per price. Weeks with no document are weeks of nothing; `fillWeeks` puts them back.
 *
 * Unique viewers: the row's daily sketches merged in the database (each register's maximum over the days), estimated
 * once. The merged sketch counts a prospect who came back on three days of the week once, as a price response per
 * prospect needs (a learner buys a course once); the sum of the daily estimates would count them three times, and
 * tell a course whose prospects hesitate over days from one that converts fewer of them. Its cost: about 9 % error
 * once a row has more than a few hundred viewers, where the daily estimates are nearly exact below that. Days without
 * a sketch (written before sketches were kept) add their page views instead.
 */
import { COLLECTIONS } from '../../collections';
import type { Database } from '../../db';
import { addDays } from '../daily/calendar';
import { estimateViewers, SKETCH_REGISTERS, type ViewerSketch } from '../daily/viewer-sketch';

export interface CourseWeekRow {
  courseId: string;
  /** The Monday. */
  week: string;
  /** The price the days of the row showed (absent: no prospect saw the page those days). */
  priceFen?: number;
  detailViews: number;
  /** Distinct prospects among those views (see the module comment). */
  viewers: number;
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
  'viewers',
  'freeLessonStarts',
  'checkouts',
  'paid',
  'revenueFen',
  'refunds',
  'refundedFen',
] as const satisfies readonly (keyof CourseWeek)[];

/** The figures summed in the database, and where each is in a daily document. */
type Summed = Exclude<(typeof FIGURES)[number], 'viewers'>;
const SOURCE: Record<Summed, string> = {
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
  for (const [figure, source] of Object.entries(SOURCE)) sums[figure] = $.sum(source);
  // The merged sketch, register by register, and the page views of the days that kept none.
  for (let j = 0; j < SKETCH_REGISTERS; j++) sums[`r${j}`] = $.max(`$viewers.${j}`);
  const registersSet = $.size($.objectToArray($.ifNull(['$viewers', {}])));
  sums.unsketchedViews = $.sum($.cond({ if: $.eq([registersSet, 0]), then: '$detailViews', else: 0 }));
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

interface GroupRow extends Partial<Record<Summed, number | null>> {
  _id: { courseId: string; week: string; priceFen?: number | null };
  unsketchedViews?: number | null;
  /** r0 … r127: the merged sketch's registers (null: never set). */
  [register: `r${number}`]: number | null | undefined;
}

function viewersOf(group: GroupRow): number {
  const sketch: ViewerSketch = {};
  let sketched = false;
  for (let j = 0; j < SKETCH_REGISTERS; j++) {
    const rank = group[`r${j}`];
    if (typeof rank === 'number' && rank > 0) {
      sketch[String(j)] = rank;
      sketched = true;
    }
  }
  return (sketched ? estimateViewers(sketch) : 0) + (group.unsketchedViews ?? 0);
}

function toRow(group: GroupRow): CourseWeekRow {
  const row: CourseWeekRow = {
    courseId: group._id.courseId,
    week: group._id.week,
    detailViews: 0,
    viewers: viewersOf(group),
    freeLessonStarts: 0,
    checkouts: 0,
    paid: 0,
    revenueFen: 0,
    refunds: 0,
    refundedFen: 0,
  };
  if (typeof group._id.priceFen === 'number') row.priceFen = group._id.priceFen;
  for (const figure of Object.keys(SOURCE) as Summed[]) row[figure] = group[figure] ?? 0;
  return row;
}

/**
 * One course's weeks from `fromWeek` to `toWeek` (Mondays, both included), all prices summed (a prospect who saw two
 * prices that week is one viewer at each), a week without any row all zeros: the series a forecast reads.
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
    viewers: 0,
    freeLessonStarts: 0,
    checkouts: 0,
    paid: 0,
    revenueFen: 0,
    refunds: 0,
    refundedFen: 0,
  };
}
