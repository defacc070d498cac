/**
 * The 小程序虚拟支付 platform's records in the sandbox: orders and refunds, the learners' session keys and `wx.login`
 * codes, the access tokens, and the payment sheet that records a payment. The pushes a change triggers are sent by
 * the sandbox (./index.ts, ./pushes.ts). Modelled assumptions (not verifiable offline) are marked "assumed".
 */
import { randomBytes } from 'node:crypto';
import { CLIENT_PAY_URI, paySig, sameSignature, userSignature } from '../../../shared/orders/xpay/sign';
import { HttpError } from '../../server/http';

export const XPAY_SANDBOX_CONFIG = {
  appId: 'wxlocalcloudxpay01',
  appSecret: 'local-mp-app-secret',
  offerId: '1450000001',
  /** 现网 AppKey (env 0). */
  appKey: 'local-xpay-appkey-live',
  /** 沙箱 AppKey (env 1). */
  sandboxAppKey: 'local-xpay-appkey-sandbox',
  /** The env the sandbox seeds into settings/app. */
  env: 1 as 0 | 1,
};

/** Order statuses of query_order. */
export const STATUS = { created: 1, paid: 2, delivered: 4, refunded: 5 } as const;

export interface XpaySandboxOrder {
  outTradeNo: string;
  openid: string;
  env: 0 | 1;
  productId: string;
  /** What the order was made for (goodsPrice). */
  orderFee: number;
  attach: string;
  status: number;
  wxOrderId: string;
  /** Present when paid through WeChat Pay; Apple-paid (iOS) orders have none. */
  wxpayOrderId?: string;
  createTime: number;
  paidTime?: number;
  provideTime?: number;
  leftFee: number;
}

export interface XpaySandboxRefund {
  refundOrderId: string;
  outTradeNo: string;
  openid: string;
  refundFee: number;
  /** 1 processing, 5 refunded (assumed to follow the pay-order codes). */
  status: number;
  wxOrderId: string;
  by: 'api' | 'outside';
}

/** What `wx.requestVirtualPayment` takes. */
export interface SheetPayment {
  signData: string;
  paySig: string;
  signature: string;
  mode: string;
}

export interface XpayPayOptions {
  /** @default 'SUCCESS' */
  result?: 'SUCCESS' | 'CANCEL';
  /** `apple`: paid through Apple on iOS (no WeChat Pay transaction, not refundable by the developer). @default 'wxpay' */
  channel?: 'wxpay' | 'apple';
  /** Delivery pushes after the payment. @default 1 */
  deliveries?: number;
  /** @default false */
  concurrent?: boolean;
  /** Tamper: the amount the platform records, instead of signData's goodsPrice. */
  orderFee?: number;
}

/** A refusal of the payment sheet, as `wx.requestVirtualPayment` fails. */
export class XpaySheetError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(`${errCode} ${errMsg}`);
  }
}

export interface XpaySandboxOptions {
  /** When a refund completes: at once, or at `settleRefunds()`. @default 'immediately' */
  refunds?: 'immediately' | 'manual';
  clock?: () => Date;
}

export type Json = Record<string, unknown>;

export abstract class XpayState {
  readonly config = XPAY_SANDBOX_CONFIG;
  readonly orders = new Map<string, XpaySandboxOrder>();
  readonly refunds = new Map<string, XpaySandboxRefund>();
  refundMode: 'immediately' | 'manual';
  clock: () => Date;
  /** Tests: while true, every `/xpay/*` API answers a system error, as in an outage of the pay platform. */
  outage = false;
  private readonly sessionKeys = new Map<string, string>();
  private readonly codes = new Map<string, { openid: string; used: boolean }>();
  private readonly tokens = new Set<string>();
  private sequence = 0;

  constructor(options: XpaySandboxOptions = {}) {
    this.refundMode = options.refunds ?? 'immediately';
    this.clock = options.clock ?? (() => new Date());
  }

  /** Pushes `xpay_refund_notify` of a refund that just completed. */
  protected abstract pushRefund(refund: XpaySandboxRefund): void;

  /** The platform's clock in epoch seconds. */
  seconds(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  /** A new platform id: `prefix`, the time, a sequence number. */
  next(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${this.seconds()}${String(this.sequence).padStart(8, '0')}`;
  }

  appKey(env: 0 | 1): string {
    return env === 0 ? this.config.appKey : this.config.sandboxAppKey;
  }

  /** What `wx.login` gives the learner's mini-program: a one-time code for jscode2session. */
  login(openid: string): string {
    if (!this.sessionKeys.has(openid)) this.rotateSessionKey(openid);
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { openid, used: false });
    return code;
  }

  /** The learner's session key changes (it expired, or a new login replaced it): older signatures stop working. */
  rotateSessionKey(openid: string): void {
    this.sessionKeys.set(openid, randomBytes(16).toString('base64'));
  }

  /** The learner's current session key (tests that play the mini-program sign with it). */
  sessionKey(openid: string): string | undefined {
    return this.sessionKeys.get(openid);
  }

  /** Revokes every access token (as when one expires); the next `/xpay/*` call answers 40001. */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** A new access token (stable_token). */
  issueToken(): string {
    const token = randomBytes(24).toString('hex');
    this.tokens.add(token);
    return token;
  }

  tokenValid(token: string): boolean {
    return this.tokens.has(token);
  }

  /** The `wx.login` code `code`, once: its openid and session key, or why jscode2session refuses it. */
  redeemCode(code: string): { openid: string; sessionKey?: string } | 'invalid' | 'used' {
    const login = this.codes.get(code);
    if (!login) return 'invalid';
    if (login.used) return 'used';
    login.used = true;
    return { openid: login.openid, sessionKey: this.sessionKeys.get(login.openid) };
  }

  // ------------------------------------------------------------------------------------------------------------
  // The payment sheet

  /**
   * The learner pays with what `order.create` returned: checked and recorded. The paid order, which the sandbox then
   * pushes; none when the learner cancels.
   */
  protected acceptPayment(
    openid: string,
    payment: SheetPayment,
    options: XpayPayOptions,
  ): XpaySandboxOrder | undefined {
    if (payment.mode !== 'short_series_goods') throw new XpaySheetError(-15001, 'mode must be short_series_goods');
    let data: Json;
    try {
      data = JSON.parse(payment.signData) as Json;
    } catch {
      throw new XpaySheetError(-15001, 'signData is not JSON');
    }
    const env = data.env;
    if (env !== 0 && env !== 1) throw new XpaySheetError(-15001, 'field "env" must be 0 or 1');
    if (!sameSignature(paySig(this.appKey(env), CLIENT_PAY_URI, payment.signData), payment.paySig)) {
      throw new XpaySheetError(-15006, 'requestVirtualPayment:fail SIGNATURE_INVALID (paySig)');
    }
    const sessionKey = this.sessionKeys.get(openid);
    if (!sessionKey || !sameSignature(userSignature(sessionKey, payment.signData), payment.signature)) {
      throw new XpaySheetError(-15005, 'requestVirtualPayment:fail SIGNATURE_INVALID');
    }
    const problem = this.offerProblem(data);
    if (problem) throw new XpaySheetError(-15001, problem);
    const outTradeNo = String(data.outTradeNo);
    let order = this.orders.get(outTradeNo);
    if (order && (order.openid !== openid || order.orderFee !== data.goodsPrice)) {
      throw new XpaySheetError(-15001, 'outTradeNo 已被使用');
    }
    if (order && order.status !== STATUS.created) throw new XpaySheetError(-15001, '订单已支付或已关闭');
    if (!order) {
      order = {
        outTradeNo,
        openid,
        env,
        productId: String(data.productId),
        orderFee: options.orderFee ?? Number(data.goodsPrice),
        attach: String(data.attach ?? ''),
        status: STATUS.created,
        wxOrderId: this.next('wxo'),
        createTime: this.seconds(),
        leftFee: 0,
      };
      this.orders.set(outTradeNo, order);
    }
    if ((options.result ?? 'SUCCESS') === 'CANCEL') return undefined;
    order.status = STATUS.paid;
    order.paidTime = this.seconds();
    order.leftFee = order.orderFee;
    if ((options.channel ?? 'wxpay') === 'wxpay') order.wxpayOrderId = this.next('4200');
    return order;
  }

  private offerProblem(data: Json): string | undefined {
    if (data.offerId !== this.config.offerId) return `offerId ${String(data.offerId)} is not this mini-program's`;
    if (data.currencyType !== 'CNY') return 'currencyType must be CNY';
    if (data.buyQuantity !== 1) return 'buyQuantity must be 1';
    if (!(Number.isInteger(data.goodsPrice) && (data.goodsPrice as number) > 0)) return 'goodsPrice must be > 0';
    if (typeof data.productId !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(data.productId)) return 'bad productId';
    if (typeof data.outTradeNo !== 'string' || !/^[0-9A-Za-z_\-|*@]{1,32}$/.test(data.outTradeNo)) {
      return 'bad outTradeNo';
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Refunds

  /** A refund completes: the order's balance goes down, and the refund is pushed. */
  completeRefund(refund: XpaySandboxRefund): void {
    const order = this.orders.get(refund.outTradeNo);
    refund.status = STATUS.refunded;
    if (order) {
      order.leftFee -= refund.refundFee;
      if (order.leftFee <= 0) order.status = STATUS.refunded;
    }
    this.pushRefund(refund);
  }

  /** Completes every refund still processing (with `refunds: 'manual'`). */
  settleRefunds(): void {
    for (const refund of this.refunds.values()) if (refund.status !== STATUS.refunded) this.completeRefund(refund);
  }

  /** A refund made outside the product (the creator in the MP backend, or Apple approving an iOS refund). */
  refundOutside(outTradeNo: string): XpaySandboxRefund {
    const order = this.orders.get(outTradeNo);
    if (!order || order.leftFee <= 0) throw new HttpError(409, `order ${outTradeNo} has nothing to refund`);
    const refund: XpaySandboxRefund = {
      refundOrderId: this.next('MPR'),
      outTradeNo,
      openid: order.openid,
      refundFee: order.leftFee,
      status: 1,
      wxOrderId: this.next('wxr'),
      by: 'outside',
    };
    this.refunds.set(refund.refundOrderId, refund);
    this.completeRefund(refund);
    return refund;
  }
}
