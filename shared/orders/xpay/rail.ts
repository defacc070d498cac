/**
 * The `virtual` rail: 小程序虚拟支付, item purchase (道具直购). One item per course, its id derived from the course id
 * and its price equal to the course price; the creator configures the items in the MP backend (README, "Virtual
 * payment"). The platform order only comes into being when the learner opens the sheet with our signed offer, so
 * `prepay` signs and nothing else; `query` is `/xpay/query_order`; there is no close API (an expired order is closed
 * here and a late payment is still honoured through the delivery push); refunds are `/xpay/refund_order`, whose
 * outcome is itself an order `query_order` answers for.
 */
import { AppError, VIRTUAL_PAYMENT_MODE } from '../../contract';
import { orderTarget, type OrderDoc, type RefundInfo } from '../model';
import { RailError, type PaymentRail, type RefundState, type TradeState, type TradeStatus } from '../rail';
import {
  WeChatApiError,
  WeChatTransportError,
  type WeChatApi,
  type XpayOrder,
  type XpayPath,
  type XpayReplies,
} from './client';
import { CLIENT_PAY_URI, goodsSignData, paySig, userSignature } from './sign';

export interface VirtualRailOptions {
  api: WeChatApi;
  offerId: string;
  env: 0 | 1;
  /** The AppKey of `env` (现网 and 沙箱 have different keys). */
  appKey: string;
  productIdPrefix: string;
}

/** `query_order` answers this (errmsg 数据不存在) for an order id it does not know. */
export const XPAY_NOT_FOUND = 268490002;
/** A refund of that id is still being started; the same call may be repeated. */
const XPAY_REFUND_IN_PROGRESS = 268490014;

export const IOS_REFUND_BLOCKER =
  '这笔订单是在 iPhone 上通过苹果 App Store 支付的，平台无法代为退款。请在 iPhone 的“设置 → Apple ID → 媒体与购买项目 → 查看账户 → 购买记录”中向苹果申请退款；苹果同意后，课程会自动退出、款项原路退回。';

/** The item (道具) id of a course: the prefix plus the course id, kept to the platform's `[0-9A-Za-z_-]{1,64}`. */
export function productIdOf(prefix: string, courseId: string): string {
  return `${prefix}${courseId}`.replace(/[^0-9A-Za-z_-]/g, '_').slice(0, 64);
}

/** Pay-order statuses of `query_order` as trade states. */
function tradeState(status: number): TradeState {
  if (status === 0 || status === 1) return 'NOTPAY';
  if (status >= 2 && status <= 4) return 'SUCCESS';
  // 7: a refund of the order failed, so the payment stands.
  if (status === 7) return 'SUCCESS';
  if (status === 6) return 'CLOSED';
  if (status === 5 || status >= 8) return 'REFUND';
  throw new RailError('query_order', `unknown order status ${status}`);
}

/** Refund-order statuses as refund states (assumed to follow the pay-order codes: 5/8 refunded, 7 failed). */
function refundState(status: number): RefundState {
  if (status === 5 || status === 8 || status === 9 || status === 10) return 'SUCCESS';
  if (status === 7) return 'FAILED';
  return 'PROCESSING';
}

export function virtualRail(options: VirtualRailOptions): PaymentRail {
  const { api, env, appKey } = options;
  const merchantId = options.offerId === '' ? '' : `${options.offerId}:${env}`;

  async function call<P extends XpayPath>(path: P, body: Record<string, unknown>): Promise<XpayReplies[P]> {
    try {
      return await api.xpay(path, body, appKey);
    } catch (error) {
      if (error instanceof WeChatTransportError || error instanceof WeChatApiError) {
        // The rail error names the operation; the cause names its own path only when it is another (the token's).
        const reason =
          error instanceof WeChatTransportError ? error.reason : `errcode ${error.errcode} ${error.errmsg}`;
        throw new RailError(path, error.path === path ? reason : error.message);
      }
      throw error;
    }
  }

  function failure(path: string, reply: { errcode?: number; errmsg?: string }): RailError {
    return new RailError(path, `errcode ${String(reply.errcode)} ${String(reply.errmsg ?? '')}`);
  }

  async function queryOrder(openid: string, orderId: string): Promise<XpayOrder | undefined> {
    const reply = await call('/xpay/query_order', { openid, env, order_id: orderId });
    if (reply.errcode === XPAY_NOT_FOUND) return undefined;
    if (reply.errcode || !reply.order) throw failure('/xpay/query_order', reply);
    return reply.order;
  }

  return {
    name: 'virtual',
    merchantId,

    async prepay(order) {
      const signData = goodsSignData({
        offerId: options.offerId,
        buyQuantity: 1,
        env,
        currencyType: 'CNY',
        // A discounted price or a bundle is its own registered item (shared/promo/virtual-items.ts), chosen at checkout.
        productId: order.productId ?? productIdOf(options.productIdPrefix, orderTarget(order).id),
        goodsPrice: order.amountFen,
        outTradeNo: order.outTradeNo,
        attach: order._id,
      });
      return {
        kind: 'payment',
        prepared: {
          virtualPayment: { signData, paySig: paySig(appKey, CLIENT_PAY_URI, signData), mode: VIRTUAL_PAYMENT_MODE },
        },
      };
    },

    async checkout(prepared, payer) {
      const offer = prepared.virtualPayment;
      if (!offer) throw new RailError('checkout', 'the order was not prepared for virtual payment');
      if (!payer.loginCode) throw new AppError('INVALID_ARGUMENT', 'loginCode is required for the virtual rail');
      let session;
      try {
        session = await api.codeToSession(payer.loginCode);
      } catch (error) {
        if (error instanceof WeChatApiError) {
          // 40029 invalid code, 40163 code been used, 40226 blocked: the learner needs a new wx.login.
          throw new AppError('UNAUTHENTICATED', '微信登录状态已失效，请重试');
        }
        if (error instanceof WeChatTransportError) throw new RailError('jscode2session', error.message);
        throw error;
      }
      if (session.openid !== payer.openid) throw new AppError('FORBIDDEN', '登录身份与当前用户不一致');
      // The session key signs here and goes no further: it is neither stored nor returned.
      return { virtualPayment: { ...offer, signature: userSignature(session.sessionKey, offer.signData) } };
    },

    async query(order) {
      const found = await queryOrder(order._openid, order.outTradeNo);
      if (!found) return { state: 'NOTFOUND' };
      const status: TradeStatus = {
        state: tradeState(found.status),
        amountFen: found.order_fee,
        // The offer is the one our AppKey signed for; the environment is what the platform says the order ran in.
        merchantId: `${options.offerId}:${found.env_type === 2 ? 1 : 0}`,
      };
      if (found.wx_order_id) status.transactionId = found.wx_order_id;
      if (found.paid_time) status.paidAt = new Date(found.paid_time * 1000);
      if (status.state === 'SUCCESS' || status.state === 'REFUND')
        status.channel = found.wxpay_order_id ? 'wxpay' : 'other';
      return status;
    },

    async close(order) {
      // No close API: once our order is closed nobody is offered it again; a payment that still comes is honoured.
      const trade = await this.query(order);
      return trade.state === 'SUCCESS' || trade.state === 'REFUND' ? 'paid' : 'closed';
    },

    async refund(order, refund) {
      const paid = await queryOrder(order._openid, order.outTradeNo);
      if (!paid) throw new RailError('/xpay/refund_order', `order ${order.outTradeNo} is unknown to the platform`);
      const learner = refund.by === 'learner';
      const reply = await call('/xpay/refund_order', {
        openid: order._openid,
        order_id: order.outTradeNo,
        refund_order_id: refund.outRefundNo,
        left_fee: paid.left_fee ?? paid.order_fee,
        refund_fee: refund.amountFen ?? order.amountFen,
        biz_meta: order._id,
        // 3 意愿问题 (the learner asked) / 5 其他原因; req_from 2 用户自己发起 / 3 其它.
        refund_reason: learner ? '3' : '5',
        req_from: learner ? '2' : '3',
        env,
      });
      if (reply.errcode && reply.errcode !== XPAY_REFUND_IN_PROGRESS) throw failure('/xpay/refund_order', reply);
    },

    async queryRefund(order, refund: RefundInfo) {
      const found = await queryOrder(order._openid, refund.outRefundNo);
      return found ? refundState(found.status) : 'NOTFOUND';
    },

    refundBlocker(order: OrderDoc) {
      return order.payChannel === 'other' ? IOS_REFUND_BLOCKER : undefined;
    },

    async ship(order) {
      const reply = await call('/xpay/notify_provide_goods', { order_id: order.outTradeNo, env });
      if (reply.errcode) throw failure('/xpay/notify_provide_goods', reply);
    },
  };
}
