/**
 * The Bayesian average of a course's ratings: its reviews shrunk toward the catalog's mean as if `PRIOR_WEIGHT` more
 * reviews at that mean had been written, `(Σ stars + w·m) / (n + w)`. The catalog's `rating` sort orders by it, so a
 * course with one 5★ review does not outrank one with 200 reviews averaging 4.8.
 *
 * The score is kept on the course's summary (`rating.score`, with the mean it was shrunk toward in `rating.prior`): the
 * review transaction that changes the summary writes the new score with the prior already stored there, so a new review
 * moves the order at once; the nightly `courseStats` job recomputes the catalog's mean and rewrites every score with it.
 */
import type { CourseRating, RatingSummary } from '../catalog';

/**
 * Prior weight, in reviews. Assumed (README, "The rating sort", says why): if courses' true means differ by about
 * 0.25★ (sd) and one course's reviews scatter by about 0.9★, the empirical-Bayes weight σ²within / σ²between is about
 * 0.8 / 0.06 ≈ 13 reviews; 10 keeps a young catalog's courses apart sooner. With it one 5★ review stays below 200
 * reviews averaging 4.8 for every prior mean up to 4.77, and the mean is capped below that (`PRIOR_MEAN_CAP`).
 */
export const PRIOR_WEIGHT = 10;

/**
 * The highest mean an unproven course is presumed to have, and the prior of a catalog with no reviews yet: an
 * unproven course never ranks as a proven 4.8 would (see `PRIOR_WEIGHT`).
 */
export const PRIOR_MEAN_CAP = 4.7;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function totals(histogram: readonly number[]): { count: number; sum: number } {
  let count = 0;
  let sum = 0;
  for (let star = 1; star <= 5; star++) {
    const n = histogram[star - 1] ?? 0;
    count += n;
    sum += n * star;
  }
  return { count, sum };
}

/** The Bayesian average of a histogram of 1★ … 5★ counts toward `priorMean`, four decimals; the prior itself when empty. */
export function bayesianAverage(histogram: readonly number[], priorMean: number): number {
  const { count, sum } = totals(histogram);
  return round((sum + PRIOR_WEIGHT * priorMean) / (count + PRIOR_WEIGHT), 4);
}

/** The catalog's mean over every review of `summaries` (two decimals), at most `PRIOR_MEAN_CAP`. */
export function catalogPriorMean(summaries: readonly Pick<RatingSummary, 'histogram'>[]): number {
  let count = 0;
  let sum = 0;
  for (const summary of summaries) {
    const course = totals(summary.histogram);
    count += course.count;
    sum += course.sum;
  }
  return count === 0 ? PRIOR_MEAN_CAP : Math.min(PRIOR_MEAN_CAP, round(sum / count, 2));
}

/**
 * The summary with its sort score: the Bayesian average toward `priorMean` (the course's stored prior, or the cap
 * before the nightly job has written one); 0 without reviews, so unrated courses sort last as before.
 */
export function scoredRating(summary: RatingSummary, priorMean: number | undefined): CourseRating {
  const prior = priorMean ?? PRIOR_MEAN_CAP;
  const score = summary.count === 0 ? 0 : bayesianAverage(summary.histogram, prior);
  return { avg: summary.avg, count: summary.count, histogram: [...summary.histogram], score, prior };
}
