import * as cloud from 'wx-server-sdk';
import { err } from '../../shared/contract';
import { cloudOrderDeps, fromClient } from '../../shared/orders/cloud';
import {
  answerIosRefundQuery,
  answerWithin,
  handleXpayPush,
  IOS_ANSWER_BUDGET_MS,
  IOS_UNDECIDED,
  XPAY_EVENTS,
  type XpayReply,
} from '../../shared/orders/xpay/notify';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/**
 * The virtual-payment message pushes (云开发 → 设置 → 其他设置 → 消息推送, mode 云函数, one entry per event). Delivery
 * and refund pushes answer `{ ErrCode: 0, ErrMsg: 'success' }` only once handled, anything else to be pushed again;
 * Apple's iOS refund inquiry is answered within 3 s.
 */
export async function main(event: unknown, context: { request_id?: string }) {
  const wx = cloud.getWXContext();
  if (fromClient(wx.SOURCE)) return err('FORBIDDEN', '无权调用');
  const payload = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  if (payload.Event === XPAY_EVENTS.iosRefundQuery) {
    return answerWithin(
      IOS_ANSWER_BUDGET_MS,
      async () => answerIosRefundQuery(await cloudOrderDeps(cloud, wx.ENV), payload),
      IOS_UNDECIDED,
    );
  }
  try {
    return await handleXpayPush(await cloudOrderDeps(cloud, wx.ENV), payload);
  } catch (error) {
    console.error(`[xpayNotify ${context.request_id ?? '?'}] not handled, asking for another push`, error);
    const reply: XpayReply = { ErrCode: -1, ErrMsg: 'not handled, please push again' };
    return reply;
  }
}
