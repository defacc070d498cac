import * as sdk from 'wx-server-sdk';
import { initCloud, platformFunction } from '../../shared/entry';
import { cloudOrderDeps } from '../../shared/orders/cloud';
import { handlePayNotification, type NotifyReply } from '../../shared/orders';

const cloud = initCloud(sdk);

/**
 * The cloudPay result callback. `{ errcode: 0 }` only once the outcome is recorded; any failure answers non-zero so
 * the platform delivers again.
 */
export const main = platformFunction(cloud, 'push', async (event, context: { request_id?: string }, wx) => {
  const payload = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  try {
    return await handlePayNotification(await cloudOrderDeps(cloud, wx.ENV), payload);
  } catch (error) {
    console.error(`[payNotify ${context.request_id ?? '?'}] not handled, asking for a retry`, error);
    const reply: NotifyReply = { errcode: -1, errmsg: 'not handled, please retry' };
    return reply;
  }
});
