/**
 * What every order use case is given (`OrderDeps`: database, rails, settings, clock, randomness) and the few helpers
 * they share: reading an order, the guarded status change, the retry backoff.
 */
import { AppError, type OrderStatus } from '../contract';
import type { AppSettings } from '../settings';
import { findMany, getById, type Database } from '../db';
import { transitionEntry, type HistoryEntry, type OrderDoc, type OrderSource } from './model';
import { RailError, type PaymentRail, type Rails } from './rail';
import { COLLECTIONS } from '../collections';

/**
 * Consecutive failures of a platform call after which the timer stops retrying a shipping upload (marked `failed`)
 * or flags a refund (`refund.needsAttention`, still retried with backoff).
 */
export const RETRY_CAP = 8;
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

export function log(deps: OrderDeps, message: string, detail?: unknown): void {
  (deps.log ?? console.error)(message, detail);
}

export function unavailable(): AppError {
  return new AppError('UNAVAILABLE', '支付平台暂时无法访问，请稍后再试');
}

/** A failure in a few words for an order's history: the platform's code and message when it gave them. */
export function describeError(error: unknown): string {
  const e = error as { errCode?: unknown; errMsg?: unknown; message?: unknown } | null;
  const text = [e?.errCode, e?.errMsg ?? e?.message].filter((part) => part !== undefined).join(' ');
  return (text || String(error)).slice(0, 300);
}

/** The rail an order was made on; RailError when this deployment no longer offers it (retried like an outage). */
export function railOf(deps: OrderDeps, order: OrderDoc): PaymentRail {
  const rail = deps.rails[order.rail];
  if (!rail) throw new RailError(order.rail, 'this payment rail is not configured');
  return rail;
}

export async function loadOrder(db: Database, id: string): Promise<OrderDoc | null> {
  return getById<OrderDoc>(db, COLLECTIONS.orders, id);
}

/** The order of a platform trade number (ours, sent with the payment), if any. */
export async function orderOfTrade(db: Database, outTradeNo: string): Promise<OrderDoc | undefined> {
  const [order] = await findMany<OrderDoc>(db, COLLECTIONS.orders, { outTradeNo }, { limit: 1 });
  return order;
}

export async function ownOrder(deps: OrderDeps, openid: string, id: string): Promise<OrderDoc> {
  const order = await loadOrder(deps.db, id);
  // Someone else's order is "not found": its existence is not the caller's business.
  if (!order || order._openid !== openid) throw new AppError('NOT_FOUND', '订单不存在');
  return order;
}

/** `$push` of history entries with the other fields set, in one update. */
export function withHistory(
  db: Database,
  set: Record<string, unknown>,
  entries: HistoryEntry[],
): Record<string, unknown> {
  return { ...set, history: db.command.push(entries) };
}

/**
 * Applies a guarded change outside a transaction: only if the order is still in the status it was read in. Callers
 * read the order again afterwards, so a change that lost the race needs no answer of its own.
 */
export async function transition(
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
