/** The keep-or-switch measure of the nightly retrain: a model's ranking quality on the held-out slice. */
import type { ItemFactors } from '../algorithms/item-factors';
import { userStrengths, type SnapshotData } from '../data/snapshot-data';
import { ndcgAtK } from './metrics';

export interface HeldOutScores {
  recall10: number;
  ndcg10: number;
  users: number;
}

/**
 * Recall@10 and NDCG@10 of a model on the held-out slice: each learner is folded in from their other signals, every
 * item they have no other signal on is ranked, and the hidden one is the positive. An item the model does not know
 * is a miss. Works for any model, so last night's and tonight's are measured on the same slice.
 */
export function evaluateHeldOut(data: SnapshotData, model: ItemFactors): HeldOutScores {
  let recall = 0;
  let ndcg = 0;
  const users = data.heldUsers.length;
  if (users === 0) return { recall10: 0, ndcg10: 0, users: 0 };
  for (let h = 0; h < users; h++) {
    const u = data.heldUsers[h]!;
    const heldItem = data.heldItems[h]!;
    const signals = model.indexSignals(userStrengths(data, u, heldItem));
    const target = model.items.indexOf(data.itemIds[heldItem]!);
    const vector = model.foldIn(signals);
    if (vector === null || target === undefined) continue;
    const ranked = model.top(vector, 10, model.mask(signals.keys())).map((entry) => entry.index);
    const relevant = new Set([target]);
    if (ranked.includes(target)) recall += 1;
    ndcg += ndcgAtK(ranked, relevant, 10);
  }
  return { recall10: recall / users, ndcg10: ndcg / users, users };
}
