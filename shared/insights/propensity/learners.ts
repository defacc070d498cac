/**
 * Each learner's chance of buying a course in the next 4 weeks, from the deployment's own paid orders (pure). Weeks
 * are counted back from a reference time `at` (week −1 is the 7 days before it), so the 4 weeks predicted start at
 * `at` and every earlier cut sees whole weeks. The regression (./model.ts) is fitted on the deployment's cuts −4, −8,
 * … as the bench fits it on UCI Online Retail; a deployment whose cuts hold too few repeat and lapsed buyers for 9
 * parameters gets the recency-frequency prior instead, its intercept moved toward the deployment's own rate.
 */
import type { OrderDoc } from '../../orders/model';
import { fnv1a } from '../../recommender/data/snapshot';
import {
  boughtWithin,
  fitPropensity,
  propensityFeatureNames,
  propensityFeatures,
  propensityWindow,
  PropensityModel,
  type PurchaseHistory,
} from './model';

const WEEK_MS = 7 * 86_400_000;

/** A paid course order as the propensity reads it (refunded and refunding orders are not read: not purchases). */
export type PaidCourseOrder = Pick<OrderDoc, '_openid' | 'courseId' | 'amountFen' | 'paidAt'>;

/**
 * Each learner's paid course orders before `at`, one entry per order in the week counted back from `at`. Free
 * enrolments (amount 0), bundle orders and orders without a payment time are not course purchases.
 */
export function purchaseHistories(orders: readonly PaidCourseOrder[], at: Date): PurchaseHistory[] {
  const byLearner = new Map<string, { id: string; weeks: number[]; revenue: number[] }>();
  for (const order of orders) {
    if (order.courseId === undefined || order.paidAt === undefined || !(order.amountFen > 0)) continue;
    const paid = Date.parse(order.paidAt);
    if (!Number.isFinite(paid) || paid >= at.getTime()) continue;
    let history = byLearner.get(order._openid);
    if (history === undefined) byLearner.set(order._openid, (history = { id: order._openid, weeks: [], revenue: [] }));
    history.weeks.push(Math.floor((paid - at.getTime()) / WEEK_MS));
    history.revenue.push(order.amountFen);
  }
  return [...byLearner.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The recency-frequency prior: logit p = −2.719 − 0.0856 · log(recency) + 1.465 · log(1 + purchases in 52 weeks), the
 * recency-frequency regression fitted on UCI Online Retail before origin −4 (`npm run insights:eval`'s customers).
 * Wholesale customers buy more often than learners buy courses, so the intercept is recalibrated (priorModel).
 */
export const RECENCY_FREQUENCY_PRIOR = { intercept: -2.7188, logRecency: -0.0856, logFrequency52: 1.465 } as const;

const recencyFrequencyColumns = [
  propensityFeatureNames.indexOf('logRecency'),
  propensityFeatureNames.indexOf('logFrequency52'),
];

export interface LearnerPropensityOptions {
  /**
   * Earlier cuts fitted on (−4, −8, …).
   * @default 8
   */
  cuts?: number;
  /**
   * Labelled rows (a learner at a cut) of the rarer label the fit needs: 10 per parameter of the 8-feature model.
   * @default 90
   */
  minEvents?: number;
  /**
   * Learners fitted on at most (those whose id hashes lowest, so the sample is the same on every resume).
   * @default 20000
   */
  maxLearners?: number;
  /**
   * Weight, in labelled rows, of the prior's own rate when its intercept is recalibrated.
   * @default 20
   */
  priorRows?: number;
}

export interface LearnerPropensity {
  /** `fitted`: the regression on this deployment's cuts; `prior`: the recalibrated recency-frequency prior. */
  source: 'fitted' | 'prior';
  /** Labelled rows at the cuts, and how many of them bought in the 4 weeks after their cut. */
  rows: number;
  positives: number;
  /** P(a first purchase in the next 4 weeks) of a learner who has never bought. */
  firstPurchase: number;
  /** Learners with a purchase before `at`, by openid. */
  byLearner: Map<string, number>;
}

/**
 * Fits and applies the propensity. `learners` is how many learners the deployment knows (whether or not they bought):
 * the first-purchase chance is the share of those without a purchase before the last 4 weeks who made their first in
 * them.
 */
export function learnerPropensity(
  histories: readonly PurchaseHistory[],
  learners: number,
  options: LearnerPropensityOptions = {},
): LearnerPropensity {
  const cuts = options.cuts ?? 8;
  const minEvents = options.minEvents ?? 90;
  const maxLearners = options.maxLearners ?? 20_000;
  const priorRows = options.priorRows ?? 20;
  const sample = fitSample(histories, maxLearners);
  const { rows, positives } = labelledRows(sample, cuts);
  const source = Math.min(positives, rows - positives) >= minEvents ? 'fitted' : 'prior';
  const model = source === 'fitted' ? fitPropensity(sample, 0, { cuts }) : priorModel(sample, cuts, priorRows);
  const byLearner = new Map<string, number>();
  for (const history of histories) {
    const p = model.probability(history, 0);
    if (p !== null) byLearner.set(history.id, p);
  }
  return {
    source,
    rows,
    positives,
    firstPurchase: firstPurchaseChance(histories, learners),
    byLearner,
  };
}

/** The learners whose id hashes lowest, at most `max` (all when fewer). */
function fitSample(histories: readonly PurchaseHistory[], max: number): readonly PurchaseHistory[] {
  if (histories.length <= max) return histories;
  return [...histories]
    .map((h) => ({ h, key: fnv1a(h.id) }))
    .sort((a, b) => a.key - b.key || (a.h.id < b.h.id ? -1 : 1))
    .slice(0, max)
    .map(({ h }) => h);
}

/** Learners with a purchase before each cut −4k (k = 1 … cuts), and those of them who bought in the 4 weeks after. */
export function labelledRows(histories: readonly PurchaseHistory[], cuts: number): { rows: number; positives: number } {
  let rows = 0;
  let positives = 0;
  for (let k = 1; k <= cuts; k++) {
    const cut = -propensityWindow * k;
    for (const history of histories) {
      if (!history.weeks.some((w) => w < cut)) continue;
      rows++;
      if (boughtWithin(history, cut)) positives++;
    }
  }
  return { rows, positives };
}

/**
 * The prior with its intercept moved so that its mean chance over the labelled rows is their observed rate, shrunk
 * toward the prior's own mean by `priorRows` pseudo-rows: with no labelled row it is the prior unchanged.
 */
export function priorModel(histories: readonly PurchaseHistory[], cuts: number, priorRows: number): PropensityModel {
  const { intercept, logRecency, logFrequency52 } = RECENCY_FREQUENCY_PRIOR;
  const linear: number[] = [];
  const labels: boolean[] = [];
  for (let k = 1; k <= cuts; k++) {
    const cut = -propensityWindow * k;
    for (const history of histories) {
      const all = propensityFeatures(history, cut);
      if (all === null) continue;
      linear.push(
        intercept + logRecency * all[recencyFrequencyColumns[0]!]! + logFrequency52 * all[recencyFrequencyColumns[1]!]!,
      );
      labels.push(boughtWithin(history, cut));
    }
  }
  const shift = calibrationShift(linear, labels.filter(Boolean).length, priorRows);
  // Unstandardised: mean 0 and sd 1 leave the raw features as they are.
  return new PropensityModel(
    recencyFrequencyColumns,
    new Float64Array([0, 0]),
    new Float64Array([1, 1]),
    new Float64Array([intercept + shift, logRecency, logFrequency52]),
  );
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * The δ for which mean(sigmoid(z + δ)) over the rows equals (positives + m · prior mean) / (rows + m): the rows'
 * rate shrunk toward the prior's mean on them by m pseudo-rows. 0 without rows. Bisection: the mean rises with δ.
 */
export function calibrationShift(linear: readonly number[], positives: number, m: number): number {
  if (linear.length === 0) return 0;
  const meanAt = (delta: number) => linear.reduce((sum, z) => sum + sigmoid(z + delta), 0) / linear.length;
  const target = (positives + m * meanAt(0)) / (linear.length + m);
  let [low, high] = [-20, 20];
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (meanAt(mid) < target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Among the `learners` known, those without a purchase before the last 4 weeks (week −4): the share of them whose
 * first purchase fell in weeks −4 … −1. Learners who joined in the last 4 weeks count in the denominator, as they
 * could buy in them.
 */
export function firstPurchaseChance(histories: readonly PurchaseHistory[], learners: number): number {
  let boughtBefore = 0;
  let firstInWindow = 0;
  for (const history of histories) {
    const first = Math.min(...history.weeks);
    if (first < -propensityWindow) boughtBefore++;
    else firstInWindow++;
  }
  const without = Math.max(learners, histories.length) - boughtBefore;
  return without <= 0 ? 0 : firstInWindow / without;
}
