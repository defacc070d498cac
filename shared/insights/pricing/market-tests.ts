/**
 * The product's price tests run against a simulated market (./market.ts), as the nightly job would run them: every
 * course under test from week 0, referenced to its start price (all the product knows of it), each week's prices
 * decided by `stepPriceTests` from the counters of the weeks before.
 */
import { drawWorld, runPolicy, type CourseRun, type Market } from './market';
import { startPriceTest, stepPriceTests, type PriceTestSettings, type PriceTestState } from './price-test';
import type { ResponseOptions } from './response';

export interface MarketTestOptions {
  /** The allowed prices of every course (./ladder.ts `allowedPrices`). */
  allowedFen: readonly number[];
  feeRate: number;
  /** The world's seed and the tests' seed. */
  seed: number;
  settings?: PriceTestSettings;
  responseOptions?: ResponseOptions;
}

export interface MarketTestRun {
  runs: CourseRun[];
  /** The tests' states at the end. */
  states: PriceTestState[];
  /** The states the price of each week was read from. */
  history: PriceTestState[][];
}

export function runPriceTestsOnMarket(market: Market, options: MarketTestOptions): MarketTestRun {
  const { allowedFen, feeRate, seed } = options;
  let states = market.courses.map((c) =>
    startPriceTest({ courseId: c.id, currentPriceFen: c.startPriceFen, allowedFen, seed }),
  );
  const history: PriceTestState[][] = [];
  const runs = runPolicy(drawWorld(market, seed), (week, counters) => {
    if (week > 0) {
      const courses = market.courses.map((c, i) => ({
        courseId: c.id,
        category: c.category,
        referencePriceFen: c.startPriceFen,
        observations: counters[i]!,
      }));
      const tests = states.map((state) => ({ state, allowedFen, feeRate }));
      states = stepPriceTests({
        courses,
        tests,
        settings: options.settings,
        responseOptions: options.responseOptions,
      }).map((d) => d.state);
    }
    history.push(states);
    return states.map((s) => s.priceFen);
  });
  return { runs, states, history };
}
