/**
 * The one path of every pay callback and push. Each rail's notify (wxpay/notify.ts, xpay/notify.ts) reads its event
 * into a Notice; here the notice is recorded, checked with the platform and acted on, then acknowledged or a retry is
 * asked for. The event itself is never believed: it only says which order to look at.
 */
import type { OrderSource } from './model';
import { orderOfTrade, railOf, type OrderDeps } from './deps';
import { applyPlatformRefund } from './refunds';
import { fulfil, reconcilePending } from './settlement';
import { COLLECTIONS } from '../collections';

/** A platform event as its rail reads it: the order it names, and what it claims. */
export type Notice =
  | { kind: 'payment'; outTradeNo?: string; claimsPaid: boolean; summary: Record<string, unknown> }
  | { kind: 'refund'; outTradeNo?: string; outRefundNo?: string; summary: Record<string, unknown> };

/** A rail's answers: `ack` once the outcome is durably recorded, `retry` to be told again. */
export interface NoticeReplies<R> {
  ack: R;
  retry: R;
}

/** The few fields of a platform event worth keeping (`payEvents`), those of `keys` it has, in that order. */
export function eventSummary(event: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => event[key] !== undefined).map((key) => [key, event[key]]));
}

/**
 * Records a notice and acts on it: a payment notice is checked with the platform (checkPayment), a refund notice
 * applies a refund the platform made (applyPlatformRefund). Throws when the database or the platform fails, so the
 * caller answers with a failure and the platform retries.
 */
export async function handleNotice<R>(
  deps: OrderDeps,
  notice: Notice,
  source: OrderSource,
  replies: NoticeReplies<R>,
): Promise<R> {
  // Kept to be seen in the console; never believed.
  await deps.db.collection(COLLECTIONS.payEvents).add({
    data: { outTradeNo: notice.outTradeNo ?? null, receivedAt: deps.clock().toISOString(), event: notice.summary },
  });
  if (notice.kind === 'refund') {
    if (notice.outTradeNo) await applyPlatformRefund(deps, notice.outTradeNo, notice.outRefundNo, source);
    return replies.ack;
  }
  const handled = await checkPayment(deps, notice.outTradeNo, notice.claimsPaid, source);
  return handled ? replies.ack : replies.retry;
}

/**
 * Whether a payment notice is handled once checked with the platform: true when its outcome is durably recorded, or
 * nothing a retry could change; false when the event claims a payment the platform does not confirm yet (ask to be
 * told again; the timer also settles it).
 */
async function checkPayment(
  deps: OrderDeps,
  outTradeNo: string | undefined,
  claimsPaid: boolean,
  source: OrderSource,
): Promise<boolean> {
  if (!outTradeNo) return true;
  const order = await orderOfTrade(deps.db, outTradeNo);
  // Not our order: nothing a retry could change.
  if (!order) return true;
  if (order.status !== 'pending' && order.status !== 'closed') return true;
  const trade = await railOf(deps, order).query(order);
  if (trade.state === 'SUCCESS') {
    await fulfil(deps, order, trade, source);
    return true;
  }
  if (claimsPaid && (trade.state === 'NOTPAY' || trade.state === 'USERPAYING' || trade.state === 'NOTFOUND')) {
    return false;
  }
  // A pending order the platform closed is closed here (reconcilePending leaves a closed one as it is).
  await reconcilePending(deps, order, source, false);
  return true;
}
