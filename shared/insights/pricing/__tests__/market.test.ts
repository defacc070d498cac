import { SeededRandom } from '../../../recommender/algorithms/random';
import {
  drawWorld,
  expectedRevenueFen,
  oraclePriceFen,
  parseMarket,
  poisson,
  purchaseProbability,
  runPolicy,
  type MarketCourse,
} from '../market';

const LADDER = [1900, 2900, 3900, 4900, 6900, 9900];

/** The example course. */
const c1: MarketCourse = {
  id: 'c1',
  category: 'python',
  startPriceFen: 4900,
  refPriceFen: 4900,
  viewersPerWeek: 400,
  viewerGrowthPerWeek: 0,
  conversionAtRef: 0.05,
  sensitivity: 1.2,
  refundRate: 0.05,
};

describe('the simulated market of issue 15', () => {
  it('has the best ladder price worked out by hand from its formula', () => {
    // Revenue ∝ p · exp(−1.2 (p / 4900 − 1)); by hand, in fen: 1900 → 3961, 2900 → 4733, 3900 → 4982,
    // 4900 → 4900, 6900 → 4228, 9900 → 2910. The continuous optimum is 4900 / 1.2 ≈ 4083: 3900 is the best step.
    expect(oraclePriceFen(c1, LADDER, 26)).toBe(3900);
    // 400 viewers × 26 weeks × ¥39 × 5 % × exp(1.2 × 10/49) × (1 − 5 % refunds) = 2,461,214 fen.
    expect(expectedRevenueFen(c1, 3900, 26)).toBeCloseTo(2461214.06, 1);
    expect(expectedRevenueFen(c1, 4900, 26)).toBeCloseTo(400 * 26 * 4900 * 0.05 * 0.95, 6);
  });

  it('grows viewers geometrically and caps the purchase probability at 1', () => {
    const growing = { ...c1, viewerGrowthPerWeek: 0.1 };
    // Σ_{w<3} 1.1^w = 3.31 weeks' worth of viewers.
    expect(expectedRevenueFen(growing, 4900, 3)).toBeCloseTo(400 * 3.31 * 4900 * 0.05 * 0.95, 6);
    expect(purchaseProbability({ ...c1, conversionAtRef: 0.5, sensitivity: 3 }, 1900)).toBe(1);
  });

  it('draws Poisson viewers with the right mean and variance, small and large', () => {
    for (const mean of [3.5, 400]) {
      const random = new SeededRandom(5);
      const draws = Array.from({ length: 20000 }, () => poisson(mean, random));
      const m = draws.reduce((s, x) => s + x, 0) / draws.length;
      const v = draws.reduce((s, x) => s + (x - m) ** 2, 0) / draws.length;
      expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(mean / draws.length));
      expect(v / mean).toBeGreaterThan(0.95);
      expect(v / mean).toBeLessThan(1.05);
    }
  });

  it('meets every policy with the same learners, and counts what the product counts', () => {
    const market = { seed: 1, weeks: 8, ladderFen: LADDER, courses: [c1] };
    const world = drawWorld(market, 3);
    const low = runPolicy(world, () => [1900])[0]!;
    const high = runPolicy(world, () => [9900])[0]!;
    low.counters.forEach((o, w) => {
      expect(high.counters[w]!.viewers).toBe(o.viewers);
      // A viewer who buys at ¥99 buys at ¥19 too.
      expect(high.counters[w]!.paidOrders).toBeLessThanOrEqual(o.paidOrders);
    });
    expect(low.revenueFen).toBe(low.counters.reduce((s, o) => s + 1900 * (o.paidOrders - o.refunds), 0));
    expect(runPolicy(drawWorld(market, 3), () => [1900])[0]!.counters).toEqual(low.counters);
  });

  it('refuses a market file naming the field that is wrong', () => {
    const good = { seed: 7, weeks: 26, ladderFen: LADDER, courses: [c1] };
    expect(parseMarket(good).courses[0]).toEqual(c1);
    expect(() => parseMarket({ ...good, weeks: 0 })).toThrow('weeks must be a positive integer');
    expect(() => parseMarket({ ...good, courses: [{ ...c1, refundRate: 2 }] })).toThrow('courses[0].refundRate');
    expect(() => parseMarket({ ...good, courses: [{ ...c1, startPriceFen: 5000 }] })).toThrow(
      'courses[0].startPriceFen must be a ladderFen price',
    );
    expect(() => parseMarket({ ...good, courses: [c1, c1] })).toThrow('courses[1].id c1 is not unique');
  });
});
