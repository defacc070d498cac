/**
 * The cloudPay result callback (delivered to the `payNotify` function), read into a payment notice and handled by
 * notices.ts. The callback claims a payment when its `resultCode` is SUCCESS; only the platform's query is believed.
 */
import type { OrderDeps } from '../deps';
import { eventSummary, handleNotice, type Notice, type NoticeReplies } from '../notices';

/** What the callback answers: `errcode: 0` only once the outcome is durably recorded. */
export interface NotifyReply {
  errcode: number;
  errmsg: string;
}

const REPLIES: NoticeReplies<NotifyReply> = {
  ack: { errcode: 0, errmsg: 'OK' },
  retry: { errcode: 1, errmsg: 'payment not confirmed by queryOrder yet' },
};

/** The callback fields kept in `payEvents`. */
const KEPT = ['returnCode', 'resultCode', 'outTradeNo', 'transactionId', 'totalFee', 'subMchId', 'timeEnd'];

function readNotice(event: Record<string, unknown>): Notice {
  return {
    kind: 'payment',
    outTradeNo: typeof event.outTradeNo === 'string' ? event.outTradeNo : undefined,
    claimsPaid: event.resultCode === 'SUCCESS',
    summary: eventSummary(event, KEPT),
  };
}

/** Handles one delivery of the cloudPay result callback. */
export async function handlePayNotification(deps: OrderDeps, event: Record<string, unknown>): Promise<NotifyReply> {
  return handleNotice(deps, readNotice(event), 'payNotify', REPLIES);
}
