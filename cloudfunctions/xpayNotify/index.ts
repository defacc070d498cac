import * as sdk from 'wx-server-sdk';
import { initCloud, platformFunction } from '../../shared/entry';
import { cloudOrderDeps } from '../../shared/orders/cloud';
import {
  answerIosRefundQuery,
  answerWithin,
  handleXpayPush,
  IOS_ANSWER_BUDGET_MS,
  IOS_UNDECIDED,
  XPAY_EVENTS,
  type XpayReply,
} from '../../shared/orders';

const cloud = initCloud(sdk);

/**
 * The virtual-payment message pushes (云开发 → 设置 → 其他设置 → 消息推送, mode 云函数, one entry per event). Delivery
 * and refund pushes answer `{ ErrCode: 0, ErrMsg: 'success' }` only once handled, anything else to be pushed again;
 * Apple's iOS refund inquiry is answered within 3 s.
 */
export const main = platformFunction(cloud, 'push', async (event, context: { request_id?: string }, wx) => {
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
});
