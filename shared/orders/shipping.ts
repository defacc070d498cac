/**
 * After an order is paid, the platform is told the course was delivered (the rail's `ship`; WeChat holds a payment's
 * funds until then). A refused upload is retried by the timer with backoff.
 */
import type { HistoryEntry, OrderDoc, OrderSource, ShippingInfo } from './model';
import { describeError, loadOrder, nextAttemptAfter, railOf, RETRY_CAP, withHistory, type OrderDeps } from './deps';
import { COLLECTIONS } from '../collections';

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
