/**
 * The WeChat server APIs the functions call over HTTP, mimicked under `<cloud>/sandbox/xpay/api` (what
 * WECHAT_API_BASE_URL points at): `POST /cgi-bin/stable_token`, `GET /sns/jscode2session`, `POST /xpay/query_order`,
 * `/xpay/refund_order`, `/xpay/notify_provide_goods`. Every `/xpay/*` call must carry a valid access token and a
 * `pay_sig` over `uri&body` with the AppKey of the body's `env`, or it is refused as the platform does (40001,
 * 268490003 签名错误).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { paySig, sameSignature } from '../../../shared/orders/xpay/sign';
import type { LocalCloud } from '../../cloud';
import { readBody, sendJson } from '../../server/http';
import { STATUS, type Json, type XpaySandboxOrder, type XpaySandboxRefund, type XpayState } from './state';

/** Serves the mimicked api.weixin.qq.com from `state` under `/sandbox/xpay/api`. */
export function serveXpayPlatformApi(cloud: LocalCloud, state: XpayState): void {
  const api = async (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, url: URL) => {
    const raw = (await readBody(req)).toString('utf8');
    sendJson(res, 200, serveApi(state, req.method ?? 'GET', match[1] as string, url.searchParams, raw));
  };
  cloud.routes.add('GET', /^\/sandbox\/xpay\/api(\/.+)$/, api);
  cloud.routes.add('POST', /^\/sandbox\/xpay\/api(\/.+)$/, api);
}

const SIGNATURE_ERROR = { errcode: 268490003, errmsg: '签名错误' };
const notFound = (errmsg = '数据不存在'): Json => ({ errcode: 268490002, errmsg });

/** One call of the mimicked api.weixin.qq.com: the JSON it answers. */
function serveApi(state: XpayState, method: string, path: string, query: URLSearchParams, rawBody: string): Json {
  if (path === '/sns/jscode2session' && method === 'GET') return codeToSession(state, query);
  if (method !== 'POST') return { errcode: 43002, errmsg: 'require POST method' };
  let body: Json;
  try {
    body = rawBody === '' ? {} : (JSON.parse(rawBody) as Json);
  } catch {
    return { errcode: 47001, errmsg: 'data format error' };
  }
  if (path === '/cgi-bin/stable_token') return stableToken(state, body);
  if (!path.startsWith('/xpay/')) return { errcode: 404, errmsg: `no API ${path} in the sandbox` };
  if (state.outage) return { errcode: -1, errmsg: 'system error (injected fault)' };
  if (!state.tokenValid(query.get('access_token') ?? '')) {
    return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
  }
  if (body.env !== 0 && body.env !== 1) return notFound('env must be 0 or 1');
  if (!sameSignature(paySig(state.appKey(body.env), path, rawBody), query.get('pay_sig'))) return SIGNATURE_ERROR;
  switch (path) {
    case '/xpay/query_order':
      return queryOrder(state, body);
    case '/xpay/refund_order':
      return refundOrder(state, body);
    case '/xpay/notify_provide_goods':
      return provideGoods(state, body);
    default:
      return { errcode: 404, errmsg: `no API ${path} in the sandbox` };
  }
}

function credentialsProblem(state: XpayState, appid: unknown, secret: unknown): Json | undefined {
  if (appid !== state.config.appId) return { errcode: 40013, errmsg: 'invalid appid' };
  if (secret !== state.config.appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
  return undefined;
}

function stableToken(state: XpayState, body: Json): Json {
  const problem = credentialsProblem(state, body.appid, body.secret);
  if (problem) return problem;
  if (body.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
  return { access_token: state.issueToken(), expires_in: 7200 };
}

function codeToSession(state: XpayState, query: URLSearchParams): Json {
  const problem = credentialsProblem(state, query.get('appid'), query.get('secret'));
  if (problem) return problem;
  const login = state.redeemCode(query.get('js_code') ?? '');
  if (login === 'invalid') return { errcode: 40029, errmsg: 'invalid code' };
  if (login === 'used') return { errcode: 40163, errmsg: 'code been used' };
  return { openid: login.openid, session_key: login.sessionKey };
}

function queryOrder(state: XpayState, body: Json): Json {
  const id = body.order_id;
  const payOrder = typeof id === 'string' ? state.orders.get(id) : undefined;
  if (payOrder && payOrder.openid === body.openid && payOrder.env === body.env) {
    return { errcode: 0, errmsg: 'ok', order: orderView(state, payOrder) };
  }
  const refund = typeof id === 'string' ? state.refunds.get(id) : undefined;
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

function orderView(state: XpayState, order: XpaySandboxOrder): Json {
  return {
    order_id: order.outTradeNo,
    create_time: order.createTime,
    update_time: state.seconds(),
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

function refundOrder(state: XpayState, body: Json): Json {
  const refundId = String(body.refund_order_id ?? '');
  const existing = state.refunds.get(refundId);
  if (existing) {
    return { errcode: 0, errmsg: 'ok', refund_order_id: refundId, refund_wx_order_id: existing.wxOrderId };
  }
  const order = state.orders.get(String(body.order_id ?? ''));
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
    wxOrderId: state.next('wxr'),
    by: 'api',
  };
  state.refunds.set(refundId, refund);
  if (state.refundMode === 'immediately') state.completeRefund(refund);
  return {
    errcode: 0,
    errmsg: 'ok',
    refund_order_id: refundId,
    refund_wx_order_id: refund.wxOrderId,
    pay_order_id: order.outTradeNo,
    pay_wx_order_id: order.wxOrderId,
  };
}

function provideGoods(state: XpayState, body: Json): Json {
  const order = state.orders.get(String(body.order_id ?? ''));
  if (!order || order.env !== body.env) return notFound();
  if (order.status === STATUS.paid) {
    order.status = STATUS.delivered;
    order.provideTime = state.seconds();
  }
  // Assumed: telling a delivered (or later) order again is accepted.
  if (order.status === STATUS.created) return notFound('订单未支付');
  return { errcode: 0, errmsg: 'ok' };
}
