/**
 * A published course's quality score, pure: four components, each a rate shrunk toward the catalog's own rate (a
 * course with little data scores as the catalog does, not at an extreme), each worth a share of 100 points, and a
 * Chinese sentence for each one that costs the course a third of its points or more on the course's own evidence.
 *
 * | component | value | full marks at | zero at | points |
 * |---|---|---|---|---|
 * | rating | Bayesian average (shared/reviews/rating-score.ts) | 5★ | 3★ or below | 40 |
 * | completion | finished / (finished + stopped) | 60 % | 0 % | 30 |
 * | refunds | refunded / paid orders | 0 % | 30 % | 20 |
 * | reports | reports of the course / learners | 0 % | 5 % | 10 |
 *
 * Completion counts only learners whose outcome is known: those who finished and those who stopped (no report for
 * `STOPPED_AFTER_DAYS`); learners still studying are neither, so a young course is not marked down for being young.
 * Reports of its reviews are about their authors, not the course: they are shown, not scored.
 */
import type { RatingSummary } from '../catalog';
import { bayesianAverage } from '../reviews/rating-score';

/** A learner with no progress report for this many days, the course not finished, has stopped. */
export const STOPPED_AFTER_DAYS = 14;

/** Prior weight of the rates, in learners or orders: a course's own rate outweighs the catalog's after 10. */
export const RATE_PRIOR_WEIGHT = 10;

/** A component's advice is given once it scores below this share of its points. */
export const ADVICE_BELOW = 2 / 3;

/** The lesson most of a course's stopped learners stopped at: their first unfinished lesson, in course order. */
export interface StopLesson {
  lessonId: string;
  /** 1-based position in the course. */
  order: number;
  title: string;
  /** Stopped learners whose first unfinished lesson it is. */
  learners: number;
}

/** What the nightly job knows of one course. */
export interface QualityInputs {
  /** The course's summary as the catalog counts it. */
  rating: Pick<RatingSummary, 'avg' | 'count' | 'histogram'>;
  /** Learners enrolled now who finished every lesson. */
  finished: number;
  /** Learners enrolled now who stopped before the end. */
  stopped: number;
  stopLesson?: StopLesson;
  paidOrders: number;
  refunds: number;
  learners: number;
  courseReports: number;
  reviewReports: number;
}

/** The catalog's own rates, what every course is shrunk toward. */
export interface CatalogPriors {
  ratingMean: number;
  completionRate: number;
  refundRate: number;
  reportRate: number;
}

/**
 * The rates of a catalog with no evidence yet: completion and refund rates typical of paid online courses, no
 * reports. Replaced by the catalog's own as soon as it has learners who finished or stopped, paid orders, learners.
 */
export const DEFAULT_PRIORS: Omit<CatalogPriors, 'ratingMean'> = {
  completionRate: 0.3,
  refundRate: 0.05,
  reportRate: 0,
};

interface Component {
  /** The shrunk rate or average the points come from. */
  value: number;
  points: number;
  max: number;
  advice?: string;
}

export interface CourseQuality {
  /** 0–100. */
  score: number;
  rating: Component & { avg: number; count: number; prior: number };
  completion: Component & { finished: number; stopped: number; stopLesson?: StopLesson };
  refunds: Component & { refunds: number; paidOrders: number };
  reports: Component & { courseReports: number; reviewReports: number; learners: number };
  /** The components' advice, the one costing the most points first; empty when there is nothing to improve. */
  advice: string[];
  priors: CatalogPriors;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
const percent = (rate: number) => `${round(rate * 100, 1)}%`;

/** `part / whole` with `RATE_PRIOR_WEIGHT` observations at `prior` added, four decimals. */
export function shrunkRate(part: number, whole: number, prior: number): number {
  return round((part + RATE_PRIOR_WEIGHT * prior) / (whole + RATE_PRIOR_WEIGHT), 4);
}

function component(value: number, fraction: number, max: number, advice: string | undefined): Component {
  const points = round(clamp01(fraction) * max, 1);
  return points < ADVICE_BELOW * max && advice !== undefined ? { value, points, max, advice } : { value, points, max };
}

/** The catalog's rates over its published courses (`ratingMean` is computed with the rating sort's prior). */
export function catalogPriors(courses: readonly QualityInputs[], ratingMean: number): CatalogPriors {
  const sum = (pick: (c: QualityInputs) => number) => courses.reduce((total, c) => total + pick(c), 0);
  const rate = (part: number, whole: number, fallback: number) => (whole > 0 ? round(part / whole, 4) : fallback);
  const finished = sum((c) => c.finished);
  return {
    ratingMean,
    completionRate: rate(finished, finished + sum((c) => c.stopped), DEFAULT_PRIORS.completionRate),
    refundRate: rate(
      sum((c) => c.refunds),
      sum((c) => c.paidOrders),
      DEFAULT_PRIORS.refundRate,
    ),
    reportRate: rate(
      sum((c) => c.courseReports),
      sum((c) => c.learners),
      DEFAULT_PRIORS.reportRate,
    ),
  };
}

export function qualityOf(course: QualityInputs, priors: CatalogPriors): CourseQuality {
  const bayes = bayesianAverage(course.rating.histogram, priors.ratingMean);
  const rating = {
    ...component(
      bayes,
      (bayes - 3) / 2,
      40,
      course.rating.count === 0
        ? undefined
        : `评分偏低（${course.rating.avg} 分，${course.rating.count} 条评价）：看看低分评价说了什么`,
    ),
    avg: course.rating.avg,
    count: course.rating.count,
    prior: priors.ratingMean,
  };

  const completionRate = shrunkRate(course.finished, course.finished + course.stopped, priors.completionRate);
  const stop = course.stopLesson;
  const completion = {
    ...component(
      completionRate,
      completionRate / 0.6,
      30,
      course.stopped === 0
        ? undefined
        : stop !== undefined
          ? `第 ${stop.order} 课流失最多：${stop.learners} 位学员停在「${stop.title}」，看看这一课是否太难或太长`
          : `完课率偏低（${percent(completionRate)}）：看看学员停在了哪里`,
    ),
    finished: course.finished,
    stopped: course.stopped,
    ...(stop !== undefined ? { stopLesson: stop } : {}),
  };

  const refundRate = shrunkRate(course.refunds, course.paidOrders, priors.refundRate);
  const refunds = {
    ...component(
      refundRate,
      1 - refundRate / 0.3,
      20,
      course.refunds === 0
        ? undefined
        : `退款率偏高（${course.refunds} / ${course.paidOrders} 单，平台 ${percent(priors.refundRate)}）：看看课程介绍是否与内容相符`,
    ),
    refunds: course.refunds,
    paidOrders: course.paidOrders,
  };

  const reportRate = shrunkRate(course.courseReports, course.learners, priors.reportRate);
  const reports = {
    ...component(
      reportRate,
      1 - reportRate / 0.05,
      10,
      course.courseReports === 0 ? undefined : `被举报较多（${course.courseReports} 次）：请检查举报理由并修改内容`,
    ),
    courseReports: course.courseReports,
    reviewReports: course.reviewReports,
    learners: course.learners,
  };

  const parts = [rating, completion, refunds, reports];
  const advice = parts
    .filter((part) => part.advice !== undefined)
    .sort((a, b) => b.max - b.points - (a.max - a.points))
    .map((part) => part.advice as string);
  const score = Math.round(parts.reduce((total, part) => total + part.points, 0));
  return { score, rating, completion, refunds, reports, advice, priors };
}

/** The stop lesson of rows of stopped learners by first unfinished lesson: most learners, then the earliest. */
export function mostStoppedLesson(rows: readonly StopLesson[]): StopLesson | undefined {
  let best: StopLesson | undefined;
  for (const row of rows) {
    if (
      best === undefined ||
      row.learners > best.learners ||
      (row.learners === best.learners && row.order < best.order)
    )
      best = row;
  }
  return best;
}
