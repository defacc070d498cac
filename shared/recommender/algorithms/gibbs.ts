import { CholeskyDecomposition, Matrix, inverse, solve } from 'ml-matrix';
import { backSubstituteInPlace, choleskyInPlace, forwardSubstituteInPlace, symmetrizeFromUpper } from './dense';
import type { InteractionMatrix } from '../data/interactions';
import { SeededRandom } from './random';

export interface GibbsSettings {
  factors: number;
  burnIn: number;
  samples: number;
  noisePrecision: number;
  initScale: number;
  seed: number;
}

/**
 * Row layout of one side's state: `factors` latent values followed by the row's bias, width d = factors + 1.
 * The other side's bias enters a row's regression as a known offset and its constant 1 multiplies the bias.
 */
export interface GibbsState {
  width: number;
  users: Float64Array;
  items: Float64Array;
}

/**
 * Bayesian probabilistic matrix factorization with biases (Salakhutdinov & Mnih 2008), sampled by Gibbs: each side
 * has a Normal–Wishart hyperprior over (mean, precision) of its [factors, bias] rows. Calls `onSample` after every
 * post-burn-in sweep with the current state (reused buffers: copy what you keep).
 */
export function runGibbs(
  matrix: InteractionMatrix,
  settings: GibbsSettings,
  onSample: (state: GibbsState, sample: number) => void,
): void {
  const k = settings.factors;
  const d = k + 1;
  const random = new SeededRandom(settings.seed);
  const users = new Float64Array(matrix.users.size * d);
  const items = new Float64Array(matrix.items.size * d);
  for (let r = 0; r < matrix.users.size; r++)
    for (let a = 0; a < k; a++) users[r * d + a] = settings.initScale * random.normal();
  for (let r = 0; r < matrix.items.size; r++)
    for (let a = 0; a < k; a++) items[r * d + a] = settings.initScale * random.normal();
  const state: GibbsState = { width: d, users, items };
  const total = settings.burnIn + settings.samples;
  for (let sweep = 0; sweep < total; sweep++) {
    const userPrior = sampleHyperparameters(users, matrix.users.size, d, random);
    sampleSide(
      users,
      items,
      matrix.userPointers,
      matrix.userItems,
      matrix.userValues,
      matrix.mean,
      userPrior,
      settings,
      random,
    );
    const itemPrior = sampleHyperparameters(items, matrix.items.size, d, random);
    sampleSide(
      items,
      users,
      matrix.itemPointers,
      matrix.itemUsers,
      matrix.itemValues,
      matrix.mean,
      itemPrior,
      settings,
      random,
    );
    if (sweep >= settings.burnIn) onSample(state, sweep - settings.burnIn);
  }
}

interface Prior {
  /** Λ, row-major d×d. */
  precision: Float64Array;
  /** Λ μ. */
  precisionTimesMean: Float64Array;
}

/**
 * Draws (μ, Λ) from the Normal–Wishart posterior given the current rows, with the usual BPMF hyperprior
 * μ0 = 0, β0 = 2, ν0 = d, W0 = I.
 */
function sampleHyperparameters(rows: Float64Array, count: number, d: number, random: SeededRandom): Prior {
  const beta0 = 2;
  const mean = new Float64Array(d);
  for (let r = 0; r < count; r++) for (let a = 0; a < d; a++) mean[a]! += rows[r * d + a]! / count;
  const scatter = Matrix.eye(d, d);
  const shrink = (beta0 * count) / (beta0 + count);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let s = 0;
      for (let r = 0; r < count; r++) s += (rows[r * d + a]! - mean[a]!) * (rows[r * d + b]! - mean[b]!);
      s += shrink * mean[a]! * mean[b]!;
      scatter.set(a, b, scatter.get(a, b) + s);
      if (b !== a) scatter.set(b, a, scatter.get(a, b));
    }
  }
  const scale = inverse(scatter);
  symmetrize(scale);
  const degrees = d + count;
  // Bartlett decomposition: Λ = L A Aᵀ Lᵀ with L = chol(scale), A lower triangular.
  const bartlett = new Matrix(d, d);
  for (let a = 0; a < d; a++) {
    bartlett.set(a, a, Math.sqrt(2 * random.gamma((degrees - a) / 2)));
    for (let b = 0; b < a; b++) bartlett.set(a, b, random.normal());
  }
  const la = new CholeskyDecomposition(scale).lowerTriangularMatrix.mmul(bartlett);
  const precision = la.mmul(la.transpose());
  symmetrize(precision);
  // μ ~ N(μ*, (β* Λ)⁻¹) with μ* = N x̄ / (β0 + N).
  const meanPrecision = precision.clone().mul(beta0 + count);
  const lower = new CholeskyDecomposition(meanPrecision).lowerTriangularMatrix;
  const z = Matrix.columnVector(Array.from({ length: d }, () => random.normal()));
  const offset = solve(lower.transpose(), z);
  const mu = new Float64Array(d);
  for (let a = 0; a < d; a++) mu[a] = (count / (beta0 + count)) * mean[a]! + offset.get(a, 0);
  const flat = Float64Array.from(precision.to1DArray());
  const precisionTimesMean = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let b = 0; b < d; b++) s += flat[a * d + b]! * mu[b]!;
    precisionTimesMean[a] = s;
  }
  return { precision: flat, precisionTimesMean };
}

function symmetrize(m: Matrix): void {
  for (let a = 0; a < m.rows; a++) {
    for (let b = a + 1; b < m.columns; b++) {
      const v = (m.get(a, b) + m.get(b, a)) / 2;
      m.set(a, b, v);
      m.set(b, a, v);
    }
  }
}

/** Samples every row of `target` given the other side's rows (conditional Gaussian, one d×d Cholesky per row). */
function sampleSide(
  target: Float64Array,
  other: Float64Array,
  pointers: Int32Array,
  indices: Int32Array,
  values: Float64Array,
  globalMean: number,
  prior: Prior,
  settings: GibbsSettings,
  random: SeededRandom,
): void {
  const k = settings.factors;
  const d = k + 1;
  const alpha = settings.noisePrecision;
  const precision = new Float64Array(d * d);
  const vector = new Float64Array(d);
  let maxRow = 0;
  for (let r = 0; r + 1 < pointers.length; r++) maxRow = Math.max(maxRow, pointers[r + 1]! - pointers[r]!);
  // The row's features gathered column-major (feature a of neighbour p at a * maxRow + p), so the d(d+1)/2 Gram
  // entries become long dot products instead of many short loops.
  const features = new Float64Array(d * maxRow);
  const residuals = new Float64Array(maxRow);
  features.fill(1, k * maxRow, d * maxRow);
  const rows = pointers.length - 1;
  for (let r = 0; r < rows; r++) {
    const start = pointers[r]!;
    const n = pointers[r + 1]! - start;
    for (let p = 0; p < n; p++) {
      const base = indices[start + p]! * d;
      for (let a = 0; a < k; a++) features[a * maxRow + p] = other[base + a]!;
      residuals[p] = values[start + p]! - globalMean - other[base + k]!;
    }
    for (let a = 0; a < d; a++) {
      const columnA = a * maxRow;
      let dotResidual = 0;
      for (let p = 0; p < n; p++) dotResidual += features[columnA + p]! * residuals[p]!;
      vector[a] = prior.precisionTimesMean[a]! + alpha * dotResidual;
      // Two Gram entries per pass halve the loads of column a.
      let b = a;
      for (; b + 1 < d; b += 2) {
        const columnB = b * maxRow;
        const columnC = columnB + maxRow;
        let dotB = 0;
        let dotC = 0;
        for (let p = 0; p < n; p++) {
          const fa = features[columnA + p]!;
          dotB += fa * features[columnB + p]!;
          dotC += fa * features[columnC + p]!;
        }
        precision[a * d + b] = prior.precision[a * d + b]! + alpha * dotB;
        precision[a * d + b + 1] = prior.precision[a * d + b + 1]! + alpha * dotC;
      }
      if (b < d) {
        const columnB = b * maxRow;
        let dot = 0;
        for (let p = 0; p < n; p++) dot += features[columnA + p]! * features[columnB + p]!;
        precision[a * d + b] = prior.precision[a * d + b]! + alpha * dot;
      }
    }
    symmetrizeFromUpper(precision, d);
    choleskyInPlace(precision, d);
    // Draw = L⁻ᵀ (L⁻¹ (Λμ) + z): the conditional mean plus L⁻ᵀ z with z ~ N(0, I).
    forwardSubstituteInPlace(precision, d, vector);
    for (let a = 0; a < d; a++) vector[a]! += random.normal();
    backSubstituteInPlace(precision, d, vector);
    target.set(vector, r * d);
  }
}
