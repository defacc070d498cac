/**
 * The order timer (`orderSweep`): whatever a callback, a push or a learner's get did not finish is finished here.
 */
import { found } from '../db';
import type { HistoryEntry, OrderDoc } from './model';
import { RailError } from './rail';
import { describeError, log, nextAttemptAfter, RETRY_CAP, withHistory, type OrderDeps } from './deps';
import { advanceRefund } from './refunds';
import { reconcileClosed, reconcilePending, reconcileSince } from './settlement';
import { uploadShipping } from './shipping';
import { COLLECTIONS } from '../collections';

/** How many orders of each kind one sweep handles, those due longest first; the next run takes the rest. */
export const SWEEP_BATCH = 100;

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
    found<OrderDoc>(
      db
        .collection(COLLECTIONS.orders)
        .where({ ...where, [dueField]: due })
        .orderBy(dueField, 'asc')
        .orderBy(thenBy, 'asc')
        .limit(SWEEP_BATCH),
    );
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
    orPostpone((order) => reconcilePending(deps, order, 'orderSweep', true)),
  );
  const since = reconcileSince(deps).toISOString();
  await each(
    await batch({ status: 'pending', expiresAt: _.gt(nowIso), createdAt: _.gte(since) }, 'nextAttemptAt', 'expiresAt'),
    'reconciled',
    orPostpone((order) => reconcilePending(deps, order, 'orderSweep', false)),
  );
  await each(
    await batch({ status: 'closed', expiresAt: _.gte(since) }, 'nextAttemptAt', 'expiresAt'),
    'reconciled',
    orPostpone((order) => reconcileClosed(deps, order, 'orderSweep')),
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
