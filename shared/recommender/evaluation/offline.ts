import type { Interaction } from '../data/interactions';
import { mae, ndcgAtK, recallAtK, rmse } from './metrics';
import type { FactorModel } from '../algorithms/model';

export interface RatingScores {
  rmse: number;
  mae: number;
}

export interface RankingScores {
  recall: number;
  ndcg: number;
  /** Users with at least one positive test item (the ones averaged over). */
  users: number;
}

/** RMSE and MAE of the model's (clipped) predictions on held-out ratings. */
export function evaluateRating(model: FactorModel, test: readonly Interaction[]): RatingScores {
  const actual = test.map((t) => t.value);
  const predicted = test.map((t) => model.predict(t.user, t.item));
  return { rmse: rmse(actual, predicted), mae: mae(actual, predicted) };
}

/**
 * Full-ranking protocol: positives are test values ≥ `threshold`; every item the user has no training interaction
 * with is ranked (no sampled negatives); Recall@k and NDCG@k are averaged over users with at least one positive.
 * A positive item unknown to the model stays in the denominator as a miss.
 */
export function evaluateRanking(
  model: FactorModel,
  train: readonly Interaction[],
  test: readonly Interaction[],
  k = 10,
  threshold = 4,
): RankingScores {
  const owned = groupItems(train, () => true);
  const positives = groupItems(test, (t) => t.value >= threshold);
  let recall = 0;
  let ndcg = 0;
  for (const [user, relevant] of positives) {
    const ranked = model.recommend(user, k, owned.get(user) ?? []).items.map((s) => s.item);
    recall += recallAtK(ranked, relevant, k);
    ndcg += ndcgAtK(ranked, relevant, k);
  }
  const users = positives.size;
  if (users === 0) throw new Error(`No test user has a value ≥ ${threshold}`);
  return { recall: recall / users, ndcg: ndcg / users, users };
}

/**
 * A ratings file's scale, read from its training ratings, so the evaluation works on any scale (1–5, half stars
 * 0.5–5, 0–10): positives are the top quarter of the range (≥ 4 on 1–5), and the ranking model's signal maps the
 * range onto 1–5 (the rating itself on a 1–5 scale; never 0, which an implicit signal may not be).
 */
export function ratingScale(train: readonly Interaction[]): { threshold: number; signal(value: number): number } {
  let min = Infinity;
  let max = -Infinity;
  for (const { value } of train) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  if (!(max >= min)) throw new Error('No training ratings');
  const span = max - min;
  return {
    threshold: min + 0.75 * span,
    signal: (value) => (span === 0 ? 1 : 1 + (4 * (Math.min(max, Math.max(min, value)) - min)) / span),
  };
}

function groupItems(rows: readonly Interaction[], keep: (row: Interaction) => boolean): Map<string, Set<string>> {
  const byUser = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!keep(row)) continue;
    let items = byUser.get(row.user);
    if (items === undefined) byUser.set(row.user, (items = new Set()));
    items.add(row.item);
  }
  return byUser;
}
