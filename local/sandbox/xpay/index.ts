/**
 * The 小程序虚拟支付 sandbox of the local cloud. It plays three parts:
 *
 * - the WeChat server APIs the functions call over HTTP, under `<cloud>/sandbox/xpay/api` (what WECHAT_API_BASE_URL
 *   points at): `POST /cgi-bin/stable_token`, `GET /sns/jscode2session`, `POST /xpay/query_order`,
 *   `/xpay/refund_order`, `/xpay/notify_provide_goods`. Every `/xpay/*` call must carry a valid access token and a
 *   `pay_sig` over `uri&body` with the AppKey of the body's `env`, or it is refused as the platform does (40001,
 *   268490003 签名错误);
 * - the payment sheet: `POST /sandbox/xpay/pay` (or `pay()`) takes what `wx.requestVirtualPayment` takes and checks
 *   `paySig` (over `requestVirtualPayment&signData`, else -15006) and the learner's `signature` (with their current
 *   session key, else -15005), then records the payment and pushes `xpay_goods_deliver_notify` any number of times;
 * - the message pushes to `xpayNotify`: deliveries repeated, late (`POST /sandbox/xpay/push`) or missing
 *   (`deliveries: 0`), refund pushes when a refund completes, refunds made outside the product, and Apple's iOS
 *   refund inquiry.
 *
 * `POST /sandbox/xpay/login` gives a `wx.login` code for an openid (what the mini-program would get).
 * Modelled assumptions (not verifiable offline) are marked "assumed" below.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLIENT_PAY_URI, paySig, sameSignature, userSignature } from '../../../shared/orders/xpay/sign';
import { XPAY_ENV_VARS } from '../../../shared/orders/xpay/config';
import type { LocalCloud } from '../../cloud';
import { FunctionInvocationError, type FunctionHost } from '../../functions';
import type { CloudPart } from '../../parts';
import { HttpError, parseJsonObject, readBody, sendJson } from '../../server/http';

/** `TCB_SOURCE` of a message-push invocation (assumed: the real value is not documented). */
export const XPAY_PUSH_SOURCE = 'wx_msgpush';
/** The function the sandbox pushes to, as configured in 云开发 → 消息推送. */
export const XPAY_PUSH_FUNCTION = 'xpayNotify';

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
const STATUS = { created: 1, paid: 2, delivered: 4, refunded: 5 } as const;

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

export type PushOutcome = { result: unknown } | { error: string };

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

type Json = Record<string, unknown>;

const SIGNATURE_ERROR = { errcode: 268490003, errmsg: '签名错误' };
const notFound = (errmsg = '数据不存在'): Json => ({ errcode: 268490002, errmsg });

function isAck(result: unknown): boolean {
  if (result === null || result === '' || result === 'success') return true;
  return typeof result === 'object' && (result as { ErrCode?: unknown }).ErrCode === 0;
}

export class XpaySandbox {
  readonly config = XPAY_SANDBOX_CONFIG;
  readonly orders = new Map<string, XpaySandboxOrder>();
  readonly refunds = new Map<string, XpaySandboxRefund>();
  /** Every push and what the function answered, in order. */
  readonly pushLog: { event: Json; outcome: PushOutcome }[] = [];
  refundMode: 'immediately' | 'manual';
  clock: () => Date;
  /** Tests: while true, every `/xpay/*` API answers a system error, as in an outage of the pay platform. */
  outage = false;
  private readonly sessionKeys = new Map<string, string>();
  private readonly codes = new Map<string, { openid: string; used: boolean }>();
  private readonly tokens = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private sequence = 0;

  constructor(
    private readonly host: FunctionHost,
    options: XpaySandboxOptions = {},
  ) {
    this.refundMode = options.refunds ?? 'immediately';
    this.clock = options.clock ?? (() => new Date());
  }

  private seconds(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  private next(prefix: string): string {
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

  /** Waits for every push the sandbox started on its own (refund pushes). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  // ------------------------------------------------------------------------------------------------------------
  // The payment sheet

  /** The learner pays with what `order.create` returned: checked, recorded, then pushed `deliveries` times. */
  async pay(openid: string, payment: SheetPayment, options: XpayPayOptions = {}): Promise<PushOutcome[]> {
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
    if ((options.result ?? 'SUCCESS') === 'CANCEL') return [];
    order.status = STATUS.paid;
    order.paidTime = this.seconds();
    order.leftFee = order.orderFee;
    if ((options.channel ?? 'wxpay') === 'wxpay') order.wxpayOrderId = this.next('4200');
    return this.push(outTradeNo, { deliveries: options.deliveries, concurrent: options.concurrent });
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
  // Pushes

  /** The delivery push of a paid order; any event can be pushed with `deliver`, so tests can forge one. */
  deliverEvent(order: XpaySandboxOrder): Json {
    const event: Json = {
      ToUserName: 'gh_localcloud0001',
      FromUserName: 'oWeChatOfficialPushOpenid000',
      CreateTime: this.seconds(),
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
    const order = this.orders.get(outTradeNo);
    if (!order) throw new HttpError(404, `no sandbox virtual-payment order ${outTradeNo}`);
    if (order.status === STATUS.created) throw new HttpError(409, `order ${outTradeNo} is not paid`);
    const deliveries = options.deliveries ?? 1;
    const once = async () => {
      const outcome = await this.deliver(this.deliverEvent(order));
      if ('result' in outcome && isAck(outcome.result) && order.status === STATUS.paid) {
        order.status = STATUS.delivered;
        order.provideTime = this.seconds();
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
      CreateTime: this.seconds(),
      MsgType: 'event',
      Event: 'xpay_refund_notify',
      OpenId: refund.openid,
      WxRefundId: refund.wxOrderId,
      MchRefundId: refund.refundOrderId,
      WxOrderId: this.orders.get(refund.outTradeNo)?.wxOrderId,
      MchOrderId: refund.outTradeNo,
      RefundFee: refund.refundFee,
      RetCode: 0,
      RetMsg: '',
      RefundStartTimestamp: this.seconds(),
      RefundSuccTimestamp: this.seconds(),
      RetryTimes: 0,
    };
  }

  /** Pushes `xpay_refund_notify` of a completed refund without waiting (the platform does not wait either). */
  private pushRefund(refund: XpaySandboxRefund): void {
    const pending = this.deliver(this.refundEvent(refund));
    this.inFlight.add(pending);
    void pending.finally(() => this.inFlight.delete(pending));
  }

  private complete(refund: XpaySandboxRefund): void {
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
    for (const refund of this.refunds.values()) if (refund.status !== STATUS.refunded) this.complete(refund);
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
    this.complete(refund);
    return refund;
  }

  /** Apple's refund inquiry for an iOS order, and the function's answer. */
  async iosRefundQuery(outTradeNo: string): Promise<{ outcome: PushOutcome }> {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new HttpError(404, `no sandbox virtual-payment order ${outTradeNo}`);
    const outcome = await this.deliver({
      CreateTime: this.seconds(),
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
      refund_time: String(this.seconds()),
    });
    return { outcome };
  }

  // ------------------------------------------------------------------------------------------------------------
  // The server APIs

  /** One call of the mimicked api.weixin.qq.com: the JSON it answers. */
  serveApi(method: string, path: string, query: URLSearchParams, rawBody: string): Json {
    if (path === '/sns/jscode2session' && method === 'GET') return this.codeToSession(query);
    if (method !== 'POST') return { errcode: 43002, errmsg: 'require POST method' };
    let body: Json;
    try {
      body = rawBody === '' ? {} : (JSON.parse(rawBody) as Json);
    } catch {
      return { errcode: 47001, errmsg: 'data format error' };
    }
    if (path === '/cgi-bin/stable_token') return this.stableToken(body);
    if (!path.startsWith('/xpay/')) return { errcode: 404, errmsg: `no API ${path} in the sandbox` };
    if (this.outage) return { errcode: -1, errmsg: 'system error (injected fault)' };
    if (!this.tokens.has(query.get('access_token') ?? '')) {
      return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    }
    if (body.env !== 0 && body.env !== 1) return notFound('env must be 0 or 1');
    if (!sameSignature(paySig(this.appKey(body.env), path, rawBody), query.get('pay_sig'))) return SIGNATURE_ERROR;
    switch (path) {
      case '/xpay/query_order':
        return this.queryOrder(body);
      case '/xpay/refund_order':
        return this.refundOrder(body);
      case '/xpay/notify_provide_goods':
        return this.provideGoods(body);
      default:
        return { errcode: 404, errmsg: `no API ${path} in the sandbox` };
    }
  }

  private credentialsProblem(appid: unknown, secret: unknown): Json | undefined {
    if (appid !== this.config.appId) return { errcode: 40013, errmsg: 'invalid appid' };
    if (secret !== this.config.appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    return undefined;
  }

  private stableToken(body: Json): Json {
    const problem = this.credentialsProblem(body.appid, body.secret);
    if (problem) return problem;
    if (body.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
    const token = randomBytes(24).toString('hex');
    this.tokens.add(token);
    return { access_token: token, expires_in: 7200 };
  }

  private codeToSession(query: URLSearchParams): Json {
    const problem = this.credentialsProblem(query.get('appid'), query.get('secret'));
    if (problem) return problem;
    const code = this.codes.get(query.get('js_code') ?? '');
    if (!code) return { errcode: 40029, errmsg: 'invalid code' };
    if (code.used) return { errcode: 40163, errmsg: 'code been used' };
    code.used = true;
    return { openid: code.openid, session_key: this.sessionKeys.get(code.openid) };
  }

  private queryOrder(body: Json): Json {
    const id = body.order_id;
    const payOrder = typeof id === 'string' ? this.orders.get(id) : undefined;
    if (payOrder && payOrder.openid === body.openid && payOrder.env === body.env) {
      return { errcode: 0, errmsg: 'ok', order: this.orderView(payOrder) };
    }
    const refund = typeof id === 'string' ? this.refunds.get(id) : undefined;
    if (refund && refund.openid === body.openid) {
      return {
        errcode: 0,
        errmsg: 'ok',
        order: {
          order_id: refund.refundOrderId,
          status: refund.status,
          order_type: 1,
          order_fee: refund.refundFee,
          refund_fee: refund.refundFee,
          wx_order_id: refund.wxOrderId,
          env_type: body.env === 1 ? 2 : 1,
        },
      };
    }
    return notFound();
  }

  private orderView(order: XpaySandboxOrder): Json {
    return {
      order_id: order.outTradeNo,
      create_time: order.createTime,
      update_time: this.seconds(),
      status: order.status,
      biz_type: 0,
      order_fee: order.orderFee,
      paid_fee: order.paidTime ? order.orderFee : 0,
      order_type: 0,
      paid_time: order.paidTime ?? 0,
      provide_time: order.provideTime ?? 0,
      env_type: order.env === 1 ? 2 : 1,
      left_fee: order.leftFee,
      wx_order_id: order.wxOrderId,
      channel_order_id: order.wxpayOrderId ? order.wxOrderId : '',
      wxpay_order_id: order.wxpayOrderId ?? '',
    };
  }

  private refundOrder(body: Json): Json {
    const refundId = String(body.refund_order_id ?? '');
    const existing = this.refunds.get(refundId);
    if (existing) {
      return { errcode: 0, errmsg: 'ok', refund_order_id: refundId, refund_wx_order_id: existing.wxOrderId };
    }
    const order = this.orders.get(String(body.order_id ?? ''));
    if (!order || order.openid !== body.openid || order.env !== body.env) return notFound();
    if (!/^[0-9A-Za-z_-]{8,32}$/.test(refundId)) return notFound('refund_order_id 格式错误');
    // Assumed: the platform refuses to refund what Apple collected (the developer cannot refund iOS payments).
    if (!order.wxpayOrderId) return notFound('该订单为苹果 iOS 支付，不支持开发者退款');
    if (order.status !== STATUS.paid && order.status !== STATUS.delivered) return notFound('订单状态不支持退款');
    if (body.left_fee !== order.leftFee) return { errcode: 268490016, errmsg: 'left_fee 与实际不符' };
    const fee = body.refund_fee;
    if (!(Number.isInteger(fee) && (fee as number) > 0 && (fee as number) <= order.leftFee)) {
      return notFound('refund_fee 错误');
    }
    const refund: XpaySandboxRefund = {
      refundOrderId: refundId,
      outTradeNo: order.outTradeNo,
      openid: order.openid,
      refundFee: fee as number,
      status: 1,
      wxOrderId: this.next('wxr'),
      by: 'api',
    };
    this.refunds.set(refundId, refund);
    if (this.refundMode === 'immediately') this.complete(refund);
    return {
      errcode: 0,
      errmsg: 'ok',
      refund_order_id: refundId,
      refund_wx_order_id: refund.wxOrderId,
      pay_order_id: order.outTradeNo,
      pay_wx_order_id: order.wxOrderId,
    };
  }

  private provideGoods(body: Json): Json {
    const order = this.orders.get(String(body.order_id ?? ''));
    if (!order || order.env !== body.env) return notFound();
    if (order.status === STATUS.paid) {
      order.status = STATUS.delivered;
      order.provideTime = this.seconds();
    }
    // Assumed: telling a delivered (or later) order again is accepted.
    if (order.status === STATUS.created) return notFound('订单未支付');
    return { errcode: 0, errmsg: 'ok' };
  }
}

function integerAtLeast(value: unknown, min: number): boolean {
  return Number.isInteger(value) && (value as number) >= min;
}

/**
 * The xpay sandbox part: its routes and, when `settings/app` has no `virtualPayment` section, that section (attach
 * the pay sandbox first: it only seeds an empty settings). Once the cloud listens, the secrets and the API base URL
 * become environment variables of this process (the functions read them there, as they read function environment
 * variables in the cloud), so one process serves one xpay sandbox.
 */
export function xpaySandboxPart(options: XpaySandboxOptions = {}): CloudPart<'xpay'> {
  return {
    name: 'xpay',
    attach(cloud) {
      const sandbox = new XpaySandbox(cloud.parts.get('functions'), options);
      const { config } = sandbox;
      const db = cloud.parts.get('database');
      if (db.collectionNames().includes('settings')) {
        const [settings] = db.find('settings', { _id: 'app' });
        if (!settings?.virtualPayment) {
          const virtualPayment = { appId: config.appId, offerId: config.offerId, env: config.env };
          db.update(
            'settings',
            { _id: 'app' },
            { $set: { virtualPayment } },
            { upsert: true, merge: true, multi: false },
          );
        }
      }

      const api = async (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, url: URL) => {
        const raw = (await readBody(req)).toString('utf8');
        sendJson(res, 200, sandbox.serveApi(req.method ?? 'GET', match[1] as string, url.searchParams, raw));
      };
      cloud.routes.add('GET', /^\/sandbox\/xpay\/api(\/.+)$/, api);
      cloud.routes.add('POST', /^\/sandbox\/xpay\/api(\/.+)$/, api);

      cloud.routes.add('POST', /^\/sandbox\/xpay\/login$/, async (req, res) => {
        const { openid } = parseJsonObject(await readBody(req));
        if (typeof openid !== 'string' || openid === '') return sendJson(res, 400, { errMsg: 'openid is required' });
        sendJson(res, 200, { code: sandbox.login(openid) });
      });

      cloud.routes.add('POST', /^\/sandbox\/xpay\/pay$/, async (req, res) => {
        const body = parseJsonObject(await readBody(req));
        const { openid, signData, paySig: sig, signature, mode, result, channel, deliveries, concurrent } = body;
        const strings = { openid, signData, paySig: sig, signature, mode };
        const missing = Object.entries(strings).find(([, value]) => typeof value !== 'string');
        if (missing) return sendJson(res, 400, { errMsg: `${missing[0]} is required` });
        if (result !== undefined && result !== 'SUCCESS' && result !== 'CANCEL') {
          return sendJson(res, 400, { errMsg: 'result must be SUCCESS or CANCEL' });
        }
        if (channel !== undefined && channel !== 'wxpay' && channel !== 'apple') {
          return sendJson(res, 400, { errMsg: 'channel must be wxpay or apple' });
        }
        if (deliveries !== undefined && !integerAtLeast(deliveries, 0)) {
          return sendJson(res, 400, { errMsg: 'deliveries must be an integer >= 0' });
        }
        if (concurrent !== undefined && typeof concurrent !== 'boolean') {
          return sendJson(res, 400, { errMsg: 'concurrent must be true or false' });
        }
        try {
          const outcomes = await sandbox.pay(openid as string, strings as unknown as SheetPayment, {
            result,
            channel,
            deliveries: deliveries as number | undefined,
            concurrent,
          });
          const outTradeNo = String((JSON.parse(signData as string) as Json).outTradeNo);
          sendJson(res, 200, { status: sandbox.orders.get(outTradeNo)?.status, deliveries: outcomes });
        } catch (error) {
          if (error instanceof XpaySheetError)
            return sendJson(res, 400, { errCode: error.errCode, errMsg: error.errMsg });
          throw error;
        }
      });

      cloud.routes.add('POST', /^\/sandbox\/xpay\/push$/, async (req, res) => {
        const { outTradeNo, event, deliveries, concurrent } = parseJsonObject(await readBody(req));
        if (typeof outTradeNo !== 'string') return sendJson(res, 400, { errMsg: 'outTradeNo is required' });
        if (deliveries !== undefined && !integerAtLeast(deliveries, 0)) {
          return sendJson(res, 400, { errMsg: 'deliveries must be an integer >= 0' });
        }
        if (event === undefined || event === 'deliver') {
          const outcomes = await sandbox.push(outTradeNo, {
            deliveries: deliveries as number | undefined,
            concurrent: concurrent === true,
          });
          return sendJson(res, 200, { deliveries: outcomes });
        }
        if (event === 'refundOutside') {
          const refund = sandbox.refundOutside(outTradeNo);
          await sandbox.idle();
          return sendJson(res, 200, { refundOrderId: refund.refundOrderId });
        }
        if (event === 'iosRefundQuery') return sendJson(res, 200, await sandbox.iosRefundQuery(outTradeNo));
        sendJson(res, 400, { errMsg: 'event must be deliver, refundOutside or iosRefundQuery' });
      });
      return sandbox;
    },
    connect(cloud, sandbox) {
      const { config } = sandbox;
      Object.assign(process.env, {
        [XPAY_ENV_VARS.appSecret]: config.appSecret,
        [XPAY_ENV_VARS.appKey]: config.appKey,
        [XPAY_ENV_VARS.sandboxAppKey]: config.sandboxAppKey,
        [XPAY_ENV_VARS.apiBaseUrl]: `${cloud.url}/sandbox/xpay/api`,
      });
    },
  };
}

/** Attaches the xpay sandbox to a started cloud (tests of the product; `npm start` runs it from the start). */
export function attachXpaySandbox(cloud: LocalCloud, options: XpaySandboxOptions = {}): XpaySandbox {
  return cloud.parts.add(xpaySandboxPart(options));
}
