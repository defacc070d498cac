/**
 * `review.report`: a learner reports another learner's review. One report per learner and version of the review
 * (../reports `recordReport`); the review keeps the count of its current version (`reports.count`). The report that
 * brings the count to `settings/app` → `reports.hideReviewAfter` hides the review (status `hidden`, out of the list
 * and the rating summary) until its creator decides (./decisions.ts), unless a creator already decided on this
 * version. Count, hide and the summary change in one transaction that writes the review: concurrent reports conflict
 * on it and run again one after the other, so every distinct report counts once and the hide happens exactly when the
 * count reaches the threshold.
 */
import { AppError, type ReportData, type ReviewReportParams, type ReviewStatus } from '../contract';
import { COLLECTIONS } from '../collections';
import { getById, inTransaction, txGet, type Database } from '../db';
import { spendLimit } from '../limits';
import { hideReviewAfter, newReport, recordReport } from '../reports';
import { recount, type ReviewDoc } from './service';

/** What other learners can have seen: visible reviews, and those reports hid since. */
const REPORTABLE: ReadonlySet<ReviewStatus> = new Set(['visible', 'hidden']);

function notFound(reviewId: string): AppError {
  return new AppError('NOT_FOUND', `reviewId 对应的评价不存在：${reviewId}`, { field: 'reviewId' });
}

export async function reportReview(
  deps: { db: Database; now: () => Date },
  openid: string,
  params: ReviewReportParams,
): Promise<ReportData> {
  const { db } = deps;
  const { reviewId } = params;
  const review = await getById<ReviewDoc>(db, COLLECTIONS.reviews, reviewId);
  if (review === null || !REPORTABLE.has(review.status)) throw notFound(reviewId);
  if (review._openid === openid) throw new AppError('FAILED_PRECONDITION', '不能举报自己的评价');
  const threshold = await hideReviewAfter(db);
  await spendLimit(db, openid, 'report', deps.now());
  const now = deps.now();
  const report = newReport({ kind: 'review', targetId: reviewId, courseId: review.courseId }, params, openid, now);
  return inTransaction(db, async (tx) => {
    const current = await txGet<ReviewDoc>(tx, COLLECTIONS.reviews, reviewId);
    if (current === null || !REPORTABLE.has(current.status)) throw notFound(reviewId);
    // A report of the version before the author's last edit does not count against this one.
    const recorded = await recordReport(tx, report, current.updatedAt);
    if (!recorded.counted) return { reportedAt: recorded.reportedAt };
    const count = (current.reports?.count ?? 0) + 1;
    const decided = current.reports?.decidedAt !== undefined;
    const hide = current.status === 'visible' && !decided && count >= threshold;
    const sameReason = current.reports?.reasons?.[report.reason] ?? 0;
    const data: Record<string, unknown> = {
      'reports.count': count,
      [`reports.reasons.${report.reason}`]: sameReason + 1,
    };
    if (hide) Object.assign(data, { status: 'hidden', counted: null, 'reports.hiddenAt': report.createdAt });
    await tx.collection(COLLECTIONS.reviews).doc(reviewId).update({ data });
    if (hide) await recount(tx, current.courseId, current.counted, null);
    return { reportedAt: report.createdAt };
  });
}
