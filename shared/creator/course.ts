/**
 * `creator.course`: everything on the per-course screen in one server call.
 *
 * Database calls: 10 in 2 rounds. First the caller's `creatorAdmins` document and the course, at once (the course is
 * answered only to an admin of its creator: FORBIDDEN otherwise, the same for a course that does not exist). Then, at
 * once: its `courseStats` (nightly figures, completion, where learners stopped, quality), `courseInsights` (forecast
 * and price advice), `priceTests`, `courseRevisions` (a staged change), its lessons (titles for the drop-off curve),
 * its `courseDaily` documents of the last COURSE_HISTORY_WEEKS weeks (one read of at most 182: the weekly history and
 * the funnel), one aggregate of `cardImpressions` over the funnel's days (the day's shards summed), and nothing else:
 * no order is read.
 */
import { COLLECTIONS } from '../collections';
import type { CourseDoc, LessonDoc } from '../catalog';
import type { CourseModeration, CourseRevisionDoc } from '../catalog/course-file/revision';
import { AppError, FUNNEL_DAYS, type CreatorCourseData, type CreatorCourseParams } from '../contract';
import { found, getById, type Database } from '../db';
import { addDays } from '../insights/daily/calendar';
import type { CourseInsight } from '../insights/analyse';
import type { PriceTestDoc } from '../insights/pricing/price-test-doc';
import type { CourseStatsDoc } from '../stats/courseStats';
import { summaryOf } from '../reviews/summary';
import { callerCreatorIds, NOT_YOUR_COURSE, ownsCourse } from './access';
import {
  adviceView,
  completionOf,
  forecastView,
  funnelOf,
  historyFrom,
  insightsMissing,
  priceTestView,
  qualityView,
  weeklyHistory,
  type DailyRow,
} from './course-view';
import { moderationView } from './moderation-view';
import { figuresOf, type CreatorDeps } from './overview';
import { lastFoldedDay } from './series';

type CourseRead = CourseDoc & { moderation?: CourseModeration };

/** The caller's course: FORBIDDEN, one message, when the caller administers no creator or not this course's. */
export async function ownCourse(db: Database, openid: string, courseId: string): Promise<CourseRead> {
  const [creatorIds, course] = await Promise.all([
    callerCreatorIds(db, openid),
    getById<CourseRead>(db, COLLECTIONS.courses, courseId),
  ]);
  if (!ownsCourse(creatorIds, course)) throw new AppError('FORBIDDEN', NOT_YOUR_COURSE);
  return course;
}

/** The card impressions of a course over [from, to], summed over the days' shards in the database. */
async function impressionsOf(db: Database, courseId: string, from: string, to: string): Promise<number> {
  const _ = db.command;
  const res = (await db
    .collection(COLLECTIONS.cardImpressions)
    .aggregate()
    .match({ day: _.gte(from).and(_.lte(to)) })
    .group({ _id: null, impressions: { $sum: `$counts.${courseId}` } })
    .end()) as { list: { impressions?: number }[] };
  return Number(res.list[0]?.impressions ?? 0);
}

export async function creatorCourseOf(
  deps: CreatorDeps,
  openid: string,
  params: CreatorCourseParams,
): Promise<CreatorCourseData> {
  const { db } = deps;
  const _ = db.command;
  const course = await ownCourse(db, openid, params.courseId);
  const id = course._id;
  const to = lastFoldedDay(deps.now());
  const [stats, insight, test, revision, lessons, days, impressions] = await Promise.all([
    getById<CourseStatsDoc>(db, COLLECTIONS.courseStats, id),
    getById<Partial<CourseInsight> & { computedAt?: string }>(db, COLLECTIONS.courseInsights, id),
    getById<PriceTestDoc>(db, COLLECTIONS.priceTests, id),
    getById<CourseRevisionDoc>(db, COLLECTIONS.courseRevisions, id),
    found<Pick<LessonDoc, '_id' | 'order' | 'title'>>(
      db
        .collection(COLLECTIONS.lessons)
        .where({ courseId: id })
        .orderBy('order', 'asc')
        .limit(1000)
        .field({ _id: true, order: true, title: true }),
    ),
    found<DailyRow>(
      db
        .collection(COLLECTIONS.courseDaily)
        .where({ courseId: id, day: _.gte(historyFrom(to)).and(_.lte(to)) })
        .orderBy('day', 'asc')
        .limit(1000)
        .field({ day: true, week: true, detailViews: true, freeLessonStarts: true, checkouts: true, sales: true }),
    ),
    impressionsOf(db, id, addDays(to, -(FUNNEL_DAYS - 1)), to),
  ]);

  return {
    course: {
      id,
      title: course.title,
      status: course.status,
      creatorId: course.creator.id,
      priceFen: course.priceFen,
      lessonCount: course.lessonCount,
      ...(course.publishedAt ? { publishedAt: course.publishedAt } : {}),
    },
    pendingFirstNight: stats === null,
    statsComputedAt: stats?.computedAt ?? null,
    insightsComputedAt: insight?.computedAt ?? null,
    figures: stats
      ? { allTime: figuresOf(stats), last7: figuresOf(stats.last7), last30: figuresOf(stats.last30) }
      : null,
    history: weeklyHistory(days, to),
    forecast: forecastView(insight),
    funnel: funnelOf(days, impressions, to),
    completion: stats ? completionOf(stats, lessons) : null,
    rating: summaryOf(course.rating?.histogram ?? []),
    quality: qualityView(stats?.quality),
    priceAdvice: adviceView(insight?.advice),
    insightsMissing: insightsMissing(course, insight),
    priceTest: priceTestView(test),
    moderation: moderationView(course, revision),
  };
}
