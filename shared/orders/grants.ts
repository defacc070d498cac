/**
 * What an order does to the learner's grant: made active inside the transaction that pays the order, and, after the
 * commit, the course's learner count and the recommender's signal.
 */
import { courseGrantId, grantId, targetKey, termsEnd, type GrantDoc, type GrantVia } from '../grants';
import { txGet, type Transaction } from '../db';
import { orderTarget, type OrderDoc } from './model';
import { log, type EnrollmentSignals, type OrderDeps } from './deps';
import { COLLECTIONS } from '../collections';

/** A newly active grant of a course, for the recommender's signal. */
export interface Activation {
  courseId: string;
  category: string;
  paid: boolean;
}

/** The id of the grant the order pays for: the learner's own grant of the course, or their grant of the bundle. */
export function orderGrantId(order: OrderDoc): string {
  const target = orderTarget(order);
  return target.kind === 'course' ? courseGrantId(order._openid, target.id) : grantId(order._openid, 'bundle', target);
}

/** Inside a transaction: the grant the order pays for, as it is now. */
export async function orderGrant(tx: Transaction, order: OrderDoc): Promise<GrantDoc | null> {
  return txGet<GrantDoc>(tx, COLLECTIONS.grants, orderGrantId(order));
}

/** Whether the grant was given, or extended, by the order's payment. */
export function paidBy(grant: GrantDoc | null, orderId: string): boolean {
  return grant?.orderId === orderId || (grant?.terms?.some((t) => t.orderId === orderId) ?? false);
}

/**
 * Whether a payment of the order would duplicate the grant it pays for: a course or a 专栏 the learner already holds
 * for life. A membership is never duplicated: paying again extends it.
 */
export function duplicates(order: OrderDoc, grant: GrantDoc | null): boolean {
  if (grant?.status !== 'active' || paidBy(grant, order._id)) return false;
  return order.bundle?.kind !== 'membership';
}

/**
 * Inside a transaction: makes the grant the order pays for active (re-buying after a refund reactivates the same
 * document, keeping its first `createdAt`); a membership gains the order's term, from the later of the payment and
 * its current end. False if the order had already given it (or it was active already, for a course or 专栏). Only the
 * learner's own grant is written: the course's learner count is counted after the commit (countLearner).
 */
export async function activate(
  tx: Transaction,
  order: OrderDoc,
  via: Extract<GrantVia, 'purchase' | 'free' | 'bundle'>,
  at: string,
  paidAt: string = at,
): Promise<boolean> {
  const previous = await orderGrant(tx, order);
  const active = previous?.status === 'active';
  if (paidBy(previous, order._id) && active) return false;
  const target = orderTarget(order);
  const grant: Omit<GrantDoc, '_id'> = {
    _openid: order._openid,
    via,
    target: targetKey(target),
    ...(target.kind === 'course' ? { courseId: target.id } : { bundleId: target.id }),
    status: 'active',
    orderId: order._id,
    createdAt: previous?.createdAt ?? at,
  };
  const termDays = order.bundle?.termDays;
  if (order.bundle?.kind === 'membership' && termDays !== undefined) {
    const terms = [...(active ? (previous?.terms ?? []) : []), { orderId: order._id, days: termDays, paidAt }];
    grant.terms = terms;
    grant.until = termsEnd(terms);
  } else if (active) {
    return false;
  }
  await tx.collection(COLLECTIONS.grants).doc(orderGrantId(order)).set({ data: grant });
  return true;
}

/**
 * What a confirmed refund of the order leaves of the grant it paid for, or undefined when the order gave nothing
 * (a refunded duplicate or late payment): a course or 专栏 is revoked; a membership loses exactly the order's term,
 * and is revoked when none is left.
 */
export function afterRefund(grant: GrantDoc | null, orderId: string, at: string): Partial<GrantDoc> | undefined {
  if (grant?.status !== 'active' || !paidBy(grant, orderId)) return undefined;
  const terms = grant.terms?.filter((t) => t.orderId !== orderId) ?? [];
  const last = terms[terms.length - 1];
  if (last === undefined) return { status: 'revoked', revokedAt: at };
  return { terms, until: termsEnd(terms), orderId: last.orderId };
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
  await countLearner(deps, activation.courseId, 1);
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
