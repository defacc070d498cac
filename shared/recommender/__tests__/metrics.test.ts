import { mae, ndcgAtK, recallAtK, rmse } from '../evaluation/metrics';

describe('rating errors', () => {
  it('computes RMSE and MAE by hand', () => {
    // errors 1, -2, 0, 1: squared mean 6/4, absolute mean 4/4
    expect(rmse([3, 1, 4, 5], [4, 3, 4, 4])).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(mae([3, 1, 4, 5], [4, 3, 4, 4])).toBeCloseTo(1, 12);
  });

  it('refuses mismatched or empty inputs', () => {
    expect(() => rmse([1], [1, 2])).toThrow('same length');
    expect(() => mae([], [])).toThrow('no predictions');
  });
});

describe('ranking metrics', () => {
  const ranked = ['a', 'b', 'c', 'd'];
  const relevant = new Set(['b', 'd', 'z']);

  it('Recall@K is hits in the top K over all relevant items', () => {
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK(ranked, relevant, 4)).toBeCloseTo(2 / 3, 12);
  });

  it('NDCG@K discounts by log2(position + 1) and normalizes by the ideal ordering', () => {
    // hits at positions 2 and 4; ideal has 3 hits at 1, 2, 3 (K = 4 allows three)
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAtK(ranked, relevant, 4)).toBeCloseTo(dcg / ideal, 12);
    // K = 2: one hit at position 2; ideal is two hits
    expect(ndcgAtK(ranked, relevant, 2)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK(['b'], new Set(['b']), 10)).toBe(1);
  });

  it('is undefined without relevant items', () => {
    expect(() => recallAtK(ranked, new Set<string>(), 10)).toThrow('without relevant items');
    expect(() => ndcgAtK(ranked, new Set<string>(), 10)).toThrow('without relevant items');
  });
});
