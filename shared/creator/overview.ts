/**
 * `creator.overview`: each creator the caller administers, with its totals, its revenue and paid orders over time and
 * a row per course: the whole screen in one server call.
 *
 * Database calls: 6 in 3 rounds, whatever the number of courses (more only past 1000 courses or series rows, a page
 * each): the caller's `creatorAdmins` document; then the `creators`, the creators' `courses` (projected) and their
 * `courseStats` (the nightly totals) at once; then the courses' `courseRevisions` under review and one aggregate of
 * their `courseDaily` sales by course and bucket (the sales the nightly `insights` job folds in: never the orders).
 */
import { COLLECTIONS } from '../collections';
import type { CourseDoc, CreatorDoc } from '../catalog';
import {
  type CreatorCourseRow,
  type CreatorFigures,
  type CreatorOverview,
  type CreatorOverviewData,
  type CreatorOverviewParams,
  type OverviewPeriod,
} from '../contract';
import { found, type Database } from '../db';
import type { CourseModeration, CourseRevisionDoc } from '../catalog/course-file/revision';
import type { CourseStatsDoc, PeriodFigures } from '../stats/courseStats';
import { callerCreatorIds } from './access';
import { moderationView } from './moderation-view';
import { bucketStarts, fillSeries, lastFoldedDay, type SalesFigures } from './series';

export interface CreatorDeps {
  db: Database;
  now: () => Date;
}

/** Rows per page: the server's largest. */
const PAGE = 1000;

export type CourseRowDoc = Pick<
  CourseDoc,
  '_id' | 'title' | 'status' | 'creator' | 'priceFen' | 'learnerCount' | 'rating' | 'createdAt'
> & { moderation?: CourseModeration };

/** The part of a `courseStats` document the overview reads. */
export type StatsRow = Pick<CourseStatsDoc, '_id' | 'creatorId' | keyof CreatorFigures | 'quality' | 'computedAt'> & {
  last30: Pick<PeriodFigures, keyof CreatorFigures>;
};
type RevisionRow = Pick<CourseRevisionDoc, '_id' | 'state' | 'version' | 'field' | 'reason' | 'updatedAt'>;

/** A series row of the aggregate: one course and bucket. */
export interface SeriesRow extends Partial<SalesFigures> {
  _id: { course: string; start: string };
}

async function allPages<T>(read: (skip: number) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const page = await read(skip);
    rows.push(...page);
    if (page.length < PAGE) return rows;
  }
}

const FIGURE_KEYS = ['learners', 'paidOrders', 'revenueFen', 'refunds', 'refundsFen', 'netRevenueFen'] as const;

export function zeroFigures(): CreatorFigures {
  return { learners: 0, paidOrders: 0, revenueFen: 0, refunds: 0, refundsFen: 0, netRevenueFen: 0 };
}

/** The money and learner figures of a `courseStats` period. Pure. */
export function figuresOf(period: Pick<PeriodFigures, keyof CreatorFigures>): CreatorFigures {
  const figures = zeroFigures();
  for (const key of FIGURE_KEYS) figures[key] = Number(period[key] ?? 0);
  return figures;
}

/** The sum of figures. Pure. */
export function sumFigures(all: readonly CreatorFigures[]): CreatorFigures {
  const sum = zeroFigures();
  for (const figures of all) for (const key of FIGURE_KEYS) sum[key] += figures[key];
  return sum;
}

/** The bucket expression of the aggregate: the first day of the row's day, week or month. */
function bucketExpression(period: OverviewPeriod): unknown {
  if (period === 'day') return '$day';
  if (period === 'week') return '$week';
  return { $concat: [{ $substr: ['$day', 0, 7] }, '-01'] };
}

/** One course's row of the list (pure): the nightly figures where there are, the live course otherwise. */
export function courseRow(
  course: CourseRowDoc,
  stats: StatsRow | undefined,
  revision: RevisionRow | undefined,
): CreatorCourseRow {
  return {
    id: course._id,
    title: course.title,
    status: course.status,
    moderation: moderationView(course, revision),
    priceFen: course.priceFen,
    learners: stats?.learners ?? course.learnerCount ?? 0,
    revenueFen: stats ? stats.revenueFen : null,
    netRevenueFen: stats ? stats.netRevenueFen : null,
    rating: { avg: course.rating?.avg ?? 0, count: course.rating?.count ?? 0 },
    qualityScore: stats?.quality?.score ?? null,
  };
}

/** One creator's part of the screen (pure). */
export function creatorOverview(
  creator: { _id: string; name?: string; title?: string },
  courses: readonly CourseRowDoc[],
  stats: ReadonlyMap<string, StatsRow>,
  revisions: ReadonlyMap<string, RevisionRow>,
  series: readonly SeriesRow[],
  starts: readonly string[],
): CreatorOverview {
  const own = courses.filter((course) => course.creator.id === creator._id);
  const ids = new Set(own.map((course) => course._id));
  const ownStats = own.flatMap((course) => {
    const row = stats.get(course._id);
    return row ? [row] : [];
  });
  const computedAt = ownStats.reduce<string | null>(
    (latest, row) => (latest === null || row.computedAt > latest ? row.computedAt : latest),
    null,
  );
  return {
    creator: {
      id: creator._id,
      // A creator named only by an admin document (no course imported yet) shows its id.
      name: creator.name ?? creator._id,
      ...(creator.title ? { title: creator.title } : {}),
    },
    totals: sumFigures(ownStats.map(figuresOf)),
    last30: sumFigures(ownStats.map((row) => figuresOf(row.last30))),
    series: fillSeries(
      starts,
      series.filter((row) => ids.has(row._id.course)).map((row) => ({ ...row, start: row._id.start })),
    ),
    courses: own.map((course) => courseRow(course, stats.get(course._id), revisions.get(course._id))),
    pendingFirstNight: ownStats.length === 0,
    computedAt,
  };
}

export async function creatorOverviewOf(
  deps: CreatorDeps,
  openid: string,
  params: CreatorOverviewParams,
): Promise<CreatorOverviewData> {
  const { db } = deps;
  const _ = db.command;
  const period = params.period ?? 'day';
  const creatorIds = await callerCreatorIds(db, openid);
  const to = lastFoldedDay(deps.now());
  const starts = bucketStarts(period, to);
  const from = starts[0]!;

  const [creators, courses, stats] = await Promise.all([
    found<CreatorDoc>(
      db
        .collection(COLLECTIONS.creators)
        .where({ _id: _.in(creatorIds) })
        .limit(creatorIds.length),
    ),
    allPages((skip) =>
      found<CourseRowDoc>(
        db
          .collection(COLLECTIONS.courses)
          .where({ 'creator.id': _.in(creatorIds) })
          .orderBy('createdAt', 'desc')
          .orderBy('_id', 'asc')
          .skip(skip)
          .limit(PAGE)
          .field({
            _id: true,
            title: true,
            status: true,
            creator: true,
            priceFen: true,
            learnerCount: true,
            rating: true,
            createdAt: true,
            moderation: true,
          }),
      ),
    ),
    allPages((skip) =>
      found<StatsRow>(
        db
          .collection(COLLECTIONS.courseStats)
          .where({ creatorId: _.in(creatorIds) })
          .orderBy('_id', 'asc')
          .skip(skip)
          .limit(PAGE)
          .field({ creatorId: true, last30: true, quality: true, computedAt: true, ...fields(FIGURE_KEYS) }),
      ),
    ),
  ]);

  const courseIds = courses.map((course) => course._id);
  const [revisions, series] =
    courseIds.length === 0
      ? [[], []]
      : await Promise.all([
          allPages((skip) =>
            found<RevisionRow>(
              db
                .collection(COLLECTIONS.courseRevisions)
                .where({ _id: _.in(courseIds), state: _.in(['reviewing', 'rejected']) })
                .orderBy('_id', 'asc')
                .skip(skip)
                .limit(PAGE)
                .field({ state: true, version: true, field: true, reason: true, updatedAt: true }),
            ),
          ),
          allPages(async (skip) => {
            let pipeline = db
              .collection(COLLECTIONS.courseDaily)
              .aggregate()
              .match({ courseId: _.in(courseIds), day: _.gte(from).and(_.lte(to)) })
              .group({
                _id: { course: '$courseId', start: bucketExpression(period) },
                paidOrders: { $sum: '$sales.paid' },
                revenueFen: { $sum: '$sales.revenueFen' },
                refunds: { $sum: '$sales.refunds' },
                refundedFen: { $sum: '$sales.refundedFen' },
              })
              .sort({ '_id.course': 1, '_id.start': 1 });
            if (skip > 0) pipeline = pipeline.skip(skip);
            return ((await pipeline.limit(PAGE).end()) as { list: SeriesRow[] }).list;
          }),
        ]);

  const creatorById = new Map(creators.map((creator) => [creator._id, creator]));
  const statsById = new Map(stats.map((row) => [row._id, row]));
  const revisionById = new Map(revisions.map((row) => [row._id, row]));
  return {
    period,
    from,
    to,
    creators: creatorIds.map((id) =>
      creatorOverview(creatorById.get(id) ?? { _id: id }, courses, statsById, revisionById, series, starts),
    ),
  };
}

function fields(keys: readonly string[]): Record<string, true> {
  return Object.fromEntries(keys.map((key) => [key, true]));
}
