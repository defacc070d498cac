import { PRIOR_MEAN_CAP, PRIOR_WEIGHT, bayesianAverage, catalogPriorMean, scoredRating } from '../rating-score';
import { summaryOf } from '../summary';

/** 200 reviews averaging exactly 4.8: 160 5★ and 40 4★. */
const PROVEN = [0, 0, 0, 40, 160];
const ONE_FIVE = [0, 0, 0, 0, 1];

describe('bayesianAverage', () => {
  test('known answers: (Σ stars + 10 · prior) / (n + 10)', () => {
    expect(PRIOR_WEIGHT).toBe(10);
    // (5 + 45) / 11
    expect(bayesianAverage(ONE_FIVE, 4.5)).toBe(4.5455);
    // (960 + 45) / 210
    expect(bayesianAverage(PROVEN, 4.5)).toBe(4.7857);
    // No reviews: the prior itself.
    expect(bayesianAverage([0, 0, 0, 0, 0], 4.2)).toBe(4.2);
    // (1 + 2 + 3 + 4 + 5 + 40) / 15
    expect(bayesianAverage([1, 1, 1, 1, 1], 4)).toBe(3.6667);
  });

  test.each([3, 4, 4.5, 4.7, 4.77])(
    'one 5★ review stays below 200 reviews averaging 4.8 with the prior mean at %p',
    (prior) => {
      expect(bayesianAverage(ONE_FIVE, prior)).toBeLessThan(bayesianAverage(PROVEN, prior));
    },
  );

  test('the guarantee ends above 4.77, which the cap keeps the prior below', () => {
    expect(bayesianAverage(ONE_FIVE, 4.78)).toBeGreaterThanOrEqual(bayesianAverage(PROVEN, 4.78));
    expect(PRIOR_MEAN_CAP).toBeLessThanOrEqual(4.77);
  });
});

describe('catalogPriorMean', () => {
  test('the mean over every review of the catalog, not of the course means', () => {
    // 200 reviews at 4.8 and one at 1: (960 + 1) / 201 = 4.78 → capped at 4.7.
    expect(catalogPriorMean([{ histogram: PROVEN }, { histogram: [1, 0, 0, 0, 0] }])).toBe(4.7);
    // (4 · 3 + 1 · 5) / 5 = 3.4, where the mean of the course means would be 4.
    expect(catalogPriorMean([{ histogram: [0, 0, 4, 0, 0] }, { histogram: ONE_FIVE }])).toBe(3.4);
  });

  test('a catalog with no reviews presumes the cap', () => {
    expect(catalogPriorMean([])).toBe(PRIOR_MEAN_CAP);
    expect(catalogPriorMean([{ histogram: [0, 0, 0, 0, 0] }])).toBe(PRIOR_MEAN_CAP);
  });
});

describe('scoredRating', () => {
  test('adds the score toward the stored prior, or toward the cap when none is stored yet', () => {
    expect(scoredRating(summaryOf(ONE_FIVE), 4.5)).toEqual({
      avg: 5,
      count: 1,
      histogram: ONE_FIVE,
      score: 4.5455,
      prior: 4.5,
    });
    // (5 + 47) / 11
    expect(scoredRating(summaryOf(ONE_FIVE), undefined)).toMatchObject({ score: 4.7273, prior: 4.7 });
  });

  test('an unrated course scores 0, so it sorts after every rated one', () => {
    expect(scoredRating(summaryOf([0, 0, 0, 0, 0]), 4.5)).toMatchObject({ score: 0, prior: 4.5, count: 0 });
    expect(scoredRating(summaryOf([1, 0, 0, 0, 0]), 4.5).score).toBeGreaterThan(0);
  });
});
