import * as cloud from 'wx-server-sdk';
import { err } from '../../shared/contract';
import { cloudOrderDeps, fromClient } from '../../shared/orders/cloud';
import { handlePayNotification, type NotifyReply } from '../../shared/orders/service';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/**
 * The cloudPay result callback. `{ errcode: 0 }` only once the outcome is recorded; any failure answers non-zero so
 * the platform delivers again.
 */
export async function main(event: unknown, context: { request_id?: string }) {
  const wx = cloud.getWXContext();
  if (fromClient(wx.SOURCE)) return err('FORBIDDEN', '无权调用');
  const payload = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  try {
    return await handlePayNotification(await cloudOrderDeps(cloud, wx.ENV), payload);
  } catch (error) {
    console.error(`[payNotify ${context.request_id ?? '?'}] not handled, asking for a retry`, error);
    const reply: NotifyReply = { errcode: -1, errmsg: 'not handled, please retry' };
    return reply;
  }
}
