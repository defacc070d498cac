import { fitBiases, fitGlobalMean, fitMostPopular } from '../algorithms/baselines';
import { evaluateRanking, evaluateRating, ratingScale } from '../evaluation/offline';
import type { Interaction } from '../data/interactions';
import { FactorModel, type FactorModelParts } from '../algorithms/model';
import { rankingModelDefaults, ratingModelDefaults } from '../algorithms/options';
import { fitRankingModel } from '../algorithms/ranking-model';
import { fitRatingModel } from '../algorithms/rating-model';
import { blockRatings, blockSignals, lowRankMatrix } from './generated';

const owned = (rows: Interaction[], user: string): string[] => rows.filter((r) => r.user === user).map((r) => r.item);
const allUsers = (rows: Interaction[]): string[] => [...new Set(rows.map((r) => r.user))];

// One behaviour suite for both factor models: the block fixture's right answer is known.
describe.each([
  ['rating model', blockRatings(), (rows: Interaction[]) => fitRatingModel(rows)],
  // The ML-100K default regularization would shrink this tiny fixture's factors toward zero.
  ['ranking model', blockSignals(), (rows: Interaction[]) => fitRankingModel(rows, { regularization: 0.5 })],
])('%s on the block fixture', (_name, rows, fit) => {
  const model = fit(rows);

  it("recommends an unseen item of the user's own block first, never an owned one", () => {
    for (const user of allUsers(rows)) {
      const mine = owned(rows, user);
      const { items, coldStart } = model.recommend(user, 4, mine);
      expect(coldStart).toBe(false);
      expect(items).toHaveLength(4);
      expect(items[0]!.item[1]).toBe(user[1]);
      for (const { item } of items) expect(mine).not.toContain(item);
    }
  });

  it('finds the items of the same block most similar', () => {
    for (const item of ['ia-0', 'ib-3']) {
      const similar = model.similarItems(item, 5);
      expect(similar.map((s) => s.item[1])).toEqual(Array(5).fill(item[1]));
      expect(similar.map((s) => s.item)).not.toContain(item);
    }
  });

  it('answers an unknown user with the popular items, flagged as cold start', () => {
    const counts = new Map<string, number>();
    for (const { item } of rows) counts.set(item, (counts.get(item) ?? 0) + 1);
    // Most interactions first; ties keep the order of first appearance.
    const expected = [...counts].filter(([item]) => item !== 'ia-0').sort((a, b) => b[1] - a[1]);
    const { items, coldStart } = model.recommend('new-user', 3, ['ia-0']);
    expect(coldStart).toBe(true);
    expect(items).toEqual(expected.slice(0, 3).map(([item, score]) => ({ item, score })));
  });

  it('maps raw string ids to dense indices once, in order of first appearance', () => {
    expect(model.users.ids.slice(0, 2)).toEqual(['ua-0', 'ua-1']);
    expect(model.items.indexOf(rows[0]!.item)).toBe(0);
    expect(model.items.idAt(model.items.indexOf('ib-4')!)).toBe('ib-4');
    expect(model.items.indexOf('unknown')).toBeUndefined();
  });

  it('round-trips through the Float32 export', () => {
    const exported = model.export();
    expect(exported.userFactors).toBeInstanceOf(Float32Array);
    expect(exported.userFactors).toHaveLength(exported.userIds.length * exported.factors);
    expect(exported.itemFactors).toHaveLength(exported.itemIds.length * exported.factors);
    const loaded = FactorModel.load(exported);
    for (const user of ['ua-0', 'ub-7']) {
      for (const item of ['ia-1', 'ib-9']) expect(loaded.predict(user, item)).toBeCloseTo(model.predict(user, item), 4);
      const [before, after] = [model, loaded].map((m) => m.recommend(user, 3, owned(rows, user)).items);
      expect(after!.map((s) => s.item)).toEqual(before!.map((s) => s.item));
    }
  });
});

describe('rating model', () => {
  it('reconstructs a synthetic rank-2 matrix on held-out entries', () => {
    const { observed, hidden } = lowRankMatrix();
    const model = fitRatingModel(observed, { factors: 2, noisePrecision: 400, samples: 200 });
    expect(evaluateRating(model, hidden).rmse).toBeLessThan(0.1);
    expect(evaluateRating(model, observed).rmse).toBeLessThan(0.05);
  });

  it('clips predictions to the training range, half stars included', () => {
    const rows = blockRatings().map((r) => ({ ...r, value: r.value === 5 ? 4.5 : 0.5 }));
    const model = fitRatingModel(rows);
    for (const user of allUsers(rows)) {
      for (const item of ['ia-0', 'ib-0', 'unknown-item']) {
        const p = model.predict(user, item);
        expect(p).toBeGreaterThanOrEqual(0.5);
        expect(p).toBeLessThanOrEqual(4.5);
      }
    }
    expect(model.predict('ua-0', 'ia-9')).toBeGreaterThan(3.5);
    expect(model.predict('ua-0', 'ib-9')).toBeLessThan(1.5);
  });
});

describe('determinism and options', () => {
  const cases = [
    ['rating', blockRatings(), fitRatingModel, ratingModelDefaults],
    ['ranking', blockSignals(), fitRankingModel, rankingModelDefaults],
  ] as const;

  it.each(cases)('%s model: the same data and seed give identical factors', (_name, rows, fit) => {
    expect(fit(rows, { seed: 7 }).export()).toEqual(fit(rows, { seed: 7 }).export());
  });

  it.each(cases)('%s model: every option changes the output', (_name, rows, fit, defaults) => {
    const base = fit(rows, {}).export();
    for (const [key, value] of Object.entries(defaults)) {
      const changed = key === 'seed' || key === 'burnIn' ? value + 1 : value * 2;
      const other = fit(rows, { [key]: changed }).export();
      expect({
        key,
        same:
          other.itemFactors.length === base.itemFactors.length &&
          other.itemFactors.every((v, i) => v === base.itemFactors[i]),
      }).toEqual({ key, same: false });
    }
  });
});

describe('NaN refusal', () => {
  const parts = (): FactorModelParts => ({
    kind: 'ranking',
    factors: 1,
    globalMean: 0,
    clip: null,
    userIds: ['u'],
    itemIds: ['i', 'j'],
    userFactors: new Float64Array([1]),
    itemFactors: new Float64Array([1, 2]),
    userBias: new Float64Array(1),
    itemBias: new Float64Array(2),
    popularity: new Float64Array([1, 1]),
  });

  it('refuses to build a model with non-finite factors', () => {
    expect(() => new FactorModel({ ...parts(), itemFactors: new Float64Array([1, Number.NaN]) })).toThrow(
      'Refusing a model with non-finite values in itemFactors',
    );
    expect(() => new FactorModel({ ...parts(), globalMean: Infinity })).toThrow('non-finite global mean');
  });

  it('refuses to export values that overflow float32', () => {
    const model = new FactorModel({ ...parts(), userFactors: new Float64Array([1e39]) });
    expect(() => model.export()).toThrow('Refusing to export non-finite float32 values in userFactors');
  });

  it('refuses to load non-finite factors', () => {
    const exported = new FactorModel(parts()).export();
    exported.itemBias[1] = Number.NaN;
    expect(() => FactorModel.load(exported)).toThrow('Refusing a model with non-finite values in itemBias');
  });

  it('refuses non-finite inputs and non-positive implicit signals', () => {
    expect(() => fitRatingModel([{ user: 'u', item: 'i', value: Number.NaN }])).toThrow('must be finite');
    expect(() => fitRankingModel([{ user: 'u', item: 'i', value: 0 }])).toThrow(
      'Implicit signals must be positive, got 0',
    );
  });

  it('throws rather than returning NaN factors when a solve breaks down', () => {
    expect(() => fitRatingModel(blockRatings(), { noisePrecision: 1e308 })).toThrow(/positive definite|non-finite/);
  });
});

describe('baselines', () => {
  const rows: Interaction[] = [
    { user: 'a', item: 'x', value: 5 },
    { user: 'a', item: 'y', value: 3 },
    { user: 'b', item: 'x', value: 4 },
    { user: 'c', item: 'z', value: 1 },
  ];

  it('global mean predicts the training mean for every pair', () => {
    expect(fitGlobalMean(rows).predict('a', 'z')).toBeCloseTo(13 / 4, 12);
    expect(fitGlobalMean(rows).predict('nobody', 'nothing')).toBeCloseTo(13 / 4, 12);
  });

  it('biases move predictions toward well-rated items and generous users', () => {
    const model = fitBiases(rows);
    expect(model.predict('a', 'x')).toBeGreaterThan(model.predict('c', 'x'));
    expect(model.predict('b', 'x')).toBeGreaterThan(model.predict('b', 'z'));
  });

  it('most popular ranks by interaction count and excludes what the user owns', () => {
    const model = fitMostPopular(rows);
    expect(model.recommend('c', 3, ['z']).items).toEqual([
      { item: 'x', score: 2 },
      { item: 'y', score: 1 },
    ]);
  });
});

describe('evaluation', () => {
  it('scores a known ranking by the full-ranking protocol', () => {
    // One factor: the user likes items in the order i1 > i2 > i3 > i4; i1 is owned (training).
    const model = new FactorModel({
      kind: 'ranking',
      factors: 1,
      globalMean: 0,
      clip: null,
      userIds: ['u'],
      itemIds: ['i1', 'i2', 'i3', 'i4'],
      userFactors: new Float64Array([1]),
      itemFactors: new Float64Array([4, 3, 2, 1]),
      userBias: new Float64Array(1),
      itemBias: new Float64Array(4),
      popularity: new Float64Array(4),
    });
    const train = [{ user: 'u', item: 'i1', value: 5 }];
    const test = [
      { user: 'u', item: 'i3', value: 4 },
      { user: 'u', item: 'i4', value: 5 },
      { user: 'u', item: 'i2', value: 3 },
    ];
    // ranked: i2, i3, i4; positives i3, i4 (i2 rated 3 is not one)
    const top2 = evaluateRanking(model, train, test, 2);
    expect(top2.recall).toBeCloseTo(0.5, 12);
    expect(top2.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    expect(top2.users).toBe(1);
  });

  it('reads any rating scale: positives are its top quarter, the ranking signal its position on 1–5', () => {
    const rows = (values: number[]) => values.map((value, i) => ({ user: 'u', item: `i${i}`, value }));
    const stars = ratingScale(rows([1, 3, 5]));
    expect(stars.threshold).toBe(4);
    expect([1, 2, 4, 5].map(stars.signal)).toEqual([1, 2, 4, 5]);
    const halfStars = ratingScale(rows([0.5, 5]));
    expect(halfStars.threshold).toBe(3.875);
    expect(halfStars.signal(0.5)).toBe(1);
    expect(halfStars.signal(5)).toBe(5);
    // A 0–10 scale: 0 is a valid rating, but an implicit signal must be positive.
    const tens = ratingScale(rows([0, 10]));
    expect(tens.threshold).toBe(7.5);
    expect([0, 5, 10].map(tens.signal)).toEqual([1, 3, 5]);
    expect(() => fitRankingModel(rows([0, 5, 10]).map((r) => ({ ...r, value: tens.signal(r.value) })))).not.toThrow();
  });
});
