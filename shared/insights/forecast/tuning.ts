/**
 * The forecaster's hyperparameter search, on validation origins only. The catalog is cut at the first test origin
 * before anything else sees it (`catalogBefore`), so no week of the test period can reach a fit or a score; the
 * validation origins are then the protocol's −12, −8, −4 of that cut history (for the benchmark: −24, −20, −16).
 *
 * A seeded random search, time-boxed: the first trial is the hand-set values the forecaster shipped with before this
 * search, then random draws of the tree options. Each trial fits one model per origin with the most trees and reads
 * every smaller tree count and every SES share from those fits; the trial's score is its best WRMSSE. The interval
 * quantiles are chosen last, on the winner's fits, for coverage nearest 80 %.
 */
import { SeededRandom } from '../../recommender/algorithms/random';
import { meanOfLast, ses } from './baselines';
import { catalogBefore, coverageOf, protocolHorizon, scoreOrigins, wrmsseOf, type OriginForecast } from './evaluation';
import { fitDemandForecaster, type DemandForecaster, type ForecastQuery } from './forecaster';
import type { DemandForecastOptions } from './options';
import type { DemandSeries } from './series';

/** The options a trial draws. */
export type TreeOptions = Required<
  Pick<DemandForecastOptions, 'learningRate' | 'maxDepth' | 'l2' | 'rowSample' | 'minLeafWeight' | 'idleWeight'>
>;

/** The values the forecaster used before this search (set in experiments that also saw the test weeks). */
export const handSetTreeOptions: TreeOptions = {
  learningRate: 0.05,
  maxDepth: 5,
  l2: 20,
  rowSample: 0.5,
  minLeafWeight: 1,
  idleWeight: 0.01,
};

export interface TuningSettings {
  /** The first week of the test period: no week from it on is seen. */
  firstTestOrigin: number;
  /** No trial starts after this many milliseconds (the first one always runs). */
  budgetMs: number;
  /** @default 1 */
  seed?: number;
  /** @default Infinity */
  maxTrials?: number;
  /** Most trees a trial fits; the counts tried are the multiples of `treeStep` up to it. @default 400 */
  maxTrees?: number;
  /** @default 25 */
  treeStep?: number;
  /** Options every fit shares (the window bound, the fit's seed). */
  fixed?: DemandForecastOptions;
  /** Milliseconds clock. @default Date.now */
  now?: () => number;
  onTrial?: (trial: TuningTrial) => void;
}

export interface TuningTrial {
  options: TreeOptions;
  /** The best tree count and SES share of this trial's fits, and their validation WRMSSE. */
  trees: number;
  sesBlend: number;
  wrmsse: number;
  /** Validation WRMSSE of the trees alone (SES share 0) at that tree count. */
  treesOnlyWrmsse: number;
  seconds: number;
}

export interface TuningResult {
  /** Validation origins, as week indices of the catalog. */
  validationOrigins: number[];
  seriesOrigins: number;
  trials: TuningTrial[];
  best: TuningTrial;
  /** Validation WRMSSE of SES (α 0.2) and of the mean of the last 8 weeks, for scale. */
  baselines: { ses: number; mean8: number };
  /** Validation coverage of the 80 % interval by lower quantile (upper = 1 − lower). */
  coverageByQuantile: { lowerQuantile: number; coverage80: number }[];
  /** The options the search chose (without `horizon` and the fixed ones). */
  chosen: DemandForecastOptions;
  coverage80: number;
}

const blendGrid = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
const quantileGrid = [0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2];

/** Searches on the weeks before `settings.firstTestOrigin` of `catalog` (a catalog observed for any weeks). */
export function tuneDemandForecaster(catalog: readonly DemandSeries[], settings: TuningSettings): TuningResult {
  return searchHistory(catalogBefore(catalog, settings.firstTestOrigin), settings.firstTestOrigin, settings);
}

/** Draws one trial's options. */
export function drawTreeOptions(random: SeededRandom): TreeOptions {
  const logUniform = (lo: number, hi: number): number => Math.exp(Math.log(lo) + random.uniform() * Math.log(hi / lo));
  return {
    learningRate: logUniform(0.03, 0.2),
    maxDepth: 3 + Math.floor(random.uniform() * 5),
    l2: logUniform(1, 100),
    rowSample: 0.3 + 0.7 * random.uniform(),
    minLeafWeight: logUniform(0.3, 30),
    idleWeight: logUniform(0.001, 0.1),
  };
}

/** The search on a history of `weeks` weeks that ends before the test period. */
function searchHistory(history: readonly DemandSeries[], weeks: number, settings: TuningSettings): TuningResult {
  const now = settings.now ?? Date.now;
  const started = now();
  const maxTrees = settings.maxTrees ?? 400;
  const treeStep = settings.treeStep ?? 25;
  const treeGrid = Array.from({ length: Math.floor(maxTrees / treeStep) }, (_, k) => (k + 1) * treeStep);
  const origins = [weeks - 12, weeks - 8, weeks - 4];
  const random = new SeededRandom(settings.seed ?? 1);
  const trials: TuningTrial[] = [];
  let bestFits: Map<number, DemandForecaster> | undefined;
  let seriesOrigins = 0;
  while (
    trials.length < (settings.maxTrials ?? Infinity) &&
    (trials.length === 0 || now() - started < settings.budgetMs)
  ) {
    const trialStarted = now();
    // A fixed option wins over the drawn one (so the search can score one set of options, or search a subspace).
    const drawn = trials.length === 0 ? handSetTreeOptions : drawTreeOptions(random);
    const options = { ...drawn, ...pick(settings.fixed ?? {}, Object.keys(drawn) as (keyof TreeOptions)[]) };
    const fits = new Map(
      origins.map((o) => [
        o,
        fitDemandForecaster(catalogBefore(history, o), o, {
          ...settings.fixed,
          ...options,
          horizon: protocolHorizon,
          trees: maxTrees,
        }),
      ]),
    );
    let best = { trees: maxTrees, sesBlend: 0, wrmsse: Infinity, treesOnlyWrmsse: Infinity };
    for (const trees of treeGrid) {
      let treesOnly = Infinity;
      for (const sesBlend of blendGrid) {
        const scored = scoreOrigins(history, origins, pointForecasts(fits, { trees, sesBlend }));
        seriesOrigins = scored.rmsse.length;
        const wrmsse = wrmsseOf(scored);
        if (sesBlend === 0) treesOnly = wrmsse;
        if (wrmsse < best.wrmsse) best = { trees, sesBlend, wrmsse, treesOnlyWrmsse: treesOnly };
      }
    }
    const trial: TuningTrial = { options, ...best, seconds: (now() - trialStarted) / 1000 };
    trials.push(trial);
    settings.onTrial?.(trial);
    if (trial === bestOf(trials)) bestFits = fits;
  }
  const best = bestOf(trials);
  const flat = (value: number) => ({ mean: new Array<number>(protocolHorizon).fill(value) });
  const baselines = {
    ses: wrmsseOf(scoreOrigins(history, origins, (_o, _id, h) => flat(ses(h, 0.2)))),
    mean8: wrmsseOf(scoreOrigins(history, origins, (_o, _id, h) => flat(meanOfLast(h, 8)))),
  };
  const query = { trees: best.trees, sesBlend: best.sesBlend };
  const coverageByQuantile = quantileGrid.map((q) => ({
    lowerQuantile: q,
    coverage80: coverageOf(
      scoreOrigins(
        history,
        origins,
        intervalForecasts(bestFits!, { ...query, lowerQuantile: q, upperQuantile: 1 - q }),
      ),
    ),
  }));
  const quantiles = coverageByQuantile.reduce((a, c) =>
    Math.abs(c.coverage80 - 0.8) < Math.abs(a.coverage80 - 0.8) ? c : a,
  );
  return {
    validationOrigins: origins,
    seriesOrigins,
    trials,
    best,
    baselines,
    coverageByQuantile,
    chosen: {
      ...best.options,
      trees: best.trees,
      sesBlend: best.sesBlend,
      lowerQuantile: quantiles.lowerQuantile,
      upperQuantile: 1 - quantiles.lowerQuantile,
    },
    coverage80: quantiles.coverage80,
  };
}

function pick(options: DemandForecastOptions, keys: readonly (keyof TreeOptions)[]): Partial<TreeOptions> {
  return Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
}

const bestOf = (trials: readonly TuningTrial[]): TuningTrial =>
  trials.reduce((best, t) => (t.wrmsse < best.wrmsse ? t : best));

function indexed(fits: Map<number, DemandForecaster>): (origin: number, id: string) => [DemandForecaster, number] {
  const index = new Map([...fits].map(([o, fit]) => [o, new Map(fit.catalog.map((s, i) => [s.id, i]))]));
  return (origin, id) => [fits.get(origin)!, index.get(origin)!.get(id)!];
}

function pointForecasts(fits: Map<number, DemandForecaster>, query: ForecastQuery): OriginForecast {
  const at = indexed(fits);
  return (origin, id) => {
    const [fit, i] = at(origin, id);
    return { mean: new Array<number>(protocolHorizon).fill(fit.blockMeans(i, query)[0]!) };
  };
}

function intervalForecasts(fits: Map<number, DemandForecaster>, query: ForecastQuery): OriginForecast {
  const at = indexed(fits);
  return (origin, id) => {
    const [fit, i] = at(origin, id);
    return fit.forecast(i, query);
  };
}
