/**
 * The recommender's signals, written into the learner's interaction snapshot (data/snapshot.ts). For the order,
 * learning, review and catalog code: call one of these after your own write succeeded (outside your transaction; a
 * lost signal only makes a recommendation slightly staler, never a wrong entitlement):
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
 * concurrent signals of the same learner never overwrite each other. Only the first signal of a learner costs more:
 * it creates the empty document first.
 */
import { COLLECTIONS } from '../collections';
import { isDuplicateKey, updated, type Database } from '../db';
import { PROGRESS_FIELDS, RATING_FIELDS, snapshotBucket } from './data/snapshot';

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
  const first = await updated(doc.update({ data }));
  if (first > 0) return;
  try {
    await db
      .collection(COLLECTIONS.interactions)
      .add({ data: { _id: openid, _openid: openid, b: snapshotBucket(openid), n: 0 } });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const second = await updated(doc.update({ data }));
  if (second === 0) throw new Error(`interaction snapshot of ${openid} could not be updated`);
}
