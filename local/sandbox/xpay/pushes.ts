/**
 * The message pushes to `xpayNotify`, as 云开发 → 消息推送 invokes it: the delivery of a paid order (repeated, late
 * or missing), the refund push when a refund completes, and Apple's iOS refund inquiry. Every push and what the
 * function answered is kept in `pushLog`.
 */
import { FunctionInvocationError, type FunctionHost } from '../../functions';
import { HttpError } from '../../server/http';
import { STATUS, type Json, type XpaySandboxOrder, type XpaySandboxRefund, type XpayState } from './state';

/** `TCB_SOURCE` of a message-push invocation (assumed: the real value is not documented). */
export const XPAY_PUSH_SOURCE = 'wx_msgpush';
/** The function the sandbox pushes to, as configured in 云开发 → 消息推送. */
export const XPAY_PUSH_FUNCTION = 'xpayNotify';

export type PushOutcome = { result: unknown } | { error: string };

function isAck(result: unknown): boolean {
  if (result === null || result === '' || result === 'success') return true;
  return typeof result === 'object' && (result as { ErrCode?: unknown }).ErrCode === 0;
}

export class XpayPushes {
  /** Every push and what the function answered, in order. */
  readonly pushLog: { event: Json; outcome: PushOutcome }[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly host: FunctionHost,
    private readonly state: XpayState,
  ) {}

  /** Waits for every push the sandbox started on its own (refund pushes). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** The delivery push of a paid order; any event can be pushed with `deliver`, so tests can forge one. */
  deliverEvent(order: XpaySandboxOrder): Json {
    const event: Json = {
      ToUserName: 'gh_localcloud0001',
      FromUserName: 'oWeChatOfficialPushOpenid000',
      CreateTime: this.state.seconds(),
      MsgType: 'event',
      Event: 'xpay_goods_deliver_notify',
      OpenId: order.openid,
      OutTradeNo: order.outTradeNo,
      Env: order.env,
      GoodsInfo: {
        ProductId: order.productId,
        Quantity: 1,
        OrigPrice: order.orderFee,
        ActualPrice: order.orderFee,
        Attach: order.attach,
      },
    };
    if (order.wxpayOrderId) {
      event.WeChatPayInfo = {
        MchOrderNo: order.wxOrderId,
        TransactionId: order.wxpayOrderId,
        PaidTime: order.paidTime,
      };
    }
    return event;
  }

  /** Pushes the delivery of a paid order `deliveries` times (late or repeated pushes). */
  async push(outTradeNo: string, options: { deliveries?: number; concurrent?: boolean } = {}): Promise<PushOutcome[]> {
    const order = this.state.orders.get(outTradeNo);
    if (!order) throw new HttpError(404, `no sandbox virtual-payment order ${outTradeNo}`);
    if (order.status === STATUS.created) throw new HttpError(409, `order ${outTradeNo} is not paid`);
    const deliveries = options.deliveries ?? 1;
    const once = async () => {
      const outcome = await this.deliver(this.deliverEvent(order));
      if ('result' in outcome && isAck(outcome.result) && order.status === STATUS.paid) {
        order.status = STATUS.delivered;
        order.provideTime = this.state.seconds();
      }
      return outcome;
    };
    if (options.concurrent) return Promise.all(Array.from({ length: deliveries }, once));
    const outcomes: PushOutcome[] = [];
    for (let i = 0; i < deliveries; i += 1) outcomes.push(await once());
    return outcomes;
  }

  /** Invokes the push function as the platform does. */
  async deliver(event: Json): Promise<PushOutcome> {
    let outcome: PushOutcome;
    try {
      outcome = { result: await this.host.invoke(XPAY_PUSH_FUNCTION, event, { source: XPAY_PUSH_SOURCE }) };
    } catch (error) {
      if (!(error instanceof FunctionInvocationError)) throw error;
      outcome = { error: error.message };
    }
    this.pushLog.push({ event, outcome });
    return outcome;
  }

  private refundEvent(refund: XpaySandboxRefund): Json {
    return {
      ToUserName: 'gh_localcloud0001',
      FromUserName: 'oWeChatOfficialPushOpenid000',
      CreateTime: this.state.seconds(),
      MsgType: 'event',
      Event: 'xpay_refund_notify',
      OpenId: refund.openid,
      WxRefundId: refund.wxOrderId,
      MchRefundId: refund.refundOrderId,
      WxOrderId: this.state.orders.get(refund.outTradeNo)?.wxOrderId,
      MchOrderId: refund.outTradeNo,
      RefundFee: refund.refundFee,
      RetCode: 0,
      RetMsg: '',
      RefundStartTimestamp: this.state.seconds(),
      RefundSuccTimestamp: this.state.seconds(),
      RetryTimes: 0,
    };
  }

  /** Pushes `xpay_refund_notify` of a completed refund without waiting (the platform does not wait either). */
  pushRefund(refund: XpaySandboxRefund): void {
    const pending = this.deliver(this.refundEvent(refund));
    this.inFlight.add(pending);
    void pending.finally(() => this.inFlight.delete(pending));
  }

  /** Apple's refund inquiry for an iOS order, and the function's answer. */
  async iosRefundQuery(outTradeNo: string): Promise<{ outcome: PushOutcome }> {
    const order = this.state.orders.get(outTradeNo);
    if (!order) throw new HttpError(404, `no sandbox virtual-payment order ${outTradeNo}`);
    const outcome = await this.deliver({
      CreateTime: this.state.seconds(),
      Event: 'xpay_subscribe_ios_refund_query_notify',
      FromUserName: '',
      MsgType: 'event',
      ToUserName: '',
      bundleid: 'com.tencent.xin',
      channel_bill: '',
      consumption_status: '0',
      order_time: String(order.paidTime ?? order.createTime),
      p_count: '1',
      pay_order_id: order.outTradeNo,
      product_id: order.productId,
      provide_status: order.status === STATUS.delivered ? '1' : '0',
      refund_request_reason: 'UNINTENDED_PURCHASE',
      refund_time: String(this.state.seconds()),
    });
    return { outcome };
  }
}
