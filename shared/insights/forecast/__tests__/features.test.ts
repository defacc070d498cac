import { CatalogFeatures, featureCount, featureNames } from '../features';
import type { DemandSeries } from '../series';

describe('demand features of the catalog as a whole', () => {
  it('measures the slow swings: a catalog whose sales doubled a quarter ago', () => {
    // Two series sell 1 a week for 13 weeks, then 2: the catalog sells 2, then 4 a week.
    const catalog: DemandSeries[] = ['a', 'b'].map((id) => ({
      id,
      group: id === 'a' ? 'python' : 'design',
      start: 0,
      units: Array.from({ length: 26 }, (_, w) => (w < 13 ? 1 : 2)),
    }));
    const row = new Float64Array(featureCount);
    new CatalogFeatures(catalog, 26).write(0, 26, row);
    const at = (name: (typeof featureNames)[number]) => row[featureNames.indexOf(name)];
    // Last 4 weeks 4 a week over 26 weeks at 3 a week; the group alone: 2 over 1.5.
    expect(at('catalogTrend26')).toBeCloseTo(4 / 3, 12);
    expect(at('groupTrend26')).toBeCloseTo(4 / 3, 12);
    // The last 13 weeks sold 52, the 13 before 26.
    expect(at('catalogGrowth13')).toBeCloseTo(2, 12);
    // With 13 weeks of history there are no 13 before them: no growth is read.
    new CatalogFeatures(catalog, 26).write(0, 13, row);
    expect(at('catalogGrowth13')).toBe(1);
  });
});
