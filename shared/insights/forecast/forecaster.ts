/**
 * The course demand forecast: weekly paid orders for the next `horizon` weeks with an 80 % interval.
 *
 * One pooled model per block of 4 weeks, fitted on every series of the catalog at every past week (boosted trees on
 * the series' recent weeks divided by its own level, its intermittency and volatility, and its group's and the
 * catalog's recent trend; see features.ts). Each training window is weighed by its revenue over the 12 weeks before
 * it and the trees descend the window's RMSSE itself, so the model is fitted to the measure it is judged by (a plain
 * squared error lets rare bulk orders drag every forecast up). The interval multiplies the forecast by quantiles of
 * actual / forecast pooled over the last 8 weeks' windows of series equally intermittent. A series with no week
 * observed yet gets its group's launch curve. A block model sees at most `maxWindows` windows (a seeded subsample), so
 * the nightly function's fit is bounded whatever the catalog's size. A young shop has few windows, all in launch
 * weeks: the trees' forecast is weighed against the series' recent level (`levelPrior` pseudo-windows, so with none
 * it is that level), and an interval read from fewer than 40 past errors is widened to a week's Poisson noise.
 */
import { SeededRandom } from '../../recommender/algorithms/random';
import { BoostedTrees, fitBoostedTrees, type Loss } from './boosted-trees';
import { CatalogFeatures, featureCount } from './features';
import { launchCurve } from './launch-curve';
import { checkDemandForecastOptions, type DemandForecastOptions } from './options';
import type { DemandSeries } from './series';

export interface DemandForecast {
  id: string;
  /** Expected units per week, weeks 1 … horizon after the last observed week. */
  mean: number[];
  /** 80 % interval per week (whole units: the lower bound rounded down, the upper up). */
  lower: number[];
  upper: number[];
  /** `pooled`: the series' own model; `launch-curve`: no week observed yet, its group's launch curve. */
  method: 'pooled' | 'launch-curve';
}

const blockWeeks = 4;
/** Windows of the last this many weeks supply the interval's ratios. */
const calibrationWeeks = 8;
/** Intermittency buckets of the interval: share of zero weeks among the last 13 below 0.2, below 0.5, the rest. */
const zeroShareBounds = [0.2, 0.5];
/** Index of the zero-share feature in a feature row. */
const zeroShareFeature = 14;
/** Index of the SES (α 0.2) feature, divided by the level. */
const sesFeature = 11;
/** The RMSSE scale (divided by the squared level) is floored so a flat history does not get an infinite weight. */
const minScale = 0.01;
/** Fewer actual / forecast ratios than this in a bucket and the interval is widened to Poisson noise at least. */
const minCalibrationRatios = 40;
/** Floor on a window's RMSSE in the loss's curvature, so a perfect window does not dominate a tree. */
const minRmsse = 0.05;

interface BlockModel {
  trees: BoostedTrees;
  /** Sorted ratio samples per intermittency bucket, by tree count and SES share used (filled on demand). */
  ratios: Map<string, Float64Array[]>;
  /** Windows of the calibration weeks (sampled for training or not): series index and cut week. */
  calibration: { series: number; cut: number }[];
  /** Windows the trees were fitted on (at most `maxWindows`). */
  windows: number;
}

export interface ForecastQuery {
  /** Trees used of each block model (all by default): lets validation pick a tree count from one fit. */
  trees?: number;
  /** Share of SES in the forecast (the option `sesBlend` by default). */
  sesBlend?: number;
  lowerQuantile?: number;
  upperQuantile?: number;
}

export class DemandForecaster {
  constructor(
    private readonly features: CatalogFeatures,
    private readonly blocks: readonly BlockModel[],
    private readonly options: Required<DemandForecastOptions>,
  ) {}

  get catalog(): readonly DemandSeries[] {
    return this.features.catalog;
  }

  /** Training windows of each block model. */
  get trainingWindows(): number[] {
    return this.blocks.map((b) => b.windows);
  }

  /** The flat mean of each block of series `index` (which must have an observed week), without its interval. */
  blockMeans(index: number, query: ForecastQuery = {}): number[] {
    const row = new Float64Array(featureCount);
    this.features.write(index, this.features.weeks, row);
    const level = this.features.level(index, this.features.weeks);
    return this.blocks.map((block) => this.blockMean(block, row, level, query));
  }

  private blockMean(block: BlockModel, row: Float64Array, level: number, query: ForecastQuery): number {
    const blend = query.sesBlend ?? this.options.sesBlend;
    // The trees learnt from `windows` windows; "the recent level goes on" (1) counts as `levelPrior` more.
    const share = block.windows / (block.windows + this.options.levelPrior);
    const trees = share * block.trees.predict(row, query.trees ?? block.trees.size) + (1 - share);
    return Math.max(0, ((1 - blend) * trees + blend * row[sesFeature]!) * level);
  }

  /** Forecast of catalog series `index`. */
  forecast(index: number, query: ForecastQuery = {}): DemandForecast {
    const series = this.features.catalog[index];
    if (series === undefined) throw new RangeError(`no series at index ${index}`);
    const lowerQuantile = query.lowerQuantile ?? this.options.lowerQuantile;
    const upperQuantile = query.upperQuantile ?? this.options.upperQuantile;
    const weeks = this.features.weeks;
    if (series.start >= weeks) {
      const curve = launchCurve(this.features.catalog, series.group, this.options.horizon, {
        prior: this.options.launchPrior,
        lowerQuantile,
        upperQuantile,
      });
      return {
        id: series.id,
        mean: curve.mean,
        lower: curve.lower.map(roundDown),
        upper: curve.upper.map(roundUp),
        method: 'launch-curve',
      };
    }
    const row = new Float64Array(featureCount);
    this.features.write(index, weeks, row);
    const level = this.features.level(index, weeks);
    const result: DemandForecast = { id: series.id, mean: [], lower: [], upper: [], method: 'pooled' };
    for (const block of this.blocks) {
      const mean = this.blockMean(block, row, level, query);
      const ratios = this.ratios(block, query)[bucketOf(row[zeroShareFeature]!)]!;
      let lower = mean * quantile(ratios, lowerQuantile);
      let upper = mean * quantile(ratios, upperQuantile);
      // Too few past errors to say how wrong the forecast can be: at least a week's Poisson noise around it.
      if (ratios.length < minCalibrationRatios) {
        lower = Math.min(lower, poissonQuantile(mean, lowerQuantile));
        upper = Math.max(upper, poissonQuantile(mean, upperQuantile));
      }
      lower = roundDown(lower);
      upper = roundUp(upper);
      for (let k = 0; k < blockWeeks; k++) {
        result.mean.push(mean);
        result.lower.push(lower);
        result.upper.push(upper);
      }
    }
    return result;
  }

  forecastAll(query: ForecastQuery = {}): DemandForecast[] {
    return this.features.catalog.map((_, i) => this.forecast(i, query));
  }

  /** actual / forecast of every calibration window's weeks, sorted, per intermittency bucket. */
  private ratios(block: BlockModel, query: ForecastQuery): Float64Array[] {
    const key = `${query.trees ?? block.trees.size}/${query.sesBlend ?? this.options.sesBlend}`;
    const cached = block.ratios.get(key);
    if (cached !== undefined) return cached;
    const blockIndex = this.blocks.indexOf(block);
    const buckets: number[][] = zeroShareBounds.map(() => []).concat([[]]);
    const row = new Float64Array(featureCount);
    for (const { series, cut } of block.calibration) {
      this.features.write(series, cut, row);
      const level = this.features.level(series, cut);
      const mean = this.blockMean(block, row, level, query);
      const floor = Math.max(mean, 0.05 * level);
      for (let k = 0; k < blockWeeks; k++) {
        const actual = this.features.futureMean(series, cut + blockIndex * blockWeeks + k, 1);
        buckets[bucketOf(row[zeroShareFeature]!)]!.push(actual / floor);
      }
    }
    const sorted = buckets.map((b) => Float64Array.from(b).sort());
    block.ratios.set(key, sorted);
    return sorted;
  }
}

// Whole units, forgiving the rounding error of a product that should be whole (5 · 0.99999… is 5).
const roundDown = (x: number): number => Math.floor(x + 1e-9);
const roundUp = (x: number): number => Math.ceil(x - 1e-9);

function bucketOf(zeroShare: number): number {
  const b = zeroShareBounds.findIndex((bound) => zeroShare < bound);
  return b < 0 ? zeroShareBounds.length : b;
}

/** The smallest k with P(X ≤ k) ≥ q for X ~ Poisson(mean); the terms in logs, so a large mean does not underflow. */
export function poissonQuantile(mean: number, q: number): number {
  if (!(mean > 0)) return 0;
  let logTerm = -mean;
  let cdf = Math.exp(logTerm);
  let k = 0;
  while (cdf < q - 1e-12) {
    k++;
    logTerm += Math.log(mean / k);
    cdf += Math.exp(logTerm);
  }
  return k;
}

/** Empirical quantile of sorted values (1 when there are none: the interval collapses onto the forecast). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 1;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Checks the catalog: unique ids, whole-week starts, one non-negative value per observed week. */
export function checkCatalog(catalog: readonly DemandSeries[], weeks: number): void {
  if (!Number.isInteger(weeks) || weeks < 1) throw new RangeError(`weeks must be a positive integer, got ${weeks}`);
  const ids = new Set<string>();
  catalog.forEach((s, i) => {
    const at = `catalog[${i}] (${s.id})`;
    if (typeof s.id !== 'string' || s.id === '') throw new RangeError(`catalog[${i}].id must be a non-empty string`);
    if (ids.has(s.id)) throw new RangeError(`${at}.id repeats an earlier series`);
    ids.add(s.id);
    if (typeof s.group !== 'string') throw new RangeError(`${at}.group must be a string`);
    if (!Number.isInteger(s.start) || s.start < 0 || s.start > weeks)
      throw new RangeError(`${at}.start must be an integer from 0 to ${weeks}, got ${s.start}`);
    if (s.units.length !== weeks - s.start)
      throw new RangeError(`${at}.units must hold ${weeks - s.start} weeks, got ${s.units.length}`);
    for (let k = 0; k < s.units.length; k++)
      if (!(s.units[k]! >= 0) || !Number.isFinite(s.units[k]!))
        throw new RangeError(`${at}.units[${k}] must be a non-negative number, got ${s.units[k]}`);
    if (s.revenue !== undefined) {
      if (s.revenue.length !== s.units.length)
        throw new RangeError(`${at}.revenue must hold ${s.units.length} weeks, got ${s.revenue.length}`);
      for (let k = 0; k < s.revenue.length; k++)
        if (!(s.revenue[k]! >= 0) || !Number.isFinite(s.revenue[k]!))
          throw new RangeError(`${at}.revenue[${k}] must be a non-negative number, got ${s.revenue[k]}`);
    }
  });
}

/**
 * Fits the forecaster on a catalog observed for `weeks` weeks (every series' units end at week weeks − 1).
 */
export function fitDemandForecaster(
  catalog: readonly DemandSeries[],
  weeks: number,
  options: DemandForecastOptions = {},
): DemandForecaster {
  const checked = checkDemandForecastOptions(options);
  checkCatalog(catalog, weeks);
  const features = new CatalogFeatures(catalog, weeks);
  const blocks: BlockModel[] = [];
  for (let b = 0; b * blockWeeks < checked.horizon; b++) blocks.push(fitBlock(features, b, checked));
  return new DemandForecaster(features, blocks, checked);
}

/** Fits and forecasts every series of the catalog. */
export function forecastDemand(
  catalog: readonly DemandSeries[],
  weeks: number,
  options: DemandForecastOptions = {},
): DemandForecast[] {
  return fitDemandForecaster(catalog, weeks, options).forecastAll();
}

/** The model of block b (weeks 4b + 1 … 4b + 4 ahead), trained on every window whose target weeks are observed. */
function fitBlock(features: CatalogFeatures, b: number, options: Required<DemandForecastOptions>): BlockModel {
  const { catalog, weeks } = features;
  const offset = b * blockWeeks;
  const lastCut = weeks - offset - blockWeeks;
  const calibration: { series: number; cut: number }[] = [];
  const row = new Float64Array(featureCount);
  let revenueSum = 0;
  let windows = 0;
  for (let i = 0; i < catalog.length; i++) {
    const s = catalog[i]!;
    for (let t = s.start + 1; t <= lastCut; t++) {
      revenueSum += features.recentRevenue(i, t, 12);
      windows++;
    }
  }
  // Windows that sold nothing in their last 12 weeks still count a little, so dead series are forecast too.
  const floorWeight = windows === 0 ? 0 : (options.idleWeight * revenueSum) / windows;
  // Selection sampling (Knuth's algorithm S): exactly min(windows, maxWindows) windows, each equally likely.
  const rows = Math.min(windows, options.maxWindows);
  const sampler = new SeededRandom((options.seed + 7919 * (b + 1)) >>> 0);
  const values = new Float64Array(rows * featureCount);
  const target = new Float64Array(rows);
  const spread = new Float64Array(rows);
  const scale = new Float64Array(rows);
  const weight = new Float64Array(rows);
  let kept = 0;
  let seen = 0;
  for (let i = 0; i < catalog.length; i++) {
    const s = catalog[i]!;
    for (let t = s.start + 1; t <= lastCut; t++) {
      const sampled = (windows - seen++) * sampler.uniform() < rows - kept;
      const w = features.recentRevenue(i, t, 12) + floorWeight;
      if (!(w > 0)) continue;
      if (t > lastCut - calibrationWeeks) calibration.push({ series: i, cut: t });
      if (!sampled) continue;
      const level = features.level(i, t);
      features.write(i, t, row);
      values.set(row, kept * featureCount);
      const mean = features.futureMean(i, t + offset, blockWeeks) / level;
      let squares = 0;
      for (let k = 0; k < blockWeeks; k++) squares += (features.futureMean(i, t + offset + k, 1) / level - mean) ** 2;
      target[kept] = mean;
      spread[kept] = squares / blockWeeks;
      scale[kept] = Math.max(minScale, features.naiveScale(i, t) / (level * level));
      weight[kept] = w;
      kept++;
    }
  }
  // No window has its target weeks observed yet (a shop younger than the block's lead): each course's recent level.
  if (kept === 0)
    return { trees: new BoostedTrees(1, [], options.learningRate), ratios: new Map(), calibration, windows: 0 };
  let weightSum = 0;
  for (let r = 0; r < kept; r++) weightSum += weight[r]!;
  const meanWeight = weightSum / kept;
  let base = 0;
  for (let r = 0; r < kept; r++) base += (weight[r]! / meanWeight / kept) * target[r]!;
  const trees = fitBoostedTrees(
    {
      values: values.subarray(0, kept * featureCount),
      features: featureCount,
      rows: kept,
      loss: rmsseLoss(
        target.subarray(0, kept),
        spread.subarray(0, kept),
        scale.subarray(0, kept),
        weight.subarray(0, kept),
        meanWeight,
      ),
      base,
    },
    {
      trees: options.trees,
      learningRate: options.learningRate,
      maxDepth: options.maxDepth,
      minLeafWeight: options.minLeafWeight,
      l2: options.l2,
      rowSample: options.rowSample,
      bins: 64,
      seed: (options.seed + b) >>> 0,
    },
  );
  return { trees, ratios: new Map(), calibration, windows: kept };
}

/**
 * Each window's weighted RMSSE, w · √(((F − Ȳ)² + V) / S) for a flat forecast F of weeks whose mean is Ȳ and
 * spread V (all divided by the level; S the naive scale). Gradient exact; the curvature w / (S · RMSSE) bounds the
 * true one from above, so the Newton steps never overshoot.
 */
function rmsseLoss(
  target: Float64Array,
  spread: Float64Array,
  scale: Float64Array,
  weight: Float64Array,
  meanWeight: number,
): Loss {
  return (prediction, negativeGradient, curvature) => {
    for (let r = 0; r < target.length; r++) {
      const error = prediction[r]! - target[r]!;
      const rmsse = Math.max(minRmsse, Math.sqrt((error * error + spread[r]!) / scale[r]!));
      const w = weight[r]! / meanWeight;
      negativeGradient[r] = (-w * error) / (scale[r]! * rmsse);
      curvature[r] = w / (scale[r]! * rmsse);
    }
  };
}
