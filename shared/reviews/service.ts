/**
 * The `review` actions, and the settling of moderation decisions made in the console.
 *
 * Invariant: a course's `rating` summary (in `courses`, where the catalog reads it) counts exactly the ratings of its
 * reviews' `counted` fields. `counted` is the review's rating while it counts (status `visible`), null otherwise, and
 * both change in one transaction. So an edit removes the old rating and adds the new one, and two submissions at once
 * conflict on the course document and one is retried: the summary never drifts, whatever the interleaving.
 *
 * A creator approves (`status: 'visible'`) or rejects (`'rejected'`) a review by editing it in the console, outside
 * any transaction; `settleModeration` then brings `counted` and the summary in line with the new status, review by
 * review, in the same kind of transaction. `review.list` settles its course first, and the nightly timer settles every
 * course.
 *
 * A creator's rejection stands until a creator approves. The console edit of `status` is the only signal of it, so a
 * review that is `rejected` without `rejectedBy: 'check'` (which the re-check writes when it rejects) was rejected by
 * a creator; `settleModeration` records that as `rejectedBy: 'creator'`. The author may still edit it: the edit goes
 * through the content check like any other (risky text is refused), but it can never publish itself: it becomes
 * `pending`, shown only to its author, keeping `rejectedBy: 'creator'` through further edits and re-checks, until a
 * creator sets it `visible` (which clears the mark) or `rejected` again. A review the check rejected is simply
 * checked again when edited.
 *
 * A review submitted while the content check was unavailable waits as pending; the nightly timer checks it again
 * (`recheckUnavailable`) and publishes, rejects or leaves it for a creator, in the same kind of transaction.
 *
 * Learners' reports (./reports.ts) hide a review after enough of them (status `hidden`); a creator's decision on the
 * reports (`reports.decision` typed in the console, or a status edit) is settled here too and is final for the
 * version it was made on: an edit by the author is a new version, with no reports and no decision. A review whose
 * author was refunded (`refunded`, set by the refund) stays visible, marked, and stops counting.
 */
import { createHash } from 'node:crypto';
import {
  AppError,
  REVIEW_LIST_DEFAULTS,
  type ReportDecision,
  type ReportReason,
  type Review,
  type ReviewListData,
  type ReviewListParams,
  type ReviewStatus,
  type ReviewSubmitParams,
} from '../contract';
import type { CourseDoc, RatingSummary } from '../catalog';
import { cleanText } from '../content';
import { hasAccess } from '../grants';
import { authorName } from '../learning/identity';
import { found, getById, inTransaction, txGet, type Database, type Transaction } from '../db';
import { spendLimit } from '../limits';
import type { Outcome, Verdict } from './moderation';
import { riskyRefusal } from './moderation';
import { reportDecisionOf, undecidedReports } from './decisions';
import { adjustSummary, sameSummary, summaryOf } from './summary';
import { scoredRating } from './rating-score';
import { COLLECTIONS } from '../collections';
import { isCourseUnreleased } from '../catalog/visibility';

/** `reviews`: one per learner and course. Public readers get `Review` (no openid) through `review.list`. */
export interface ReviewDoc {
  _id: string;
  _openid: string;
  courseId: string;
  rating: number;
  text: string;
  /**
   * Set from the check by `review.submit` (and `recheckUnavailable`); a creator moves `pending` to `visible` or
   * `rejected` in the console.
   */
  status: ReviewStatus;
  /**
   * Who rejected it: `check` (a re-check found it risky) or `creator` (a console edit, recorded by `settleModeration`
   * or the author's next edit). `creator` stays while the review waits for a creator after an edit; approval clears
   * it. Absent on a review nobody rejected.
   */
  rejectedBy?: 'check' | 'creator';
  /** The rating the course summary counts for this review, or null; changed only together with the summary. */
  counted: number | null;
  /** Learners' reports of this version and the creator's decision on them (./reports.ts); absent until the first. */
  reports?: ReviewReports;
  /** Set in the refund that revoked the author's own grant of the course (shared/orders/refunds.ts). */
  refunded?: true;
  author: string;
  /**
   * The latest check; `risky` only from a re-check (a submission with risky text is refused, not stored), with the
   * operator's `blockedTerm` when one of those made it risky.
   */
  moderation: { outcome: Outcome; label?: number; traceId?: string; blockedTerm?: string; checkedAt: string };
  /** The course's creator's reply (shared/creator/reviews.ts); kept when the author edits the review. */
  reply?: ReviewReplyDoc;
  createdAt: string;
  updatedAt: string;
}

/**
 * A creator's reply under a review, checked like the review itself: `visible` once it passed, `pending` while the
 * check was unavailable or unsure (shown to the creator only). Risky text is refused and never stored. It names the
 * creator, never the admin's openid (the author reads this document).
 */
export interface ReviewReplyDoc {
  text: string;
  status: 'visible' | 'pending';
  moderation: ReviewDoc['moderation'];
  creatorId: string;
  creatorName: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewDeps {
  db: Database;
  now: () => Date;
  /** The content check (./moderation.ts `textChecker`); never throws. */
  checkText: (text: string, openid: string) => Promise<Verdict>;
  /** Key of the author pseudonym (see ../learning/identity.ts learnerCodeSecret). */
  identitySecret: () => Promise<string>;
  /** Told after a rating is saved (the recommender's signal); a failure is logged, not returned. */
  onRated?: (openid: string, courseId: string, rating: number) => Promise<void>;
}

/** The one review id of a learner and course (no openid in it: ids are shown to everyone). */
export function reviewId(openid: string, courseId: string): string {
  return createHash('sha256').update(`review\u0000${openid}\u0000${courseId}`).digest('hex').slice(0, 32);
}

/**
 * What the reports of a review's current version came to. The creator types `decision` in the console; settling
 * applies it and sets `decidedAt`, after which reports of this version never hide it again.
 */
export interface ReviewReports {
  /** Distinct learners who reported this version. */
  count: number;
  /** The same, by reason (`REPORT_REASONS`), so the console shows what the reports say without a query. */
  reasons?: Partial<Record<ReportReason, number>>;
  /** ISO-8601: when the count reached `settings/app` → `reports.hideReviewAfter` and hid the review. */
  hiddenAt?: string;
  decision?: ReportDecision;
  /** ISO-8601: when settling applied the creator's decision. */
  decidedAt?: string;
}

/** `keep`: visible again and not hidden by reports again; `hide`: hidden; `reject`: rejected by a creator. */
export { REPORT_DECISIONS, type ReportDecision } from '../contract';

export function toReview(doc: ReviewDoc, caller: string): Review {
  const review: Review = {
    id: doc._id,
    courseId: doc.courseId,
    rating: doc.rating,
    text: doc.text,
    status: doc.status,
    author: doc.author,
    mine: doc._openid === caller,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
  if (doc.refunded) review.refunded = true;
  if (doc.reply?.status === 'visible') {
    const { text, creatorName, createdAt, updatedAt } = doc.reply;
    review.reply = { text, creatorName, createdAt, updatedAt };
  }
  return review;
}

/**
 * Whether a creator's rejection holds the review: rejected in the console (not by the check), or edited since and
 * waiting for a creator. A review a creator has approved again (`visible`) is not held.
 */
export function heldByCreator(review: Pick<ReviewDoc, 'status' | 'rejectedBy'> | null): boolean {
  if (review === null) return false;
  if (review.status === 'rejected') return review.rejectedBy !== 'check';
  return review.status === 'pending' && review.rejectedBy === 'creator';
}

/**
 * The status a check gives a review: `pass` publishes, `risky` rejects, the rest wait as pending; a review held by a
 * creator's rejection waits as pending even when it passes.
 */
function statusOf(outcome: Outcome, held: boolean): ReviewStatus {
  if (outcome === 'risky') return 'rejected';
  return outcome === 'pass' && !held ? 'visible' : 'pending';
}

/** `rejectedBy` of a review given its new status: a creator's mark stays while held; the check's when it rejects. */
function rejectedByOf(status: ReviewStatus, held: boolean): Pick<ReviewDoc, 'rejectedBy'> {
  if (held) return { rejectedBy: 'creator' };
  return status === 'rejected' ? { rejectedBy: 'check' } : {};
}

export function moderationOf(verdict: Verdict, checkedAt: string): ReviewDoc['moderation'] {
  const moderation: ReviewDoc['moderation'] = { outcome: verdict.outcome, checkedAt };
  if (verdict.label !== undefined) moderation.label = verdict.label;
  if (verdict.traceId !== undefined) moderation.traceId = verdict.traceId;
  if (verdict.blockedTerm !== undefined) moderation.blockedTerm = verdict.blockedTerm;
  return moderation;
}

/**
 * What a review counts for in the summary: its rating while it is visible and its author was not refunded (a refund
 * gives the price back, so a refunded learner's rating cost nothing; README, Review moderation).
 */
export function countedRating(status: ReviewStatus, rating: number, refunded = false): number | null {
  return status === 'visible' && !refunded ? rating : null;
}

export async function submitReview(deps: ReviewDeps, openid: string, params: ReviewSubmitParams): Promise<Review> {
  const { db } = deps;
  const [course, enrolled] = await Promise.all([
    getById<CourseDoc>(db, COLLECTIONS.courses, params.courseId),
    hasAccess(db, openid, params.courseId, deps.now()),
  ]);
  if (course === null || isCourseUnreleased(course)) throw new AppError('NOT_FOUND', '该课程不存在或尚未上架');
  if (!enrolled) throw new AppError('FORBIDDEN', '购买本课程后才能评价');

  // Stored as cleaned (no invisible characters); the check sees its check form (./moderation.ts).
  const text = cleanText(params.text);
  // Every submit that gets this far calls the content check and writes: limited per learner (shared/limits).
  await spendLimit(db, openid, 'reviewSubmit', deps.now());
  // A rating without words has nothing to check.
  const verdict: Verdict = text === '' ? { outcome: 'pass' } : await deps.checkText(text, openid);
  if (verdict.outcome === 'risky') throw riskyRefusal(verdict.label);
  const now = deps.now().toISOString();
  const moderation = moderationOf(verdict, now);

  const id = reviewId(openid, params.courseId);
  const author = authorName(openid, await deps.identitySecret());
  const saved = await inTransaction(db, async (tx) => {
    const prev = await txGet<ReviewDoc>(tx, COLLECTIONS.reviews, id);
    // Read in the transaction: a creator's rejection made in the console since the check still holds the edit.
    const held = heldByCreator(prev);
    const status = statusOf(verdict.outcome, held);
    const doc: ReviewDoc = {
      _id: id,
      _openid: openid,
      courseId: params.courseId,
      rating: params.rating,
      text,
      status,
      ...rejectedByOf(status, held),
      counted: countedRating(status, params.rating),
      author,
      moderation,
      ...(prev?.reply ? { reply: prev.reply } : {}),
      createdAt: prev?.createdAt ?? now,
      updatedAt: now,
    };
    const { _id, ...data } = doc;
    await tx.collection(COLLECTIONS.reviews).doc(_id).set({ data });
    await recount(tx, params.courseId, prev?.counted ?? null, doc.counted);
    return doc;
  });
  if (deps.onRated) {
    try {
      await deps.onRated(openid, params.courseId, params.rating);
    } catch (error) {
      console.error(`[review] rating signal of ${params.courseId} not recorded`, error);
    }
  }
  return toReview(saved, openid);
}

/**
 * Last step of a transaction (so the course document, which every review of the course writes, is held briefly):
 * moves one review's contribution to the summary from `removed` to `added`.
 */
export async function recount(
  tx: Transaction,
  courseId: string,
  removed: number | null,
  added: number | null,
): Promise<void> {
  if (removed === added) return;
  const course = await txGet<CourseDoc>(tx, COLLECTIONS.courses, courseId);
  if (course === null) throw new AppError('NOT_FOUND', '该课程不存在或尚未上架');
  const before = normalized(course.rating);
  const after = adjustSummary(before, removed, added);
  if (!sameSummary(before, after)) {
    // The sort score moves with the summary, toward the catalog mean the nightly job last stored (./rating-score.ts).
    await tx
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { rating: scoredRating(after, course.rating?.prior) } });
  }
}

function normalized(rating: RatingSummary | undefined): RatingSummary {
  return summaryOf(rating?.histogram ?? []);
}

/** Reviews settled per call; the rest wait for the next call. */
const SETTLE_BATCH = 100;

/**
 * Applies console moderation: reviews made `visible` that do not count yet (a creator's mark, if any, cleared), reviews
 * that count but no longer should (not `visible`, or their author refunded), creator rejections not yet recorded as
 * `rejectedBy: 'creator'`, and creators' decisions on reports not yet applied (./reports.ts `reportDecisionOf`).
 * Returns how many were settled. Without `courseId`, every course (the nightly timer).
 */
export async function settleModeration(db: Database, courseId?: string, now = new Date()): Promise<number> {
  const _ = db.command;
  const scope = courseId === undefined ? {} : { courseId };
  const reviews = db.collection(COLLECTIONS.reviews);
  // Two queries, as before creator rejections were recorded: `review.list` settles its course on every call.
  const [approved, withdrawnOrRejected] = await Promise.all([
    found<ReviewDoc>(
      reviews.where({ ...scope, status: 'visible', counted: null, refunded: _.neq(true) }).limit(SETTLE_BATCH),
    ),
    found<ReviewDoc>(
      reviews
        .where(
          _.or([
            { ...scope, status: _.neq('visible'), counted: _.neq(null) },
            { ...scope, refunded: true, counted: _.neq(null) },
            { ...scope, status: 'rejected', rejectedBy: _.exists(false) },
            ...undecidedReports(db, scope),
          ]),
        )
        .limit(SETTLE_BATCH),
    ),
  ]);
  const stale = new Map([...approved, ...withdrawnOrRejected].map((review) => [review._id, review]));
  let settled = 0;
  for (const id of stale.keys()) {
    const changed = await inTransaction(db, async (tx) => {
      const read = await txGet<ReviewDoc>(tx, COLLECTIONS.reviews, id);
      if (read === null) return false;
      const data: Record<string, unknown> = {};
      const decided = reportDecisionOf(read, now.toISOString());
      if (decided) Object.assign(data, decided);
      const review = { ...read, ...decided };
      const want = countedRating(review.status, review.rating, review.refunded);
      if (read.counted !== want) data.counted = want;
      if (review.status === 'rejected' && review.rejectedBy === undefined) data.rejectedBy = 'creator';
      if (review.status === 'visible' && review.rejectedBy !== undefined) data.rejectedBy = _.remove();
      if (Object.keys(data).length === 0) return false;
      await tx.collection(COLLECTIONS.reviews).doc(id).update({ data });
      await recount(tx, review.courseId, read.counted, want);
      return true;
    });
    if (changed) settled += 1;
  }
  return settled;
}

/** Reviews checked again per run, one msgSecCheck call each; the rest wait for the next run. */
export const RECHECK_BATCH = 20;

/**
 * Checks again, with the author's openid, the reviews left pending because the check was unavailable (not those the
 * check sent to a creator), least recently checked first, at most `RECHECK_BATCH`: `pass` publishes the review and
 * counts it in the summary in the same transaction (unless a creator's rejection holds it: it stays pending), `risky`
 * rejects it, `review` leaves it pending for a creator. A
 * check still unavailable leaves the review pending, marks when it was tried (so it goes to the back of the queue) and
 * ends the run: the service is down, and the rest wait for the next run rather than each wait for a timeout. A review
 * edited or moderated since it was read is left alone. Returns how many reviews got each outcome.
 */
export async function recheckUnavailable(
  deps: Pick<ReviewDeps, 'db' | 'now' | 'checkText'>,
): Promise<Record<Outcome, number>> {
  const { db } = deps;
  const waiting = await found<ReviewDoc>(
    db
      .collection(COLLECTIONS.reviews)
      .where({ status: 'pending', 'moderation.outcome': 'unavailable' })
      .orderBy('moderation.checkedAt', 'asc')
      .limit(RECHECK_BATCH),
  );
  const outcomes: Record<Outcome, number> = { pass: 0, review: 0, risky: 0, unavailable: 0 };
  for (const stale of waiting) {
    const verdict = await deps.checkText(stale.text, stale._openid);
    const applied = await inTransaction(db, async (tx) => {
      const review = await txGet<ReviewDoc>(tx, COLLECTIONS.reviews, stale._id);
      if (review?.status !== 'pending' || review.moderation.outcome !== 'unavailable' || review.text !== stale.text) {
        return false;
      }
      const held = heldByCreator(review);
      const status = statusOf(verdict.outcome, held);
      const counted = countedRating(status, review.rating, review.refunded);
      const { _id, rejectedBy: _was, ...data } = review;
      const moderation = moderationOf(verdict, deps.now().toISOString());
      await tx
        .collection(COLLECTIONS.reviews)
        .doc(_id)
        .set({ data: { ...data, status, ...rejectedByOf(status, held), counted, moderation } });
      await recount(tx, review.courseId, review.counted, counted);
      return true;
    });
    if (applied) outcomes[verdict.outcome] += 1;
    if (verdict.outcome === 'unavailable') break;
  }
  return outcomes;
}

export async function listReviews(deps: ReviewDeps, openid: string, params: ReviewListParams): Promise<ReviewListData> {
  const { db } = deps;
  try {
    await settleModeration(db, params.courseId, deps.now());
  } catch (error) {
    // The list still answers; the summary catches up on the next call or at night.
    console.error(`[review] settling moderation of ${params.courseId} failed`, error);
  }
  const page = params.page ?? REVIEW_LIST_DEFAULTS.page;
  const pageSize = params.pageSize ?? REVIEW_LIST_DEFAULTS.pageSize;
  const visible = db.collection(COLLECTIONS.reviews).where({ courseId: params.courseId, status: 'visible' });
  const [course, items, total, own] = await Promise.all([
    getById<CourseDoc>(db, COLLECTIONS.courses, params.courseId),
    found<ReviewDoc>(
      visible
        .orderBy('createdAt', 'desc')
        .orderBy('_id', 'asc')
        .skip((page - 1) * pageSize)
        .limit(pageSize),
    ),
    visible.count() as Promise<{ total: number }>,
    getById<ReviewDoc>(db, COLLECTIONS.reviews, reviewId(openid, params.courseId)),
  ]);
  if (course === null || isCourseUnreleased(course)) throw new AppError('NOT_FOUND', '该课程不存在或尚未上架');
  const reviews = items.map((doc) => toReview(doc, openid));
  if (own !== null && own.status !== 'visible' && page === 1) reviews.unshift(toReview(own, openid));
  return { items: reviews, total: total.total, summary: normalized(course.rating) };
}
