import { Matrix } from 'ml-matrix';
import { backSubstituteInPlace, choleskyInPlace, forwardSubstituteInPlace, symmetrizeFromUpper } from './dense';
import { buildInteractionMatrix, type Interaction, type InteractionMatrix } from '../data/interactions';
import { FactorModel } from './model';
import { checkRankingModelOptions, type RankingModelOptions } from './options';
import { SeededRandom } from './random';
import { itemCounts } from './rating-model';

/**
 * Fits the ranking model on implicit signals (purchase, progress, completion; repeated pairs add up): implicit ALS
 * after Hu, Koren & Volinsky (2008). Every user–item pair is a preference of 1 (observed) or 0 (not), weighed by a
 * confidence of 1 + alpha * signal or 1; scores are user · item factors.
 */
export function fitRankingModel(signals: readonly Interaction[], options: RankingModelOptions = {}): FactorModel {
  const settings = checkRankingModelOptions(options);
  for (const { value } of signals) {
    if (!(value > 0)) throw new Error(`Implicit signals must be positive, got ${value}`);
  }
  const m = buildInteractionMatrix(signals, 'sum');
  const { userFactors, itemFactors } = initialRankingFactors(m.users.size, m.items.size, settings);
  for (let iteration = 0; iteration < settings.iterations; iteration++)
    rankingSweep(m, userFactors, itemFactors, settings);
  return new FactorModel({
    kind: 'ranking',
    factors: settings.factors,
    globalMean: 0,
    clip: null,
    userIds: m.users.ids,
    itemIds: m.items.ids,
    userFactors,
    itemFactors,
    userBias: new Float64Array(m.users.size),
    itemBias: new Float64Array(m.items.size),
    popularity: itemCounts(m),
  });
}

/** The seeded random starting factors of a fit (users first, then items, from one random stream). */
export function initialRankingFactors(
  users: number,
  items: number,
  settings: Required<RankingModelOptions>,
): { userFactors: Float64Array; itemFactors: Float64Array } {
  const k = settings.factors;
  const random = new SeededRandom(settings.seed);
  const userFactors = new Float64Array(users * k);
  const itemFactors = new Float64Array(items * k);
  for (let x = 0; x < userFactors.length; x++) userFactors[x] = settings.initScale * random.normal();
  for (let x = 0; x < itemFactors.length; x++) itemFactors[x] = settings.initScale * random.normal();
  return { userFactors, itemFactors };
}

/** One alternating sweep: every user given the items, then every item given the users (both updated in place). */
export function rankingSweep(
  m: InteractionMatrix,
  userFactors: Float64Array,
  itemFactors: Float64Array,
  settings: Required<RankingModelOptions>,
): void {
  const k = settings.factors;
  solveSide(userFactors, itemFactors, m.userPointers, m.userItems, m.userValues, k, settings);
  solveSide(itemFactors, userFactors, m.itemPointers, m.itemUsers, m.itemValues, k, settings);
}

/**
 * Solves every row of `target` given the fixed `other` side:
 * x = (OᵀO + λI + Oᵀ(C − I)O)⁻¹ Oᵀ C p, where only the row's observed pairs differ from the shared OᵀO.
 */
function solveSide(
  target: Float64Array,
  other: Float64Array,
  pointers: Int32Array,
  indices: Int32Array,
  values: Float64Array,
  k: number,
  settings: Required<RankingModelOptions>,
): void {
  const otherMatrix = Matrix.from1DArray(other.length / k, k, other);
  const gram = Float64Array.from(otherMatrix.transpose().mmul(otherMatrix).to1DArray());
  for (let a = 0; a < k; a++) gram[a * k + a]! += settings.regularization;
  let maxRow = 0;
  for (let r = 0; r + 1 < pointers.length; r++) maxRow = Math.max(maxRow, pointers[r + 1]! - pointers[r]!);
  // Column-major gathers (feature a of neighbour p at a * maxRow + p) turn the updates into long dot products.
  const features = new Float64Array(k * maxRow);
  const weighted = new Float64Array(k * maxRow);
  const confidence = new Float64Array(maxRow);
  const system = new Float64Array(k * k);
  const vector = new Float64Array(k);
  for (let r = 0; r + 1 < pointers.length; r++) {
    const start = pointers[r]!;
    const n = pointers[r + 1]! - start;
    for (let p = 0; p < n; p++) confidence[p] = 1 + settings.alpha * values[start + p]!;
    for (let p = 0; p < n; p++) {
      const base = indices[start + p]! * k;
      const extra = confidence[p]! - 1;
      for (let a = 0; a < k; a++) {
        const f = other[base + a]!;
        features[a * maxRow + p] = f;
        weighted[a * maxRow + p] = extra * f;
      }
    }
    for (let a = 0; a < k; a++) {
      const columnA = a * maxRow;
      let right = 0;
      for (let p = 0; p < n; p++) right += confidence[p]! * features[columnA + p]!;
      vector[a] = right;
      for (let b = a; b < k; b++) {
        const columnB = b * maxRow;
        let dot = 0;
        for (let p = 0; p < n; p++) dot += weighted[columnA + p]! * features[columnB + p]!;
        system[a * k + b] = gram[a * k + b]! + dot;
      }
    }
    symmetrizeFromUpper(system, k);
    choleskyInPlace(system, k);
    forwardSubstituteInPlace(system, k, vector);
    backSubstituteInPlace(system, k, vector);
    target.set(vector, r * k);
  }
}
