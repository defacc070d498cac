import { allFinite } from './dense';
import { IdMap } from '../data/interactions';

export type ModelKind = 'rating' | 'ranking' | 'global-mean' | 'biases' | 'most-popular';

/** Everything a fitted model consists of; scores are globalMean + userBias + itemBias + userFactors · itemFactors. */
export interface FactorModelParts {
  kind: ModelKind;
  /** Factors per row (0 for the baselines). */
  factors: number;
  globalMean: number;
  /** Predictions are clipped to this range (the training ratings' min and max), or not at all when null. */
  clip: { min: number; max: number } | null;
  userIds: readonly string[];
  itemIds: readonly string[];
  /** users × factors, row-major. */
  userFactors: Float64Array;
  /** items × factors, row-major. */
  itemFactors: Float64Array;
  userBias: Float64Array;
  itemBias: Float64Array;
  /** Training interactions per item: the cold-start ranking. */
  popularity: Float64Array;
}

/** Binary-ready form for cloud storage: Float32 arrays plus the id lists that give their row order. */
export interface ExportedFactors {
  format: 'cloudcourse-factors';
  version: 1;
  kind: ModelKind;
  factors: number;
  globalMean: number;
  clip: { min: number; max: number } | null;
  userIds: string[];
  itemIds: string[];
  userFactors: Float32Array;
  itemFactors: Float32Array;
  userBias: Float32Array;
  itemBias: Float32Array;
  popularity: Float32Array;
}

export interface ScoredItem {
  item: string;
  score: number;
}

export interface Recommendation {
  items: ScoredItem[];
  /** True when the user was unknown to the model and the list is the popularity fallback. */
  coldStart: boolean;
}

const arrayNames = ['userFactors', 'itemFactors', 'userBias', 'itemBias', 'popularity'] as const;

/** A fitted model: predictions, recommendations and similar items from factors; refuses non-finite values. */
export class FactorModel {
  readonly kind: ModelKind;
  readonly factors: number;
  readonly users: IdMap;
  readonly items: IdMap;
  private readonly parts: FactorModelParts;

  constructor(parts: FactorModelParts) {
    const users = new IdMap(parts.userIds);
    const items = new IdMap(parts.itemIds);
    const expected = {
      userFactors: users.size * parts.factors,
      itemFactors: items.size * parts.factors,
      userBias: users.size,
      itemBias: items.size,
      popularity: items.size,
    };
    for (const name of arrayNames) {
      if (parts[name].length !== expected[name]) {
        throw new Error(`${name} has length ${parts[name].length}, expected ${expected[name]}`);
      }
      if (!allFinite(parts[name])) throw new Error(`Refusing a model with non-finite values in ${name}`);
    }
    if (!Number.isFinite(parts.globalMean)) throw new Error('Refusing a model with a non-finite global mean');
    this.kind = parts.kind;
    this.factors = parts.factors;
    this.users = users;
    this.items = items;
    this.parts = parts;
  }

  /** Loads a model from its exported form (for example after reading it back from cloud storage). */
  static load(exported: ExportedFactors): FactorModel {
    if (exported.format !== 'cloudcourse-factors' || exported.version !== 1) {
      throw new Error('Not a cloudcourse-factors version 1 export');
    }
    return new FactorModel({
      kind: exported.kind,
      factors: exported.factors,
      globalMean: exported.globalMean,
      clip: exported.clip,
      userIds: exported.userIds,
      itemIds: exported.itemIds,
      userFactors: Float64Array.from(exported.userFactors),
      itemFactors: Float64Array.from(exported.itemFactors),
      userBias: Float64Array.from(exported.userBias),
      itemBias: Float64Array.from(exported.itemBias),
      popularity: Float64Array.from(exported.popularity),
    });
  }

  /** Float32 factors and id lists; throws if a value does not fit a finite float32. */
  export(): ExportedFactors {
    const p = this.parts;
    const exported: ExportedFactors = {
      format: 'cloudcourse-factors',
      version: 1,
      kind: p.kind,
      factors: p.factors,
      globalMean: p.globalMean,
      clip: p.clip === null ? null : { ...p.clip },
      userIds: [...p.userIds],
      itemIds: [...p.itemIds],
      userFactors: Float32Array.from(p.userFactors),
      itemFactors: Float32Array.from(p.itemFactors),
      userBias: Float32Array.from(p.userBias),
      itemBias: Float32Array.from(p.itemBias),
      popularity: Float32Array.from(p.popularity),
    };
    for (const name of arrayNames) {
      if (!allFinite(exported[name])) throw new Error(`Refusing to export non-finite float32 values in ${name}`);
    }
    return exported;
  }

  /** Predicted rating (clipped to the training range) or ranking score; unknown sides contribute nothing. */
  predict(user: string, item: string): number {
    const u = this.users.indexOf(user);
    const i = this.items.indexOf(item);
    return this.clip(this.rawScore(u, i));
  }

  /**
   * Top-n items for a user, never one of `exclude` (what they own). An unknown user gets the most popular items,
   * flagged as cold start.
   */
  recommend(user: string, n: number, exclude: Iterable<string> = []): Recommendation {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
    const excluded = new Set<number>();
    for (const id of exclude) {
      const index = this.items.indexOf(id);
      if (index !== undefined) excluded.add(index);
    }
    const u = this.users.indexOf(user);
    const scores = new Float64Array(this.items.size);
    if (u === undefined) scores.set(this.parts.popularity);
    else this.scoreAllItems(u, scores);
    const top = topN(scores, n, excluded);
    return {
      items: top.map((i) => ({ item: this.items.idAt(i), score: scores[i] as number })),
      coldStart: u === undefined,
    };
  }

  /** Items closest to `item` by cosine similarity of their factors (empty for unknown items or factor-free models). */
  similarItems(item: string, n: number): ScoredItem[] {
    const target = this.items.indexOf(item);
    const k = this.factors;
    if (target === undefined || k === 0) return [];
    const f = this.parts.itemFactors;
    const norms = new Float64Array(this.items.size);
    for (let i = 0; i < this.items.size; i++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += (f[i * k + a] as number) ** 2;
      norms[i] = Math.sqrt(s);
    }
    const scores = new Float64Array(this.items.size);
    const targetNorm = norms[target] as number;
    for (let i = 0; i < this.items.size; i++) {
      let dot = 0;
      for (let a = 0; a < k; a++) dot += (f[i * k + a] as number) * (f[target * k + a] as number);
      const denominator = (norms[i] as number) * targetNorm;
      scores[i] = denominator > 0 ? dot / denominator : 0;
    }
    return topN(scores, n, new Set([target])).map((i) => ({ item: this.items.idAt(i), score: scores[i] as number }));
  }

  /** Unclipped scores of every item for a known user's dense index (the ranking used by recommend). */
  scoreAllItems(userIndex: number, out: Float64Array): void {
    for (let i = 0; i < this.items.size; i++) out[i] = this.rawScore(userIndex, i);
  }

  private rawScore(u: number | undefined, i: number | undefined): number {
    const p = this.parts;
    const k = this.factors;
    let score = p.globalMean;
    if (u !== undefined) score += p.userBias[u] as number;
    if (i !== undefined) score += p.itemBias[i] as number;
    if (u !== undefined && i !== undefined) {
      for (let a = 0; a < k; a++) score += (p.userFactors[u * k + a] as number) * (p.itemFactors[i * k + a] as number);
    }
    return score;
  }

  private clip(score: number): number {
    const range = this.parts.clip;
    return range === null ? score : Math.min(range.max, Math.max(range.min, score));
  }
}

/** Indices of the n highest scores outside `excluded`, best first; ties go to the lower index (deterministic). */
export function topN(scores: Float64Array, n: number, excluded: ReadonlySet<number>): number[] {
  const top: number[] = [];
  if (n === 0) return top;
  for (let i = 0; i < scores.length; i++) {
    if (excluded.has(i)) continue;
    const score = scores[i] as number;
    if (top.length === n && score <= (scores[top[n - 1] as number] as number)) continue;
    let position = top.length === n ? n - 1 : top.length;
    while (position > 0 && (scores[top[position - 1] as number] as number) < score) position--;
    if (top.length === n) top.pop();
    top.splice(position, 0, i);
  }
  return top;
}
