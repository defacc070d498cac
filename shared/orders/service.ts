/**
 * The orders domain: create, get, list, refund, the pay callback and the timer's sweep, over one state machine
 * (model.ts) and any payment rail (rail.ts). Everything the platform gives (database, rail, clock, randomness,
 * settings) comes in as `OrderDeps`, so the same code runs in the functions and in tests with a fake clock.
 *
 * Rules kept here:
 * - a payment is believed only when the rail's query says so, for our amount and merchant;
 * - fulfilment (order paid + enrollment) is one transaction that reads the order first, so any number of
 *   concurrent deliveries give one enrollment; it writes only the buyer's own documents, and the course's shared
 *   `learnerCount` moves after the commit (countLearner), so buyers of one course never conflict;
 * - a learner has at most one pending order per course: the n-th order's `_id` is fixed, so concurrent creates
 *   collide and all answer with the same order;
 * - a paid order that cannot be honoured (already enrolled by another payment, a late payment for a course no longer
 *   sold, or a payment of another amount than the order's) is refunded by the system, in full as the platform's query
 *   reports it; a payment that reached another merchant is not ours to refund: the order fails, flagged for the
 *   operator (`attention`), and its note tells the learner where to ask.
 */
import {
  AppError,
  ORDER_LIST_DEFAULTS,
  REFUND_CONSUMPTION_RULE,
  REFUND_CONSUMPTION_TEXT,
  type OrderCreateData,
  type OrderCreateParams,
} from '../contract';
import type {
  Order,
  OrderListData,
  OrderListParams,
  OrderRefundParams,
  OrderStatus,
  RefundConsumption,
  RefundPolicy,
  RefundRefusalDetails,
} from '../contract';
import type { CourseDoc } from '../catalog/schema';
import { activeEnrollment, enrollmentId, getEnrollment, type EnrollmentDoc } from '../enrollments';
import { openedLessonsText, readConsumption } from '../learning/consumption';
import { spendLimit } from '../limits';
import type { AppSettings } from '../settings';
import { countWhere, findMany, getById, inTransaction, txGet, updated, type Database, type Transaction } from '../db';
import {
  billBody,
  newOutTradeNo,
  orderId,
  toOrder,
  transitionEntry,
  type HistoryEntry,
  type OrderDoc,
  type OrderSource,
  type PreparedPayment,
  type RefundInfo,
  type ShippingInfo,
} from './model';
import { RailError, type Payer, type PaymentRail, type Rails, type TradeStatus } from './rail';
import { COLLECTIONS } from '../collections';

/** How many orders of each kind one sweep handles, those due longest first; the next run takes the rest. */
export const SWEEP_BATCH = 100;
/**
 * Consecutive failures of a platform call after which the timer stops retrying a shipping upload (marked `failed`)
 * or flags a refund (`refund.needsAttention`, still retried with backoff).
 */
export const RETRY_CAP = 8;
/** The RailError operation of a refund the platform ended abnormally. */
const REFUND_ENDED = 'refundEnded';
/** The first retry waits one timer period; each further failure doubles the wait, up to a day. */
const FIRST_RETRY_MS = 5 * 60_000;
const LONGEST_RETRY_MS = 24 * 3600_000;

/** When the timer may try again after the `failures`-th consecutive failure at `now` (ISO-8601). */
export function nextAttemptAfter(now: Date, failures: number): string {
  const wait = Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), LONGEST_RETRY_MS);
  return new Date(now.getTime() + wait).toISOString();
}

export interface OrderDeps {
  db: Database;
  /** Each order is handled by the rail it was made on. */
  rails: Rails;
  settings: AppSettings;
  clock: () => Date;
  /** `bytes` random bytes as hex. */
  randomHex: (bytes: number) => string;
  /** The recommender's signals, sent after the change committed; failures are logged, not fatal. */
  signals?: EnrollmentSignals;
  log?: (message: string, detail?: unknown) => void;
}

export interface EnrollmentSignals {
  enrolled(openid: string, signal: { courseId: string; category: string; paid: boolean }, at: Date): Promise<void>;
  refunded(openid: string, courseId: string, at: Date): Promise<void>;
}

export interface Caller {
  openid: string;
  /** From the caller's context; the platform needs the payer's IP. */
  clientIp: string;
}

function log(deps: OrderDeps, message: string, detail?: unknown): void {
  (deps.log ?? console.error)(message, detail);
}

function unavailable(): AppError {
  return new AppError('UNAVAILABLE', '支付平台暂时无法访问，请稍后再试');
}

/** The rail an order was made on; RailError when this deployment no longer offers it (retried like an outage). */
function railOf(deps: OrderDeps, order: OrderDoc): PaymentRail {
  const rail = deps.rails[order.rail];
  if (!rail) throw new RailError(order.rail, 'this payment rail is not configured');
  return rail;
}

async function loadOrder(db: Database, id: string): Promise<OrderDoc | null> {
  return getById<OrderDoc>(db, COLLECTIONS.orders, id);
}

async function ownOrder(deps: OrderDeps, openid: string, id: string): Promise<OrderDoc> {
  const order = await loadOrder(deps.db, id);
  // Someone else's order is "not found": its existence is not the caller's business.
  if (!order || order._openid !== openid) throw new AppError('NOT_FOUND', '订单不存在');
  return order;
}

/** `$push` of history entries with the other fields set, in one update. */
function withHistory(db: Database, set: Record<string, unknown>, entries: HistoryEntry[]): Record<string, unknown> {
  return { ...set, history: db.command.push(entries) };
}

/**
 * Applies a guarded change outside a transaction: only if the order is still in the status it was read in. Callers
 * read the order again afterwards, so a change that lost the race needs no answer of its own.
 */
async function transition(
  deps: OrderDeps,
  order: OrderDoc,
  to: OrderStatus,
  source: OrderSource,
  set: Record<string, unknown> = {},
  detail?: string,
): Promise<void> {
  const at = deps.clock().toISOString();
  const entry = transitionEntry(order.status, to, at, source, detail);
  await deps.db
    .collection(COLLECTIONS.orders)
    .where({ _id: order._id, status: order.status })
    .update({ data: withHistory(deps.db, { ...set, status: to }, [entry]) });
}

// ---------------------------------------------------------------------------------------------------------------
// order.create

export async function createOrder(
  deps: OrderDeps,
  caller: Caller,
  params: OrderCreateParams,
): Promise<OrderCreateData> {
  const { db } = deps;
  const course = await getById<CourseDoc>(db, COLLECTIONS.courses, params.courseId);
  if (!course || course.status !== 'published') throw new AppError('NOT_FOUND', '课程不存在或已下架');
  const railName = params.rail ?? deps.settings.payRail;
  const free = course.priceFen === 0;
  const rail = deps.rails[railName];
  if (!free) {
    if (!rail) throw new AppError('FAILED_PRECONDITION', '暂不支持该支付方式');
    if (rail.merchantId === '') throw new AppError('FAILED_PRECONDITION', '商家尚未开通支付');
    if (railName === 'virtual' && !params.loginCode) {
      throw new AppError('INVALID_ARGUMENT', 'loginCode is required for the virtual rail');
    }
  }
  if ((await getEnrollment(db, caller.openid, course._id))?.status === 'active') {
    throw new AppError('CONFLICT', '你已拥有这门课程');
  }
  // Past every check of the request: from here a create may write an order or call the platform.
  await spendLimit(db, caller.openid, 'orderCreate', deps.clock());
  const payer: Payer = { openid: caller.openid, loginCode: params.loginCode };

  const [latest] = await findMany<OrderDoc>(
    db,
    COLLECTIONS.orders,
    { _openid: caller.openid, courseId: course._id },
    { orderBy: ['attempt', 'desc'], limit: 1 },
  );
  if (latest?.status === 'pending') {
    const current = latest.rail === railName && latest.amountFen === course.priceFen;
    if (current && deps.clock() < new Date(latest.expiresAt)) return pendingReply(deps, latest, payer);
    // Expired, or made for another rail or an old price: closed at the platform first (it may have been paid), so a
    // learner never pays twice nor pays what the course no longer costs.
    const settled = await settleOrFail(deps, latest, 'order.create', true);
    if (settled.status === 'paid') throw new AppError('CONFLICT', '你已拥有这门课程');
    if (settled.status === 'pending') throw new AppError('UNAVAILABLE', '上一笔订单正在支付中，请稍后再试');
  }

  const now = deps.clock();
  const attempt = (latest?.attempt ?? 0) + 1;
  const doc: OrderDoc = {
    _id: orderId(caller.openid, course._id, attempt),
    _openid: caller.openid,
    courseId: course._id,
    courseTitle: course.title,
    amountFen: course.priceFen,
    rail: railName,
    status: 'pending',
    attempt,
    outTradeNo: newOutTradeNo(now, deps.randomHex(7)),
    merchantId: rail?.merchantId ?? '',
    body: billBody(course.title),
    clientIp: caller.clientIp,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.settings.orderLifetimeMinutes * 60_000).toISOString(),
    history: [{ at: now.toISOString(), source: 'order.create', event: 'created' }],
  };
  if (free) return { order: toOrder(await enrolFree(deps, doc, course.category)) };

  try {
    await db.collection(COLLECTIONS.orders).add({ data: doc });
  } catch (error) {
    // Lost the race for this attempt's id: answer with the order that won.
    const winner = await loadOrder(db, doc._id);
    if (!winner) throw error;
    if (winner.status !== 'pending') return { order: toOrder(winner) };
    return pendingReply(deps, winner, payer);
  }
  return pendingReply(deps, doc, payer);
}

/** What an earlier prepay left on the order, if any. */
function preparedOf(order: OrderDoc): PreparedPayment | undefined {
  if (order.payment) return { payment: order.payment };
  if (order.virtualPayment) return { virtualPayment: order.virtualPayment };
  return undefined;
}

/**
 * A pending order with the payment object for it. The platform order is prepared on first need; preparing the same
 * order again gives the same result (cloudPay returns the same prepay order, a virtual offer is deterministic), so
 * concurrent callers agree. The payer's own part (the virtual rail's user signature) is added per call.
 */
async function pendingReply(deps: OrderDeps, order: OrderDoc, payer: Payer): Promise<OrderCreateData> {
  try {
    const rail = railOf(deps, order);
    let prepared: PreparedPayment | undefined = preparedOf(order);
    if (!prepared) {
      const prepaid = await rail.prepay(order);
      if (prepaid.kind === 'paid') {
        const settled = await settleOrFail(deps, order, 'order.create', false);
        return { order: toOrder(settled) };
      }
      prepared = prepaid.prepared;
      await deps.db
        .collection(COLLECTIONS.orders)
        .where({ _id: order._id, status: 'pending' })
        .update({ data: { ...prepared } });
    }
    return { order: toOrder(order), ...(await rail.checkout(prepared, payer)) };
  } catch (error) {
    if (!(error instanceof RailError)) throw error;
    log(deps, `[orders] preparing the payment of ${order._id} failed`, error.message);
    throw unavailable();
  }
}

/** A free course: the zero-amount order and the enrollment in one transaction. */
async function enrolFree(deps: OrderDeps, doc: OrderDoc, category: string): Promise<OrderDoc> {
  const at = doc.createdAt;
  const paid: OrderDoc = {
    ...doc,
    status: 'paid',
    paidAt: at,
    history: [...doc.history, transitionEntry('pending', 'paid', at, 'order.create', '免费课程')],
  };
  const enrolled = await inTransaction(deps.db, async (tx) => {
    if (await txGet<OrderDoc>(tx, COLLECTIONS.orders, doc._id)) return false;
    const { _id, ...data } = paid;
    await tx.collection(COLLECTIONS.orders).doc(_id).set({ data });
    return activate(tx, paid, 'free', at);
  });
  if (enrolled) await enrolledAfterCommit(deps, paid, { courseId: paid.courseId, category, paid: false });
  return (await loadOrder(deps.db, doc._id)) ?? paid;
}

/** A newly active enrollment, for the recommender's signal. */
interface Activation {
  courseId: string;
  category: string;
  paid: boolean;
}

/**
 * Inside a transaction: makes the learner's enrollment active for `order`; false if it already was. Only the
 * learner's own enrollment is written: the course's learner count is counted after the commit (countLearner).
 */
async function activate(
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
async function countLearner(deps: OrderDeps, courseId: string, delta: 1 | -1): Promise<void> {
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
async function enrolledAfterCommit(deps: OrderDeps, order: OrderDoc, activation: Activation): Promise<void> {
  await countLearner(deps, order.courseId, 1);
  await signal(deps, (signals) => signals.enrolled(order._openid, activation, deps.clock()));
}

/** Sends a recommender signal after the commit; a lost signal only makes recommendations staler. */
async function signal(deps: OrderDeps, send: (signals: EnrollmentSignals) => Promise<void>): Promise<void> {
  if (!deps.signals) return;
  try {
    await send(deps.signals);
  } catch (error) {
    log(deps, '[orders] recommender signal failed', error);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Settling with the platform

/** settle(), turning a platform failure into UNAVAILABLE for a client action. */
async function settleOrFail(deps: OrderDeps, order: OrderDoc, source: OrderSource, close: boolean): Promise<OrderDoc> {
  try {
    return await settle(deps, order, source, close);
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
export async function settle(deps: OrderDeps, order: OrderDoc, source: OrderSource, close: boolean): Promise<OrderDoc> {
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
  }
  return (await loadOrder(deps.db, order._id)) ?? order;
}

/**
 * Asks the platform about an order closed here: a rail without a close at the platform (virtual payment) still takes
 * a payment in a sheet opened before, and its push may be lost. A payment found is fulfilled (honoured, or refunded
 * by the system when it cannot be). Throws RailError when the platform cannot be reached.
 */
async function settleClosed(deps: OrderDeps, order: OrderDoc, source: OrderSource): Promise<OrderDoc> {
  if (order.status !== 'closed') return order;
  const trade = await railOf(deps, order).query(order);
  return trade.state === 'SUCCESS' ? fulfil(deps, order, trade, source) : order;
}

/** `mismatch`: failed and flagged for the operator (another merchant, or a wrong amount we cannot refund). */
type FulfilOutcome = 'fulfilled' | 'duplicate' | 'mismatch' | 'refunding';

/** What fulfilment's transaction did: what follows the commit depends on it. */
interface Fulfilment {
  outcome: FulfilOutcome;
  /** The learner's enrollment became active (counted and signalled after the commit). */
  enrolled: boolean;
}

/**
 * Records a payment the platform confirmed: in one transaction the order becomes paid and the enrollment active, or,
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
  // Read before the transaction, which touches only the buyer's documents (the order and the enrollment): the course
  // is everyone's, and a launch's concurrent fulfilments must not meet on it.
  const course = await getById<CourseDoc>(db, COLLECTIONS.courses, pending.courseId);
  const result = await inTransaction(db, async (tx): Promise<Fulfilment> => {
    const now = deps.clock();
    const at = now.toISOString();
    const order = await txGet<OrderDoc>(tx, COLLECTIONS.orders, id);
    if (!order) throw new Error(`order ${id} vanished`);
    if (order.status !== 'pending' && order.status !== 'closed') return { outcome: 'duplicate', enrolled: false };
    const orders = tx.collection(COLLECTIONS.orders).doc(id);

    /** Ends the order `failed`, flagged for the operator; `note` tells the learner where to ask. */
    const failForOperator = async (reason: string, note: string): Promise<Fulfilment> => {
      const entry = transitionEntry(order.status, 'failed', at, source, reason);
      const attention = { reason, at };
      await orders.update({
        data: withHistory(db, { status: 'failed', note, attention, ...transactionOf(trade) }, [entry]),
      });
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
    const enrollment = await txGet<EnrollmentDoc>(
      tx,
      COLLECTIONS.enrollments,
      enrollmentId(order._openid, order.courseId),
    );
    const late = order.status === 'closed' || new Date(paidAt) > new Date(order.expiresAt);
    const duplicate = enrollment?.status === 'active';
    // Another amount than the order's: refunded in full, as much as the platform says was paid, and no course given.
    const wrongAmount = trade.amountFen !== order.amountFen;
    const reason = wrongAmount
      ? `实付 ${yuan(trade.amountFen)} 与订单金额 ${yuan(order.amountFen)} 不符，已按实付金额自动退款`
      : duplicate
        ? '重复支付，已自动退款'
        : late && course?.status !== 'published'
          ? '课程已下架，已自动退款'
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
      return { outcome: 'refunding', enrolled: false };
    }
    const shipping = deps.settings.shipping.upload ? { shipping: { status: 'pending', attempts: 0 } } : {};
    const note = duplicate ? { note: '重复支付：这笔款项平台无法退回，请向付款渠道（如苹果 App Store）申请退款' } : {};
    await orders.update({
      data: withHistory(db, { ...paidFields, ...shipping, ...note, status: 'paid' }, [paidEntry]),
    });
    const enrolled = await activate(tx, order, 'paid', at);
    return { outcome: 'fulfilled', enrolled };
  });

  let order = (await loadOrder(db, id)) as OrderDoc;
  if (result.enrolled) {
    await enrolledAfterCommit(deps, order, { courseId: order.courseId, category: course?.category ?? '', paid: true });
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

// ---------------------------------------------------------------------------------------------------------------
// Shipping information

/**
 * Uploads the shipping information once; the outcome (and each failure) is recorded. A refused upload stays `pending`
 * and the timer retries it with backoff; after RETRY_CAP attempts it is `failed`, with the last error in the history
 * for the creator, and no longer retried.
 */
export async function uploadShipping(deps: OrderDeps, order: OrderDoc, source: OrderSource): Promise<OrderDoc> {
  const now = deps.clock();
  const at = now.toISOString();
  const attempts = (order.shipping?.attempts ?? 0) + 1;
  let shipping: ShippingInfo;
  let entry: HistoryEntry;
  try {
    await railOf(deps, order).ship(order, deps.settings.shipping.itemDesc, now);
    shipping = { status: 'uploaded', attempts, uploadedAt: at };
    entry = { at, source, event: 'shipping.uploaded' };
  } catch (error) {
    const reason = describeError(error);
    if (attempts >= RETRY_CAP) {
      shipping = { status: 'failed', attempts, lastError: reason };
      entry = { at, source, event: 'shipping.failed', detail: `${attempts} 次上传均失败，已停止自动重试：${reason}` };
    } else {
      shipping = { status: 'pending', attempts, lastError: reason, nextAttemptAt: nextAttemptAfter(now, attempts) };
      entry = { at, source, event: 'shipping.retry', detail: reason };
    }
  }
  // Replaced whole: an update merges objects, which would keep a former attempt's error or backoff.
  const set = { shipping: deps.db.command.set(shipping) };
  await deps.db
    .collection(COLLECTIONS.orders)
    .where({ _id: order._id, 'shipping.status': deps.db.command.neq('uploaded') })
    .update({ data: withHistory(deps.db, set, [entry]) });
  return (await loadOrder(deps.db, order._id)) ?? order;
}

function describeError(error: unknown): string {
  const e = error as { errCode?: unknown; errMsg?: unknown; message?: unknown } | null;
  const text = [e?.errCode, e?.errMsg ?? e?.message].filter((part) => part !== undefined).join(' ');
  return (text || String(error)).slice(0, 300);
}

// ---------------------------------------------------------------------------------------------------------------
// Refunds

/**
 * Moves a `refunding` order on: asks the platform for the refund (again, if it has none; the same refund number
 * makes that safe), and when the platform confirms it, marks the order refunded and revokes the enrollment in one
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
    const enrollmentKey = enrollmentId(order._openid, order.courseId);
    const enrollment = await txGet<EnrollmentDoc>(tx, COLLECTIONS.enrollments, enrollmentKey);
    // Only the enrollment this order paid for; a refunded duplicate payment leaves the learner's course alone.
    if (enrollment?.status !== 'active' || enrollment.orderId !== id) return null;
    await tx
      .collection(COLLECTIONS.enrollments)
      .doc(enrollmentKey)
      .update({ data: { status: 'revoked', revokedAt: at } });
    return order;
  });
  if (!revoked) return;
  await countLearner(deps, revoked.courseId, -1);
  await signal(deps, (signals) => signals.refunded(revoked._openid, revoked.courseId, deps.clock()));
}

/** The configured refund policy, as the learner is shown it. */
export function refundPolicy(settings: AppSettings): RefundPolicy {
  return {
    refundDays: settings.refund.windowDays,
    maxProgressPercent: settings.refund.maxProgressPercent,
    consumption: REFUND_CONSUMPTION_RULE,
    consumptionText: REFUND_CONSUMPTION_TEXT,
  };
}

/** Why the policy refuses a refund (and the consumption it counted), or undefined when it allows it. */
export async function refundRefusal(
  deps: OrderDeps,
  order: OrderDoc,
): Promise<{ message: string; consumption?: RefundConsumption } | undefined> {
  const policy = deps.settings.refund;
  if (order.amountFen === 0) return { message: '免费课程无需退款' };
  const paidAt = new Date(order.paidAt ?? order.createdAt);
  if (deps.clock().getTime() - paidAt.getTime() > policy.windowDays * 86_400_000) {
    return { message: `已超过支付后 ${policy.windowDays} 天的退款期限` };
  }
  // What the server handed out counts as well as what the devices reported (shared/learning/consumption.ts).
  const used = await readConsumption(deps.db, { openid: order._openid, courseId: order.courseId, orderId: order._id });
  if (used.percent < policy.maxProgressPercent) return undefined;
  const limit = `达到 ${policy.maxProgressPercent}% 后不支持退款`;
  const message =
    used.openedPercent >= used.reportedPercent
      ? `支付后已打开付费课时${openedLessonsText(used.opened)}，占全部付费课时的 ${used.openedPercent}%，${limit}`
      : `学习进度已达 ${used.reportedPercent}%，${limit}`;
  const { opened, ...figures } = used;
  return { message, consumption: { ...figures, openedLessons: opened } };
}

export async function requestRefund(deps: OrderDeps, openid: string, params: OrderRefundParams): Promise<Order> {
  const order = await ownOrder(deps, openid, params.orderId);
  if (order.status === 'refunding' || order.status === 'refunded') return toOrder(order);
  if (order.status !== 'paid') throw new AppError('FAILED_PRECONDITION', '该订单未支付，无需退款');
  await spendLimit(deps.db, openid, 'orderRefund', deps.clock());
  const refusal = await refundRefusal(deps, order);
  if (refusal) {
    const details: RefundRefusalDetails = { policy: refundPolicy(deps.settings) };
    if (refusal.consumption) details.consumption = refusal.consumption;
    throw new AppError('FAILED_PRECONDITION', refusal.message, details);
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

// ---------------------------------------------------------------------------------------------------------------
// order.get and order.list

/** Expired within the reconcile window (or not yet): a payment in a sheet opened in time may still surface. */
function recentlyPayable(deps: OrderDeps, order: OrderDoc): boolean {
  return new Date(order.expiresAt) >= reconcileSince(deps);
}

function reconcileSince(deps: OrderDeps): Date {
  return new Date(deps.clock().getTime() - deps.settings.reconcileWindowMinutes * 60_000);
}

/** `order.get` asks the platform about one order at most this often; gets in between answer with the stored order. */
export const PLATFORM_QUERY_INTERVAL_MS = 3000;

/**
 * Claims this get's platform query of `order`: `platformQueriedAt` moves to now only if the order is still in the
 * state read and was not queried within the interval, in one conditional update, so of any number of concurrent gets
 * (a mini-program polling on several devices, or a script) exactly one asks the platform.
 */
async function claimPlatformQuery(deps: OrderDeps, order: OrderDoc): Promise<boolean> {
  const _ = deps.db.command;
  const now = deps.clock();
  const before = new Date(now.getTime() - PLATFORM_QUERY_INTERVAL_MS).toISOString();
  const claimed = await updated(
    deps.db
      .collection(COLLECTIONS.orders)
      .where({ _id: order._id, status: order.status, platformQueriedAt: _.or(_.exists(false), _.lte(before)) })
      .update({ data: { platformQueriedAt: now.toISOString() } }),
  );
  return claimed === 1;
}

export async function getOrder(deps: OrderDeps, openid: string, id: string): Promise<Order> {
  let order = await ownOrder(deps, openid, id);
  // What a get asks the platform about an order in this state, if anything.
  const askPlatform: ((o: OrderDoc) => Promise<OrderDoc>) | undefined =
    order.status === 'pending'
      ? (o) => settle(deps, o, 'order.get', false)
      : order.status === 'refunding'
        ? (o) => advanceRefund(deps, o, 'order.get')
        : order.status === 'closed' && recentlyPayable(deps, order)
          ? (o) => settleClosed(deps, o, 'order.get')
          : undefined;
  if (!askPlatform) return toOrder(order);
  // Another get asked the platform just now (or the order moved on): the order as stored is the answer.
  if (!(await claimPlatformQuery(deps, order))) return toOrder((await loadOrder(deps.db, id)) ?? order);
  try {
    order = await askPlatform(order);
  } catch (error) {
    // The learner still sees the order; the timer settles it when the platform is back.
    if (!(error instanceof RailError)) throw error;
    log(deps, `[orders] settling ${id} on get failed`, error.message);
  }
  return toOrder(order);
}

export async function listOrders(deps: OrderDeps, openid: string, params: OrderListParams): Promise<OrderListData> {
  const page = params.page ?? ORDER_LIST_DEFAULTS.page;
  const pageSize = params.pageSize ?? ORDER_LIST_DEFAULTS.pageSize;
  // Equality on _openid [+ courseId [+ status]]: the owner_created and owner_course_status indexes.
  const where: Record<string, unknown> = { _openid: openid };
  if (params.courseId !== undefined) where.courseId = params.courseId;
  if (params.status !== undefined) where.status = params.status;
  const [docs, total] = await Promise.all([
    findMany<OrderDoc>(deps.db, COLLECTIONS.orders, where, {
      orderBy: ['createdAt', 'desc'],
      skip: (page - 1) * pageSize,
      limit: pageSize,
    }),
    countWhere(deps.db, COLLECTIONS.orders, where),
  ]);
  return { items: docs.map(toOrder), total, policy: refundPolicy(deps.settings) };
}

// ---------------------------------------------------------------------------------------------------------------
// The pay callback

/** What the callback answers: `errcode: 0` only once the outcome is durably recorded. */
export interface NotifyReply {
  errcode: number;
  errmsg: string;
}

const ACK: NotifyReply = { errcode: 0, errmsg: 'OK' };

/** The few event fields kept in `payEvents` (the event itself is never believed). */
function eventSummary(event: Record<string, unknown>): Record<string, unknown> {
  const keys = ['returnCode', 'resultCode', 'outTradeNo', 'transactionId', 'totalFee', 'subMchId', 'timeEnd'];
  return Object.fromEntries(keys.filter((key) => event[key] !== undefined).map((key) => [key, event[key]]));
}

/**
 * What a pay callback or push means once checked with the platform: `handled` (the outcome is durably recorded, or
 * nothing a retry could change), or `unconfirmed` (the event claims a payment the platform does not confirm yet: ask
 * to be told again; the timer also settles it). The event itself only says which order to look at. Throws when the
 * database or the platform fails, so the caller answers with a failure and the platform retries.
 */
export async function settleNotified(
  deps: OrderDeps,
  outTradeNo: string | undefined,
  claimsPaid: boolean,
  source: OrderSource,
): Promise<'handled' | 'unconfirmed'> {
  if (!outTradeNo) return 'handled';
  const [order] = await findMany<OrderDoc>(deps.db, COLLECTIONS.orders, { outTradeNo }, { limit: 1 });
  // Not our order: nothing a retry could change.
  if (!order) return 'handled';
  if (order.status !== 'pending' && order.status !== 'closed') return 'handled';
  const trade = await railOf(deps, order).query(order);
  if (trade.state === 'SUCCESS') {
    await fulfil(deps, order, trade, source);
    return 'handled';
  }
  if (claimsPaid && (trade.state === 'NOTPAY' || trade.state === 'USERPAYING' || trade.state === 'NOTFOUND')) {
    return 'unconfirmed';
  }
  if (order.status === 'pending') await settle(deps, order, source, false);
  return 'handled';
}

/** Keeps the few fields of a platform event worth seeing in the console (`payEvents`); never believed. */
export async function recordPayEvent(
  deps: OrderDeps,
  outTradeNo: string | undefined,
  summary: Record<string, unknown>,
): Promise<void> {
  await deps.db.collection(COLLECTIONS.payEvents).add({
    data: { outTradeNo: outTradeNo ?? null, receivedAt: deps.clock().toISOString(), event: summary },
  });
}

/** Handles one delivery of the cloudPay result callback. */
export async function handlePayNotification(deps: OrderDeps, event: Record<string, unknown>): Promise<NotifyReply> {
  const outTradeNo = typeof event.outTradeNo === 'string' ? event.outTradeNo : undefined;
  await recordPayEvent(deps, outTradeNo, eventSummary(event));
  const outcome = await settleNotified(deps, outTradeNo, event.resultCode === 'SUCCESS', 'payNotify');
  return outcome === 'handled' ? ACK : { errcode: 1, errmsg: 'payment not confirmed by queryOrder yet' };
}

/**
 * The platform says a paid order was refunded outside the product (the MP backend, or Apple on iOS): if its query
 * confirms the trade is refunded, the order moves through `refunding` to `refunded` and the enrollment it paid for is
 * revoked. A refund the product started itself is pushed on as usual. Returns the order as it is now.
 */
export async function settlePlatformRefund(
  deps: OrderDeps,
  outTradeNo: string,
  outRefundNo: string | undefined,
  source: OrderSource,
): Promise<OrderDoc | undefined> {
  const [order] = await findMany<OrderDoc>(deps.db, COLLECTIONS.orders, { outTradeNo }, { limit: 1 });
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

// ---------------------------------------------------------------------------------------------------------------
// The timer

export interface SweepReport {
  expired: number;
  reconciled: number;
  refunds: number;
  shipping: number;
  errors: number;
}

/**
 * After the timer failed to settle a pending or closed order, it looks at it again only after a backoff, so orders
 * that cannot settle now (the platform refuses, or their rail is no longer offered) leave room for the others.
 */
async function postpone(deps: OrderDeps, order: OrderDoc, reason: string): Promise<void> {
  const now = deps.clock();
  const failures = (order.sweepFailures ?? 0) + 1;
  const set = { sweepFailures: failures, nextAttemptAt: nextAttemptAfter(now, failures) };
  const entry: HistoryEntry = { at: now.toISOString(), source: 'orderSweep', event: 'sweep.retry', detail: reason };
  await deps.db
    .collection(COLLECTIONS.orders)
    .where({ _id: order._id, status: order.status })
    .update({ data: withHistory(deps.db, set, [entry]) });
}

/**
 * One run of the order timer: closes expired pending orders at the platform (a payment that beat the close is
 * fulfilled), reconciles recent pending ones, pushes unfinished refunds and retries shipping uploads. Each kind is
 * taken in batches, due longest first: an order never tried comes first, one that failed waits out its backoff
 * (`nextAttemptAt`), so orders that keep failing cannot crowd out the rest of the queue.
 */
export async function sweepOrders(deps: OrderDeps): Promise<SweepReport> {
  const { db } = deps;
  const _ = db.command;
  const now = deps.clock();
  const nowIso = now.toISOString();
  const report: SweepReport = { expired: 0, reconciled: 0, refunds: 0, shipping: 0, errors: 0 };
  /** Never tried (no `nextAttemptAt`), or its backoff is over. */
  const due = _.or(_.exists(false), _.lte(nowIso));
  /** The batch of one kind: `dueField` first (absent sorts first), then `thenBy`, both ascending. */
  const batch = async (where: Record<string, unknown>, dueField: string, thenBy: string) =>
    (
      (await db
        .collection(COLLECTIONS.orders)
        .where({ ...where, [dueField]: due })
        .orderBy(dueField, 'asc')
        .orderBy(thenBy, 'asc')
        .limit(SWEEP_BATCH)
        .get()) as unknown as { data: OrderDoc[] }
    ).data;
  const each = async (
    orders: OrderDoc[],
    key: keyof Omit<SweepReport, 'errors'>,
    run: (o: OrderDoc) => Promise<unknown>,
  ) => {
    for (const order of orders) {
      try {
        await run(order);
        report[key] += 1;
      } catch (error) {
        report.errors += 1;
        log(deps, `[orders] sweep of ${order._id} failed`, error instanceof RailError ? error.message : error);
      }
    }
  };
  /** Settling, postponed with backoff when it fails (refunds and shipping record their own failures). */
  const orPostpone = (run: (o: OrderDoc) => Promise<unknown>) => async (order: OrderDoc) => {
    try {
      await run(order);
    } catch (error) {
      await postpone(deps, order, describeError(error));
      throw error;
    }
  };
  await each(
    await batch({ status: 'pending', expiresAt: _.lte(nowIso) }, 'nextAttemptAt', 'expiresAt'),
    'expired',
    orPostpone((order) => settle(deps, order, 'orderSweep', true)),
  );
  const since = reconcileSince(deps).toISOString();
  await each(
    await batch({ status: 'pending', expiresAt: _.gt(nowIso), createdAt: _.gte(since) }, 'nextAttemptAt', 'expiresAt'),
    'reconciled',
    orPostpone((order) => settle(deps, order, 'orderSweep', false)),
  );
  await each(
    await batch({ status: 'closed', expiresAt: _.gte(since) }, 'nextAttemptAt', 'expiresAt'),
    'reconciled',
    orPostpone((order) => settleClosed(deps, order, 'orderSweep')),
  );
  await each(await batch({ status: 'refunding' }, 'refund.nextAttemptAt', 'refund.requestedAt'), 'refunds', (order) =>
    advanceRefund(deps, order, 'orderSweep'),
  );
  await each(
    // `failed` below the cap: left by the timer before it had a cap, when `failed` still meant "retry".
    await batch(
      { status: 'paid', 'shipping.status': _.in(['pending', 'failed']), 'shipping.attempts': _.lt(RETRY_CAP) },
      'shipping.nextAttemptAt',
      'paidAt',
    ),
    'shipping',
    (order) => uploadShipping(deps, order, 'orderSweep'),
  );
  return report;
}
