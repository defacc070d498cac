/**
 * Price-response recovery on simulated catalogs (issue 15): how far the estimated sensitivity lands from the true
 * one, with and without pooling across a category, when prices change rarely.
 *
 *   npx tsx bench/pricing-recovery.ts [--seeds 10] [--first-seed 1] [--categories 8] [--courses 6] [--weeks 26] [--json]
 *
 * Each catalog has `--categories` categories of `--courses` courses in the issue's market (shared/insights/pricing/
 * market.ts): a category's sensitivity is log-uniform in [0.4, 3.5] and its courses' spread ×exp(N(0, 0.2²)) around
 * it; viewers log-uniform in [150, 3000] a week, conversion at the reference 2–8 %, refunds 0–15 %, the reference price
 * the start price (so the true sensitivity is the one the estimator measures against its start price). Prices change
 * rarely: half the courses never change price, the rest move once, at a random week, one ladder step up or down, and
 * a quarter of those move once more. Reported over all courses of all seeds: the median absolute error of the
 * estimated sensitivity, pooled and unpooled, over all courses and split by whether the price ever changed, and how
 * often the true value lies within the estimate ± 1.645 sd (a 90 % interval). With --json the last line is
 * `{ pooled: { medianAbsError, medianAbsErrorUnchanged, medianAbsErrorChanged, coverage90 }, unpooled: {…}, courses }`.
 */
import { parseArgs } from 'util';
import { SeededRandom } from '../shared/recommender/algorithms/random';
import { drawWorld, runPolicy, type Market, type MarketCourse } from '../shared/insights/pricing/market';
import { estimatePriceResponse, type CourseCounters } from '../shared/insights/pricing/response';

const LADDER = [1900, 2900, 3900, 4900, 6900, 9900];

interface Catalog {
  market: Market;
  /** The week each course's price changes to which price: [week, ladder index][]. */
  changes: [number, number][][];
}

function catalogOf(
  random: SeededRandom,
  seed: number,
  categories: number,
  perCategory: number,
  weeks: number,
): Catalog {
  const courses: MarketCourse[] = [];
  const changes: [number, number][][] = [];
  for (let k = 0; k < categories; k++) {
    const categorySensitivity = 0.4 * Math.exp(random.uniform() * Math.log(3.5 / 0.4));
    for (let j = 0; j < perCategory; j++) {
      const startIndex = 1 + Math.floor(random.uniform() * 4);
      const startPriceFen = LADDER[startIndex]!;
      courses.push({
        id: `c${k}_${j}`,
        category: `cat${k}`,
        startPriceFen,
        refPriceFen: startPriceFen,
        viewersPerWeek: 150 * Math.exp(random.uniform() * Math.log(20)),
        viewerGrowthPerWeek: 0,
        conversionAtRef: 0.02 + 0.06 * random.uniform(),
        sensitivity: categorySensitivity * Math.exp(0.2 * random.normal()),
        refundRate: 0.15 * random.uniform(),
      });
      const course: [number, number][] = [];
      let index = startIndex;
      const moves = random.uniform() < 0.5 ? 0 : random.uniform() < 0.25 ? 2 : 1;
      let from = 1;
      for (let m = 0; m < moves; m++) {
        const week = from + Math.floor(random.uniform() * (weeks - from - 1));
        const up = index === 0 || (index < LADDER.length - 1 && random.uniform() < 0.5);
        index += up ? 1 : -1;
        course.push([week, index]);
        from = week + 1;
      }
      changes.push(course);
    }
  }
  return { market: { seed, weeks, ladderFen: LADDER, courses }, changes };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

interface Miss {
  abs: number;
  changed: boolean;
  covered: boolean;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '10' },
      'first-seed': { type: 'string', default: '1' },
      categories: { type: 'string', default: '8' },
      courses: { type: 'string', default: '6' },
      weeks: { type: 'string', default: '26' },
      json: { type: 'boolean', default: false },
    },
  });
  const [seeds, firstSeed, categories, perCategory, weeks] = [
    values.seeds,
    values['first-seed'],
    values.categories,
    values.courses,
    values.weeks,
  ].map(Number) as [number, number, number, number, number];
  for (const [name, v] of Object.entries({ seeds, categories, courses: perCategory, weeks })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  }
  if (weeks < 3) throw new Error('--weeks must be at least 3');
  const errors = { pooled: [] as Miss[], unpooled: [] as Miss[] };
  for (let k = 0; k < seeds; k++) {
    const seed = firstSeed + k;
    const catalog = catalogOf(new SeededRandom(seed), seed, categories, perCategory, weeks);
    const { market } = catalog;
    const runs = runPolicy(drawWorld(market, seed), (week) =>
      market.courses.map((c, i) => {
        let price = c.startPriceFen;
        for (const [at, index] of catalog.changes[i]!) if (week >= at) price = LADDER[index]!;
        return price;
      }),
    );
    const counters: CourseCounters[] = market.courses.map((c, i) => ({
      courseId: c.id,
      category: c.category,
      referencePriceFen: c.startPriceFen,
      observations: runs[i]!.counters,
    }));
    for (const pool of [true, false]) {
      estimatePriceResponse(counters, { pool }).forEach((r, i) => {
        const truth = market.courses[i]!.sensitivity;
        errors[pool ? 'pooled' : 'unpooled'].push({
          abs: Math.abs(r.sensitivity - truth),
          changed: catalog.changes[i]!.length > 0,
          covered: Math.abs(r.sensitivity - truth) <= 1.645 * r.sensitivitySd,
        });
      });
    }
  }
  const summary = (list: Miss[]) => ({
    medianAbsError: median(list.map((e) => e.abs)),
    medianAbsErrorUnchanged: median(list.filter((e) => !e.changed).map((e) => e.abs)),
    medianAbsErrorChanged: median(list.filter((e) => e.changed).map((e) => e.abs)),
    coverage90: list.filter((e) => e.covered).length / list.length,
  });
  const result = { pooled: summary(errors.pooled), unpooled: summary(errors.unpooled), courses: errors.pooled.length };
  for (const name of ['pooled', 'unpooled'] as const) {
    const r = result[name];
    console.log(
      `${name.padEnd(8)} median |ŝ − s| ${r.medianAbsError.toFixed(3)} (price never changed ` +
        `${r.medianAbsErrorUnchanged.toFixed(3)}, changed ${r.medianAbsErrorChanged.toFixed(3)}); ` +
        `90 % intervals cover ${(100 * r.coverage90).toFixed(1)} %`,
    );
  }
  console.log(`${result.courses} courses: ${seeds} catalogs of ${categories} × ${perCategory}, ${weeks} weeks`);
  if (values.json) console.log(JSON.stringify(result));
}

main();
