/**
 * What an order does to the learner's enrollment: made active inside the transaction that pays the order, and, after
 * the commit, the course's learner count and the recommender's signal.
 */
import { activeEnrollment, enrollmentId, type EnrollmentDoc } from '../enrollments';
import { txGet, type Transaction } from '../db';
import type { OrderDoc } from './model';
import { log, type EnrollmentSignals, type OrderDeps } from './deps';
import { COLLECTIONS } from '../collections';

/** A newly active enrollment, for the recommender's signal. */
export interface Activation {
  courseId: string;
  category: string;
  paid: boolean;
}

/**
 * Inside a transaction: makes the learner's enrollment active for `order`; false if it already was. Only the
 * learner's own enrollment is written: the course's learner count is counted after the commit (countLearner).
 */
export async function activate(
  tx: Transaction,
  order: OrderDoc,
  source: EnrollmentDoc['source'],
  at: string,
): Promise<boolean> {
  const id = enrollmentId(order._openid, order.courseId);
  const previous = await txGet<EnrollmentDoc>(tx, COLLECTIONS.enrollments, id);
  if (previous?.status === 'active') return false;
  await tx
    .collection(COLLECTIONS.enrollments)
    .doc(id)
    .set({ data: activeEnrollment(order._openid, order.courseId, source, order._id, at, previous) });
  return true;
}

/**
 * The course's `learnerCount` moved by `delta` after the enrollment change committed: a commutative `inc` outside any
 * transaction, so a launch's hundreds of fulfilments never conflict on the course document. A lost increment (the
 * instance dies between the commit and this update, or the update fails) leaves the count off until the nightly
 * courseStats recount sets it from the active enrollments (README, "Learner counts"); it never fails the payment.
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

/** After an enrollment became active: the course's learner count, then the recommender's signal. */
export async function enrolledAfterCommit(deps: OrderDeps, order: OrderDoc, activation: Activation): Promise<void> {
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
