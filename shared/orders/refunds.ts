/**
 * Refunds: the learner's request (`order.refund`) under the one refund policy (refundVerdict, which Apple's refund
 * inquiry answers from too), a refund the platform made on its own, and moving a `refunding` order on until the
 * platform confirms it and the grant it gave is revoked.
 */
import {
  AppError,
  REFUND_CONSUMPTION_RULE,
  REFUND_CONSUMPTION_TEXT,
  REFUND_COUPON_TEXT,
  type Order,
  type OrderRefundParams,
  type RefundPolicy,
  type RefundRefusalDetails,
} from '../contract';
import type { GrantDoc } from '../grants';
import { openedLessonsText, readBundleConsumption, readConsumption, type Consumption } from '../learning/consumption';
import { bundleCourses } from '../promo/bundle-courses';
import { spendLimit } from '../limits';
import type { AppSettings } from '../settings';
import { inTransaction, txGet } from '../db';
import { markReviewRefunded } from '../reviews/refunded';
import { toOrder, transitionEntry, type HistoryEntry, type OrderDoc, type OrderSource, type RefundInfo } from './model';
import { RailError } from './rail';
import {
  loadOrder,
  nextAttemptAfter,
  orderOfTrade,
  ownOrder,
  railOf,
  RETRY_CAP,
  transition,
  withHistory,
  type OrderDeps,
} from './deps';
import { afterRefund, countLearner, orderGrantId, signal } from './grants';
import { couponStillValid, giveClaimBack } from './coupons';
import { COLLECTIONS } from '../collections';

/** The RailError operation of a refund the platform ended abnormally. */
const REFUND_ENDED = 'refundEnded';

/** The configured refund policy, as the learner is shown it. */
export function refundPolicy(settings: AppSettings): RefundPolicy {
  return {
    refundDays: settings.refund.windowDays,
    maxProgressPercent: settings.refund.maxProgressPercent,
    consumption: REFUND_CONSUMPTION_RULE,
    consumptionText: REFUND_CONSUMPTION_TEXT,
    couponText: REFUND_COUPON_TEXT,
  };
}

/** What the refund policy says of a paid order, with the figures every answer about it cites. */
export interface RefundVerdict {
  /** Paid at most `windowDays` ago and consumed below `maxProgressPercent`. */
  allowed: boolean;
  /** Why not, when refused: past the refund window (checked first), or consumed up to the limit. */
  reason?: 'window' | 'consumption';
  /** How much of the course the learner consumed since the payment. */
  consumption: Consumption;
  windowDays: number;
  maxProgressPercent: number;
}

/**
 * The refund policy, the one place it is decided: the refund window counted from the payment, and the consumption
 * as shared/learning/consumption.ts counts it (what the server handed out as well as what the devices reported).
 */
export async function refundVerdict(
  deps: Pick<OrderDeps, 'db' | 'settings' | 'clock'>,
  order: OrderDoc,
): Promise<RefundVerdict> {
  const { windowDays, maxProgressPercent } = deps.settings.refund;
  const elapsed = deps.clock().getTime() - new Date(order.paidAt ?? order.createdAt).getTime();
  const consumption = await orderConsumption(deps, order);
  const figures = { consumption, windowDays, maxProgressPercent };
  if (elapsed > windowDays * 86_400_000) return { allowed: false, reason: 'window', ...figures };
  if (consumption.percent >= maxProgressPercent) return { allowed: false, reason: 'consumption', ...figures };
  return { allowed: true, ...figures };
}

/** How much of what the order bought the learner consumed since its payment: the course, or the bundle's courses. */
async function orderConsumption(deps: Pick<OrderDeps, 'db'>, order: OrderDoc): Promise<Consumption> {
  const purchase = { openid: order._openid, orderId: order._id };
  if (order.courseId !== undefined) return readConsumption(deps.db, { ...purchase, courseId: order.courseId });
  const bundleId = order.bundleId as string;
  const courseIds = (await bundleCourses(deps.db, [bundleId])).get(bundleId) ?? [];
  return readBundleConsumption(deps.db, { ...purchase, courseIds, paidAt: order.paidAt ?? order.createdAt });
}

/** A refusal by the policy in the learner's words. */
function refusalMessage(verdict: RefundVerdict): string {
  if (verdict.reason === 'window') return `已超过支付后 ${verdict.windowDays} 天的退款期限`;
  const used = verdict.consumption;
  const limit = `达到 ${verdict.maxProgressPercent}% 后不支持退款`;
  return used.openedPercent >= used.reportedPercent
    ? `支付后已打开付费课时${openedLessonsText(used.opened)}，占全部付费课时的 ${used.openedPercent}%，${limit}`
    : `学习进度已达 ${used.reportedPercent}%，${limit}`;
}

export async function requestRefund(deps: OrderDeps, openid: string, params: OrderRefundParams): Promise<Order> {
  const order = await ownOrder(deps, openid, params.orderId);
  if (order.status === 'refunding' || order.status === 'refunded') return toOrder(order);
  if (order.status !== 'paid') throw new AppError('FAILED_PRECONDITION', '该订单未支付，无需退款');
  await spendLimit(deps.db, openid, 'orderRefund', deps.clock());
  const details: RefundRefusalDetails = { policy: refundPolicy(deps.settings) };
  if (order.amountFen === 0) throw new AppError('FAILED_PRECONDITION', '免费课程无需退款', details);
  const verdict = await refundVerdict(deps, order);
  if (!verdict.allowed) {
    if (verdict.reason === 'consumption') {
      const { opened, ...figures } = verdict.consumption;
      details.consumption = { ...figures, openedLessons: opened };
    }
    throw new AppError('FAILED_PRECONDITION', refusalMessage(verdict), details);
  }
  // Not the policy but the rail (an Apple-paid order): the message says where to ask instead.
  const blocker = deps.rails[order.rail]?.refundBlocker(order);
  if (blocker) throw new AppError('FAILED_PRECONDITION', blocker);
  const at = deps.clock().toISOString();
  const refund: RefundInfo = {
    outRefundNo: `R${order.outTradeNo}`,
    reason: params.reason,
    by: 'learner',
    requestedAt: at,
  };
  await transition(deps, order, 'refunding', 'order.refund', { refund }, params.reason);
  const current = (await loadOrder(deps.db, order._id)) as OrderDoc;
  return toOrder(await advanceRefund(deps, current, 'order.refund'));
}

/**
 * The platform says a paid order was refunded outside the product (the MP backend, or Apple on iOS): if its query
 * confirms the trade is refunded, the order moves through `refunding` to `refunded` and the grant it paid for is
 * revoked. A refund the product started itself is pushed on as usual. Returns the order as it is now.
 */
export async function applyPlatformRefund(
  deps: OrderDeps,
  outTradeNo: string,
  outRefundNo: string | undefined,
  source: OrderSource,
): Promise<OrderDoc | undefined> {
  const order = await orderOfTrade(deps.db, outTradeNo);
  if (!order) return undefined;
  if (order.status === 'refunding') return advanceRefund(deps, order, source);
  if (order.status !== 'paid') return order;
  const trade = await railOf(deps, order).query(order);
  if (trade.state !== 'REFUND') return order;
  const at = deps.clock().toISOString();
  const reason = '已在支付平台退款';
  const refund: RefundInfo = {
    outRefundNo: outRefundNo ?? `R${order.outTradeNo}`,
    reason,
    by: 'platform',
    requestedAt: at,
  };
  await transition(deps, order, 'refunding', source, { refund, note: reason }, reason);
  await confirmRefund(deps, order._id, source);
  return (await loadOrder(deps.db, order._id)) ?? order;
}

/**
 * Moves a `refunding` order on: asks the platform for the refund (again, if it has none; the same refund number
 * makes that safe), and when the platform confirms it, marks the order refunded and revokes the grant it gave in one
 * transaction. Platform failures are recorded on the order and left for the timer, which retries with backoff; after
 * RETRY_CAP consecutive failures, or at once when the platform ended the refund abnormally, the refund is flagged
 * `needsAttention` (it stays `refunding` and is still retried).
 */
export async function advanceRefund(deps: OrderDeps, order: OrderDoc, source: OrderSource): Promise<OrderDoc> {
  const refund = order.refund;
  if (order.status !== 'refunding' || !refund) return order;
  try {
    const rail = railOf(deps, order);
    let state = await rail.queryRefund(order, refund);
    if (state === 'NOTFOUND' || state === 'FAILED') {
      await rail.refund(order, refund);
      state = await rail.queryRefund(order, refund);
    }
    // Ended abnormally (cloudPay's CHANGE or REFUNDCLOSE: the money could not go back the way it came) and not
    // restarted by asking again: only the merchant platform can settle it, so it is flagged at once.
    if (state === 'FAILED') throw new RailError(REFUND_ENDED, 'the platform ended the refund abnormally');
    if (state === 'SUCCESS') await confirmRefund(deps, order._id, source);
  } catch (error) {
    if (!(error instanceof RailError)) throw error;
    const now = deps.clock();
    const at = now.toISOString();
    const failures = (refund.failures ?? 0) + 1;
    const set: Record<string, unknown> = {
      'refund.lastError': error.message,
      'refund.failures': failures,
      'refund.nextAttemptAt': nextAttemptAfter(now, failures),
    };
    const entries: HistoryEntry[] = [{ at, source, event: 'refund.retry', detail: error.message }];
    const ended = error.operation === REFUND_ENDED;
    if (ended || failures >= RETRY_CAP) {
      set['refund.needsAttention'] = true;
      if (!refund.needsAttention) {
        const detail = ended
          ? `退款被支付平台异常关闭（如原路退回的银行卡已注销），需要在商户平台人工处理：${error.message}`
          : `退款连续 ${failures} 次未成功，需要人工处理：${error.message}`;
        entries.push({ at, source, event: 'refund.needsAttention', detail });
      }
    }
    await deps.db
      .collection(COLLECTIONS.orders)
      .where({ _id: order._id, status: 'refunding' })
      .update({ data: withHistory(deps.db, set, entries) });
  }
  return (await loadOrder(deps.db, order._id)) ?? order;
}

async function confirmRefund(deps: OrderDeps, id: string, source: OrderSource): Promise<void> {
  const { db } = deps;
  const stored = await loadOrder(db, id);
  // Read before the transaction: the coupon is everyone's; the claim given back is the learner's own.
  const couponValid = stored ? await couponStillValid(deps, stored) : false;
  const revoked = await inTransaction(db, async (tx) => {
    const order = await txGet<OrderDoc>(tx, COLLECTIONS.orders, id);
    if (!order || order.status !== 'refunding') return null;
    const at = deps.clock().toISOString();
    await tx
      .collection(COLLECTIONS.orders)
      .doc(id)
      .update({
        data: withHistory(db, { status: 'refunded', refundedAt: at }, [
          transitionEntry('refunding', 'refunded', at, source),
        ]),
      });
    await giveClaimBack(tx, order, couponValid, at);
    const grantKey = orderGrantId(order);
    const grant = await txGet<GrantDoc>(tx, COLLECTIONS.grants, grantKey);
    // Only what this order paid for: a refunded duplicate payment leaves the learner's course alone, and a refunded
    // membership term leaves the other terms.
    const change = afterRefund(grant, id, at);
    if (change === undefined) return null;
    await tx.collection(COLLECTIONS.grants).doc(grantKey).update({ data: change });
    if (change.status !== 'revoked') return null;
    // The learner no longer owns the course: their review stays, marked 已退款, and stops counting in the rating.
    if (order.courseId !== undefined) await markReviewRefunded(tx, order._openid, order.courseId);
    return order;
  });
  const courseId = revoked?.courseId;
  if (!revoked || courseId === undefined) return;
  await countLearner(deps, courseId, -1);
  await signal(deps, (signals) => signals.refunded(revoked._openid, courseId, deps.clock()));
}
