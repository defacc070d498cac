/**
 * The product's price-test policy against simulated markets of issue 15, with the oracle and the start price in the
 * same run (the same learners: shared/insights/pricing/market.ts).
 *
 *   npm run pricing:sim -- --market <file.json> [--market <file.json> …] [--seeds 10] [--first-seed <n>] [--json]
 *   npm run pricing:sim -- --random <count> --random-seed <n> [--seeds 10] [--json]
 *
 * Every course of a market is under test from week 0 on the market's whole ladder (WeChat Pay's fee), referenced to
 * its start price, which is all the product knows of it; the policy sees only the weekly counters. Figures are means
 * over `--seeds` seeds (the market's seed, then the next ones, unless `--first-seed`). `--random` draws markets of the
 * same kind as those shipped (bench/markets/), each course with at least 10 expected purchases a week at its oracle
 * price. With --json the last line is `{ revenueFen, oracleRevenueFen, startPriceRevenueFen, perCourse: [{ id,
 * revenueFen, oracleRevenueFen, startPriceRevenueFen, finalPriceFen, oraclePriceFen }] }`: mean revenues rounded to
 * the fen, the final price most often reached (the lower one of a tie); with several markets, summed over them and
 * each id prefixed by its market's name.
 */
import { readFileSync } from 'fs';
import { basename } from 'path';
import { parseArgs } from 'util';
import { SeededRandom } from '../shared/recommender/algorithms/random';
import { allowedPrices, railFeeRate } from '../shared/insights/pricing/ladder';
import {
  drawWorld,
  meanViewers,
  oraclePriceFen,
  parseMarket,
  purchaseProbability,
  runPolicy,
  type Market,
  type MarketCourse,
} from '../shared/insights/pricing/market';
import { runPriceTestsOnMarket } from '../shared/insights/pricing/market-tests';
import type { PriceTestSettings } from '../shared/insights/pricing/price-test';
import type { ResponseOptions } from '../shared/insights/pricing/response';

const usage =
  'Usage: npm run pricing:sim -- (--market <file.json> … | --random <count> --random-seed <n>) [--seeds 10]' +
  " [--first-seed <n>] [--settings '<json PriceTestSettings>'] [--response '<json ResponseOptions>'] [--json]";

interface PolicyOptions {
  settings: PriceTestSettings;
  response: ResponseOptions;
}

interface CourseResult {
  id: string;
  revenueFen: number;
  oracleRevenueFen: number;
  startPriceRevenueFen: number;
  finalPriceFen: number;
  oraclePriceFen: number;
  /** Weeks of the test before it settled; null when it had not settled by the end. */
  settledAfter: number | null;
}

/** One seeded run of the policy, the oracle and the start price. */
function runOnce(market: Market, seed: number, options: PolicyOptions): CourseResult[] {
  const world = drawWorld(market, seed);
  const allowedFen = allowedPrices({ ladderFen: market.ladderFen, rail: 'wxpay' });
  const { runs: policy, states } = runPriceTestsOnMarket(market, {
    allowedFen,
    feeRate: railFeeRate('wxpay'),
    seed,
    settings: options.settings,
    responseOptions: options.response,
  });
  const oraclePrices = market.courses.map((c) => oraclePriceFen(c, market.ladderFen, market.weeks));
  const oracle = runPolicy(world, () => oraclePrices);
  const start = runPolicy(world, () => market.courses.map((c) => c.startPriceFen));
  return market.courses.map((c, i) => ({
    id: c.id,
    revenueFen: policy[i]!.revenueFen,
    oracleRevenueFen: oracle[i]!.revenueFen,
    startPriceRevenueFen: start[i]!.revenueFen,
    finalPriceFen: policy[i]!.pricesFen[market.weeks - 1]!,
    oraclePriceFen: oraclePrices[i]!,
    settledAfter: states[i]!.settledAfter ?? null,
  }));
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0]!;
  for (const [v, n] of counts) if (n > counts.get(best)! || (n === counts.get(best)! && v < best)) best = v;
  return best;
}

interface MarketResult {
  name: string;
  courses: (CourseResult & { settledWeeks: (number | null)[] })[];
}

function runMarket(
  name: string,
  market: Market,
  firstSeed: number,
  seeds: number,
  options: PolicyOptions,
): MarketResult {
  const runs = Array.from({ length: seeds }, (_, k) => runOnce(market, firstSeed + k, options));
  const mean = (pick: (r: CourseResult) => number, i: number) =>
    Math.round(runs.reduce((sum, run) => sum + pick(run[i]!), 0) / seeds);
  return {
    name,
    courses: market.courses.map((c, i) => ({
      id: c.id,
      revenueFen: mean((r) => r.revenueFen, i),
      oracleRevenueFen: mean((r) => r.oracleRevenueFen, i),
      startPriceRevenueFen: mean((r) => r.startPriceRevenueFen, i),
      finalPriceFen: mode(runs.map((run) => run[i]!.finalPriceFen)),
      oraclePriceFen: runs[0]![i]!.oraclePriceFen,
      settledAfter: null,
      settledWeeks: runs.map((run) => run[i]!.settledAfter),
    })),
  };
}

const LADDER = [1900, 2900, 3900, 4900, 6900, 9900];

/** A random market of the kind shipped: 2–3 categories of 2–4 courses, ≥ 10 expected purchases a week at the oracle. */
function randomMarket(random: SeededRandom, seed: number, weeks: number): Market {
  const courses: MarketCourse[] = [];
  const categories = 2 + Math.floor(random.uniform() * 2);
  for (let k = 0; k < categories; k++) {
    const categorySensitivity = 0.4 * Math.exp(random.uniform() * Math.log(3.5 / 0.4));
    const size = 2 + Math.floor(random.uniform() * 3);
    for (let j = 0; j < size;) {
      const startPriceFen = LADDER[1 + Math.floor(random.uniform() * 4)]!;
      const course: MarketCourse = {
        id: `r${k}_${j}`,
        category: `cat${k}`,
        startPriceFen,
        refPriceFen: Math.round(startPriceFen * Math.exp(0.2 * random.normal())),
        viewersPerWeek: Math.round(150 * Math.exp(random.uniform() * Math.log(20))),
        viewerGrowthPerWeek: -0.03 + 0.07 * random.uniform(),
        conversionAtRef: 0.02 + 0.06 * random.uniform(),
        sensitivity: categorySensitivity * Math.exp(0.2 * random.normal()),
        refundRate: 0.15 * random.uniform(),
      };
      const oracle = oraclePriceFen(course, LADDER, weeks);
      let viewers = 0;
      for (let w = 0; w < weeks; w++) viewers += meanViewers(course, w);
      if ((viewers / weeks) * purchaseProbability(course, oracle) >= 10) {
        courses.push(course);
        j++;
      }
    }
  }
  return { seed, weeks, ladderFen: LADDER, courses };
}

const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : '—');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function printMarket(result: MarketResult, weeks: number): void {
  const sum = (pick: (c: CourseResult) => number) => result.courses.reduce((s, c) => s + pick(c), 0);
  const revenue = sum((c) => c.revenueFen);
  const oracle = sum((c) => c.oracleRevenueFen);
  const start = sum((c) => c.startPriceRevenueFen);
  const settled = result.courses.flatMap((c) => c.settledWeeks).filter((w): w is number => w !== null);
  const runs = result.courses.reduce((s, c) => s + c.settledWeeks.length, 0);
  console.log(
    `${result.name}: policy ${pct(revenue, oracle)} of oracle, ${pct(revenue, start)} of start price ` +
      `(start price ${pct(start, oracle)} of oracle); settled in ${settled.length}/${runs} tests by week ${weeks}, ` +
      `median ${settled.length ? median(settled) : '—'} weeks, max ${settled.length ? Math.max(...settled) : '—'}`,
  );
  for (const c of result.courses) {
    console.log(
      `  ${c.id.padEnd(12)} policy ${pct(c.revenueFen, c.oracleRevenueFen).padStart(8)} of oracle` +
        `  start ${pct(c.startPriceRevenueFen, c.oracleRevenueFen).padStart(8)}` +
        `  final ${c.finalPriceFen} (oracle ${c.oraclePriceFen})`,
    );
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      market: { type: 'string', multiple: true },
      random: { type: 'string' },
      'random-seed': { type: 'string' },
      seeds: { type: 'string', default: '10' },
      'first-seed': { type: 'string' },
      weeks: { type: 'string', default: '26' },
      settings: { type: 'string', default: '{}' },
      response: { type: 'string', default: '{}' },
      json: { type: 'boolean', default: false },
    },
  });
  const seeds = Number(values.seeds);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a positive integer\n${usage}`);
  const markets: { name: string; market: Market }[] = [];
  for (const file of values.market ?? []) {
    markets.push({ name: basename(file, '.json'), market: parseMarket(JSON.parse(readFileSync(file, 'utf8'))) });
  }
  if (values.random !== undefined) {
    const count = Number(values.random);
    const seed = Number(values['random-seed']);
    const weeks = Number(values.weeks);
    if (!Number.isInteger(count) || count < 1) throw new Error(`--random must be a positive integer\n${usage}`);
    if (!Number.isInteger(seed)) throw new Error(`--random needs an integer --random-seed\n${usage}`);
    const random = new SeededRandom(seed);
    for (let k = 0; k < count; k++)
      markets.push({ name: `random${seed}_${k}`, market: randomMarket(random, seed + k, weeks) });
  }
  if (markets.length === 0) throw new Error(usage);
  const options: PolicyOptions = {
    settings: JSON.parse(values.settings) as PriceTestSettings,
    response: JSON.parse(values.response) as ResponseOptions,
  };
  const started = Date.now();
  const results = markets.map(({ name, market }) => {
    const firstSeed = values['first-seed'] !== undefined ? Number(values['first-seed']) : market.seed;
    if (!Number.isInteger(firstSeed)) throw new Error(`--first-seed must be an integer\n${usage}`);
    const result = runMarket(name, market, firstSeed, seeds, options);
    printMarket(result, market.weeks);
    return result;
  });
  const perCourse = results.flatMap((r) =>
    r.courses.map((c) => ({
      id: results.length > 1 ? `${r.name}/${c.id}` : c.id,
      revenueFen: c.revenueFen,
      oracleRevenueFen: c.oracleRevenueFen,
      startPriceRevenueFen: c.startPriceRevenueFen,
      finalPriceFen: c.finalPriceFen,
      oraclePriceFen: c.oraclePriceFen,
    })),
  );
  const total = (pick: (c: (typeof perCourse)[number]) => number) => perCourse.reduce((s, c) => s + pick(c), 0);
  const revenueFen = total((c) => c.revenueFen);
  const oracleRevenueFen = total((c) => c.oracleRevenueFen);
  const startPriceRevenueFen = total((c) => c.startPriceRevenueFen);
  const worst = Math.min(
    ...results.map(
      (r) => r.courses.reduce((s, c) => s + c.revenueFen, 0) / r.courses.reduce((s, c) => s + c.oracleRevenueFen, 0),
    ),
  );
  console.log(
    `all ${results.length} market(s), mean of ${seeds} seeds: policy ${pct(revenueFen, oracleRevenueFen)} of oracle ` +
      `(worst market ${(100 * worst).toFixed(1)} %), start price ${pct(startPriceRevenueFen, oracleRevenueFen)}; ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (values.json) console.log(JSON.stringify({ revenueFen, oracleRevenueFen, startPriceRevenueFen, perCourse }));
}

main();
