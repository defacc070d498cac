/**
 * Options of the demand forecaster, with their defaults and one validator. The tree options, the tree count and the
 * interval quantiles are the winner of `npm run insights:tune` (20 trials in 30 minutes, seed 1, validation origins
 * −24, −20, −16 of UCI Online Retail, never its test weeks), rounded to two significant digits.
 */

export interface DemandForecastOptions {
  /**
   * Weeks forecast, a multiple of 4: each block of 4 weeks has its own pooled model and a flat forecast.
   * @default 8
   */
  horizon?: number;
  /**
   * Boosted trees per block model.
   * @default 200
   */
  trees?: number;
  /**
   * Shrinkage of every tree.
   * @default 0.05
   */
  learningRate?: number;
  /**
   * Depth of every tree.
   * @default 4
   */
  maxDepth?: number;
  /**
   * L2 penalty on leaf values (in units of the normalised curvature, whose mean over rows is about 1).
   * @default 4
   */
  l2?: number;
  /**
   * Share of training rows each tree sees.
   * @default 0.5
   */
  rowSample?: number;
  /**
   * Least total curvature (the loss's second derivative, about 1 a row) in a leaf.
   * @default 0.45
   */
  minLeafWeight?: number;
  /**
   * Weight of a training window that sold nothing in its last 12 weeks, as a share of the mean revenue weight, so
   * dead series are forecast too.
   * @default 0.002
   */
  idleWeight?: number;
  /**
   * Share of simple exponential smoothing (α 0.2) in the forecast: (1 − b) · trees + b · SES.
   * @default 0
   */
  sesBlend?: number;
  /**
   * Pseudo-windows that pull a block model's starting value toward "the next weeks sell at the course's recent
   * level" (the mean of its last 13 weeks): a young shop, with few training windows, forecasts each course's recent
   * weekly mean instead of what two or three windows of launch weeks suggest; a grown catalog hardly feels it.
   * @default 20
   */
  levelPrior?: number;
  /**
   * Most training windows (series × cut week) per block model; a larger catalog is subsampled with the seed, so the
   * fit's time and memory are bounded whatever the catalog's size.
   * @default 60000
   */
  maxWindows?: number;
  /**
   * Lower quantile of the pooled forecast ratios that bounds the interval.
   * @default 0.15
   */
  lowerQuantile?: number;
  /**
   * Upper quantile of the pooled forecast ratios that bounds the interval.
   * @default 0.85
   */
  upperQuantile?: number;
  /**
   * Launches a group needs before its own launch curve is trusted as much as the catalog's.
   * @default 5
   */
  launchPrior?: number;
  /**
   * Seed of the row sampling: the same data and seed give the same forecasts.
   * @default 42
   */
  seed?: number;
}

export const demandForecastDefaults: Readonly<Required<DemandForecastOptions>> = {
  horizon: 8,
  trees: 200,
  learningRate: 0.05,
  maxDepth: 4,
  l2: 4,
  rowSample: 0.5,
  minLeafWeight: 0.45,
  idleWeight: 0.002,
  sesBlend: 0,
  levelPrior: 20,
  maxWindows: 60000,
  lowerQuantile: 0.15,
  upperQuantile: 0.85,
  launchPrior: 5,
  seed: 42,
};

type Check = (value: number) => boolean;

const rules: Record<keyof DemandForecastOptions, [Check, string]> = {
  horizon: [(v) => Number.isInteger(v) && v > 0 && v % 4 === 0, 'a positive multiple of 4'],
  trees: [(v) => Number.isInteger(v) && v > 0, 'a positive integer'],
  learningRate: [(v) => v > 0 && v <= 1, 'a number in (0, 1]'],
  maxDepth: [(v) => Number.isInteger(v) && v >= 1 && v <= 12, 'an integer from 1 to 12'],
  l2: [(v) => v >= 0, 'a non-negative number'],
  rowSample: [(v) => v > 0 && v <= 1, 'a number in (0, 1]'],
  minLeafWeight: [(v) => v >= 0, 'a non-negative number'],
  idleWeight: [(v) => v >= 0, 'a non-negative number'],
  sesBlend: [(v) => v >= 0 && v <= 1, 'a number in [0, 1]'],
  levelPrior: [(v) => v >= 0, 'a non-negative number'],
  maxWindows: [(v) => Number.isInteger(v) && v >= 1, 'a positive integer'],
  lowerQuantile: [(v) => v >= 0 && v < 0.5, 'a number in [0, 0.5)'],
  upperQuantile: [(v) => v > 0.5 && v <= 1, 'a number in (0.5, 1]'],
  launchPrior: [(v) => v >= 0, 'a non-negative number'],
  seed: [(v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'an integer between 0 and 4294967295'],
};

/** Fills defaults and validates; throws a RangeError naming the first invalid option. */
export function checkDemandForecastOptions(options: DemandForecastOptions = {}): Required<DemandForecastOptions> {
  if (typeof options !== 'object' || options === null) throw new TypeError('Options must be an object');
  for (const key of Object.keys(options)) if (!(key in rules)) throw new RangeError(`Unknown option ${key}`);
  const checked = { ...demandForecastDefaults };
  for (const key of Object.keys(rules) as (keyof DemandForecastOptions)[]) {
    const value: unknown = options[key];
    if (value === undefined) continue;
    const [ok, expected] = rules[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value))
      throw new RangeError(`Option ${key} must be ${expected}, got ${String(value)}`);
    checked[key] = value;
  }
  return checked;
}
