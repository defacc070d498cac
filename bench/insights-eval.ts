/**
 * Offline evaluation of the demand forecast and purchase propensity on UCI Online Retail (issue 15), baselines from
 * the same run.
 *
 *   npm run insights:eval -- --data ../shared/data/online-retail/online-retail.csv.gz [--json]
 *   extra: --forecast '<json DemandForecastOptions>' (options over the defaults)
 *
 * Forecast protocol (shared/insights/forecast/evaluation.ts): weekly units per StockCode (see online-retail.ts); the
 * last 12 full weeks are the test period, forecasts 4 weeks ahead from origins −12, −8, −4; series with at least 10
 * selling weeks before the first origin; RMSSE per series-origin (scale: in-sample mean squared one-step naive error)
 * weighted by the series' revenue in the 12 weeks before the origin; coverage = share of test weeks inside the 80 %
 * interval. The forecaster runs with its defaults, which `npm run insights:tune` chose on origins −24, −20, −16 of
 * the weeks before the test period (bench/insights-tune.ts); nothing here is chosen on the test weeks.
 * Propensity: customers with a purchase before the last origin, label "an invoice in the 4 weeks from it", AUC of the
 * model against the recency-frequency regression. With --json the last line printed is one JSON object.
 */
import { parseArgs } from 'util';
import { crostonSba, meanOfLast, naive, ses, tsb } from '../shared/insights/forecast/baselines';
import {
  catalogBefore,
  coverageOf,
  protocolHorizon as horizon,
  scoreOrigins,
  wrmsseOf,
  type OriginForecast,
  type Scored,
} from '../shared/insights/forecast/evaluation';
import { fitDemandForecaster, type DemandForecaster } from '../shared/insights/forecast/forecaster';
import { checkDemandForecastOptions, type DemandForecastOptions } from '../shared/insights/forecast/options';
import {
  auc,
  boughtWithin,
  fitPropensity,
  propensityFeatureNames,
  propensityFeatures,
  recencyFrequencyFeatureNames,
} from '../shared/insights/propensity/model';
import { onlineRetailCatalog, type OnlineRetailWeeks } from './online-retail';

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
  const options: DemandForecastOptions = {
    ...checkDemandForecastOptions(JSON.parse(values.forecast) as DemandForecastOptions),
    horizon,
  };
  const started = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const { data, catalog, weeks: T } = await onlineRetailCatalog(values.data);
  const readSeconds = seconds();
  const test = [T - 12, T - 8, T - 4];
  console.log(
    `Online Retail: ${data.lines} lines, ${data.kept} kept, ${catalog.length} products, ${T} full weeks from ` +
      `${data.firstMonday}; read in ${readSeconds.toFixed(1)} s`,
  );

  const baselineScores = Object.fromEntries(
    baselineNames.map((name) => [name, scoreOrigins(catalog, test, (_o, _i, h) => flat(baselines[name](h)))]),
  ) as Record<BaselineName, Scored>;

  const fits = new Map(test.map((o) => [o, fitDemandForecaster(catalogBefore(catalog, o), o, options)]));
  const model = scoreOrigins(catalog, test, forecasterAt(fits));
  const fitSeconds = seconds() - readSeconds;

  const propensity = evaluatePropensity(data, T - 4);

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
  const windows = [...fits.values()].map((f) => f.trainingWindows[0]!).join(', ');
  console.log(
    `\nTime: read ${readSeconds.toFixed(1)} s, forecaster fits (${windows} training windows) ` +
      `${fitSeconds.toFixed(1)} s, total ${seconds().toFixed(1)} s; peak RSS ${peakRssMb} MB`,
  );
  console.log(`Options: ${JSON.stringify(options)}`);
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

function forecasterAt(fits: Map<number, DemandForecaster>): OriginForecast {
  const index = new Map<number, Map<string, number>>();
  for (const [o, fit] of fits) index.set(o, new Map(fit.catalog.map((s, i) => [s.id, i])));
  return (origin, id) => fits.get(origin)!.forecast(index.get(origin)!.get(id)!);
}

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
