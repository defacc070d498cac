/**
 * What the nightly `insights` function's forecaster fit costs on a catalog of a given size (issue 15): the function
 * (cloudfunctions/insights, 512 MB, 60 s a tick) fits it once a tick on the whole catalog, 104 weeks, 8 weeks ahead.
 *
 *   npm run insights:cost -- [--courses 200,2000,20000] [--weeks 104] [--forecast '<json DemandForecastOptions>'] [--json]
 *
 * Each size is measured in turn, smallest first, so the peak RSS printed is that of the largest catalog so far; the
 * smaller catalogs are the baseline for the window bound (`maxWindows`): past it, the fit's time stops growing.
 * The catalog is synthetic and seeded: 12 categories, courses launched over the period, weekly paid orders Poisson
 * around a course's own rate (log-normal across courses, most selling a few a week) with a yearly swing.
 */
import { parseArgs } from 'util';
import { SeededRandom } from '../shared/recommender/algorithms/random';
import { fitDemandForecaster } from '../shared/insights/forecast/forecaster';
import { checkDemandForecastOptions, type DemandForecastOptions } from '../shared/insights/forecast/options';
import type { DemandSeries } from '../shared/insights/forecast/series';

function poisson(random: SeededRandom, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random.uniform(); p > limit; p *= random.uniform()) k++;
  return k;
}

function syntheticCatalog(courses: number, weeks: number, seed: number): DemandSeries[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: courses }, (_, c) => {
    // A third of the catalog is there from the first week, the rest launched over the period.
    const start = random.uniform() < 1 / 3 ? 0 : Math.floor(random.uniform() * (weeks - 1));
    const rate = Math.exp(0.5 + 1.2 * random.normal());
    const priceFen = 1900 + 1000 * Math.floor(random.uniform() * 8);
    const units = Array.from({ length: weeks - start }, (_, k) =>
      poisson(random, rate * (1 + 0.3 * Math.sin((2 * Math.PI * (start + k)) / 52))),
    );
    return { id: `course-${c}`, group: `category-${c % 12}`, start, units, revenue: units.map((u) => u * priceFen) };
  });
}

function main(): void {
  const { values } = parseArgs({
    options: {
      courses: { type: 'string', default: '200,2000,20000' },
      weeks: { type: 'string', default: '104' },
      forecast: { type: 'string', default: '{}' },
      json: { type: 'boolean', default: false },
    },
  });
  const sizes = values.courses.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error('--courses must be positive integers, e.g. 200,2000');
  const weeks = Number(values.weeks);
  const options = checkDemandForecastOptions(JSON.parse(values.forecast) as DemandForecastOptions);
  const results = [];
  for (const courses of [...sizes].sort((a, b) => a - b)) {
    const catalog = syntheticCatalog(courses, weeks, 7);
    const before = Math.round(process.resourceUsage().maxRSS / 1024);
    const started = process.hrtime.bigint();
    const forecaster = fitDemandForecaster(catalog, weeks, options);
    const fitSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    forecaster.forecastAll();
    const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const windows = forecaster.trainingWindows;
    console.log(
      `${courses} courses × ${weeks} weeks, horizon ${options.horizon}, maxWindows ${options.maxWindows}: ` +
        `training windows ${windows.join(' + ')}; fit ${fitSeconds.toFixed(1)} s, fit and forecasts ` +
        `${totalSeconds.toFixed(1)} s; peak RSS ${peakRssMb} MB (${before} MB before the fit)`,
    );
    results.push({ courses, weeks, windows, fitSeconds, totalSeconds, peakRssMb });
  }
  if (values.json) console.log(JSON.stringify(results));
}

main();
