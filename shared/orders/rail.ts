/**
 * A payment rail as the order state machine sees it. `wxpay` (cloudPay, WeChat Pay v2) is implemented here; the
 * virtual-payment rail (xpay/rail.ts) implements the same interface, so the state machine does not change.
 */
import type { OrderCreateData, PayRail, WxPayment } from '../contract';
import { beijingStamp, parseBeijingStamp, type OrderDoc, type PreparedPayment, type RefundInfo } from './model';
import type { ShippingUploader } from './shipping';

/** The platform could not be reached or refused in a way worth retrying later. */
export class RailError extends Error {
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(`${operation}: ${message}`);
    this.name = 'RailError';
  }
}

export type TradeState =
  | 'SUCCESS'
  | 'REFUND'
  | 'NOTPAY'
  | 'CLOSED'
  | 'REVOKED'
  | 'USERPAYING'
  | 'PAYERROR'
  /** The platform has no such trade. */
  | 'NOTFOUND';

/** What the platform says about one trade. */
export interface TradeStatus {
  state: TradeState;
  amountFen?: number;
  merchantId?: string;
  transactionId?: string;
  paidAt?: Date;
  /** How the learner paid, when the rail can tell: through WeChat Pay, or another channel (Apple on iOS). */
  channel?: 'wxpay' | 'other';
}

export type RefundState = 'SUCCESS' | 'PROCESSING' | 'FAILED' | 'NOTFOUND';

/** Who is about to pay, as the client call tells it. */
export interface Payer {
  openid: string;
  /** A fresh `wx.login` code, for rails that sign per learner. */
  loginCode?: string;
}

/** What the client gets to open the payment sheet. */
export type ClientPayment = Pick<OrderCreateData, 'payment' | 'virtualPayment'>;

export interface PaymentRail {
  readonly name: PayRail;
  /** Whom the money goes to (merchant number, or offer and environment); recorded on the order and checked. */
  readonly merchantId: string;
  /**
   * Creates (or, with the same order, repeats) the platform order and returns what is stored on the order for it;
   * `paid` if the platform says it is already paid. The same order gives the same result.
   */
  prepay(order: OrderDoc): Promise<{ kind: 'payment'; prepared: PreparedPayment } | { kind: 'paid' }>;
  /** The client's payment object for a prepared order, adding what belongs to this payer (a user signature). */
  checkout(prepared: PreparedPayment, payer: Payer): Promise<ClientPayment>;
  query(order: OrderDoc): Promise<TradeStatus>;
  /** `paid`: too late to close, the learner has paid. */
  close(order: OrderDoc): Promise<'closed' | 'paid'>;
  /**
   * Asks for a full refund of what was paid (`refund.amountFen ?? order.amountFen`); idempotent per
   * `refund.outRefundNo`.
   */
  refund(order: OrderDoc, refund: RefundInfo): Promise<void>;
  queryRefund(order: OrderDoc, refund: RefundInfo): Promise<RefundState>;
  /** Why the platform cannot refund this paid order, in words for the learner; undefined when it can. */
  refundBlocker(order: OrderDoc): string | undefined;
  /** Tells the platform the course was delivered (rejects with the platform's reason). */
  ship(order: OrderDoc, itemDesc: string, at: Date): Promise<void>;
}

/** The rails a deployment offers: cloudPay always exists in CloudBase; virtual payment only once configured. */
export interface Rails {
  wxpay: PaymentRail;
  virtual?: PaymentRail;
}

type Reply = Record<string, unknown>;

/** cloudPay as wx-server-sdk exposes it (untyped there): camelCase in, camelCase out, FAIL not thrown. */
export interface CloudPayApi {
  unifiedOrder(params: Reply): Promise<Reply>;
  queryOrder(params: Reply): Promise<Reply>;
  closeOrder(params: Reply): Promise<Reply>;
  refund(params: Reply): Promise<Reply>;
  queryRefund(params: Reply): Promise<Reply>;
}

export interface WxPayRailOptions {
  cloudPay: CloudPayApi;
  /** The merchant number (商户号) from settings; empty = paid courses cannot be sold on this rail. */
  merchantId: string;
  /** The order-shipping upload that releases the funds. */
  shipping: ShippingUploader;
  /** The full environment id, from the function's context (the callback never fires with an alias). */
  envId: string;
  /** The function the platform calls with the result. */
  callbackFunction: string;
  nonce: () => string;
}

const TRADE_STATES: readonly string[] = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'];

/** Calls cloudPay and turns a transport failure or `returnCode: FAIL` into a RailError. */
async function call(operation: string, run: () => Promise<Reply>): Promise<Reply> {
  let reply: Reply;
  try {
    reply = await run();
  } catch (error) {
    throw new RailError(operation, (error as { errMsg?: string }).errMsg ?? String(error));
  }
  if (reply.returnCode !== 'SUCCESS') {
    throw new RailError(operation, `returnCode ${String(reply.returnCode)}: ${String(reply.returnMsg ?? '')}`);
  }
  return reply;
}

/**
 * The WeChat Pay `err_code` of a `resultCode: FAIL` reply. wx-server-sdk 4.0.2 overwrites the camelCased `errCode`
 * with its own `0` (`{ ...result, errCode: 0 }`), so the code itself never reaches the function; what survives is
 * `errCodeDes`, WeChat Pay's fixed description of the code, which is matched here.
 */
export function failCode(reply: Reply): string {
  if (typeof reply.errCode === 'string' && reply.errCode !== '') return reply.errCode;
  const description = String(reply.errCodeDes ?? '');
  for (const [code, pattern] of KNOWN_FAILURES) if (pattern.test(description)) return code;
  return 'UNKNOWN';
}

const KNOWN_FAILURES: readonly [string, RegExp][] = [
  ['REFUNDNOTEXIST', /退款订单查询失败|退款单不存在/],
  ['ORDERNOTEXIST', /不存在/],
  ['ORDERPAID', /已支付/],
  ['ORDERCLOSED', /已关闭/],
];

function failure(operation: string, reply: Reply): RailError {
  return new RailError(operation, `resultCode FAIL ${failCode(reply)} ${String(reply.errCodeDes ?? '')}`);
}

export function wxPayRail(options: WxPayRailOptions): PaymentRail {
  const { cloudPay, envId } = options;
  return {
    name: 'wxpay',
    merchantId: options.merchantId,

    async prepay(order) {
      const reply = await call('unifiedOrder', () =>
        cloudPay.unifiedOrder({
          body: order.body,
          outTradeNo: order.outTradeNo,
          spbillCreateIp: order.clientIp,
          subMchId: order.merchantId,
          totalFee: order.amountFen,
          envId,
          functionName: options.callbackFunction,
          nonceStr: options.nonce(),
          tradeType: 'JSAPI',
          timeStart: beijingStamp(new Date(order.createdAt)),
          timeExpire: beijingStamp(new Date(order.expiresAt)),
        }),
      );
      if (reply.resultCode !== 'SUCCESS') {
        if (failCode(reply) === 'ORDERPAID') return { kind: 'paid' };
        throw failure('unifiedOrder', reply);
      }
      const payment = reply.payment as WxPayment | undefined;
      if (!payment || typeof payment.package !== 'string') throw new RailError('unifiedOrder', 'no payment in reply');
      return { kind: 'payment', prepared: { payment } };
    },

    async checkout(prepared) {
      if (!prepared.payment) throw new RailError('checkout', 'the order was not prepared for cloudPay');
      return { payment: prepared.payment };
    },

    async query(order) {
      const reply = await call('queryOrder', () =>
        cloudPay.queryOrder({ subMchId: order.merchantId, outTradeNo: order.outTradeNo, nonceStr: options.nonce() }),
      );
      if (reply.resultCode !== 'SUCCESS') {
        if (failCode(reply) === 'ORDERNOTEXIST') return { state: 'NOTFOUND' };
        throw failure('queryOrder', reply);
      }
      const state = String(reply.tradeState);
      if (!TRADE_STATES.includes(state)) throw new RailError('queryOrder', `unknown tradeState ${state}`);
      const status: TradeStatus = { state: state as TradeState };
      if (typeof reply.totalFee === 'number') status.amountFen = reply.totalFee;
      const merchant = reply.subMchId ?? reply.mchId;
      if (typeof merchant === 'string') status.merchantId = merchant;
      if (typeof reply.transactionId === 'string') status.transactionId = reply.transactionId;
      if (state === 'SUCCESS' || state === 'REFUND') status.channel = 'wxpay';
      const paidAt = parseBeijingStamp(reply.timeEnd);
      if (paidAt) status.paidAt = paidAt;
      return status;
    },

    async close(order) {
      const reply = await call('closeOrder', () =>
        cloudPay.closeOrder({ subMchId: order.merchantId, outTradeNo: order.outTradeNo, nonceStr: options.nonce() }),
      );
      if (reply.resultCode === 'SUCCESS') return 'closed';
      const code = failCode(reply);
      if (code === 'ORDERPAID') return 'paid';
      // Already closed, or never reached the platform: either way nobody can pay it.
      if (code === 'ORDERCLOSED' || code === 'ORDERNOTEXIST') return 'closed';
      throw failure('closeOrder', reply);
    },

    async refund(order, refund) {
      // total_fee is what the trade took, which is what is refunded: the order's amount, or the other amount a
      // mismatched payment took (refund.amountFen).
      const paidFen = refund.amountFen ?? order.amountFen;
      const reply = await call('refund', () =>
        cloudPay.refund({
          subMchId: order.merchantId,
          outTradeNo: order.outTradeNo,
          outRefundNo: refund.outRefundNo,
          totalFee: paidFen,
          refundFee: paidFen,
          refundDesc: refund.reason.slice(0, 80),
          nonceStr: options.nonce(),
        }),
      );
      if (reply.resultCode !== 'SUCCESS') throw failure('refund', reply);
    },

    async queryRefund(order, refund) {
      const reply = await call('queryRefund', () =>
        cloudPay.queryRefund({
          subMchId: order.merchantId,
          outRefundNo: refund.outRefundNo,
          nonceStr: options.nonce(),
        }),
      );
      if (reply.resultCode !== 'SUCCESS') {
        if (failCode(reply) === 'REFUNDNOTEXIST') return 'NOTFOUND';
        throw failure('queryRefund', reply);
      }
      const status = String(reply.refundStatus_0);
      if (status === 'SUCCESS') return 'SUCCESS';
      if (status === 'PROCESSING') return 'PROCESSING';
      return 'FAILED';
    },

    refundBlocker() {
      return undefined;
    },

    ship(order, itemDesc, at) {
      return options.shipping.upload(order, itemDesc, at);
    },
  };
}
