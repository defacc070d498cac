/**
 * Reconciling an order with the platform, whose query alone decides: a pending order it reports paid, or a closed one
 * paid late, is fulfilled (honoured, or refunded by the system when it cannot be); one closed there is closed here.
 */
import { inTransaction, txGet } from '../db';
import { transitionEntry, type OrderDoc, type OrderSource, type RefundInfo } from './model';
import { RailError, type TradeStatus } from './rail';
import { loadOrder, log, railOf, transition, unavailable, withHistory, type OrderDeps } from './deps';
import { activate, duplicates, grantedAfterCommit, orderGrant } from './grants';
import { claimAfterPayment, releaseClaim } from './coupons';
import { readSold } from './sold';
import { advanceRefund } from './refunds';
import { uploadShipping } from './shipping';
import { COLLECTIONS } from '../collections';

/** The start of the reconcile window: the timer and order.get still ask the platform about orders from then on. */
export function reconcileSince(deps: OrderDeps): Date {
  return new Date(deps.clock().getTime() - deps.settings.reconcileWindowMinutes * 60_000);
}

/** reconcilePending(), turning a platform failure into UNAVAILABLE for a client action. */
export async function reconcileOrUnavailable(
  deps: OrderDeps,
  order: OrderDoc,
  source: OrderSource,
  close: boolean,
): Promise<OrderDoc> {
  try {
    return await reconcilePending(deps, order, source, close);
  } catch (error) {
    if (!(error instanceof RailError)) throw error;
    log(deps, `[orders] settling ${order._id} failed`, error.message);
    throw unavailable();
  }
}

/**
 * Asks the platform about a pending order and acts on the answer: paid → fulfil; closed at the platform → closed here;
 * with `close` (the order expired or is being replaced), a still unpaid one is closed at the platform first. Returns
 * the order as it is now. Throws RailError when the platform cannot be reached.
 */
export async function reconcilePending(
  deps: OrderDeps,
  order: OrderDoc,
  source: OrderSource,
  close: boolean,
): Promise<OrderDoc> {
  if (order.status !== 'pending') return order;
  const rail = railOf(deps, order);
  let trade = await rail.query(order);
  // A failed attempt (PAYERROR: the bank refused, the balance was short) leaves the trade payable, and the learner
  // pays again in the same sheet: the order stays pending like an unpaid one, and like one it is closed (at the
  // platform first, so no money can be taken for it afterwards) only when it expires or is replaced.
  if (close && (trade.state === 'NOTPAY' || trade.state === 'NOTFOUND' || trade.state === 'PAYERROR')) {
    if ((await rail.close(order)) === 'paid') trade = await rail.query(order);
    else trade = { state: 'CLOSED' };
  }
  if (trade.state === 'SUCCESS') return fulfil(deps, order, trade, source);
  if (trade.state === 'CLOSED' || trade.state === 'REVOKED' || trade.state === 'REFUND') {
    const at = deps.clock().toISOString();
    await transition(deps, order, 'closed', source, { closedAt: at }, `支付平台状态 ${trade.state}`);
    await releaseClaim(deps, order);
  }
  return (await loadOrder(deps.db, order._id)) ?? order;
}

/**
 * Asks the platform about an order closed here: a rail without a close at the platform (virtual payment) still takes
 * a payment in a sheet opened before, and its push may be lost. A payment found is fulfilled (honoured, or refunded
 * by the system when it cannot be). Throws RailError when the platform cannot be reached.
 */
export async function reconcileClosed(deps: OrderDeps, order: OrderDoc, source: OrderSource): Promise<OrderDoc> {
  if (order.status !== 'closed') return order;
  const trade = await railOf(deps, order).query(order);
  return trade.state === 'SUCCESS' ? fulfil(deps, order, trade, source) : order;
}

/** `mismatch`: failed and flagged for the operator (another merchant, or a wrong amount we cannot refund). */
type FulfilOutcome = 'fulfilled' | 'duplicate' | 'mismatch' | 'refunding';

/** What fulfilment's transaction did: what follows the commit depends on it. */
interface Fulfilment {
  outcome: FulfilOutcome;
  /** The learner's grant became active (counted and signalled after the commit). */
  enrolled: boolean;
}

/**
 * Records a payment the platform confirmed: in one transaction the order becomes paid and the grant active, or,
 * when the payment cannot be honoured, the order goes to `refunding`. Idempotent: an order already past `pending`/
 * `closed` is left as it is. Afterwards (outside the transaction) counts the learner on the course and starts the
 * system refund or the shipping upload.
 */
export async function fulfil(
  deps: OrderDeps,
  pending: OrderDoc,
  trade: TradeStatus,
  source: OrderSource,
): Promise<OrderDoc> {
  const { db } = deps;
  const id = pending._id;
  // Read before the transaction, which touches only the buyer's documents (the order, the grant, the coupon claim):
  // the course or bundle is everyone's, and a launch's concurrent fulfilments must not meet on it.
  const sold = await readSold(db, pending);
  const result = await inTransaction(db, async (tx): Promise<Fulfilment> => {
    const now = deps.clock();
    const at = now.toISOString();
    const order = await txGet<OrderDoc>(tx, COLLECTIONS.orders, id);
    if (!order) throw new Error(`order ${id} vanished`);
    if (order.status !== 'pending' && order.status !== 'closed') return { outcome: 'duplicate', enrolled: false };
    const orders = tx.collection(COLLECTIONS.orders).doc(id);
    const claim = await claimAfterPayment(tx, order, now);

    /** Ends the order `failed`, flagged for the operator; `note` tells the learner where to ask. */
    const failForOperator = async (reason: string, note: string): Promise<Fulfilment> => {
      const entry = transitionEntry(order.status, 'failed', at, source, reason);
      const attention = { reason, at };
      await orders.update({
        data: withHistory(db, { status: 'failed', note, attention, ...transactionOf(trade) }, [entry]),
      });
      await claim.settle('release');
      return { outcome: 'mismatch', enrolled: false };
    };
    // Paid to another merchant: the money is not ours, so neither is the refund.
    if (trade.merchantId !== order.merchantId) {
      return failForOperator(
        `收款商户 ${String(trade.merchantId)} 与订单商户 ${order.merchantId} 不符，款项未进入本平台`,
        `这笔付款没有付给本平台的商户，平台无法为你退款。请凭微信支付账单中的交易单号${trade.transactionId ? ` ${trade.transactionId} ` : ''}联系收款商户，或拨打微信支付客服电话 95017 查询。`,
      );
    }

    const paidAt = (trade.paidAt ?? now).toISOString();
    const paidEntry = transitionEntry(order.status, 'paid', at, source, `交易号 ${String(trade.transactionId)}`);
    const paidFields = { paidAt, ...transactionOf(trade), ...(trade.channel ? { payChannel: trade.channel } : {}) };
    // Only a second payment for the same grant is a duplicate: a course a membership opens may be bought as well.
    const grant = await orderGrant(tx, order);
    const late = order.status === 'closed' || new Date(paidAt) > new Date(order.expiresAt);
    const duplicate = duplicates(order, grant);
    // Another amount than the order's: refunded in full, as much as the platform says was paid, and no course given.
    const wrongAmount = trade.amountFen !== order.amountFen;
    const reason = wrongAmount
      ? `实付 ${yuan(trade.amountFen)} 与订单金额 ${yuan(order.amountFen)} 不符，已按实付金额自动退款`
      : duplicate
        ? '重复支付，已自动退款'
        : late && !sold.published
          ? `${sold.noun}已下架，已自动退款`
          : claim.taken
            ? '优惠券已被另一笔订单使用，这笔付款已自动退款'
            : undefined;
    const blocker = reason === undefined ? undefined : railOf(deps, order).refundBlocker({ ...order, ...paidFields });
    if (wrongAmount && (blocker || trade.amountFen === undefined)) {
      // Neither honoured (the price is not what was paid) nor refundable by us: the operator has to settle it.
      const found = trade.amountFen === undefined ? '支付平台未返回实付金额' : `实付 ${yuan(trade.amountFen)}`;
      return failForOperator(
        `${found}，与订单金额 ${yuan(order.amountFen)} 不符，无法自动退款`,
        blocker ?? '支付金额与订单不符，平台已记录，客服会联系你处理退款。',
      );
    }
    // Otherwise a payment the platform does not let us refund (Apple on iOS) is honoured instead of being left
    // `refunding` for ever: a withdrawn course is still given, a duplicate stays paid and says where to ask.
    if (reason && !blocker) {
      const refund: RefundInfo = {
        outRefundNo: `R${order.outTradeNo}`,
        reason,
        by: 'system',
        requestedAt: at,
        ...(wrongAmount ? { amountFen: trade.amountFen } : {}),
      };
      const entries = [paidEntry, transitionEntry('paid', 'refunding', at, source, reason)];
      await orders.update({
        data: withHistory(db, { ...paidFields, status: 'refunding', note: reason, refund }, entries),
      });
      await claim.settle('release');
      return { outcome: 'refunding', enrolled: false };
    }
    const shipping = deps.settings.shipping.upload ? { shipping: { status: 'pending', attempts: 0 } } : {};
    const note = duplicate ? { note: '重复支付：这笔款项平台无法退回，请向付款渠道（如苹果 App Store）申请退款' } : {};
    await orders.update({
      data: withHistory(db, { ...paidFields, ...shipping, ...note, status: 'paid' }, [paidEntry]),
    });
    await claim.settle('consume');
    const enrolled = await activate(tx, order, order.bundleId === undefined ? 'purchase' : 'bundle', at, paidAt);
    return { outcome: 'fulfilled', enrolled };
  });

  let order = (await loadOrder(db, id)) as OrderDoc;
  if (result.enrolled && order.courseId !== undefined) {
    await grantedAfterCommit(deps, order, { courseId: order.courseId, category: sold.category, paid: true });
  }
  if (result.outcome === 'refunding') order = await advanceRefund(deps, order, source);
  if (result.outcome === 'fulfilled' && order.shipping?.status === 'pending')
    order = await uploadShipping(deps, order, source);
  return order;
}

/** An amount for the learner: `¥99.00`. */
function yuan(fen: number | undefined): string {
  return fen === undefined ? '未知金额' : `¥${(fen / 100).toFixed(2)}`;
}

function transactionOf(trade: TradeStatus): { transactionId?: string } {
  return trade.transactionId === undefined ? {} : { transactionId: trade.transactionId };
}
