/**
 * The `wxpay` rail: cloudPay (WeChat Pay v2) through wx-server-sdk, with the order-shipping upload that releases the
 * funds (shipping.ts).
 */
import type { WxPayment } from '../../contract';
import { beijingStamp, parseBeijingStamp } from '../model';
import { RailError, type PaymentRail, type TradeState, type TradeStatus } from '../rail';
import type { ShippingUploader } from './shipping';

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
