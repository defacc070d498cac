/** The retrain's settings, their defaults and their check. */
import { checkRankingModelOptions, type RankingModelOptions } from '../algorithms/options';
import { LEARNERS_PER_SHARD } from '../platform/lists';

export interface RetrainSettings {
  /** @default rankingModelDefaults with retrainModelDefaults over them */
  model?: RankingModelOptions;
  /** Learners in the held-out slice. @default 2000 */
  heldOutUsers?: number;
  /** Keep the current model when the candidate's NDCG@10 is below the current one's × (1 − margin). @default 0.05 */
  keepMargin?: number;
  /** Learners with a signal in this many days get a precomputed list. @default 30 */
  activeDays?: number;
  /** A new run starts only this long after the last one finished (timer ticks in between are idle). @default 20 h */
  minIntervalMs?: number;
  /** The lease of an invocation on the lock; longer than the function timeout. @default 120 s */
  leaseMs?: number;
  /** Snapshot documents per read (CloudBase's server maximum). @default 1000 */
  pageSize?: number;
  /** List shard documents per batch insert. @default 20 */
  shardsPerWrite?: number;
  /** Learners per list shard document. @default LEARNERS_PER_SHARD (250) */
  learnersPerShard?: number;
  /** Seed of the held-out sample. @default 42 */
  seed?: number;
}

/** Every setting filled in and checked (checkRetrainSettings). */
export type Settings = Required<Omit<RetrainSettings, 'model'>> & { model: Required<RankingModelOptions> };

/**
 * The nightly fit differs from rec:eval's defaults only in its sweeps: on the synthetic platform of bench:retrain the
 * held-out NDCG@10 is flat from 6 sweeps on (0.196 at 6, 8 and 12), and each sweep over 2,000,000 signals costs ~2 s.
 */
export const retrainModelDefaults: Readonly<RankingModelOptions> = { iterations: 8 };

export const retrainDefaults: Readonly<Required<Omit<RetrainSettings, 'model'>>> = {
  heldOutUsers: 2000,
  keepMargin: 0.05,
  activeDays: 30,
  minIntervalMs: 20 * 3_600_000,
  leaseMs: 120_000,
  pageSize: 1000,
  shardsPerWrite: 20,
  learnersPerShard: LEARNERS_PER_SHARD,
  seed: 42,
};

export function checkRetrainSettings(settings: RetrainSettings = {}): Settings {
  const { model, ...rest } = settings;
  const merged = { ...retrainDefaults, ...rest };
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`Retrain setting ${key} must be a non-negative number, got ${String(value)}`);
    }
  }
  if (merged.pageSize < 1 || merged.pageSize > 1000) throw new RangeError('Retrain setting pageSize must be 1–1000');
  for (const key of ['shardsPerWrite', 'learnersPerShard'] as const) {
    if (merged[key] < 1) throw new RangeError(`Retrain setting ${key} must be at least 1`);
  }
  return { ...merged, model: checkRankingModelOptions({ ...retrainModelDefaults, ...model }) };
}
