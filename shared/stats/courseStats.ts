/**
 * The nightly numbers a creator reads in the console (`courseStats`, one document per course, `_id` = course id).
 *
 * Computed from six aggregate calls (grants, orders, courseProgress, reviews, the stopped learners' progress and
 * reports), each grouped by course with conditional sums for the last 7 and 30 days, plus one read of the courses: a
 * fixed number of large calls whatever the number of learners (more only past 1000 courses, one page each). Then one
 * write per course.
 *
 * Every course's document carries where its stopped learners stopped (`stops`, by first unfinished lesson: the
 * creator center's drop-off curve), and a published course's its quality score (./quality.ts). The same run stores the catalog's mean
 * rating on every course and rescores its summary with it (`rating.score`, what the `rating` sort orders by:
 * shared/reviews/rating-score.ts), each course only if its summary is still what was read, so a review counted
 * during the run keeps the score its own transaction wrote.
 *
 * A course's learners are those holding a grant of the course itself (bought, free or redeemed: shared/grants); the
 * holders of a bundle that opens it are not counted on the course. Progress counts only while such a grant is active
 * now: the progress aggregate joins each document to the learner's grants (`$lookup`), so a refund (revoked grant)
 * takes the learner out of the figures at once, whatever the progress document's `enrolled` flag said at the
 * learner's last report.
 *
 * The same run recounts each course's `learnerCount` (what cards, the course page and the catalog's "popular" order
 * show): fulfilment and refunds move it with an increment after their commit, and an increment lost between a commit
 * and its update (README, "Learner counts") is corrected here from the active grants. The courses are read before
 * the aggregates and a course is corrected only if its count is still what was read, so a purchase made during the run
 * is never undone; one whose increment had not landed by the time of the write may stay off by one until the next run.
 *
 * Every time in the database is an ISO-8601 UTC string, so "since" is a string comparison.
 */
import type { CourseDoc, RatingSummary } from '../catalog';
import { found } from '../db';
import type { Database } from '../db';
import { summaryOf } from '../reviews/summary';
import { catalogPriorMean, scoredRating } from '../reviews/rating-score';
import { catalogPriors, mostStoppedLesson, qualityOf, STOPPED_AFTER_DAYS } from './quality';
import type { CourseQuality, QualityInputs, StopLesson } from './quality';
import { COLLECTIONS } from '../collections';
import { isCourseOpen } from '../catalog/visibility';

export const WINDOWS = { last7: 7, last30: 30 } as const;
export type WindowName = keyof typeof WINDOWS;

/** Order statuses that mean the learner paid (a refund keeps the order counted as paid and adds a refund). */
export const PAID_STATUSES = ['paid', 'refunding', 'refunded'];

/** Figures of one period. */
export interface PeriodFigures {
  /** Grants of the course (bought, free or redeemed) given in the period; all time: active ones now. */
  learners: number;
  /** Orders with an amount, paid in the period (free courses' orders are not worth counting). */
  paidOrders: number;
  /** Sum of those orders, fen. */
  revenueFen: number;
  /** Orders refunded in the period, and their sum in fen. */
  refunds: number;
  refundsFen: number;
  /** revenueFen − refundsFen. */
  netRevenueFen: number;
  /** Learners enrolled now who studied in the period; all time: who ever reported progress. */
  activeLearners: number;
  /** Learners enrolled now who finished every lesson in the period (all time: who have). */
  completions: number;
  /** completions / learners for all time, completions / activeLearners for a period; 0–1, four decimals. */
  completionRate: number;
  /** Mean course percent (0–100, one decimal) of all learners (all time) or of the active ones (a period). */
  avgProgress: number;
  /** Visible reviews (all time), or visible reviews written in the period. */
  rating: RatingSummary;
}

export interface CourseStatsDoc extends PeriodFigures {
  _id: string;
  courseId: string;
  creatorId: string;
  title: string;
  status: CourseDoc['status'];
  last7: PeriodFigures;
  last30: PeriodFigures;
  /**
   * Learners enrolled now who stopped (no report for STOPPED_AFTER_DAYS, not finished), by their first unfinished
   * lesson, in course order; lessons where no one stopped are absent.
   */
  stops: StopLesson[];
  /** Published courses only. */
  quality?: CourseQuality;
  /** ISO-8601 time the figures were computed. */
  computedAt: string;
}

/** One `$group` row per course: sums named `<figure>` (all time) and `<figure>_<window>`. */
export type GroupRow = { _id: string } & Record<string, unknown>;

export interface GroupedFigures {
  grants: Map<string, GroupRow>;
  orders: Map<string, GroupRow>;
  progress: Map<string, GroupRow>;
  reviews: Map<string, GroupRow>;
  /** `stopped` learners and `lessons`, their count by first unfinished lesson. */
  stops: Map<string, GroupRow>;
  /** `course` and `review` reports. */
  reports: Map<string, GroupRow>;
}

/** ISO time `days` before `now`. */
export function since(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

type Expr = Record<string, unknown>;
const count = (condition: Expr) => ({ $sum: { $cond: [condition, 1, 0] } });
const total = (condition: Expr, field: string) => ({ $sum: { $cond: [condition, `$${field}`, 0] } });
const after = (field: string, iso: string): Expr => ({ $gte: [`$${field}`, iso] });
const is = (field: string, value: unknown): Expr => ({ $eq: [`$${field}`, value] });
const both = (...conditions: Expr[]): Expr => ({ $and: conditions });

/** Adds `<name>` and `<name>_<window>` for each window, where the window restricts by `field` being recent. */
function withWindows(group: Expr, now: Date, name: string, field: string, make: (windowed: Expr | null) => Expr) {
  group[name] = make(null);
  for (const [window, days] of Object.entries(WINDOWS))
    group[`${name}_${window}`] = make(after(field, since(now, days)));
}

/** A pipeline stage as the SDK's builder method that adds it and its parameter (`['lookup', {…}]` is `$lookup`). */
export type Stage = ['lookup' | 'addFields' | 'match' | 'project' | 'group', Expr];

/** One grouped aggregate: an optional leading `$match`, then `stages`, then the `$group`. */
export interface GroupStage {
  match: Expr;
  stages: Stage[];
  group: Expr;
}

/**
 * The stages that keep a progress document only while the learner holds an active grant of its course: the learner's
 * grants joined by openid (an indexed equality join), narrowed to the active ones of the document's course.
 */
const activeInCourse = {
  $filter: {
    input: '$grants',
    as: 'e',
    cond: { $and: [{ $eq: ['$$e.courseId', '$courseId'] }, { $eq: ['$$e.status', 'active'] }] },
  },
};
const WHILE_ENROLLED: Stage[] = [
  ['lookup', { from: COLLECTIONS.grants, localField: '_openid', foreignField: '_openid', as: 'grants' }],
  ['addFields', { enrolledNow: { $gt: [{ $size: activeInCourse }, 0] } }],
  ['match', { enrolledNow: true }],
];

/**
 * A stopped learner's first unfinished lesson, in course order: the course's lessons joined by course id (an indexed
 * equality join), those not among the completed ones, the lowest `order` of them.
 */
const FIRST_UNFINISHED = {
  $reduce: {
    input: {
      $filter: {
        input: '$courseLessons',
        as: 'l',
        cond: { $not: [{ $in: ['$$l._id', { $ifNull: ['$completedLessonIds', []] }] }] },
      },
    },
    initialValue: null,
    in: {
      $cond: [
        { $or: [{ $eq: ['$$value', null] }, { $lt: ['$$this.order', '$$value.order'] }] },
        { id: '$$this._id', order: '$$this.order', title: '$$this.title' },
        '$$value',
      ],
    },
  },
};
const STOPPED_AT: Stage[] = [
  ['lookup', { from: COLLECTIONS.lessons, localField: 'courseId', foreignField: 'courseId', as: 'courseLessons' }],
  ['project', { courseId: true, stoppedAt: FIRST_UNFINISHED }],
  // One row per course and lesson, folded into one row per course by the final group: rows grow with lessons only.
  [
    'group',
    {
      _id: { course: '$courseId', id: '$stoppedAt.id', order: '$stoppedAt.order', title: '$stoppedAt.title' },
      learners: { $sum: 1 },
    },
  ],
];

/** The six aggregates, built for `now`; `_` is the database's command builder. */
export function pipelines(now: Date, _: Database['command']): Record<keyof GroupedFigures, GroupStage> {
  const grants: Expr = { _id: '$courseId', learners: count(is('status', 'active')) };
  withWindows(grants, now, 'new', 'createdAt', (w) => (w ? count(w) : { $sum: 1 }));

  const orders: Expr = { _id: '$courseId' };
  withWindows(orders, now, 'paidOrders', 'paidAt', (w) => (w ? count(w) : { $sum: 1 }));
  withWindows(orders, now, 'revenueFen', 'paidAt', (w) => (w ? total(w, 'amountFen') : { $sum: '$amountFen' }));
  const refunded = is('status', 'refunded');
  withWindows(orders, now, 'refunds', 'refundedAt', (w) => count(w ? both(refunded, w) : refunded));
  withWindows(orders, now, 'refundsFen', 'refundedAt', (w) => total(w ? both(refunded, w) : refunded, 'amountFen'));

  const progress: Expr = { _id: '$courseId' };
  const complete = is('percent', 100);
  withWindows(progress, now, 'active', 'updatedAt', (w) => (w ? count(w) : { $sum: 1 }));
  withWindows(progress, now, 'percentActive', 'updatedAt', (w) => (w ? total(w, 'percent') : { $sum: '$percent' }));
  withWindows(progress, now, 'completions', 'completedAt', (w) => count(w ? both(complete, w) : complete));

  const reviews: Expr = { _id: '$courseId' };
  for (let star = 1; star <= 5; star++) {
    withWindows(reviews, now, `stars${star}`, 'createdAt', (w) =>
      count(w ? both(is('rating', star), w) : is('rating', star)),
    );
  }
  const stops: Expr = {
    _id: '$_id.course',
    stopped: { $sum: '$learners' },
    lessons: { $push: { lessonId: '$_id.id', order: '$_id.order', title: '$_id.title', learners: '$learners' } },
  };
  const reports: Expr = { _id: '$courseId', course: count(is('kind', 'course')), review: count(is('kind', 'review')) };
  return {
    grants: { match: { courseId: _.exists(true) }, stages: [], group: grants },
    orders: { match: { status: _.in(PAID_STATUSES), amountFen: _.gt(0) }, stages: [], group: orders },
    progress: { match: {}, stages: WHILE_ENROLLED, group: progress },
    // The ratings the course summary counts: visible, the author not refunded (shared/reviews countedRating).
    reviews: { match: { status: 'visible', refunded: _.neq(true) }, stages: [], group: reviews },
    // Enrolled now, not finished, no report for STOPPED_AFTER_DAYS.
    stops: {
      match: { percent: _.lt(100), updatedAt: _.lt(since(now, STOPPED_AFTER_DAYS)) },
      stages: [...WHILE_ENROLLED, ...STOPPED_AT],
      group: stops,
    },
    reports: { match: {}, stages: [], group: reports },
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const ratio = (part: number, whole: number) => (whole > 0 ? Math.min(1, part / whole) : 0);

/** The figures of one course for one period (`suffix` '' for all time, `_last7`, `_last30`). */
function period(courseId: string, groups: GroupedFigures, suffix: string): PeriodFigures {
  const get = (rows: Map<string, GroupRow>, name: string) => Number(rows.get(courseId)?.[name] ?? 0);
  const allTime = suffix === '';
  const learners = allTime ? get(groups.grants, 'learners') : get(groups.grants, `new${suffix}`);
  const revenueFen = get(groups.orders, `revenueFen${suffix}`);
  const refundsFen = get(groups.orders, `refundsFen${suffix}`);
  const activeLearners = get(groups.progress, `active${suffix}`);
  const completions = get(groups.progress, `completions${suffix}`);
  const percentSum = get(groups.progress, `percentActive${suffix}`);
  // All time, a learner who never reported progress is at 0 %: the mean is over every active grant.
  const progressBase = allTime ? Math.max(learners, activeLearners) : activeLearners;
  return {
    learners,
    paidOrders: get(groups.orders, `paidOrders${suffix}`),
    revenueFen,
    refunds: get(groups.orders, `refunds${suffix}`),
    refundsFen,
    netRevenueFen: revenueFen - refundsFen,
    activeLearners,
    completions,
    completionRate: round(ratio(completions, allTime ? learners : activeLearners), 4),
    avgProgress: progressBase > 0 ? round(percentSum / progressBase, 1) : 0,
    rating: summaryOf([1, 2, 3, 4, 5].map((star) => get(groups.reviews, `stars${star}${suffix}`))),
  };
}

const countIn = (row: GroupRow | undefined, name: string) => Number(row?.[name] ?? 0);

/**
 * The course's stopped learners by first unfinished lesson, in course order. A learner whose first unfinished lesson
 * could not be found (lessons removed since) stopped at no known lesson and is left out.
 */
export function stopLessons(courseId: string, groups: Pick<GroupedFigures, 'stops'>): StopLesson[] {
  const rows = (groups.stops.get(courseId)?.lessons ?? []) as Partial<StopLesson>[];
  return rows
    .filter(
      (row): row is StopLesson =>
        typeof row.lessonId === 'string' && typeof row.order === 'number' && typeof row.learners === 'number',
    )
    .map(({ lessonId, order, title, learners }) => ({ lessonId, order, title: String(title ?? ''), learners }))
    .sort((a, b) => a.order - b.order);
}

/** What the quality score of one course is computed from; `rating` is the course's summary as the catalog counts it. */
export function qualityInputs(
  course: Pick<CourseDoc, '_id' | 'rating'>,
  groups: GroupedFigures,
  figures: Pick<PeriodFigures, 'learners' | 'completions' | 'paidOrders' | 'refunds'>,
): QualityInputs {
  const stops = groups.stops.get(course._id);
  const reports = groups.reports.get(course._id);
  const stopLesson = mostStoppedLesson(stopLessons(course._id, groups));
  return {
    // A hand-edited course without a histogram counts as unrated.
    rating: summaryOf(course.rating?.histogram ?? []),
    finished: figures.completions,
    stopped: countIn(stops, 'stopped'),
    ...(stopLesson !== undefined ? { stopLesson } : {}),
    paidOrders: figures.paidOrders,
    refunds: figures.refunds,
    learners: figures.learners,
    courseReports: countIn(reports, 'course'),
    reviewReports: countIn(reports, 'review'),
  };
}

/** The document of one course, pure (the run adds a published course's `quality`, which needs the catalog). */
export function courseStatsDoc(
  course: Pick<CourseDoc, '_id' | 'title' | 'status' | 'creator'>,
  groups: GroupedFigures,
  now: Date,
): CourseStatsDoc {
  return {
    _id: course._id,
    courseId: course._id,
    creatorId: course.creator.id,
    title: course.title,
    status: course.status,
    ...period(course._id, groups, ''),
    last7: period(course._id, groups, '_last7'),
    last30: period(course._id, groups, '_last30'),
    stops: stopLessons(course._id, groups),
    computedAt: now.toISOString(),
  };
}

/** Rows per aggregate page and courses per read: the server's largest page. */
const PAGE = 1000;
/** Documents written at once. */
const WRITE_CONCURRENCY = 10;

async function groupAll(db: Database, collection: string, stage: GroupStage) {
  const rows = new Map<string, GroupRow>();
  for (let skip = 0; ; skip += PAGE) {
    // Aggregates answer 20 rows unless limited; sorting by course makes the pages stable.
    let pipeline = db.collection(collection).aggregate();
    if (Object.keys(stage.match).length > 0) pipeline = pipeline.match(stage.match);
    for (const [method, param] of stage.stages) pipeline = pipeline[method](param);
    pipeline = pipeline.group(stage.group).sort({ _id: 1 });
    if (skip > 0) pipeline = pipeline.skip(skip);
    const page = ((await pipeline.limit(PAGE).end()) as { list: GroupRow[] }).list;
    for (const row of page) rows.set(row._id, row);
    if (page.length < PAGE) return rows;
  }
}

type CourseRow = Pick<CourseDoc, '_id' | 'title' | 'status' | 'creator' | 'learnerCount' | 'rating'>;

async function allCourses(db: Database) {
  const courses: CourseRow[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const page = await found<CourseRow>(
      db
        .collection(COLLECTIONS.courses)
        .where({})
        .orderBy('_id', 'asc')
        .skip(skip)
        .limit(PAGE)
        .field({ _id: true, title: true, status: true, creator: true, learnerCount: true, rating: true }),
    );
    courses.push(...page);
    if (page.length < PAGE) return courses;
  }
}

/** Computes and writes every course's document; returns how many were written. */
export async function writeCourseStats(deps: { db: Database; now: () => Date }): Promise<number> {
  const { db } = deps;
  const now = deps.now();
  const stages = pipelines(now, db.command);
  // Before the aggregates: a purchase counted after this read is never taken back by the recount (see above).
  const courses = await allCourses(db);
  const [grants, orders, progress, reviews, stops, reports] = await Promise.all([
    groupAll(db, COLLECTIONS.grants, stages.grants),
    groupAll(db, COLLECTIONS.orders, stages.orders),
    groupAll(db, COLLECTIONS.courseProgress, stages.progress),
    groupAll(db, COLLECTIONS.reviews, stages.reviews),
    groupAll(db, COLLECTIONS.courseProgress, stages.stops),
    groupAll(db, COLLECTIONS.reports, stages.reports),
  ]);
  const groups: GroupedFigures = { grants, orders, progress, reviews, stops, reports };
  const docs = courses.map((course) => courseStatsDoc(course, groups, now));
  const published = courses.flatMap((course, i) =>
    isCourseOpen(course) ? [{ doc: docs[i]!, inputs: qualityInputs(course, groups, docs[i]!) }] : [],
  );
  const priorMean = catalogPriorMean(published.map(({ inputs }) => inputs.rating));
  const priors = catalogPriors(
    published.map(({ inputs }) => inputs),
    priorMean,
  );
  for (const { doc, inputs } of published) doc.quality = qualityOf(inputs, priors);
  for (let i = 0; i < docs.length; i += WRITE_CONCURRENCY) {
    await Promise.all(
      docs
        .slice(i, i + WRITE_CONCURRENCY)
        .map(({ _id, ...data }) => db.collection(COLLECTIONS.courseStats).doc(_id).set({ data })),
    );
  }
  await recountLearners(db, courses, docs);
  await rescoreRatings(db, courses, priorMean);
  return docs.length;
}

/**
 * Stores the catalog's mean on every course and its summary's score toward it, where either changed, on a course
 * whose summary is still what was read (a review counted since wrote its own score, with the mean stored before).
 */
async function rescoreRatings(db: Database, courses: CourseRow[], priorMean: number): Promise<void> {
  const stale = courses.flatMap((course) => {
    const rescored = scoredRating(summaryOf(course.rating?.histogram ?? []), priorMean);
    return rescored.score === course.rating?.score && rescored.prior === course.rating?.prior
      ? []
      : [{ course, rescored }];
  });
  for (let i = 0; i < stale.length; i += WRITE_CONCURRENCY) {
    await Promise.all(
      stale.slice(i, i + WRITE_CONCURRENCY).map(({ course, rescored }) =>
        db
          .collection(COLLECTIONS.courses)
          .where({ _id: course._id, 'rating.count': rescored.count, 'rating.avg': rescored.avg })
          .update({ data: { 'rating.score': rescored.score, 'rating.prior': rescored.prior } }),
      ),
    );
  }
}

/** Sets `learnerCount` to the active grants of the course on each course where they differ and the count is still as read. */
async function recountLearners(db: Database, courses: CourseRow[], docs: CourseStatsDoc[]): Promise<void> {
  const _ = db.command;
  const drifted = courses.flatMap((course, i) => {
    const learners = docs[i]!.learners;
    return course.learnerCount === learners ? [] : [{ course, learners }];
  });
  for (let i = 0; i < drifted.length; i += WRITE_CONCURRENCY) {
    await Promise.all(
      drifted.slice(i, i + WRITE_CONCURRENCY).map(({ course, learners }) =>
        db
          .collection(COLLECTIONS.courses)
          .where({ _id: course._id, learnerCount: course.learnerCount ?? _.exists(false) })
          .update({ data: { learnerCount: learners } }),
      ),
    );
  }
}
