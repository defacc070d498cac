import { SeededRandom } from '../../../recommender/algorithms/random';
import { catalogBefore } from '../evaluation';
import { checkDemandForecastOptions } from '../options';
import type { DemandSeries } from '../series';
import { tuneDemandForecaster, type TuningResult, type TuningSettings } from '../tuning';

const weeks = 44;
const firstTestOrigin = 32;

/** 24 noisy series observed for 44 weeks, 2 groups, some launched late. */
function catalog(): DemandSeries[] {
  const random = new SeededRandom(11);
  return Array.from({ length: 24 }, (_, s) => {
    const start = s % 6 === 5 ? 8 : 0;
    const units = Array.from({ length: weeks - start }, () =>
      random.uniform() < 0.7 ? Math.floor(random.uniform() * (3 + s)) : 0,
    );
    return { id: `c${s}`, group: s % 2 === 0 ? 'python' : 'design', start, units, revenue: units.map((u) => 10 * u) };
  });
}

/** The same catalog with every week from `from` on replaced by `value`. */
function poisoned(series: readonly DemandSeries[], from: number, value: number): DemandSeries[] {
  return series.map((s) => ({
    ...s,
    units: Array.from(s.units, (u, k) => (s.start + k >= from ? value : u)),
    revenue: Array.from(s.revenue!, (r, k) => (s.start + k >= from ? value : r)),
  }));
}

/** A result without the trials' timings. */
const untimed = (result: TuningResult) => ({
  ...result,
  trials: result.trials.map((t) => ({ ...t, seconds: 0 })),
  best: { ...result.best, seconds: 0 },
});

const quick: TuningSettings = { firstTestOrigin, budgetMs: Infinity, maxTrials: 3, maxTrees: 20, treeStep: 10 };

describe('forecaster tuning', () => {
  it('cuts a catalog before a week: no week from it on, no series launched from it on', () => {
    const series: DemandSeries[] = [
      { id: 'a', group: 'g', start: 0, units: [1, 2, 3, 4], revenue: [5, 6, 7, 8] },
      { id: 'b', group: 'g', start: 2, units: [9, 9], revenue: [1, 1] },
      { id: 'c', group: 'g', start: 3, units: [7], revenue: [7] },
    ];
    expect(catalogBefore(series, 3)).toEqual([
      { id: 'a', group: 'g', start: 0, units: [1, 2, 3], revenue: [5, 6, 7] },
      { id: 'b', group: 'g', start: 2, units: [9], revenue: [1] },
    ]);
  });

  it('never reads a test week: NaN or huge values there change nothing', () => {
    const tuned = (series: DemandSeries[]) => untimed(tuneDemandForecaster(series, quick));
    const clean = tuned(catalog());
    expect(tuned(poisoned(catalog(), firstTestOrigin, Number.NaN))).toEqual(clean);
    expect(tuned(poisoned(catalog(), firstTestOrigin, 1e9))).toEqual(clean);
    // The guard can fail: the week before the cut is seen.
    expect(tuned(poisoned(catalog(), firstTestOrigin - 1, 1e9))).not.toEqual(clean);
  });

  it('scores the three validation origins before the cut and returns valid options of its best trial', () => {
    const result = tuneDemandForecaster(catalog(), quick);
    expect(result.validationOrigins).toEqual([20, 24, 28]);
    expect(result.trials).toHaveLength(3);
    expect(result.best.wrmsse).toBe(Math.min(...result.trials.map((t) => t.wrmsse)));
    expect(result.chosen).toMatchObject({ ...result.best.options, trees: result.best.trees });
    expect(() => checkDemandForecastOptions(result.chosen)).not.toThrow();
    // The first trial is the hand-set values, the others seeded draws.
    expect(result.trials[0]!.options.learningRate).toBe(0.05);
    expect(tuneDemandForecaster(catalog(), { ...quick, seed: 2 }).trials[1]!.options).not.toEqual(
      result.trials[1]!.options,
    );
  });

  it('starts no trial after its budget, and always runs the first', () => {
    let clock = 0;
    const timed = (budgetMs: number) =>
      tuneDemandForecaster(catalog(), {
        ...quick,
        maxTrials: 10,
        budgetMs,
        now: () => (clock += 1000),
      }).trials.length;
    // Each trial reads the clock twice (its start and end), the loop once more: 3 s a trial.
    expect(timed(0)).toBe(1);
    expect(timed(6500)).toBe(3);
  });

  it('holds a fixed option in every trial', () => {
    const result = tuneDemandForecaster(catalog(), { ...quick, fixed: { maxDepth: 2 } });
    for (const t of result.trials) expect(t.options.maxDepth).toBe(2);
  });
});
