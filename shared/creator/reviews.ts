/**
 * The creator center's reviews: the list with each review's content check and reports, the creator's reply, and the
 * creator's decision on a review. A review is answered only to an admin of its course's creator; one that is
 * another's or does not exist is the same FORBIDDEN.
 *
 * Database calls: `reviews` 4 (the admin document, the courses or the one course, a page and its count); `reply` 5
 * and the content check (the admin document and the review at once, the course, the write limit, the write);
 * `moderate` 5 and the settling (the admin document and the review at once, the course, the decision written, the
 * course's shared/reviews `settleModeration`, the console's own path, and the review read back).
 */
import { COLLECTIONS } from '../collections';
import type { CourseDoc } from '../catalog';
import { cleanText, labelName } from '../content';
import {
  AppError,
  CREATOR_REVIEWS_DEFAULTS,
  type CreatorModerateParams,
  type CreatorReplyParams,
  type CreatorReview,
  type CreatorReviewsData,
  type CreatorReviewsParams,
} from '../contract';
import { findMany, found, getById, updated, type Database } from '../db';
import { spendLimit } from '../limits';
import {
  moderationOf,
  RECHECK_BATCH,
  settleModeration,
  type Outcome,
  type ReviewDoc,
  type ReviewReplyDoc,
  type Verdict,
} from '../reviews';
import { callerCreatorIds, NOT_YOUR_COURSE, ownsCourse } from './access';
import type { CreatorDeps } from './overview';

export interface CreatorReviewDeps extends CreatorDeps {
  /** The reviews' content check (shared/reviews textChecker); never throws. */
  checkText: (text: string, openid: string) => Promise<Verdict>;
}

export const NOT_YOUR_REVIEW = '没有这条评价的管理权限';
export const POST_NOT_ENABLED = 'targetType post: discussions are not enabled';

type CourseTitle = Pick<CourseDoc, '_id' | 'title' | 'creator'>;

/** The review as its creator sees it (pure). */
export function creatorReview(doc: ReviewDoc, courseTitle: string): CreatorReview {
  const reports = doc.reports;
  const review: CreatorReview = {
    id: doc._id,
    courseId: doc.courseId,
    courseTitle,
    rating: doc.rating,
    text: doc.text,
    status: doc.status,
    author: doc.author,
    check: doc.moderation?.outcome ?? 'pass',
    reports: {
      count: reports?.count ?? 0,
      reasons: { ...(reports?.reasons ?? {}) } as Record<string, number>,
      ...(reports?.hiddenAt ? { hiddenAt: reports.hiddenAt } : {}),
      ...(reports?.decision ? { decision: reports.decision } : {}),
      ...(reports?.decidedAt ? { decidedAt: reports.decidedAt } : {}),
    },
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
  if (doc.refunded) review.refunded = true;
  if (doc.rejectedBy) review.rejectedBy = doc.rejectedBy;
  if (doc.reply) {
    const { text, status, moderation, creatorName, createdAt, updatedAt } = doc.reply;
    review.reply = { text, status, check: moderation.outcome, creatorName, createdAt, updatedAt };
  }
  return review;
}

/** The review and its course, when the course is one of the caller's creators'; FORBIDDEN otherwise. */
async function ownReview(
  db: Database,
  openid: string,
  reviewId: string,
): Promise<{ review: ReviewDoc; course: CourseTitle }> {
  const [creatorIds, review] = await Promise.all([
    callerCreatorIds(db, openid),
    getById<ReviewDoc>(db, COLLECTIONS.reviews, reviewId),
  ]);
  const course = review ? await getById<CourseTitle>(db, COLLECTIONS.courses, review.courseId) : null;
  if (review === null || !ownsCourse(creatorIds, course)) throw new AppError('FORBIDDEN', NOT_YOUR_REVIEW);
  return { review, course };
}

export async function creatorReviewsOf(
  deps: CreatorDeps,
  openid: string,
  params: CreatorReviewsParams,
): Promise<CreatorReviewsData> {
  const { db } = deps;
  const _ = db.command;
  const page = params.page ?? CREATOR_REVIEWS_DEFAULTS.page;
  const pageSize = params.pageSize ?? CREATOR_REVIEWS_DEFAULTS.pageSize;
  const creatorIds = await callerCreatorIds(db, openid);
  let courses: CourseTitle[];
  if (params.courseId !== undefined) {
    const course = await getById<CourseTitle>(db, COLLECTIONS.courses, params.courseId);
    if (!ownsCourse(creatorIds, course)) throw new AppError('FORBIDDEN', NOT_YOUR_COURSE);
    courses = [course];
  } else {
    courses = await found<CourseTitle>(
      db
        .collection(COLLECTIONS.courses)
        .where({ 'creator.id': _.in(creatorIds) })
        .limit(1000)
        .field({ _id: true, title: true, creator: true }),
    );
  }
  if (courses.length === 0) return { items: [], total: 0, page, pageSize };
  const where = {
    courseId: courses.length === 1 ? courses[0]!._id : _.in(courses.map((course) => course._id)),
    ...(params.status !== undefined ? { status: params.status } : {}),
  };
  const reviews = db.collection(COLLECTIONS.reviews).where(where);
  const [items, total] = await Promise.all([
    found<ReviewDoc>(
      reviews
        .orderBy('createdAt', 'desc')
        .orderBy('_id', 'asc')
        .skip((page - 1) * pageSize)
        .limit(pageSize),
    ),
    reviews.count() as Promise<{ total: number }>,
  ]);
  const titles = new Map(courses.map((course) => [course._id, course.title]));
  return {
    items: items.map((doc) => creatorReview(doc, titles.get(doc.courseId) ?? '')),
    total: total.total,
    page,
    pageSize,
  };
}

/** The refusal of a risky reply: what kind of content, and what to do (like a review's: shared/reviews riskyRefusal). */
export function riskyReplyRefusal(label: number | undefined): AppError {
  const kind = labelName(label) ?? '不适宜公开';
  const message = `回复内容可能含有${kind}信息，未能发布。请修改或删除相关内容后重新回复。`;
  return new AppError('INVALID_ARGUMENT', message, { problems: [{ path: 'text', message }], label });
}

/** The stored reply for a check's verdict (pure): `pass` is shown, `review` and `unavailable` wait. */
export function replyOf(
  text: string,
  verdict: Verdict,
  course: Pick<CourseDoc, 'creator'>,
  previous: ReviewReplyDoc | undefined,
  now: string,
): ReviewReplyDoc {
  return {
    text,
    status: verdict.outcome === 'pass' ? 'visible' : 'pending',
    moderation: moderationOf(verdict, now),
    creatorId: course.creator.id,
    creatorName: course.creator.name,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
}

export async function replyToReview(
  deps: CreatorReviewDeps,
  openid: string,
  params: CreatorReplyParams,
): Promise<{ review: CreatorReview }> {
  const { db } = deps;
  const { review, course } = await ownReview(db, openid, params.reviewId);
  const text = cleanText(params.text);
  const reviews = db.collection(COLLECTIONS.reviews);
  if (text === '') {
    if (review.reply) await reviews.doc(review._id).update({ data: { reply: db.command.remove() } });
    const { reply: _removed, ...rest } = review;
    return { review: creatorReview(rest, course.title) };
  }
  await spendLimit(db, openid, 'creatorReply', deps.now());
  // Checked with the admin's openid (msgSecCheck wants one active in the mini-program): the creator is the author.
  const verdict = await deps.checkText(text, openid);
  if (verdict.outcome === 'risky') throw riskyReplyRefusal(verdict.label);
  const reply = replyOf(text, verdict, course, review.reply, deps.now().toISOString());
  // Only the reply: the author's own fields and the moderation of the review are theirs (an edit keeps the reply).
  await reviews.doc(review._id).update({ data: { reply: db.command.set(reply) } });
  return { review: creatorReview({ ...review, reply }, course.title) };
}

/**
 * A creator's decision on a review, the console's way: `reports.decision` is written and settled by shared/reviews
 * (`settleModeration`, ./decisions.ts), which sets the status, `decidedAt` and the course's rating together. Final for
 * the review's version: a decided review is FAILED_PRECONDITION until its author edits it.
 */
export async function moderateReview(
  deps: CreatorDeps,
  openid: string,
  params: CreatorModerateParams,
): Promise<{ review: CreatorReview }> {
  const { db } = deps;
  const _ = db.command;
  if (params.targetType === 'post') {
    await callerCreatorIds(db, openid);
    throw new AppError('INVALID_ARGUMENT', POST_NOT_ENABLED, {
      problems: [{ path: 'targetType', message: POST_NOT_ENABLED }],
    });
  }
  const { review, course } = await ownReview(db, openid, params.targetId);
  if (review.reports?.decidedAt !== undefined) {
    throw new AppError('FAILED_PRECONDITION', '已处理过这条评价；评价作者修改后才能再次处理', {
      decision: review.reports.decision,
      decidedAt: review.reports.decidedAt,
    });
  }
  const data = review.reports
    ? { 'reports.decision': params.decision }
    : { reports: _.set({ count: 0, decision: params.decision }) };
  await db
    .collection(COLLECTIONS.reviews)
    .where({ _id: review._id, 'reports.decidedAt': _.exists(false) })
    .update({ data });
  await settleModeration(db, review.courseId, deps.now());
  const settled = await getById<ReviewDoc>(db, COLLECTIONS.reviews, review._id);
  return { review: creatorReview(settled ?? review, course.title) };
}

/**
 * The nightly timer's second look at replies the check could not check (`pending`, outcome `unavailable`), least
 * recently checked first, at most RECHECK_BATCH: checked with the openid of an admin of the reply's creator (the
 * platform wants one active recently; without an admin the reply waits). `pass` shows it; `review` and `risky` keep it
 * pending with that verdict, for the creator to see in `creator.reviews` (a risky reply is never shown). A reply
 * changed since it was read is left alone; a check still unavailable ends the run. Returns each outcome's count.
 */
export async function recheckReplies(
  deps: Pick<CreatorReviewDeps, 'db' | 'now' | 'checkText'>,
): Promise<Record<Outcome, number>> {
  const { db } = deps;
  const _ = db.command;
  const waiting = await found<ReviewDoc>(
    db
      .collection(COLLECTIONS.reviews)
      .where({ 'reply.status': 'pending', 'reply.moderation.outcome': 'unavailable' })
      .orderBy('reply.moderation.checkedAt', 'asc')
      .limit(RECHECK_BATCH),
  );
  const outcomes: Record<Outcome, number> = { pass: 0, review: 0, risky: 0, unavailable: 0 };
  for (const review of waiting) {
    const reply = review.reply;
    if (!reply) continue;
    const [admin] = await findMany<{ _id: string }>(
      db,
      COLLECTIONS.creatorAdmins,
      { creatorIds: reply.creatorId },
      { limit: 1 },
    );
    const verdict: Verdict = admin ? await deps.checkText(reply.text, admin._id) : { outcome: 'unavailable' };
    const written = await updated(
      db
        .collection(COLLECTIONS.reviews)
        .where({ _id: review._id, 'reply.updatedAt': reply.updatedAt, 'reply.moderation.outcome': 'unavailable' })
        .update({
          data: {
            'reply.status': verdict.outcome === 'pass' ? 'visible' : 'pending',
            'reply.moderation': _.set(moderationOf(verdict, deps.now().toISOString())),
          },
        }),
    );
    if (written === 1) outcomes[verdict.outcome] += 1;
    if (verdict.outcome === 'unavailable' && admin) break;
  }
  return outcomes;
}
