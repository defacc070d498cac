/**
 * The simulated market of issue 15 (`npm run pricing:sim`), seeded and pure. Each week, a course's detail viewers are
 * Poisson(viewersPerWeek · (1 + viewerGrowthPerWeek)^week); each buys with probability
 * conversionAtRef · exp(−sensitivity · (price / refPriceFen − 1)), capped at 1; a purchase is refunded with
 * probability refundRate. Revenue = Σ price × (purchases − refunds), in fen.
 *
 * The random draws of a run (a `MarketWorld`) are made once and do not depend on prices: every viewer carries one
 * uniform for buying and one for a refund, and buys at price p when the first is below the conversion at p. So a
 * policy, the oracle and the start price meet the same learners (common random numbers), and the policy sees the
 * market only through the weekly counters the product keeps.
 */
import { SeededRandom } from '../../recommender/algorithms/random';
import type { PriceObservation } from './response';

export interface MarketCourse {
  id: string;
  category: string;
  startPriceFen: number;
  refPriceFen: number;
  viewersPerWeek: number;
  viewerGrowthPerWeek: number;
  conversionAtRef: number;
  sensitivity: number;
  refundRate: number;
}

export interface Market {
  seed: number;
  weeks: number;
  ladderFen: number[];
  courses: MarketCourse[];
}

function field(value: unknown, at: string, check: (v: number) => boolean, rule: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new Error(`${at} must be ${rule}, got ${JSON.stringify(value)}`);
  }
  return value;
}

const positiveInteger = (v: number) => Number.isInteger(v) && v > 0;

/** A market file's content, checked field by field. */
export function parseMarket(json: unknown): Market {
  if (typeof json !== 'object' || json === null) throw new Error('market must be a JSON object');
  const m = json as Record<string, unknown>;
  const seed = field(m.seed, 'seed', Number.isInteger, 'an integer');
  const weeks = field(m.weeks, 'weeks', positiveInteger, 'a positive integer');
  if (!Array.isArray(m.ladderFen) || m.ladderFen.length === 0) throw new Error('ladderFen must be a non-empty array');
  const ladderFen = m.ladderFen.map((p, i) => field(p, `ladderFen[${i}]`, positiveInteger, 'a positive integer'));
  if (!Array.isArray(m.courses) || m.courses.length === 0) throw new Error('courses must be a non-empty array');
  const ids = new Set<string>();
  const courses = m.courses.map((raw: unknown, i): MarketCourse => {
    const at = `courses[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new Error(`${at} must be an object`);
    const c = raw as Record<string, unknown>;
    if (typeof c.id !== 'string' || c.id === '') throw new Error(`${at}.id must be a non-empty string`);
    if (ids.has(c.id)) throw new Error(`${at}.id ${c.id} is not unique`);
    ids.add(c.id);
    if (typeof c.category !== 'string' || c.category === '')
      throw new Error(`${at}.category must be a non-empty string`);
    const startPriceFen = field(c.startPriceFen, `${at}.startPriceFen`, positiveInteger, 'a positive integer');
    if (!ladderFen.includes(startPriceFen)) throw new Error(`${at}.startPriceFen must be a ladderFen price`);
    return {
      id: c.id,
      category: c.category,
      startPriceFen,
      refPriceFen: field(c.refPriceFen, `${at}.refPriceFen`, (v) => v > 0, 'positive'),
      viewersPerWeek: field(c.viewersPerWeek, `${at}.viewersPerWeek`, (v) => v >= 0, 'at least 0'),
      viewerGrowthPerWeek: field(c.viewerGrowthPerWeek, `${at}.viewerGrowthPerWeek`, (v) => v > -1, 'above -1'),
      conversionAtRef: field(c.conversionAtRef, `${at}.conversionAtRef`, (v) => v >= 0 && v <= 1, 'in [0, 1]'),
      sensitivity: field(c.sensitivity, `${at}.sensitivity`, () => true, 'a number'),
      refundRate: field(c.refundRate, `${at}.refundRate`, (v) => v >= 0 && v <= 1, 'in [0, 1]'),
    };
  });
  return { seed, weeks, ladderFen, courses };
}

/** The market's purchase probability of a viewer at a price. */
export function purchaseProbability(course: MarketCourse, priceFen: number): number {
  return Math.min(1, course.conversionAtRef * Math.exp(-course.sensitivity * (priceFen / course.refPriceFen - 1)));
}

export function meanViewers(course: MarketCourse, week: number): number {
  return course.viewersPerWeek * (1 + course.viewerGrowthPerWeek) ** week;
}

/** Expected revenue of keeping one price for `weeks` weeks, in fen. */
export function expectedRevenueFen(course: MarketCourse, priceFen: number, weeks: number): number {
  let viewers = 0;
  for (let w = 0; w < weeks; w++) viewers += meanViewers(course, w);
  return viewers * priceFen * purchaseProbability(course, priceFen) * (1 - course.refundRate);
}

/** The one ladder price with the highest expected revenue over the run (the lower one of a tie). */
export function oraclePriceFen(course: MarketCourse, ladderFen: readonly number[], weeks: number): number {
  let best = ladderFen[0]!;
  for (const p of [...ladderFen].sort((a, b) => a - b)) {
    if (expectedRevenueFen(course, p, weeks) > expectedRevenueFen(course, best, weeks)) best = p;
  }
  return best;
}

const LOG_FACTORIAL_SMALL = [0, 0, 0.6931471805599453, 1.791759469228055, 3.1780538303479458, 4.787491742782046];

function logFactorial(k: number): number {
  if (k < LOG_FACTORIAL_SMALL.length) return LOG_FACTORIAL_SMALL[k]!;
  const x = k + 1;
  // Stirling's series for ln Γ(x), exact to double precision for x ≥ 7.
  return (
    (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5)
  );
}

/** A Poisson draw: inversion for small means, Hörmann's PTRS (1993) rejection, exact, for large ones. */
export function poisson(mean: number, random: SeededRandom): number {
  if (mean <= 0) return 0;
  if (mean < 10) {
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    const u = random.uniform();
    while (u > cdf && p > 0) {
      k += 1;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.uniform() - 0.5;
    const v = random.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logFactorial(k)) {
      return k;
    }
  }
}

/** The learners of one run: by course, by week, each viewer's buying and refund uniforms. */
export interface MarketWorld {
  market: Market;
  /** `viewers[c][w]` holds 2 uniforms per viewer of course c in week w: [buy, refund, buy, refund, …]. */
  viewers: Float64Array[][];
}

export function drawWorld(market: Market, seed: number): MarketWorld {
  // Scrambled, so that consecutive seeds do not start splitmix32 from neighbouring states.
  const random = new SeededRandom(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0);
  const viewers = market.courses.map((course) => {
    const weeks: Float64Array[] = [];
    for (let w = 0; w < market.weeks; w++) {
      const n = poisson(meanViewers(course, w), random);
      const draws = new Float64Array(2 * n);
      for (let i = 0; i < draws.length; i++) draws[i] = random.uniform();
      weeks.push(draws);
    }
    return weeks;
  });
  return { market, viewers };
}

/** The week's counters of course `c` of the world at a price: what the product would count. */
export function weekCounters(world: MarketWorld, c: number, week: number, priceFen: number): PriceObservation {
  const course = world.market.courses[c]!;
  const draws = world.viewers[c]![week]!;
  const buy = purchaseProbability(course, priceFen);
  let paidOrders = 0;
  let refunds = 0;
  for (let i = 0; i < draws.length; i += 2) {
    if (draws[i]! < buy) {
      paidOrders += 1;
      if (draws[i + 1]! < course.refundRate) refunds += 1;
    }
  }
  return { viewers: draws.length / 2, paidOrders, refunds, priceFen };
}

export interface CourseRun {
  id: string;
  revenueFen: number;
  /** The price of each week. */
  pricesFen: number[];
  counters: PriceObservation[];
}

/**
 * Runs a pricing policy through the world: before each week it names every course's price, seeing only the
 * counters of the weeks before.
 */
export function runPolicy(
  world: MarketWorld,
  pricesFor: (week: number, countersSoFar: readonly (readonly PriceObservation[])[]) => readonly number[],
): CourseRun[] {
  const { market } = world;
  const counters: PriceObservation[][] = market.courses.map(() => []);
  for (let w = 0; w < market.weeks; w++) {
    const prices = pricesFor(w, counters);
    if (prices.length !== market.courses.length) throw new Error(`week ${w}: a price for each course is needed`);
    prices.forEach((p, c) => counters[c]!.push(weekCounters(world, c, w, p)));
  }
  return market.courses.map((course, c) => ({
    id: course.id,
    revenueFen: counters[c]!.reduce((sum, o) => sum + o.priceFen * (o.paidOrders - o.refunds), 0),
    pricesFen: counters[c]!.map((o) => o.priceFen),
    counters: counters[c]!,
  }));
}
