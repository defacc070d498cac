/** The 已退款 mark on a refunded learner's review, written by the refund itself. */
import { COLLECTIONS } from '../collections';
import { txGet, type Transaction } from '../db';
import { reviewId, type ReviewDoc } from './service';

/**
 * Inside the refund's transaction: marks the learner's review of the course `refunded`. Only the learner's own
 * document is written (a refund touches nothing shared); the next settling (`review.list` of the course, or the
 * nightly timer) takes its rating out of the summary, as after a console edit (./service.ts `settleModeration`).
 */
export async function markReviewRefunded(tx: Transaction, openid: string, courseId: string): Promise<void> {
  const id = reviewId(openid, courseId);
  const review = await txGet<ReviewDoc>(tx, COLLECTIONS.reviews, id);
  if (review === null || review.refunded) return;
  await tx
    .collection(COLLECTIONS.reviews)
    .doc(id)
    .update({ data: { refunded: true } });
}
