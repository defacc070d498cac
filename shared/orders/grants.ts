/**
 * What an order does to the learner's grant: made active inside the transaction that pays the order, and, after the
 * commit, the course's learner count and the recommender's signal.
 */
import { courseGrantId, type GrantDoc } from '../grants';
import { txGet, type Transaction } from '../db';
import type { OrderDoc } from './model';
import { log, type EnrollmentSignals, type OrderDeps } from './deps';
import { COLLECTIONS } from '../collections';

/** A newly active grant of a course, for the recommender's signal. */
export interface Activation {
  courseId: string;
  category: string;
  paid: boolean;
}

/** The learner's own grant of the order's course: the one a second payment for it duplicates. */
export async function ownCourseGrant(tx: Transaction, order: OrderDoc): Promise<GrantDoc | null> {
  return txGet<GrantDoc>(tx, COLLECTIONS.grants, courseGrantId(order._openid, order.courseId));
}

/**
 * Inside a transaction: makes the learner's own grant of the course active for `order` (re-buying after a refund
 * reactivates the same document, keeping its first `createdAt`); false if it already was. Only the learner's own
 * grant is written: the course's learner count is counted after the commit (countLearner).
 */
export async function activate(
  tx: Transaction,
  order: OrderDoc,
  via: Extract<GrantDoc['via'], 'purchase' | 'free'>,
  at: string,
): Promise<boolean> {
  const previous = await ownCourseGrant(tx, order);
  if (previous?.status === 'active') return false;
  const grant: Omit<GrantDoc, '_id'> = {
    _openid: order._openid,
    via,
    target: `course:${order.courseId}`,
    courseId: order.courseId,
    status: 'active',
    orderId: order._id,
    createdAt: previous?.createdAt ?? at,
  };
  await tx.collection(COLLECTIONS.grants).doc(courseGrantId(order._openid, order.courseId)).set({ data: grant });
  return true;
}

/**
 * The course's `learnerCount` moved by `delta` after the grant change committed: a commutative `inc` outside any
 * transaction, so a launch's hundreds of fulfilments never conflict on the course document. A lost increment (the
 * instance dies between the commit and this update, or the update fails) leaves the count off until the nightly
 * courseStats recount sets it from the active grants (README, "Learner counts"); it never fails the payment.
 */
export async function countLearner(deps: OrderDeps, courseId: string, delta: 1 | -1): Promise<void> {
  try {
    await deps.db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { learnerCount: deps.db.command.inc(delta) } });
  } catch (error) {
    log(deps, `[orders] learnerCount of ${courseId} not updated (the nightly recount corrects it)`, error);
  }
}

/** After a grant of a course became active: the course's learner count, then the recommender's signal. */
export async function grantedAfterCommit(deps: OrderDeps, order: OrderDoc, activation: Activation): Promise<void> {
  await countLearner(deps, order.courseId, 1);
  await signal(deps, (signals) => signals.enrolled(order._openid, activation, deps.clock()));
}

/** Sends a recommender signal after the commit; a lost signal only makes recommendations staler. */
export async function signal(deps: OrderDeps, send: (signals: EnrollmentSignals) => Promise<void>): Promise<void> {
  if (!deps.signals) return;
  try {
    await send(deps.signals);
  } catch (error) {
    log(deps, '[orders] recommender signal failed', error);
  }
}
