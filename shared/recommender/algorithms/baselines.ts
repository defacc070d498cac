import { buildInteractionMatrix, type Interaction } from '../data/interactions';
import { FactorModel } from './model';
import { itemCounts } from './rating-model';

/** Surprise BaselineOnly's defaults for its ALS baseline: these regularizations, this many alternations. */
const userBiasRegularization = 15;
const itemBiasRegularization = 10;
const biasIterations = 10;

/** Predicts the training mean for every pair; ranks nothing (every item ties). */
export function fitGlobalMean(ratings: readonly Interaction[]): FactorModel {
  const matrix = buildInteractionMatrix(ratings, 'last');
  return new FactorModel({
    kind: 'global-mean',
    factors: 0,
    globalMean: matrix.mean,
    clip: { min: matrix.min, max: matrix.max },
    userIds: matrix.users.ids,
    itemIds: matrix.items.ids,
    userFactors: new Float64Array(0),
    itemFactors: new Float64Array(0),
    userBias: new Float64Array(matrix.users.size),
    itemBias: new Float64Array(matrix.items.size),
    popularity: itemCounts(matrix),
  });
}

/** Global mean plus regularized user and item biases, fitted by alternating closed-form updates. */
export function fitBiases(ratings: readonly Interaction[]): FactorModel {
  const m = buildInteractionMatrix(ratings, 'last');
  const userBias = new Float64Array(m.users.size);
  const itemBias = new Float64Array(m.items.size);
  for (let iteration = 0; iteration < biasIterations; iteration++) {
    for (let i = 0; i < m.items.size; i++) {
      let sum = 0;
      for (let p = m.itemPointers[i]!; p < m.itemPointers[i + 1]!; p++) {
        sum += m.itemValues[p]! - m.mean - userBias[m.itemUsers[p]!]!;
      }
      itemBias[i] = sum / (itemBiasRegularization + m.itemPointers[i + 1]! - m.itemPointers[i]!);
    }
    for (let u = 0; u < m.users.size; u++) {
      let sum = 0;
      for (let p = m.userPointers[u]!; p < m.userPointers[u + 1]!; p++) {
        sum += m.userValues[p]! - m.mean - itemBias[m.userItems[p]!]!;
      }
      userBias[u] = sum / (userBiasRegularization + m.userPointers[u + 1]! - m.userPointers[u]!);
    }
  }
  return new FactorModel({
    kind: 'biases',
    factors: 0,
    globalMean: m.mean,
    clip: { min: m.min, max: m.max },
    userIds: m.users.ids,
    itemIds: m.items.ids,
    userFactors: new Float64Array(0),
    itemFactors: new Float64Array(0),
    userBias,
    itemBias,
    popularity: itemCounts(m),
  });
}

/** Ranks items by how many users interacted with them in training; its "prediction" is that count. */
export function fitMostPopular(interactions: readonly Interaction[]): FactorModel {
  const matrix = buildInteractionMatrix(interactions, 'last');
  const popularity = itemCounts(matrix);
  return new FactorModel({
    kind: 'most-popular',
    factors: 0,
    globalMean: 0,
    clip: null,
    userIds: matrix.users.ids,
    itemIds: matrix.items.ids,
    userFactors: new Float64Array(0),
    itemFactors: new Float64Array(0),
    userBias: new Float64Array(matrix.users.size),
    itemBias: Float64Array.from(popularity),
    popularity,
  });
}
