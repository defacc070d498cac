/**
 * The virtual-payment message pushes (消息推送, pushed to the `xpayNotify` function; virtual-payment.html "消息推送",
 * virtual-payment-callback.md):
 *
 * - `xpay_goods_deliver_notify`: the learner paid. Never believed: `query_order` must confirm, then the order is
 *   fulfilled in one transaction. Any number of pushes give one grant, and every push of a handled order gets
 *   the same `{ ErrCode: 0, ErrMsg: 'success' }` (the platform requires the repeat to answer like the first).
 * - `xpay_refund_notify`: a refund finished, ours or one made outside the product (MP backend, Apple); the query
 *   decides, then the grant is revoked.
 * - `xpay_subscribe_ios_refund_query_notify`: Apple asks whether to refund an iOS purchase and waits at most 3 s;
 *   answered from our own records (grant, consumption as the refund policy counts it), without calling the
 *   platform.
 */
import type { GrantDoc } from '../../grants';
import { orderGrantId, paidBy } from '../grants';
import { openedLessonsText } from '../../learning/consumption';
import { getById } from '../../db';
import { beijingStamp, type OrderDoc } from '../model';
import { orderOfTrade, type OrderDeps } from '../deps';
import { eventSummary, handleNotice, type Notice, type NoticeReplies } from '../notices';
import { refundVerdict } from '../refunds';
import { COLLECTIONS } from '../../collections';

export const XPAY_EVENTS = {
  deliver: 'xpay_goods_deliver_notify',
  refund: 'xpay_refund_notify',
  iosRefundQuery: 'xpay_subscribe_ios_refund_query_notify',
} as const;

/** The reply the platform requires once a push is handled (the same for a repeated push). */
export interface XpayReply {
  ErrCode: number;
  ErrMsg: string;
}

export const XPAY_ACK: XpayReply = { ErrCode: 0, ErrMsg: 'success' };

const REPLIES: NoticeReplies<XpayReply> = {
  ack: XPAY_ACK,
  retry: { ErrCode: 1, ErrMsg: 'payment not confirmed by query_order yet' },
};

/** The answer to Apple's refund inquiry: 0 建议退款, 1 拒绝退款; `evidence` is required. */
export interface IosRefundAnswer {
  result_code: 0 | 1;
  result_info: string;
  evidence: string;
}

/** Apple waits 3 s; what is not decided by then is answered with IOS_UNDECIDED. */
export const IOS_ANSWER_BUDGET_MS = 2500;

export const IOS_UNDECIDED: IosRefundAnswer = {
  result_code: 0,
  result_info: '建议退款',
  evidence: '未能在时限内核实该订单的使用情况',
};

type Event = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A delivery or refund push as a notice; undefined for an event this product does not act on. */
function readNotice(event: Event): Notice | undefined {
  if (event.Event === XPAY_EVENTS.deliver) {
    return {
      kind: 'payment',
      outTradeNo: text(event.OutTradeNo),
      claimsPaid: true,
      summary: eventSummary(event, ['Event', 'OpenId', 'OutTradeNo', 'Env', 'GoodsInfo']),
    };
  }
  if (event.Event === XPAY_EVENTS.refund) {
    return {
      kind: 'refund',
      outTradeNo: text(event.MchOrderId),
      outRefundNo: text(event.MchRefundId),
      summary: eventSummary(event, ['Event', 'OpenId', 'MchOrderId', 'MchRefundId', 'RefundFee', 'RetCode', 'RetMsg']),
    };
  }
  return undefined;
}

/**
 * Handles one delivery or refund push. Throws when the database or the platform fails, so the function answers
 * with a non-zero ErrCode and the platform pushes again.
 */
export async function handleXpayPush(deps: OrderDeps, event: Event): Promise<XpayReply> {
  const notice = readNotice(event);
  // An event this product does not subscribe to: acknowledged so that it is not pushed again.
  if (!notice) return XPAY_ACK;
  return handleNotice(deps, notice, 'xpayNotify', REPLIES);
}

/** Resolves with `work`'s answer, or with `fallback` when it takes longer than `ms` or fails. */
export async function answerWithin<T>(ms: number, work: () => Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  const answer = work().catch((error: unknown) => {
    console.error('[xpayNotify] could not decide in time', error);
    return fallback;
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

function beijingTime(iso: string): string {
  const stamp = beijingStamp(new Date(iso));
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)} ${stamp.slice(8, 10)}:${stamp.slice(10, 12)}`;
}

/**
 * Decides Apple's refund inquiry from our records only (a few database reads, no platform call): a course never
 * unlocked, or unlocked but still inside our own refund policy, is "refund"; a course used beyond the policy is
 * "refuse", with when it was unlocked and how far the learner got as evidence. The inquiry and the answer are kept in
 * the order's history.
 */
export async function answerIosRefundQuery(
  deps: Pick<OrderDeps, 'db' | 'settings' | 'clock'>,
  event: Event,
): Promise<IosRefundAnswer> {
  const outTradeNo = text(event.pay_order_id) ?? text(event.OutTradeNo);
  const order = outTradeNo ? await orderOfTrade(deps.db, outTradeNo) : undefined;
  const answer = await decide(deps, order);
  if (order) {
    const at = deps.clock().toISOString();
    await deps.db
      .collection(COLLECTIONS.orders)
      .doc(order._id)
      .update({
        data: {
          history: deps.db.command.push([
            { at, source: 'xpayNotify', event: 'ios.refundQuery', detail: `${answer.result_info}：${answer.evidence}` },
          ]),
        },
      });
  }
  return answer;
}

async function decide(deps: Pick<OrderDeps, 'db' | 'settings' | 'clock'>, order: OrderDoc | undefined) {
  const refund = (evidence: string): IosRefundAnswer => ({ result_code: 0, result_info: '建议退款', evidence });
  if (!order) return refund('未找到该支付订单对应的课程订单，课程未发放');
  if (order.status !== 'paid' || !order.paidAt) return refund(`课程订单状态为 ${order.status}，课程未发放或已收回`);
  const grant = await getById<GrantDoc>(deps.db, COLLECTIONS.grants, orderGrantId(order));
  if (grant?.status !== 'active' || !paidBy(grant, order._id)) {
    return refund('该订单对应的课程权益未生效');
  }
  // The same policy as the learner's own refund, worded for Apple's reviewer.
  const { allowed, consumption, windowDays, maxProgressPercent } = await refundVerdict(deps, order);
  const opened =
    consumption.opened.length > 0
      ? `，支付后已打开付费课时${openedLessonsText(consumption.opened)}（占全部付费课时的 ${consumption.openedPercent}%）`
      : '';
  const used =
    `课程《${order.courseTitle}》已于 ${beijingTime(order.paidAt)}（北京时间）解锁，` +
    `学习进度 ${consumption.reportedPercent}%${opened}`;
  const lastStudied = consumption.lastActiveAt ? `，最近一次学习 ${beijingTime(consumption.lastActiveAt)}` : '';
  if (allowed) {
    return refund(`${used}，在本平台退款规则内（支付后 ${windowDays} 天内且进度低于 ${maxProgressPercent}%）`);
  }
  return {
    result_code: 1 as const,
    result_info: '拒绝退款',
    evidence: `${used}${lastStudied}，已超出本平台退款规则（支付后 ${windowDays} 天内且进度低于 ${maxProgressPercent}%）`,
  };
}
