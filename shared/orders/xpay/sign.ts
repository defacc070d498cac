/**
 * The signatures of 小程序虚拟支付 (virtual-payment.html §2.4 "签名详解"):
 *
 * - `pay_sig` / `paySig` = hex(HMAC-SHA256(AppKey, uri + '&' + body)), where `uri` is `requestVirtualPayment` for
 *   `wx.requestVirtualPayment` (body = signData) and the API path without query (`/xpay/query_order`) for a server
 *   API (body = the exact POST body);
 * - `signature` (用户态签名) = hex(HMAC-SHA256(session_key, body)), the session key used as its UTF-8 text, not
 *   base64-decoded.
 *
 * The AppKey depends on the environment: env 0 (现网) and env 1 (沙箱) have different keys.
 */
import { createHmac } from 'node:crypto';

/** The `uri` part of the client payment's `paySig`. */
export const CLIENT_PAY_URI = 'requestVirtualPayment';

export function hmacSha256Hex(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

/** `pay_sig` of a server API call (`uri` without query) or, with CLIENT_PAY_URI, of the client's signData. */
export function paySig(appKey: string, uri: string, body: string): string {
  return hmacSha256Hex(appKey, `${uri}&${body}`);
}

/** The learner's `signature` over a body (signData or a POST body) with their current session key. */
export function userSignature(sessionKey: string, body: string): string {
  return hmacSha256Hex(sessionKey, body);
}

/** `signData` of an item purchase (道具直购, mode `short_series_goods`). */
export interface GoodsSignData {
  offerId: string;
  buyQuantity: number;
  env: 0 | 1;
  currencyType: 'CNY';
  productId: string;
  /** Fen; must equal the item's price configured in the MP backend. */
  goodsPrice: number;
  outTradeNo: string;
  /** Echoed back in the delivery push (`GoodsInfo.Attach`). */
  attach: string;
}

/**
 * The signData text, fields in the documented order. This text is what gets signed and what the client passes to
 * `wx.requestVirtualPayment` unchanged: re-serialising it on the client is the classic cause of -15005.
 */
export function goodsSignData(data: GoodsSignData): string {
  const ordered: GoodsSignData = {
    offerId: data.offerId,
    buyQuantity: data.buyQuantity,
    env: data.env,
    currencyType: data.currencyType,
    productId: data.productId,
    goodsPrice: data.goodsPrice,
    outTradeNo: data.outTradeNo,
    attach: data.attach,
  };
  return JSON.stringify(ordered);
}

/** Constant-time comparison of two hex signatures. */
export function sameSignature(expected: string, actual: unknown): boolean {
  if (typeof actual !== 'string' || actual.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i += 1) diff |= expected.charCodeAt(i) ^ actual.charCodeAt(i);
  return diff === 0;
}
