/**
 * The item side of a fitted ranking model, which is all that serving and the nightly lists need: a learner's vector is
 * folded in from their current signals (the ALS user step against fixed item factors), so lists and on-demand scores
 * follow the same formula and a learner who was not in the last fit is scored as soon as they own a known course.
 */
import { Matrix } from 'ml-matrix';
import { arrayOf, decodeBinary, encodeBinary } from '../data/binary';
import { allFinite, backSubstituteInPlace, choleskyInPlace, forwardSubstituteInPlace } from './dense';
import { IdMap } from '../data/interactions';
import { topN } from './model';

interface ItemFactorsHeader {
  format: 'cloudcourse-items';
  version: 1;
  factors: number;
  regularization: number;
  alpha: number;
  itemIds: string[];
}

export class ItemFactors {
  readonly items: IdMap;
  /** items × factors, row-major. */
  readonly factors: Float64Array;
  /** YᵀY + λI, shared by every fold-in. */
  private readonly gram: Float64Array;
  private readonly norms: Float64Array;

  constructor(
    itemIds: readonly string[],
    factors: ArrayLike<number>,
    readonly k: number,
    readonly regularization: number,
    readonly alpha: number,
  ) {
    if (factors.length !== itemIds.length * k) throw new Error('item factors do not match the item ids');
    if (!allFinite(factors)) throw new Error('Refusing item factors with non-finite values');
    this.items = new IdMap(itemIds);
    this.factors = Float64Array.from(factors);
    const gram = Matrix.from1DArray(itemIds.length, k, this.factors);
    this.gram = Float64Array.from(gram.transpose().mmul(gram).to1DArray());
    for (let a = 0; a < k; a++) this.gram[a * k + a]! += regularization;
    this.norms = new Float64Array(itemIds.length);
    for (let i = 0; i < itemIds.length; i++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += this.factors[i * k + a]! ** 2;
      this.norms[i] = Math.sqrt(s);
    }
  }

  /** Float32 storage form (the factors are rounded to float32, so read-back scores equal the writer's). */
  encode(): Buffer {
    const header: ItemFactorsHeader = {
      format: 'cloudcourse-items',
      version: 1,
      factors: this.k,
      regularization: this.regularization,
      alpha: this.alpha,
      itemIds: [...this.items.ids],
    };
    return encodeBinary(header, { itemFactors: Float32Array.from(this.factors) });
  }

  static decode(bytes: Buffer): ItemFactors {
    const { header, arrays } = decodeBinary<ItemFactorsHeader>(bytes);
    if (header.format !== 'cloudcourse-items' || header.version !== 1) throw new Error('Not an item factors file');
    return new ItemFactors(
      header.itemIds,
      arrayOf(arrays, 'itemFactors', 'f32'),
      header.factors,
      header.regularization,
      header.alpha,
    );
  }

  /** This model as it reads back from storage (factors rounded to float32). */
  rounded(): ItemFactors {
    return new ItemFactors(this.items.ids, Float32Array.from(this.factors), this.k, this.regularization, this.alpha);
  }

  /**
   * The learner vector for signals (item index → strength): x = (YᵀY + λI + Yᵀ(C − I)Y)⁻¹ Yᵀ C p with confidence
   * 1 + alpha·strength. Null when no signal is on a known item.
   */
  foldIn(signals: ReadonlyMap<number, number>): Float64Array | null {
    if (signals.size === 0) return null;
    const k = this.k;
    const system = Float64Array.from(this.gram);
    const vector = new Float64Array(k);
    for (const [item, strength] of signals) {
      const confidence = 1 + this.alpha * strength;
      const base = item * k;
      for (let a = 0; a < k; a++) {
        const fa = this.factors[base + a]!;
        vector[a]! += confidence * fa;
        for (let b = 0; b < k; b++) system[a * k + b]! += (confidence - 1) * fa * this.factors[base + b]!;
      }
    }
    choleskyInPlace(system, k);
    forwardSubstituteInPlace(system, k, vector);
    backSubstituteInPlace(system, k, vector);
    return vector;
  }

  /** Item indexes known to this model with their strengths; unknown course ids are left out. */
  indexSignals(strengths: ReadonlyMap<string, number>): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, strength] of strengths) {
      const index = this.items.indexOf(id);
      if (index !== undefined) out.set(index, strength);
    }
    return out;
  }

  /** Scores of every item for a learner vector. */
  scoreAll(user: Float64Array, out = new Float64Array(this.items.size)): Float64Array {
    const k = this.k;
    const factors = this.factors;
    for (let i = 0, base = 0; i < out.length; i++, base += k) {
      let dot = 0;
      for (let a = 0; a < k; a++) dot += user[a]! * factors[base + a]!;
      out[i] = dot;
    }
    return out;
  }

  /** A mask (1 = left out) of these item indexes, for `top`. */
  mask(...groups: Iterable<number>[]): Uint8Array {
    const mask = new Uint8Array(this.items.size);
    for (const group of groups) for (const index of group) mask[index] = 1;
    return mask;
  }

  /** The n best items outside `excluded` (a mask from `mask`) for a learner vector, best first; ties by index. */
  top(user: Float64Array, n: number, excluded: Uint8Array): { index: number; score: number }[] {
    const scores = this.scoreAll(user);
    const best: number[] = [];
    let floor = -Infinity;
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i]!;
      if (excluded[i] === 1 || (best.length === n && score <= floor)) continue;
      let at = best.length === n ? n - 1 : best.length;
      while (at > 0 && scores[best[at - 1]!]! < score) at--;
      if (best.length === n) best.pop();
      best.splice(at, 0, i);
      if (best.length === n) floor = scores[best[n - 1]!]!;
    }
    return best.map((index) => ({ index, score: scores[index]! }));
  }

  /** Cosine similarity of two items' factors (0 when either is all zero). */
  cosine(i: number, j: number): number {
    const k = this.k;
    const denominator = this.norms[i]! * this.norms[j]!;
    if (!(denominator > 0)) return 0;
    let dot = 0;
    for (let a = 0; a < k; a++) dot += this.factors[i * k + a]! * this.factors[j * k + a]!;
    return dot / denominator;
  }

  /** Of `candidates`, the item most similar to `item` (the "because you learned" course), or undefined. */
  mostSimilar(item: number, candidates: Iterable<number>): number | undefined {
    let best: number | undefined;
    let bestScore = -Infinity;
    for (const candidate of candidates) {
      if (candidate === item) continue;
      const score = this.cosine(item, candidate);
      if (score > bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    return best;
  }

  /** The n items nearest to `item` by cosine similarity, best first; empty for an unknown item. */
  similar(courseId: string, n: number): { id: string; score: number }[] {
    const target = this.items.indexOf(courseId);
    if (target === undefined) return [];
    const scores = new Float64Array(this.items.size);
    for (let i = 0; i < scores.length; i++) scores[i] = this.cosine(target, i);
    return topN(scores, n, new Set([target])).map((i) => ({ id: this.items.idAt(i), score: scores[i]! }));
  }
}
