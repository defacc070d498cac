/**
 * Offline evaluation of the demand forecast and purchase propensity on UCI Online Retail (issue 15), baselines from
 * the same run.
 *
 *   npm run insights:eval -- --data ../shared/data/online-retail/online-retail.csv.gz [--json]
 *   extra: --forecast '<json DemandForecastOptions>' (fixed options; tree count and quantiles are still chosen)
 *
 * Forecast protocol: weekly units per StockCode (see online-retail.ts); the last 12 full weeks are the test period,
 * forecasts 4 weeks ahead from origins −12, −8, −4; series with at least 10 selling weeks before the first origin;
 * RMSSE per series-origin (scale: in-sample mean squared one-step naive error) weighted by the series' revenue in the
 * 12 weeks before the origin; coverage = share of test weeks inside the 80 % interval. The forecaster's tree count and
 * interval quantiles are chosen on validation origins −24, −20, −16 (targets all before the test period).
 * Propensity: customers with a purchase before the last origin, label "an invoice in the 4 weeks from it", AUC of the
 * model against the recency-frequency regression. With --json the last line printed is one JSON object.
 */
import { parseArgs } from 'util';
import { crostonSba, meanOfLast, naive, ses, tsb } from '../shared/insights/forecast/baselines';
import { fitDemandForecaster, type DemandForecaster, type ForecastQuery } from '../shared/insights/forecast/forecaster';
import { coverage, naiveScale, rmsse, weightedMean } from '../shared/insights/forecast/metrics';
import type { DemandForecastOptions } from '../shared/insights/forecast/options';
import type { DemandSeries } from '../shared/insights/forecast/series';
import {
  auc,
  boughtWithin,
  fitPropensity,
  propensityFeatureNames,
  propensityFeatures,
  recencyFrequencyFeatureNames,
} from '../shared/insights/propensity/model';
import { readOnlineRetail, type OnlineRetailWeeks } from './online-retail';

const horizon = 4;
const minSellingWeeks = 10;
const revenueWeeks = 12;
const baselineNames = ['naive', 'mean4', 'mean8', 'sba', 'tsb', 'ses'] as const;
type BaselineName = (typeof baselineNames)[number];
const baselines: Record<BaselineName, (history: ArrayLike<number>) => number> = {
  naive,
  mean4: (h) => meanOfLast(h, 4),
  mean8: (h) => meanOfLast(h, 8),
  sba: (h) => crostonSba(h, 0.1),
  tsb: (h) => tsb(h, 0.1, 0.1),
  ses: (h) => ses(h, 0.2),
};
/** Tree counts and interval quantiles tried on the validation origins. */
const treeGrid = [100, 150, 200, 300];
const quantileGrid = [0.05, 0.075, 0.1, 0.125, 0.15];
/** Category of a product: the first three characters of its StockCode (codes were issued in families). */
const groupOf = (stockCode: string): string => stockCode.slice(0, 3);

interface Scored {
  rmsse: number[];
  weight: number[];
  inside: number;
  weeks: number;
}

const usage = "Usage: npm run insights:eval -- --data <online-retail.csv.gz> [--json] [--forecast '<json options>']";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      json: { type: 'boolean', default: false },
      forecast: { type: 'string', default: '{}' },
    },
  });
  if (values.data === undefined) throw new Error(usage);
  const fixed = JSON.parse(values.forecast) as DemandForecastOptions;
  const started = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const data = await readOnlineRetail(values.data);
  const readSeconds = seconds();
  const catalog: DemandSeries[] = data.products.map((p) => ({
    id: p.stockCode,
    group: groupOf(p.stockCode),
    start: p.start,
    units: p.units,
    revenue: p.revenue,
  }));
  const T = data.weeks;
  const test = [T - 12, T - 8, T - 4];
  const validation = [T - 24, T - 20, T - 16];
  console.log(
    `Online Retail: ${data.lines} lines, ${data.kept} kept, ${catalog.length} products, ${T} full weeks from ` +
      `${data.firstMonday}; read in ${readSeconds.toFixed(1)} s`,
  );

  const baselineScores = Object.fromEntries(
    baselineNames.map((name) => [name, score(catalog, test, (_o, _i, h) => flat(baselines[name](h)))]),
  ) as Record<BaselineName, Scored>;

  // Validation: one fit per origin with the most trees, every smaller count read from the same fit.
  const maxTrees = treeGrid[treeGrid.length - 1]!;
  const validationFits = new Map(validation.map((o) => [o, fitAt(catalog, o, { ...fixed, horizon, trees: maxTrees })]));
  const byTrees = treeGrid.map((trees) => ({
    trees,
    wrmsse: wrmsseOf(score(catalog, validation, forecasterAt(validationFits, { trees }))),
  }));
  const chosenTrees = byTrees.reduce((best, c) => (c.wrmsse < best.wrmsse ? c : best)).trees;
  const byQuantile = quantileGrid.map((q) => ({
    lowerQuantile: q,
    upperQuantile: 1 - q,
    coverage80: coverageOf(
      score(
        catalog,
        validation,
        forecasterAt(validationFits, { trees: chosenTrees, lowerQuantile: q, upperQuantile: 1 - q }),
      ),
    ),
  }));
  const chosenQuantiles = byQuantile.reduce((best, c) =>
    Math.abs(c.coverage80 - 0.8) < Math.abs(best.coverage80 - 0.8) ? c : best,
  );
  const validationSeconds = seconds() - readSeconds;
  const chosen: DemandForecastOptions = {
    ...fixed,
    horizon,
    trees: chosenTrees,
    lowerQuantile: chosenQuantiles.lowerQuantile,
    upperQuantile: chosenQuantiles.upperQuantile,
  };

  const testFits = new Map(test.map((o) => [o, fitAt(catalog, o, chosen)]));
  const model = score(catalog, test, forecasterAt(testFits, {}));
  const testSeconds = seconds() - readSeconds - validationSeconds;

  const propensity = evaluatePropensity(data, T - 4);

  console.log(`\nValidation (origins ${validation.map((o) => o - T).join(', ')}), WRMSSE by tree count:`);
  for (const c of byTrees)
    console.log(`  trees ${c.trees}: ${c.wrmsse.toFixed(4)}${c.trees === chosenTrees ? '  <- chosen' : ''}`);
  console.log('Validation coverage of the interval by quantiles:');
  for (const c of byQuantile)
    console.log(
      `  ${c.lowerQuantile.toFixed(3)}–${c.upperQuantile.toFixed(3)}: ${c.coverage80.toFixed(3)}` +
        `${c === chosenQuantiles ? '  <- chosen' : ''}`,
    );
  console.log(`\nTest (origins ${test.map((o) => o - T).join(', ')}), ${model.rmsse.length} series-origins:`);
  console.log('| model | WRMSSE | coverage80 |');
  console.log('|---|---|---|');
  console.log(`| pooled boosted trees (this repo) | ${wrmsseOf(model).toFixed(4)} | ${coverageOf(model).toFixed(3)} |`);
  for (const name of baselineNames) console.log(`| ${name} | ${wrmsseOf(baselineScores[name]).toFixed(4)} | – |`);
  const best = Math.min(...baselineNames.map((n) => wrmsseOf(baselineScores[n])));
  console.log(`WRMSSE vs best baseline: ${((wrmsseOf(model) / best - 1) * 100).toFixed(1)} %`);
  console.log(
    `\nPropensity (origin −4, ${propensity.customers} customers, ${propensity.positives} buy in the next 4 weeks): ` +
      `AUC ${propensity.auc.toFixed(4)}, recency-frequency baseline ${propensity.baselineAuc.toFixed(4)}`,
  );
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    `\nTime: read ${readSeconds.toFixed(1)} s, validation ${validationSeconds.toFixed(1)} s, test ` +
      `${testSeconds.toFixed(1)} s, total ${seconds().toFixed(1)} s; peak RSS ${peakRssMb} MB`,
  );
  console.log(`Chosen: ${JSON.stringify(chosen)}`);
  if (values.json) {
    console.log(
      JSON.stringify({
        wrmsse: wrmsseOf(model),
        coverage80: coverageOf(model),
        baselines: Object.fromEntries(baselineNames.map((n) => [n, { wrmsse: wrmsseOf(baselineScores[n]) }])),
        propensity: { auc: propensity.auc, baselineAuc: propensity.baselineAuc },
      }),
    );
  }
}

function flat(value: number): { mean: number[] } {
  return { mean: new Array<number>(horizon).fill(value) };
}

/** The catalog as known at week `origin`: series launched before it, cut to the weeks before it. */
function catalogAt(catalog: readonly DemandSeries[], origin: number): DemandSeries[] {
  return catalog
    .filter((s) => s.start < origin)
    .map((s) => ({
      ...s,
      units: Array.prototype.slice.call(s.units, 0, origin - s.start) as number[],
      revenue:
        s.revenue === undefined ? undefined : (Array.prototype.slice.call(s.revenue, 0, origin - s.start) as number[]),
    }));
}

function fitAt(catalog: readonly DemandSeries[], origin: number, options: DemandForecastOptions): DemandForecaster {
  return fitDemandForecaster(catalogAt(catalog, origin), origin, options);
}

type Forecast = (
  origin: number,
  id: string,
  history: ArrayLike<number>,
) => { mean: number[]; lower?: number[]; upper?: number[] };

function forecasterAt(fits: Map<number, DemandForecaster>, query: ForecastQuery): Forecast {
  const index = new Map<number, Map<string, number>>();
  for (const [o, fit] of fits) index.set(o, new Map(fit.catalog.map((s, i) => [s.id, i])));
  return (origin, id) => fits.get(origin)!.forecast(index.get(origin)!.get(id)!, query);
}

/** Scores a forecast on the protocol's series-origins (series with ≥ 10 selling weeks before the first origin). */
function score(catalog: readonly DemandSeries[], origins: readonly number[], forecast: Forecast): Scored {
  const scored: Scored = { rmsse: [], weight: [], inside: 0, weeks: 0 };
  for (const s of catalog) {
    let selling = 0;
    for (let t = 0; t < origins[0]! - s.start; t++) if (s.units[t]! > 0) selling++;
    if (selling < minSellingWeeks) continue;
    for (const o of origins) {
      const history = Array.prototype.slice.call(s.units, 0, o - s.start) as number[];
      const actual = Array.prototype.slice.call(s.units, o - s.start, o - s.start + horizon) as number[];
      let revenue = 0;
      for (let t = Math.max(0, o - s.start - revenueWeeks); t < o - s.start; t++) revenue += s.revenue![t]!;
      const f = forecast(o, s.id, history);
      const mean = f.mean.slice(0, horizon);
      scored.rmsse.push(rmsse(actual, mean, naiveScale(history)));
      scored.weight.push(revenue);
      if (f.lower !== undefined && f.upper !== undefined) {
        scored.inside += coverage(actual, f.lower.slice(0, horizon), f.upper.slice(0, horizon)) * horizon;
        scored.weeks += horizon;
      }
    }
  }
  return scored;
}

const wrmsseOf = (s: Scored): number => weightedMean(s.rmsse, s.weight);
const coverageOf = (s: Scored): number => (s.weeks === 0 ? Number.NaN : s.inside / s.weeks);

function evaluatePropensity(
  data: OnlineRetailWeeks,
  origin: number,
): { auc: number; baselineAuc: number; customers: number; positives: number } {
  const histories = data.customers.map((c) => ({ id: c.customerId, weeks: c.weeks, revenue: c.revenue }));
  const model = fitPropensity(histories, origin);
  const baseline = fitPropensity(histories, origin, {
    columns: recencyFrequencyFeatureNames.map((n) => propensityFeatureNames.indexOf(n)),
  });
  const scores: number[] = [];
  const baselineScores: number[] = [];
  const labels: boolean[] = [];
  for (const h of histories) {
    const features = propensityFeatures(h, origin);
    if (features === null) continue;
    scores.push(model.fromFeatures(features));
    baselineScores.push(baseline.fromFeatures(features));
    labels.push(boughtWithin(h, origin));
  }
  return {
    auc: auc(scores, labels),
    baselineAuc: auc(baselineScores, labels),
    customers: labels.length,
    positives: labels.filter(Boolean).length,
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
