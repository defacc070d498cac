/**
 * Precomputed "for you" lists, sharded: one `recommendations` document holds the lists of up to
 * LEARNERS_PER_SHARD learners of one model version (`_id` `<version>-<shard>`), so 100,000 learners take a few hundred
 * documents written in a handful of batch inserts, and a reader fetches only its own list by projection.
 * A list entry is the string `courseId:score[:becauseCourseId]` (ids never contain `:`), compact on the wire.
 */
import type { ItemFactors } from '../algorithms/item-factors';
import { tiltTowardBuyable, type BuyerTilt } from './buyer-tilt';
import { fnv1a } from '../data/snapshot';
import { userStrengths, type SnapshotData } from '../data/snapshot-data';

/** Courses kept per learner: enough for the default page of 10 after newly bought or unpublished ones drop out. */
export const LIST_LENGTH = 20;
export const LEARNERS_PER_SHARD = 250;

export interface ListShardDoc {
  _id: string;
  version: string;
  shard: number;
  lists: Record<string, string[]>;
}

export interface ListEntry {
  courseId: string;
  score: number;
  /** The learner's own course this one is most similar to (the reason shown). */
  because?: string;
}

/** FNV-1a of the openid, modulo the shard count. */
export function shardOf(openid: string, shards: number): number {
  return fnv1a(openid) % shards;
}

export function shardCount(learners: number, perShard = LEARNERS_PER_SHARD): number {
  return Math.max(1, Math.ceil(learners / perShard));
}

export function shardId(version: string, shard: number): string {
  return `${version}-${shard}`;
}

export function formatEntry(entry: ListEntry): string {
  const score = Number(entry.score.toFixed(4));
  return entry.because === undefined ? `${entry.courseId}:${score}` : `${entry.courseId}:${score}:${entry.because}`;
}

/** Parses stored entries; a malformed one (a console edit) is skipped. */
export function parseList(entries: readonly unknown[]): ListEntry[] {
  const out: ListEntry[] = [];
  for (const raw of entries) {
    if (typeof raw !== 'string') continue;
    const [courseId, score, because] = raw.split(':');
    const value = Number(score);
    if (!courseId || !Number.isFinite(value)) continue;
    out.push(because ? { courseId, score: value, because } : { courseId, score: value });
  }
  return out;
}

/**
 * The best `length` courses for a learner with these signals (course id → strength), never one they have a signal
 * on nor one outside `allowed`; each with the learner's course it is most similar to. Empty when no signal is on a
 * course the model knows.
 */
export function recommendFromSignals(
  model: ItemFactors,
  strengths: ReadonlyMap<string, number>,
  length: number,
  blocked: ReadonlySet<number>,
): ListEntry[] {
  const signals = model.indexSignals(strengths);
  const vector = model.foldIn(signals);
  if (vector === null) return [];
  return model.top(vector, length, model.mask(blocked, signals.keys())).map(({ index, score }) => {
    const because = model.mostSimilar(index, signals.keys());
    const entry: ListEntry = { courseId: model.items.idAt(index), score };
    if (because !== undefined) entry.because = model.items.idAt(because);
    return entry;
  });
}

/** Item indexes of `model` that are not in `published` (never recommended). */
export function unpublishedItems(model: ItemFactors, published: readonly string[]): Set<number> {
  const allowed = new Set(published);
  const blocked = new Set<number>();
  model.items.ids.forEach((id, index) => {
    if (!allowed.has(id)) blocked.add(index);
  });
  return blocked;
}

/**
 * The shard documents [from, to) of a version: every active learner's list; with `tilt`, the list of a learner who
 * may buy soon is chosen from twice as many candidates with their paid courses moved up (buyer-tilt.ts).
 */
export function buildShards(
  data: SnapshotData,
  model: ItemFactors,
  version: string,
  shards: number,
  from: number,
  to: number,
  tilt?: BuyerTilt,
): ListShardDoc[] {
  const blocked = unpublishedItems(model, data.published);
  const docs = new Map<number, ListShardDoc>();
  for (let s = from; s < to; s++) docs.set(s, { _id: shardId(version, s), version, shard: s, lists: {} });
  for (const u of data.active) {
    const openid = data.userIds[u]!;
    const doc = docs.get(shardOf(openid, shards));
    if (doc === undefined) continue;
    const p = tilt?.propensity(openid) ?? 0;
    const candidates = recommendFromSignals(
      model,
      userStrengths(data, u),
      p > 0 ? 2 * LIST_LENGTH : LIST_LENGTH,
      blocked,
    );
    const list = p > 0 ? tiltTowardBuyable(candidates, p, tilt!.paid, LIST_LENGTH) : candidates;
    if (list.length > 0) doc.lists[openid] = list.map(formatEntry);
  }
  return [...docs.values()];
}
