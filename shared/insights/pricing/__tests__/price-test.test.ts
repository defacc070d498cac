import { allowedPrices } from '../ladder';
import { oraclePriceFen, type Market } from '../market';
import { runPriceTestsOnMarket } from '../market-tests';
import { startPriceTest, stepPriceTests, type PriceTestSettings } from '../price-test';

const LADDER = [1900, 2900, 3900, 4900, 6900, 9900];

const market: Market = {
  seed: 3,
  weeks: 26,
  ladderFen: LADDER,
  courses: [
    // By hand: revenue ∝ p · exp(−3 (p / 4900 − 1)) is highest at ¥19 (1900 → 11,602 vs 2900 → 9,552 per 0.05).
    {
      id: 'steep',
      category: 'english',
      startPriceFen: 4900,
      refPriceFen: 4900,
      viewersPerWeek: 2000,
      viewerGrowthPerWeek: 0,
      conversionAtRef: 0.05,
      sensitivity: 3,
      refundRate: 0.05,
    },
    {
      id: 'flat',
      category: 'design',
      startPriceFen: 3900,
      refPriceFen: 3900,
      viewersPerWeek: 1500,
      viewerGrowthPerWeek: 0,
      conversionAtRef: 0.05,
      sensitivity: 0.3,
      refundRate: 0.05,
    },
  ],
};

/** The price of each week and the test states of one run. */
function run(seed: number, bounds: { minFen?: number; maxFen?: number } = {}, settings?: PriceTestSettings) {
  const allowedFen = allowedPrices({ ladderFen: LADDER, rail: 'wxpay', ...bounds });
  const { runs, states, history } = runPriceTestsOnMarket(market, { allowedFen, feeRate: 0.006, seed, settings });
  return { prices: runs.map((r) => r.pricesFen), states, history };
}

describe('the price test', () => {
  it('is the same run for the same seed', () => {
    expect(run(5)).toEqual(run(5));
  });

  it('settles on the known best price within its periods and then keeps it', () => {
    expect(oraclePriceFen(market.courses[0]!, LADDER, 26)).toBe(1900);
    expect(oraclePriceFen(market.courses[1]!, LADDER, 26)).toBe(9900);
    for (const seed of [1, 2, 3]) {
      const { prices, states, history } = run(seed);
      expect(states.map((s) => s.settledPriceFen)).toEqual([1900, 9900]);
      states.forEach((s, c) => {
        expect(s.settledAfter).toBeLessThanOrEqual(12);
        // Week w's price is set after w periods: from week settledAfter on, the settled price.
        expect(new Set(prices[c]!.slice(s.settledAfter!))).toEqual(new Set([s.settledPriceFen]));
      });
      // Until it settles it moves one ladder step at a time.
      prices.forEach((p, c) => {
        const exploring = p.slice(0, states[c]!.settledAfter!);
        exploring.slice(1).forEach((x, w) => {
          expect(Math.abs(LADDER.indexOf(x) - LADDER.indexOf(exploring[w]!))).toBeLessThanOrEqual(1);
        });
      });
      expect(history.at(-1)).toEqual(states);
    }
  });

  it('settles by the last period whatever the evidence', () => {
    const { states } = run(4, {}, { maxPeriods: 2, settleProbability: 1.1, settleLoss: -1 });
    expect(states.map((s) => s.settledAfter)).toEqual([2, 2]);
  });

  it('stays within the creator’s bounds', () => {
    const { prices, states } = run(6, { minFen: 2900, maxFen: 6900 });
    for (const p of prices.flat()) expect(p >= 2900 && p <= 6900).toBe(true);
    expect(states.map((s) => s.settledPriceFen)).toEqual([2900, 6900]);
  });

  it('refuses counters of another course', () => {
    const state = startPriceTest({ courseId: 'a', currentPriceFen: 4900, allowedFen: LADDER, seed: 1 });
    expect(() => stepPriceTests({ courses: [], tests: [{ state, allowedFen: LADDER, feeRate: 0 }] })).toThrow(
      'courses: no counters for the tested course a',
    );
  });
});
