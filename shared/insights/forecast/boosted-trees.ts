/**
 * Gradient-boosted regression trees for weighted squared error, histogram style: every feature is cut once into at
 * most `bins` quantile bins, trees grow level by level to `maxDepth`, each on a seeded row sample. Small and exact
 * enough for the demand forecaster's pooled model (a few hundred thousand rows, a few dozen features).
 */
import { SeededRandom } from '../../recommender/algorithms/random';

export interface BoostedTreesOptions {
  trees: number;
  learningRate: number;
  maxDepth: number;
  /** Least total sample weight in a leaf. */
  minLeafWeight: number;
  /** L2 penalty on leaf values. */
  l2: number;
  /** Share of rows each tree sees. */
  rowSample: number;
  /** Most bins per feature (≤ 256). */
  bins: number;
  seed: number;
}

/**
 * The loss as a Newton step: given the current predictions, write each row's negative gradient and (positive)
 * curvature. Weighted squared error is `squaredLoss(target, weight)`.
 */
export type Loss = (prediction: Float64Array, negativeGradient: Float64Array, curvature: Float64Array) => void;

/** Rows of features, row-major: value of feature f in row r at `values[r * features + f]`. */
export interface TrainingRows {
  values: Float64Array;
  features: number;
  rows: number;
  loss: Loss;
  /** First prediction of every row. */
  base: number;
}

export function squaredLoss(target: Float64Array, weight: Float64Array): Loss {
  return (prediction, negativeGradient, curvature) => {
    for (let r = 0; r < target.length; r++) {
      negativeGradient[r] = weight[r]! * (target[r]! - prediction[r]!);
      curvature[r] = weight[r]!;
    }
  };
}

/** A tree as flat arrays: node n splits on `feature[n]` at `threshold[n]` (≤ goes left) or is a leaf (feature −1). */
interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export class BoostedTrees {
  constructor(
    readonly base: number,
    private readonly trees: readonly Tree[],
    readonly learningRate: number,
  ) {}

  /** Prediction for one row of features, from the first `trees` trees (all by default). */
  predict(row: ArrayLike<number>, trees = this.trees.length): number {
    let sum = this.base;
    for (let t = 0; t < Math.min(trees, this.trees.length); t++) {
      const tree = this.trees[t]!;
      let n = 0;
      while (tree.feature[n]! >= 0) n = row[tree.feature[n]!]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
      sum += this.learningRate * tree.value[n]!;
    }
    return sum;
  }

  get size(): number {
    return this.trees.length;
  }
}

/** Ascending cut points of one feature: bin b holds values in (cut[b − 1], cut[b]]; the last bin is unbounded. */
function quantileCuts(values: Float64Array, features: number, f: number, bins: number): Float64Array {
  const rows = values.length / features;
  const column = new Float64Array(rows);
  for (let r = 0; r < rows; r++) column[r] = values[r * features + f]!;
  column.sort();
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) {
    const v = column[Math.min(rows - 1, Math.floor((b * rows) / bins))]!;
    // A cut equal to the largest value would leave the last bin empty.
    if ((cuts.length === 0 || v > cuts[cuts.length - 1]!) && v < column[rows - 1]!) cuts.push(v);
  }
  return Float64Array.from(cuts);
}

function binOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= cuts[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function fitBoostedTrees(data: TrainingRows, options: BoostedTreesOptions): BoostedTrees {
  const { values, features, rows } = data;
  if (rows === 0 || values.length !== rows * features)
    throw new Error(`training rows are inconsistent: ${rows} rows, ${values.length} values of ${features} features`);
  if (options.bins < 2 || options.bins > 256) throw new Error(`bins must be between 2 and 256, got ${options.bins}`);
  const cuts = Array.from({ length: features }, (_, f) => quantileCuts(values, features, f, options.bins));
  // Column-major bins for the histogram passes.
  const binned = new Uint8Array(rows * features);
  for (let f = 0; f < features; f++) {
    const c = cuts[f]!;
    for (let r = 0; r < rows; r++) binned[f * rows + r] = binOf(c, values[r * features + f]!);
  }
  const base = data.base;
  const prediction = new Float64Array(rows).fill(base);
  const gradients = new Float64Array(rows);
  const curvatures = new Float64Array(rows);
  const random = new SeededRandom(options.seed);
  const node = new Int32Array(rows);
  const sample = new Int32Array(rows);
  const bins = options.bins;
  const trees: Tree[] = [];
  for (let t = 0; t < options.trees; t++) {
    let sampled = 0;
    for (let r = 0; r < rows; r++)
      if (options.rowSample >= 1 || random.uniform() < options.rowSample) sample[sampled++] = r;
    const feature: number[] = [-1];
    const threshold: number[] = [0];
    const left: number[] = [-1];
    const right: number[] = [-1];
    const value: number[] = [0];
    for (let i = 0; i < sampled; i++) node[sample[i]!] = 0;
    data.loss(prediction, gradients, curvatures);
    // Nodes of the current level, by id; `slot[id]` is the node's histogram slot (−1 when it is not on the level).
    const slot = new Int32Array(2 ** (options.maxDepth + 1)).fill(-1);
    const splitFeature = new Int32Array(slot.length).fill(-1);
    const splitBin = new Int32Array(slot.length);
    let level = [0];
    for (let depth = 0; depth < options.maxDepth && level.length > 0; depth++) {
      level.forEach((id, s) => (slot[id] = s));
      const gradient = new Float64Array(level.length * features * bins);
      const hessian = new Float64Array(level.length * features * bins);
      for (let i = 0; i < sampled; i++) {
        const r = sample[i]!;
        const s = slot[node[r]!]!;
        if (s < 0) continue;
        const w = curvatures[r]!;
        const g = gradients[r]!;
        const offset = s * features * bins;
        for (let f = 0; f < features; f++) {
          const k = offset + f * bins + binned[f * rows + r]!;
          gradient[k]! += g;
          hessian[k]! += w;
        }
      }
      const next: number[] = [];
      for (const [s, id] of level.entries()) {
        slot[id] = -1;
        const offset = s * features * bins;
        let gSum = 0;
        let hSum = 0;
        for (let b = 0; b < bins; b++) {
          gSum += gradient[offset + b]!;
          hSum += hessian[offset + b]!;
        }
        value[id] = gSum / (hSum + options.l2);
        const parentScore = (gSum * gSum) / (hSum + options.l2);
        let bestGain = 1e-12;
        let bestF = -1;
        let bestB = -1;
        for (let f = 0; f < features; f++) {
          let gLeft = 0;
          let hLeft = 0;
          const at = offset + f * bins;
          const last = cuts[f]!.length;
          for (let b = 0; b < last; b++) {
            gLeft += gradient[at + b]!;
            hLeft += hessian[at + b]!;
            const hRight = hSum - hLeft;
            if (hLeft < options.minLeafWeight || hRight < options.minLeafWeight) continue;
            const gRight = gSum - gLeft;
            const gain =
              (gLeft * gLeft) / (hLeft + options.l2) + (gRight * gRight) / (hRight + options.l2) - parentScore;
            if (gain > bestGain) {
              bestGain = gain;
              bestF = f;
              bestB = b;
            }
          }
        }
        if (bestF < 0) continue;
        const leftId = feature.length;
        feature.push(-1, -1);
        threshold.push(0, 0);
        left.push(-1, -1);
        right.push(-1, -1);
        value.push(0, 0);
        feature[id] = bestF;
        threshold[id] = cuts[bestF]![bestB]!;
        left[id] = leftId;
        right[id] = leftId + 1;
        splitFeature[id] = bestF;
        splitBin[id] = bestB;
        next.push(leftId, leftId + 1);
      }
      for (let i = 0; i < sampled; i++) {
        const r = sample[i]!;
        const id = node[r]!;
        const f = splitFeature[id]!;
        if (f >= 0) node[r] = binned[f * rows + r]! <= splitBin[id]! ? left[id]! : right[id]!;
      }
      for (const id of level) splitFeature[id] = -1;
      level = next;
    }
    // Leaves of the last level get their values from the rows that reached them.
    if (level.length > 0) {
      const g = new Float64Array(feature.length);
      const h = new Float64Array(feature.length);
      const open = new Uint8Array(feature.length);
      for (const id of level) open[id] = 1;
      for (let i = 0; i < sampled; i++) {
        const r = sample[i]!;
        const id = node[r]!;
        if (open[id] === 0) continue;
        g[id]! += gradients[r]!;
        h[id]! += curvatures[r]!;
      }
      for (const id of level) value[id] = g[id]! / (h[id]! + options.l2);
    }
    const tree: Tree = {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    };
    trees.push(tree);
    // Every row (sampled or not) moves by the new tree, found through its bins (exactly the raw-value rule).
    for (let r = 0; r < rows; r++) {
      let n = 0;
      while (tree.feature[n]! >= 0) {
        const f = tree.feature[n]!;
        n = values[r * features + f]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
      }
      prediction[r]! += options.learningRate * tree.value[n]!;
    }
  }
  return new BoostedTrees(base, trees, options.learningRate);
}
