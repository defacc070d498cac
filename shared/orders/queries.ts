/**
 * `order.get` and `order.list`: the learner's own orders. A get of an order still in motion (pending, refunding, or
 * closed within the reconcile window) asks the platform about it first, at most every PLATFORM_QUERY_INTERVAL_MS.
 */
import { ORDER_LIST_DEFAULTS, type Order, type OrderListData, type OrderListParams } from '../contract';
import { countWhere, findMany, updated } from '../db';
import { toOrder, type OrderDoc } from './model';
import { RailError } from './rail';
import { loadOrder, log, ownOrder, type OrderDeps } from './deps';
import { advanceRefund, refundPolicy } from './refunds';
import { reconcileClosed, reconcilePending, reconcileSince } from './settlement';
import { COLLECTIONS } from '../collections';

/** Expired within the reconcile window (or not yet): a payment in a sheet opened in time may still surface. */
function recentlyPayable(deps: OrderDeps, order: OrderDoc): boolean {
  return new Date(order.expiresAt) >= reconcileSince(deps);
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
      ? (o) => reconcilePending(deps, o, 'order.get', false)
      : order.status === 'refunding'
        ? (o) => advanceRefund(deps, o, 'order.get')
        : order.status === 'closed' && recentlyPayable(deps, order)
          ? (o) => reconcileClosed(deps, o, 'order.get')
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
  // Equality on _openid [+ courseId [+ status] | + bundleId]: the owner_created, owner_course_status and
  // owner_bundle_attempt indexes.
  const where: Record<string, unknown> = { _openid: openid };
  if (params.courseId !== undefined) where.courseId = params.courseId;
  if (params.bundleId !== undefined) where.bundleId = params.bundleId;
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
