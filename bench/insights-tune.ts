/**
 * The demand forecaster's hyperparameter search on UCI Online Retail, on validation origins only (issue 15).
 *
 *   npm run insights:tune -- --data ../shared/data/online-retail/online-retail.csv.gz [--minutes 25] [--trials n]
 *     [--seed 1] [--fixed '<json DemandForecastOptions>'] [--json]
 *
 * --fixed options hold in every trial (with all six tree options and --trials 1 it scores one set of options).
 *
 * The series are cut at the benchmark's first test origin (week −12) before the search sees them
 * (shared/insights/forecast/tuning.ts), so it scores origins −24, −20, −16 and never reads a test week. The chosen
 * values are the defaults in shared/insights/forecast/options.ts. With --json the last line is the result.
 */
import { parseArgs } from 'util';
import type { DemandForecastOptions } from '../shared/insights/forecast/options';
import { tuneDemandForecaster, type TuningTrial } from '../shared/insights/forecast/tuning';
import { onlineRetailCatalog } from './online-retail';

const usage =
  "Usage: npm run insights:tune -- --data <online-retail.csv.gz> [--minutes 25] [--trials n] [--seed 1] [--fixed '<json>'] [--json]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      minutes: { type: 'string', default: '25' },
      trials: { type: 'string', default: 'Infinity' },
      seed: { type: 'string', default: '1' },
      fixed: { type: 'string', default: '{}' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.data === undefined) throw new Error(usage);
  const started = Date.now();
  const { catalog, weeks } = await onlineRetailCatalog(values.data);
  const firstTestOrigin = weeks - 12;
  console.log(`${catalog.length} products, ${weeks} full weeks; the search sees weeks 0–${firstTestOrigin - 1} only`);
  const line = (t: TuningTrial): string =>
    `lr ${t.options.learningRate.toFixed(3)} depth ${t.options.maxDepth} l2 ${t.options.l2.toFixed(1)} ` +
    `rows ${t.options.rowSample.toFixed(2)} minLeaf ${t.options.minLeafWeight.toFixed(2)} ` +
    `idle ${t.options.idleWeight.toFixed(4)} | trees ${t.trees} ses ${t.sesBlend}: ${t.wrmsse.toFixed(4)} ` +
    `(trees alone ${t.treesOnlyWrmsse.toFixed(4)}) ${t.seconds.toFixed(0)} s`;
  let trial = 0;
  const result = tuneDemandForecaster(catalog, {
    firstTestOrigin,
    budgetMs: Number(values.minutes) * 60_000,
    maxTrials: Number(values.trials),
    seed: Number(values.seed),
    fixed: JSON.parse(values.fixed) as DemandForecastOptions,
    onTrial: (t) => console.log(`${String(trial++).padStart(3)} ${line(t)}`),
  });
  console.log(
    `\nValidation origins ${result.validationOrigins.map((o) => o - weeks).join(', ')} ` +
      `(${result.seriesOrigins} series-origins), ${result.trials.length} trials; best: ${line(result.best)}`,
  );
  console.log(
    `Validation baselines: SES ${result.baselines.ses.toFixed(4)}, mean of last 8 ${result.baselines.mean8.toFixed(4)}`,
  );
  console.log('Coverage of the interval by quantiles:');
  for (const c of result.coverageByQuantile)
    console.log(`  ${c.lowerQuantile.toFixed(3)}–${(1 - c.lowerQuantile).toFixed(3)}: ${c.coverage80.toFixed(3)}`);
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`Total ${((Date.now() - started) / 1000).toFixed(0)} s, peak RSS ${peakRssMb} MB`);
  console.log(`Chosen: ${JSON.stringify(result.chosen)}`);
  if (values.json) console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
