/**
 * `order.create`: one pending order per learner and course, with the payment object the mini-program opens the sheet
 * with; a free course is enrolled at once.
 */
import { AppError, type OrderCreateData, type OrderCreateParams } from '../contract';
import type { CourseDoc } from '../catalog/schema';
import { courseAccess, type GrantVia } from '../grants';
import { spendLimit } from '../limits';
import { findMany, getById, inTransaction, txGet } from '../db';
import {
  billBody,
  newOutTradeNo,
  orderId,
  toOrder,
  transitionEntry,
  type OrderDoc,
  type PreparedPayment,
} from './model';
import { RailError, type Payer } from './rail';
import { loadOrder, log, railOf, unavailable, type Caller, type OrderDeps } from './deps';
import { activate, grantedAfterCommit } from './grants';
import { reconcileOrUnavailable } from './settlement';
import { COLLECTIONS } from '../collections';

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
  await refuseOwnedForLife(deps, caller.openid, course._id);
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
    const settled = await reconcileOrUnavailable(deps, latest, 'order.create', true);
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

/** Where a course the learner already has for life came from, in the words of the refusal. */
const OWNED_FOR_LIFE: Record<GrantVia, string> = {
  purchase: '你已拥有这门课程',
  free: '你已拥有这门课程',
  redeem: '你已通过兑换码永久拥有这门课程',
  bundle: '你购买的专栏已包含这门课程',
  org: '你所在的机构已为你开通这门课程',
};

/**
 * Buying a course the learner can already open for life is refused (CONFLICT, naming the source); one that a
 * membership or seat opens for a while may be bought to keep for good (catalog.detail's `access` says which).
 */
async function refuseOwnedForLife(deps: OrderDeps, openid: string, courseId: string): Promise<void> {
  const { grants } = await courseAccess(deps.db, openid, courseId, deps.clock());
  const forLife = grants.find((g) => g.until === undefined);
  if (forLife) throw new AppError('CONFLICT', OWNED_FOR_LIFE[forLife.via]);
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
        const settled = await reconcileOrUnavailable(deps, order, 'order.create', false);
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

/** A free course: the zero-amount order and the learner's grant in one transaction. */
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
  if (enrolled) await grantedAfterCommit(deps, paid, { courseId: paid.courseId, category, paid: false });
  return (await loadOrder(deps.db, doc._id)) ?? paid;
}
