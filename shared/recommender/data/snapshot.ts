/**
 * The interaction snapshot: one compact document per learner in `interactions` (`_id` = openid), kept current by
 * the writers in ../signals.ts, so the nightly retrain reads 1,000 learners per call instead of every raw event.
 *
 * Course ids are stored as array members (plain strings travel compactly through the server API): `paid`/`free` hold
 * what the learner owns, `q1`…`q4` the courses whose highest progress report reached 25/50/75/100 % (the highest
 * array an id is in counts, so a late, lower report never takes progress back), `r1`…`r5` their rating of a course
 * (exactly one of them), `cats` the categories they showed interest in, `interests` the categories they picked
 * themselves on 我的 (replaced as a whole on each choice).
 */
/**
 * Every snapshot carries `b`, a fixed hash bucket of its openid (indexed), so the retrain reads the collection in
 * bucket ranges of about 1,000 documents: each read touches only its own documents, whatever the collection's size.
 */
export const SNAPSHOT_BUCKETS = 1024;

/** FNV-1a (32-bit) of a string. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function snapshotBucket(openid: string): number {
  return fnv1a(openid) % SNAPSHOT_BUCKETS;
}

export const PROGRESS_FIELDS = ['q1', 'q2', 'q3', 'q4'] as const;
export const RATING_FIELDS = ['r1', 'r2', 'r3', 'r4', 'r5'] as const;

/** A learner's snapshot document as stored. Every array is a set of course ids (categories for `cats`). */
export interface InteractionSnapshot {
  /** The learner's openid. */
  _id: string;
  _openid: string;
  /** snapshotBucket(openid), set when the document is created. */
  b: number;
  paid?: string[];
  free?: string[];
  q1?: string[];
  q2?: string[];
  q3?: string[];
  q4?: string[];
  r1?: string[];
  r2?: string[];
  r3?: string[];
  r4?: string[];
  r5?: string[];
  cats?: string[];
  /** Categories the learner picked on 我的, in their order; replaced as a whole (recordInterests). */
  interests?: string[];
  /** Signals recorded so far (also makes every update change the document). */
  n?: number;
  /** ISO-8601 time of the last signal: learners active in the last 30 days get a precomputed list. */
  activeAt?: string;
}

/**
 * Confidence weights of the ranking model, summed per learner and course: owning a course (paid counts more than
 * free), each progress quarter reached, and the rating (a low rating lowers the confidence, never below `min`).
 */
export const SIGNAL_WEIGHTS = {
  paid: 2,
  free: 1,
  quarter: 0.5,
  rating: [-1, -0.5, 0, 1, 1.5] as readonly number[],
  min: 0.25,
} as const;

/** Strength of every course the learner has any signal for, in a stable order (the order of first appearance). */
export function snapshotStrengths(doc: InteractionSnapshot): Map<string, number> {
  const strengths = new Map<string, number>();
  const add = (ids: readonly string[] | undefined, weight: number) => {
    for (const id of ids ?? []) strengths.set(id, (strengths.get(id) ?? 0) + weight);
  };
  add(doc.paid, SIGNAL_WEIGHTS.paid);
  add(doc.free, SIGNAL_WEIGHTS.free);
  const quarters = new Map<string, number>();
  PROGRESS_FIELDS.forEach((field, index) => {
    for (const id of doc[field] ?? []) quarters.set(id, index + 1);
  });
  for (const [id, quarter] of quarters) add([id], quarter * SIGNAL_WEIGHTS.quarter);
  RATING_FIELDS.forEach((field, star) => add(doc[field], SIGNAL_WEIGHTS.rating[star] as number));
  for (const [id, value] of strengths) strengths.set(id, Math.max(SIGNAL_WEIGHTS.min, value));
  return strengths;
}

/** The courses the learner owns (paid or free enrollment). */
export function ownedCourses(doc: InteractionSnapshot | null): Set<string> {
  return new Set([...(doc?.paid ?? []), ...(doc?.free ?? [])]);
}

/** Categories the learner showed interest in, in the order they were first shown. */
export function interestCategories(doc: InteractionSnapshot | null): string[] {
  return [...(doc?.cats ?? [])];
}

/** Categories the learner picked on 我的, in their order. */
export function chosenInterests(doc: InteractionSnapshot | null): string[] {
  return [...(doc?.interests ?? [])];
}

/** Whether the learner sent a signal in the `days` before `now`. */
export function isActive(doc: InteractionSnapshot, now: Date, days = 30): boolean {
  if (doc.activeAt === undefined) return false;
  const at = Date.parse(doc.activeAt);
  return Number.isFinite(at) && now.getTime() - at <= days * 86_400_000;
}
