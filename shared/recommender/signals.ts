/**
 * The interaction snapshot: one compact document per learner in `interactions` (`_id` = openid), kept current by the
 * code that writes the signals, so the nightly retrain reads 1,000 learners per call instead of every raw event.
 *
 * For the order, learning, review and catalog code: call one of these after your own write succeeded (outside your
 * transaction; a lost signal only makes a recommendation slightly staler, never a wrong entitlement):
 *
 * ```ts
 * const db = cloud.database();
 * await recordEnrollment(db, openid, { courseId, category: course.category, paid: order.amountFen > 0 });
 * await recordProgress(db, openid, { courseId, percent: courseProgress.percent });   // learning.progress
 * await recordRating(db, openid, { courseId, rating });                              // review.submit
 * await recordRefund(db, openid, { courseId });                                      // order refunded
 * await recordCourseView(db, openid, { category: course.category });                 // catalog.detail (optional)
 * await recordInterests(db, openid, { categories });                                 // recommend.setInterests
 * ```
 *
 * Each call is one atomic update of the learner's document (array and counter operators, no read-modify-write), so
 * concurrent signals of the same learner never overwrite each other. Course ids are stored as array members (plain
 * strings travel compactly through the server API): `paid`/`free` hold what the learner owns, `q1`…`q4` the courses
 * whose highest progress report reached 25/50/75/100 % (the highest array an id is in counts, so a late, lower report
 * never takes progress back), `r1`…`r5` their rating of a course (exactly one of them), `cats` the categories they
 * showed interest in, `interests` the categories they picked themselves on 我的 (replaced as a whole on each choice).
 * Only the first signal of a learner costs more: it creates the empty document first.
 */
import type * as WxServerSdk from 'wx-server-sdk';
import { COLLECTIONS } from '../collections';

export type Database = ReturnType<typeof WxServerSdk.database>;

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

const PROGRESS_FIELDS = ['q1', 'q2', 'q3', 'q4'] as const;
const RATING_FIELDS = ['r1', 'r2', 'r3', 'r4', 'r5'] as const;

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

export interface EnrollmentSignal {
  courseId: string;
  /** The course's category (what a cold-start learner is shown more of). */
  category: string;
  /** Bought (true) or enrolled in a free course (false). */
  paid: boolean;
}

export async function recordEnrollment(
  db: Database,
  openid: string,
  signal: EnrollmentSignal,
  now = new Date(),
): Promise<void> {
  const _ = db.command;
  await applySignal(db, openid, now, {
    [signal.paid ? 'paid' : 'free']: _.addToSet(signal.courseId),
    cats: _.addToSet(signal.category),
  });
}

/**
 * `percent` is the course progress 0–100 (completed lessons over lessons). The course moves to the array of the
 * quarter reached and leaves the lower ones; it never leaves a higher one, so progress is never taken back.
 */
export async function recordProgress(
  db: Database,
  openid: string,
  signal: { courseId: string; percent: number },
  now = new Date(),
): Promise<void> {
  if (!(signal.percent >= 0 && signal.percent <= 100)) throw new RangeError('percent must be between 0 and 100');
  const _ = db.command;
  const reached = Math.floor(signal.percent / 25);
  const update: Record<string, unknown> = {};
  PROGRESS_FIELDS.forEach((field, index) => {
    if (index + 1 < reached) update[field] = _.pull(signal.courseId);
    if (index + 1 === reached) update[field] = _.addToSet(signal.courseId);
  });
  await applySignal(db, openid, now, update);
}

/** A 1–5 rating; a new rating of the same course replaces the old one in the same update. */
export async function recordRating(
  db: Database,
  openid: string,
  signal: { courseId: string; rating: number },
  now = new Date(),
): Promise<void> {
  if (!Number.isInteger(signal.rating) || signal.rating < 1 || signal.rating > 5) {
    throw new RangeError('rating must be an integer from 1 to 5');
  }
  const _ = db.command;
  const update: Record<string, unknown> = {};
  RATING_FIELDS.forEach((field, star) => {
    update[field] = star + 1 === signal.rating ? _.addToSet(signal.courseId) : _.pull(signal.courseId);
  });
  await applySignal(db, openid, now, update);
}

/** A refunded course is no longer owned (progress and rating stay as signals of interest). */
export async function recordRefund(
  db: Database,
  openid: string,
  signal: { courseId: string },
  now = new Date(),
): Promise<void> {
  const _ = db.command;
  await applySignal(db, openid, now, { paid: _.pull(signal.courseId), free: _.pull(signal.courseId) });
}

/** Interest in a category without owning anything yet (a learner opening a course page). */
export async function recordCourseView(
  db: Database,
  openid: string,
  signal: { category: string },
  now = new Date(),
): Promise<void> {
  await applySignal(db, openid, now, { cats: db.command.addToSet(signal.category) });
}

/**
 * The categories the learner picked on 我的 (already checked to exist), replacing the previous choice in the same
 * update; an empty list clears it. Learned signals (`cats`) are left alone.
 */
export async function recordInterests(
  db: Database,
  openid: string,
  signal: { categories: readonly string[] },
  now = new Date(),
): Promise<void> {
  await applySignal(db, openid, now, { interests: db.command.set([...signal.categories]) });
}

/**
 * One atomic update of the learner's document. A learner's first signal finds no document (updated 0): the empty
 * document is created (a concurrent creator wins harmlessly: the duplicate id is ignored) and the update is applied.
 */
async function applySignal(db: Database, openid: string, now: Date, update: Record<string, unknown>): Promise<void> {
  if (typeof openid !== 'string' || openid === '') throw new Error('openid is required');
  const data = { ...update, n: db.command.inc(1), activeAt: now.toISOString() };
  const doc = db.collection(COLLECTIONS.interactions).doc(openid);
  const first = await doc.update({ data });
  if (updatedCount(first) > 0) return;
  try {
    await db
      .collection(COLLECTIONS.interactions)
      .add({ data: { _id: openid, _openid: openid, b: snapshotBucket(openid), n: 0 } });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const second = await doc.update({ data });
  if (updatedCount(second) === 0) throw new Error(`interaction snapshot of ${openid} could not be updated`);
}

function updatedCount(result: unknown): number {
  return (result as { stats: { updated: number } }).stats.updated;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof Error && /E11000|duplicate key/i.test(error.message);
}
