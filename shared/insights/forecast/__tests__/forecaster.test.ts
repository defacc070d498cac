import { SeededRandom } from '../../../recommender/algorithms/random';
import { ses } from '../baselines';
import { forecastDemand, fitDemandForecaster, poissonQuantile } from '../forecaster';
import { launchCurve } from '../launch-curve';
import { checkDemandForecastOptions, demandForecastDefaults } from '../options';
import type { DemandSeries } from '../series';

const weeks = 40;
const fast = { trees: 60, learningRate: 0.1 };

/** `count` series of one group built by `week(series, week)`, all observed from week 0. */
function catalogOf(count: number, week: (s: number, w: number) => number, group = 'python'): DemandSeries[] {
  return Array.from({ length: count }, (_, s) => ({
    id: `${group}-${s}`,
    group,
    start: 0,
    units: Array.from({ length: weeks }, (_, w) => week(s, w)),
  }));
}

describe('demand forecaster on series with a known answer', () => {
  it('forecasts a constant catalog exactly, with an interval on the forecast', () => {
    const [first] = forecastDemand(
      catalogOf(12, () => 5),
      weeks,
      fast,
    );
    expect(first!.method).toBe('pooled');
    expect(first!.mean).toHaveLength(8);
    for (const m of first!.mean) expect(m).toBeCloseTo(5, 9);
    expect(first!.lower).toEqual(new Array(8).fill(5));
    expect(first!.upper).toEqual(new Array(8).fill(5));
  });

  it('follows a clear step once it has held for a quarter', () => {
    // Series s steps from 2 to 10 at week 5 + s; the last one stepped 13 weeks before the end.
    const catalog = catalogOf(23, (s, w) => (w >= 5 + s ? 10 : 2));
    const forecasts = forecastDemand(catalog, weeks, fast);
    // Within 10 % of the new level (the tuned, shallower trees reach it more slowly than deeper ones did).
    for (const m of forecasts[22]!.mean) expect(m).toBeGreaterThan(9);
    for (const m of forecasts[22]!.mean) expect(m).toBeLessThan(11);
  });

  it('forecasts an intermittent series at its rate: 4 every fourth week is 1 a week', () => {
    const catalog = catalogOf(8, (s, w) => ((w + s) % 4 === 0 ? 4 : 0));
    const forecasts = forecastDemand(catalog, weeks, fast);
    for (const f of forecasts) for (const m of f.mean) expect(m).toBeCloseTo(1, 1);
    // Three weeks in four sell nothing: the interval reaches 0 and covers the 4.
    expect(forecasts[0]!.lower[0]).toBe(0);
    expect(forecasts[0]!.upper[0]).toBeGreaterThanOrEqual(4);
  });

  it('starts a new course from its group launch curve', () => {
    const launchUnits = [10, 6, 4, 3, 3, 3, 3, 3];
    const launched: DemandSeries[] = Array.from({ length: 10 }, (_, s) => ({
      id: `launched-${s}`,
      group: 'design',
      start: 20 + s,
      units: Array.from({ length: weeks - 20 - s }, (_, k) => launchUnits[Math.min(k, 7)]!),
    }));
    const fresh: DemandSeries = { id: 'new', group: 'design', start: weeks, units: [] };
    const forecasts = forecastDemand([...catalogOf(5, () => 1), ...launched, fresh], weeks, fast);
    const forecast = forecasts[forecasts.length - 1]!;
    expect(forecast.method).toBe('launch-curve');
    expect(forecast.mean).toEqual(launchUnits);
    expect(forecast.lower).toEqual(launchUnits);
    expect(forecast.upper).toEqual(launchUnits);
  });

  it('pools a lone launch with the catalog: weight n / (n + prior)', () => {
    const catalog: DemandSeries[] = [
      { id: 'a', group: 'music', start: 1, units: [12] },
      { id: 'b', group: 'python', start: 1, units: [2] },
      { id: 'c', group: 'python', start: 1, units: [4] },
    ];
    const curve = launchCurve(catalog, 'music', 1, { prior: 5, lowerQuantile: 0.1, upperQuantile: 0.9 });
    // Group mean 12 from 1 launch; catalog mean 6 from 3: (1/6)·12 + (5/6)·6 = 7.
    expect(curve.mean[0]).toBeCloseTo(7, 12);
    expect(curve.launches).toEqual([1]);
  });

  it('gives the same forecast for the same seed and another for another seed', () => {
    const random = new SeededRandom(3);
    const noisy = catalogOf(20, (s) => (random.uniform() < 0.6 ? Math.floor(random.uniform() * (4 + s)) : 0));
    const once = forecastDemand(noisy, weeks, { ...fast, seed: 7 });
    const again = forecastDemand(noisy, weeks, { ...fast, seed: 7 });
    const other = forecastDemand(noisy, weeks, { ...fast, seed: 8 });
    expect(again).toEqual(once);
    expect(other.map((f) => f.mean[0])).not.toEqual(once.map((f) => f.mean[0]));
  });

  it('reads smaller tree counts from one fit', () => {
    const catalog = catalogOf(10, (s, w) => (w % (2 + (s % 3)) === 0 ? 3 : 0));
    const forecaster = fitDemandForecaster(catalog, weeks, { horizon: 4, trees: 40 });
    expect(forecaster.forecast(0, { trees: 40 })).toEqual(forecaster.forecast(0));
    expect(forecaster.forecast(0, { trees: 1 }).mean).not.toEqual(forecaster.forecast(0).mean);
  });

  it('blends in SES: share 1 is simple exponential smoothing (α 0.2) itself, share ½ the midpoint', () => {
    const random = new SeededRandom(5);
    const catalog = catalogOf(6, (s) => Math.floor(random.uniform() * (3 + s)));
    const forecaster = fitDemandForecaster(catalog, weeks, { ...fast, horizon: 4 });
    catalog.forEach((series, i) => {
      const [trees] = forecaster.blockMeans(i, { sesBlend: 0 });
      expect(forecaster.blockMeans(i, { sesBlend: 1 })[0]).toBeCloseTo(ses(series.units, 0.2), 9);
      expect(forecaster.blockMeans(i, { sesBlend: 0.5 })[0]).toBeCloseTo((trees! + ses(series.units, 0.2)) / 2, 9);
    });
    expect(forecaster.forecast(0, { sesBlend: 1 }).mean[0]).toBeCloseTo(ses(catalog[0]!.units, 0.2), 9);
  });

  it('fits each block on at most maxWindows windows, a seeded subsample of them', () => {
    // 10 series of 40 weeks: cuts 1 … 36 for weeks 1–4 ahead, 1 … 32 for weeks 5–8.
    const catalog = catalogOf(10, (s, w) => ((w + s) % 3 === 0 ? 2 : 1));
    expect(fitDemandForecaster(catalog, weeks, fast).trainingWindows).toEqual([360, 320]);
    const bounded = (seed: number) =>
      fitDemandForecaster(catalog, weeks, { ...fast, maxWindows: 100, seed })
        .forecastAll()
        .map((f) => f.mean);
    expect(fitDemandForecaster(catalog, weeks, { ...fast, maxWindows: 100 }).trainingWindows).toEqual([100, 100]);
    expect(bounded(3)).toEqual(bounded(3));
    expect(bounded(4)).not.toEqual(bounded(3));
  });
});

describe('demand forecaster on a young shop', () => {
  it('with no window to learn from, forecasts each course’s recent weekly mean with Poisson noise around it', () => {
    const young: DemandSeries[] = [
      { id: 'a', group: 'python', start: weeks - 3, units: [5, 5, 5] },
      { id: 'b', group: 'python', start: weeks - 2, units: [0, 2] },
    ];
    const forecaster = fitDemandForecaster(young, weeks, { ...fast, lowerQuantile: 0.1, upperQuantile: 0.9 });
    expect(forecaster.trainingWindows).toEqual([0, 0]);
    const [a, b] = forecaster.forecastAll();
    expect(a).toMatchObject({ method: 'pooled', mean: new Array(8).fill(5) });
    // Poisson(5): P(X ≤ 1) = 0.040, P(X ≤ 2) = 0.125; P(X ≤ 7) = 0.867, P(X ≤ 8) = 0.932.
    expect(a!.lower).toEqual(new Array(8).fill(2));
    expect(a!.upper).toEqual(new Array(8).fill(8));
    expect(b!.mean).toEqual(new Array(8).fill(1));
    expect(b!.lower).toEqual(new Array(8).fill(0));
    expect(b!.upper).toEqual(new Array(8).fill(2));
  });

  it('leans on the recent level while windows are few: a partial launch week does not inflate the forecast', () => {
    // Ten weeks at 14 a week, the first a partial one of 6: weeks 5–8 ahead have two windows, both in launch weeks.
    const units = [6, ...new Array<number>(9).fill(14)];
    const forecaster = fitDemandForecaster([{ id: 'c', group: 'go', start: weeks - 10, units }], weeks, fast);
    expect(forecaster.trainingWindows).toEqual([6, 2]);
    for (const m of forecaster.forecast(0).mean) expect(Math.abs(m - 14)).toBeLessThan(1);
  });

  it('weighs the trees against the level by windows / (windows + levelPrior)', () => {
    const units = [6, ...new Array<number>(9).fill(14)];
    const catalog = [{ id: 'c', group: 'go', start: weeks - 10, units }];
    const level = (6 + 9 * 14) / 10;
    const trees = fitDemandForecaster(catalog, weeks, { ...fast, levelPrior: 0 }).blockMeans(0);
    const prior = fitDemandForecaster(catalog, weeks, { ...fast, levelPrior: 4 }).blockMeans(0);
    expect(prior[0]).toBeCloseTo((6 / 10) * trees[0]! + (4 / 10) * level, 9);
    expect(prior[1]).toBeCloseTo((2 / 6) * trees[1]! + (4 / 6) * level, 9);
  });

  it('poissonQuantile: the smallest k whose cumulative probability reaches q', () => {
    expect(poissonQuantile(0, 0.9)).toBe(0);
    expect(poissonQuantile(1, 0.1)).toBe(0);
    expect(poissonQuantile(1, 0.9)).toBe(2);
    expect(poissonQuantile(5, 0.1)).toBe(2);
    expect(poissonQuantile(5, 0.9)).toBe(8);
    // Far past where e^−mean underflows: mean ± 1.2816 √mean, about.
    expect(poissonQuantile(10_000, 0.9)).toBe(10_128);
    expect(poissonQuantile(10_000, 0.1)).toBe(9_872);
  });
});

describe('demand forecaster input', () => {
  it('names the bad field', () => {
    const good = catalogOf(2, () => 1);
    expect(() => forecastDemand([{ ...good[0]!, units: [1, 2] }], weeks)).toThrow(
      new RangeError('catalog[0] (python-0).units must hold 40 weeks, got 2'),
    );
    expect(() => forecastDemand([good[0]!, { ...good[1]!, id: 'python-0' }], weeks)).toThrow(
      'catalog[1] (python-0).id repeats an earlier series',
    );
    const negative = { ...good[0]!, units: Array.from(good[0]!.units, (v, k) => (k === 3 ? -1 : v)) };
    expect(() => forecastDemand([negative], weeks)).toThrow('catalog[0] (python-0).units[3] must be a non-negative');
  });

  it('fills defaults and rejects bad options', () => {
    expect(checkDemandForecastOptions()).toEqual(demandForecastDefaults);
    expect(() => checkDemandForecastOptions({ horizon: 6 })).toThrow(
      new RangeError('Option horizon must be a positive multiple of 4, got 6'),
    );
    expect(() => checkDemandForecastOptions({ upperQuantile: 0.4 })).toThrow('Option upperQuantile must be');
    expect(() => checkDemandForecastOptions({ maxWindows: 0 })).toThrow(
      new RangeError('Option maxWindows must be a positive integer, got 0'),
    );
    expect(() => checkDemandForecastOptions({ sesBlend: 1.5 })).toThrow('Option sesBlend must be a number in [0, 1]');
    expect(() => checkDemandForecastOptions({ levelPrior: -1 })).toThrow('Option levelPrior must be a non-negative');
    expect(() => checkDemandForecastOptions({ depth: 3 } as never)).toThrow(new RangeError('Unknown option depth'));
  });
});
