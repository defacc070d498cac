/**
 * The parts of `creator.course`, pure: each turns what a nightly job or a counter wrote into what the screen shows,
 * and says null (or zeros over the full axis) where nothing was written yet, never a made-up figure.
 */
import {
  COURSE_HISTORY_WEEKS,
  FUNNEL_DAYS,
  type CourseCompletion,
  type CourseFunnel,
  type CourseQualityView,
  type CourseWeekPoint,
  type CreatorCourseData,
  type InsightsMissing,
  type PriceAdviceView,
  type PriceTestView,
} from '../contract';
import type { CourseDoc } from '../catalog';
import { addDays, weekOf } from '../insights/daily/calendar';
import type { CourseDailyDoc } from '../insights/daily/counters';
import type { CourseInsight } from '../insights/analyse';
import type { PriceTestDoc } from '../insights/pricing/price-test-doc';
import type { CourseStatsDoc } from '../stats/courseStats';
import type { CourseQuality } from '../stats/quality';

/** A `courseDaily` document as the course screen reads it (no viewer sketch). */
export type DailyRow = Pick<
  CourseDailyDoc,
  'day' | 'week' | 'detailViews' | 'freeLessonStarts' | 'checkouts' | 'sales'
>;

/** The first day the course screen reads of `courseDaily`: the Monday COURSE_HISTORY_WEEKS − 1 weeks before `to`'s. */
export function historyFrom(to: string): string {
  return addDays(weekOf(to), -7 * (COURSE_HISTORY_WEEKS - 1));
}

/** The weekly sales of the COURSE_HISTORY_WEEKS weeks ending with the week of `to` (days after `to` ignored). */
export function weeklyHistory(days: readonly DailyRow[], to: string): CourseWeekPoint[] {
  const first = historyFrom(to);
  const weeks = new Map<string, CourseWeekPoint>();
  for (let i = 0; i < COURSE_HISTORY_WEEKS; i++) {
    const week = addDays(first, 7 * i);
    weeks.set(week, {
      week,
      paidOrders: 0,
      revenueFen: 0,
      refunds: 0,
      refundedFen: 0,
      detailViews: 0,
      checkouts: 0,
    });
  }
  for (const day of days) {
    if (day.day > to) continue;
    const point = weeks.get(weekOf(day.day));
    if (!point) continue;
    point.paidOrders += day.sales?.paid ?? 0;
    point.revenueFen += day.sales?.revenueFen ?? 0;
    point.refunds += day.sales?.refunds ?? 0;
    point.refundedFen += day.sales?.refundedFen ?? 0;
    point.detailViews += day.detailViews ?? 0;
    point.checkouts += day.checkouts ?? 0;
  }
  return [...weeks.values()];
}

/** The funnel of the FUNNEL_DAYS days ending with `to`; `impressions` is the cards' sum over the same days. */
export function funnelOf(days: readonly DailyRow[], impressions: number, to: string): CourseFunnel {
  const from = addDays(to, -(FUNNEL_DAYS - 1));
  const funnel: CourseFunnel = {
    from,
    to,
    impressions,
    detailViews: 0,
    freeLessonStarts: 0,
    checkouts: 0,
    paid: 0,
    refunded: 0,
  };
  for (const day of days) {
    if (day.day < from || day.day > to) continue;
    funnel.detailViews += day.detailViews ?? 0;
    funnel.freeLessonStarts += day.freeLessonStarts ?? 0;
    funnel.checkouts += day.checkouts ?? 0;
    funnel.paid += day.sales?.paid ?? 0;
    funnel.refunded += day.sales?.refunds ?? 0;
  }
  return funnel;
}

/**
 * Completion and the drop-off curve over every lesson in order: at each lesson, the stopped learners whose first
 * unfinished lesson it is, and those who got past it (who finished, or stopped at a later lesson). A stop at a lesson
 * since removed counts in `stopped` but at no lesson.
 */
export function completionOf(
  stats: Pick<CourseStatsDoc, 'learners' | 'completions' | 'completionRate' | 'avgProgress' | 'stops' | 'quality'>,
  lessons: readonly { _id: string; order: number; title: string }[],
): CourseCompletion {
  const stops = stats.stops ?? [];
  const stoppedAt = new Map(stops.map((stop) => [stop.lessonId, stop.learners]));
  const stopped = stats.quality?.completion.stopped ?? stops.reduce((sum, stop) => sum + stop.learners, 0);
  const ordered = [...lessons].sort((a, b) => a.order - b.order);
  let later = 0;
  const passed = new Array<number>(ordered.length);
  for (let i = ordered.length - 1; i >= 0; i--) {
    passed[i] = stats.completions + later;
    later += stoppedAt.get(ordered[i]!._id) ?? 0;
  }
  return {
    learners: stats.learners,
    completions: stats.completions,
    completionRate: stats.completionRate,
    avgProgress: stats.avgProgress,
    stopped,
    dropOff: ordered.map((lesson, i) => ({
      lessonId: lesson._id,
      order: lesson.order,
      title: lesson.title,
      stopped: stoppedAt.get(lesson._id) ?? 0,
      passed: passed[i]!,
    })),
  };
}

export function qualityView(quality: CourseQuality | undefined): CourseQualityView | null {
  if (!quality) return null;
  const part = ({ value, points, max, advice }: { value: number; points: number; max: number; advice?: string }) => ({
    value,
    points,
    max,
    ...(advice !== undefined ? { advice } : {}),
  });
  return {
    score: quality.score,
    components: {
      rating: part(quality.rating),
      completion: part(quality.completion),
      refunds: part(quality.refunds),
      reports: part(quality.reports),
    },
    advice: quality.advice,
  };
}

export function adviceView(advice: CourseInsight['advice'] | undefined): PriceAdviceView | null {
  if (!advice) return null;
  return {
    action: advice.action,
    currentPriceFen: advice.currentPriceFen,
    advisedPriceFen: advice.advisedPriceFen,
    bestPriceFen: advice.bestPriceFen,
    expectedChange: advice.expectedChange,
    expectedWeeklyNetFen: advice.expectedWeeklyNetFen,
    confidence: advice.probabilityBetter,
    reason: advice.reason,
  };
}

export function priceTestView(test: PriceTestDoc | null): PriceTestView | null {
  if (!test) return null;
  return {
    status: test.status,
    minPriceFen: test.bounds.minFen,
    maxPriceFen: test.bounds.maxFen,
    priceFen: test.periods.at(-1)?.priceFen ?? null,
    periods: test.periods.map(({ week, priceFen }) => ({ week, priceFen })),
    ...(test.state.settledPriceFen !== undefined ? { settledPriceFen: test.state.settledPriceFen } : {}),
    ...(test.leader ? { leader: test.leader } : {}),
    startedAt: test.startedAt,
    ...(test.settledAt ? { settledAt: test.settledAt } : {}),
    ...(test.stoppedAt ? { stoppedAt: test.stoppedAt } : {}),
  };
}

/** Why a course has no insight: free, not published, or the job has not run since it was published. */
export function insightsMissing(
  course: Pick<CourseDoc, 'status' | 'priceFen'>,
  insight: object | null,
): InsightsMissing | null {
  if (insight) return null;
  if (course.priceFen === 0) return 'free';
  if (course.status !== 'published') return 'notPublished';
  return 'firstNight';
}

export function forecastView(insight: Partial<CourseInsight> | null): CreatorCourseData['forecast'] {
  const forecast = insight?.forecast;
  if (!forecast) return null;
  return {
    method: forecast.method,
    weeks: forecast.weeks.map(({ week, mean, lower, upper }) => ({ week, mean, lower, upper })),
  };
}
