/**
 * Purchase propensity: each learner's chance of at least one purchase in the next 4 weeks, from their own purchase
 * history (recency, frequency, spend, trend, regularity). A logistic regression fitted on earlier cuts of the same
 * history: at each cut c the features see only weeks before c and the label is "bought in weeks c … c + 3". The
 * recency-frequency baseline is the same regression on recency and frequency alone.
 */
import { Matrix, solve } from 'ml-matrix';

/** One learner's purchases: the week of each (several in one week allowed) and what it paid. */
export interface PurchaseHistory {
  id: string;
  weeks: readonly number[];
  revenue: readonly number[];
}

export const propensityWindow = 4;

export const propensityFeatureNames = [
  'logRecency',
  'logFrequency13',
  'logFrequency52',
  'logPurchaseWeeks',
  'logMeanSpend',
  'trend13',
  'logTenure',
  'recencyOverGap',
] as const;

export const recencyFrequencyFeatureNames = ['logRecency', 'logFrequency52'] as const;

/** Features of a learner at cut t from purchases before t; null when they bought nothing before t. */
export function propensityFeatures(history: PurchaseHistory, t: number): number[] | null {
  let last = -Infinity;
  let first = Infinity;
  let recent13 = 0;
  let previous13 = 0;
  let recent52 = 0;
  let spend = 0;
  let count = 0;
  const weeks = new Set<number>();
  history.weeks.forEach((w, k) => {
    if (w >= t) return;
    count++;
    spend += history.revenue[k]!;
    last = Math.max(last, w);
    first = Math.min(first, w);
    weeks.add(w);
    if (w >= t - 13) recent13++;
    else if (w >= t - 26) previous13++;
    if (w >= t - 52) recent52++;
  });
  if (count === 0) return null;
  const recency = t - last;
  const tenure = t - first;
  // Mean gap between distinct purchase weeks; a single week counts as one gap of its tenure.
  const gap = weeks.size > 1 ? (last - first) / (weeks.size - 1) : Math.max(tenure, 1);
  return [
    Math.log(recency),
    Math.log1p(recent13),
    Math.log1p(recent52),
    Math.log(weeks.size),
    Math.log1p(Math.max(0, spend / count)),
    Math.log1p(recent13) - Math.log1p(previous13),
    Math.log1p(tenure),
    Math.log1p(recency / gap),
  ];
}

/** Whether the learner bought in weeks t … t + window − 1. */
export function boughtWithin(history: PurchaseHistory, t: number, window = propensityWindow): boolean {
  return history.weeks.some((w) => w >= t && w < t + window);
}

export interface PropensityOptions {
  /**
   * Earlier cuts to learn from: origin − 4, origin − 8, … (each labelled with the 4 weeks after it).
   * @default 8
   */
  cuts?: number;
  /**
   * L2 penalty on the standardised coefficients (not the intercept).
   * @default 1
   */
  l2?: number;
  /** Columns of propensityFeatures to use (all by default). */
  columns?: readonly number[];
}

export class PropensityModel {
  constructor(
    readonly columns: readonly number[],
    private readonly mean: Float64Array,
    private readonly sd: Float64Array,
    /** Intercept then one coefficient per column, on standardised features. */
    readonly coefficients: Float64Array,
  ) {}

  /** Chance of a purchase in the 4 weeks from t; null for a learner with no purchase before t. */
  probability(history: PurchaseHistory, t: number): number | null {
    const all = propensityFeatures(history, t);
    return all === null ? null : this.fromFeatures(all);
  }

  fromFeatures(all: readonly number[]): number {
    let z = this.coefficients[0]!;
    this.columns.forEach((c, j) => {
      z += this.coefficients[j + 1]! * ((all[c]! - this.mean[j]!) / this.sd[j]!);
    });
    return 1 / (1 + Math.exp(-z));
  }
}

/** Fits the propensity regression on cuts before `origin`; labels never look at weeks from `origin` on. */
export function fitPropensity(
  histories: readonly PurchaseHistory[],
  origin: number,
  options: PropensityOptions = {},
): PropensityModel {
  const cuts = options.cuts ?? 8;
  const l2 = options.l2 ?? 1;
  const columns = options.columns ?? propensityFeatureNames.map((_, i) => i);
  if (!Number.isInteger(cuts) || cuts < 1) throw new RangeError(`Option cuts must be a positive integer, got ${cuts}`);
  if (!(l2 >= 0)) throw new RangeError(`Option l2 must be a non-negative number, got ${l2}`);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let k = 1; k <= cuts; k++) {
    const cut = origin - propensityWindow * k;
    for (const history of histories) {
      const all = propensityFeatures(history, cut);
      if (all === null) continue;
      rows.push(columns.map((c) => all[c]!));
      labels.push(boughtWithin(history, cut) ? 1 : 0);
    }
  }
  if (rows.length === 0 || !labels.includes(1) || !labels.includes(0))
    throw new Error('propensity needs learners with purchases before its cuts, some buying again and some not');
  const p = columns.length;
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    for (const row of rows) mean[j]! += row[j]! / rows.length;
    for (const row of rows) sd[j]! += (row[j]! - mean[j]!) ** 2 / rows.length;
    sd[j] = Math.sqrt(sd[j]!) || 1;
  }
  const x = rows.map((row) => [1, ...row.map((v, j) => (v - mean[j]!) / sd[j]!)]);
  const beta = new Float64Array(p + 1);
  // Newton's method (IRLS) on the penalised log-likelihood; converges in a handful of steps.
  for (let iteration = 0; iteration < 25; iteration++) {
    const hessian = Matrix.zeros(p + 1, p + 1);
    const gradient = Matrix.zeros(p + 1, 1);
    for (let r = 0; r < x.length; r++) {
      const xr = x[r]!;
      let z = 0;
      for (let j = 0; j <= p; j++) z += beta[j]! * xr[j]!;
      const prob = 1 / (1 + Math.exp(-z));
      const w = prob * (1 - prob);
      for (let j = 0; j <= p; j++) {
        gradient.set(j, 0, gradient.get(j, 0) + (labels[r]! - prob) * xr[j]!);
        for (let k = 0; k <= j; k++) hessian.set(j, k, hessian.get(j, k) + w * xr[j]! * xr[k]!);
      }
    }
    for (let j = 0; j <= p; j++) {
      for (let k = j + 1; k <= p; k++) hessian.set(j, k, hessian.get(k, j));
      if (j > 0) {
        hessian.set(j, j, hessian.get(j, j) + l2);
        gradient.set(j, 0, gradient.get(j, 0) - l2 * beta[j]!);
      }
    }
    const step = solve(hessian, gradient);
    let change = 0;
    for (let j = 0; j <= p; j++) {
      beta[j]! += step.get(j, 0);
      change = Math.max(change, Math.abs(step.get(j, 0)));
    }
    if (change < 1e-8) break;
  }
  return new PropensityModel(columns, mean, sd, beta);
}

/** Area under the ROC curve: the chance a random positive scores above a random negative (ties count half). */
export function auc(scores: readonly number[], labels: readonly boolean[]): number {
  if (scores.length !== labels.length) throw new Error('scores and labels must have the same length');
  const order = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const midRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) {
      if (order[k]!.y) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) throw new Error('AUC needs at least one positive and one negative');
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
