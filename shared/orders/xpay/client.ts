/**
 * The one HTTP client of the WeChat server APIs the virtual rail uses: the stable access token, jscode2session and the
 * `/xpay/*` APIs signed with `pay_sig`. Its base URL is configuration (WECHAT_API_BASE_URL, default
 * https://api.weixin.qq.com); the local cloud points it at its sandbox. Nothing here knows which one it talks to.
 */
import { paySig } from './sign';

export const DEFAULT_WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

/** The `/xpay/*` APIs the product calls. */
export type XpayPath = '/xpay/query_order' | '/xpay/refund_order' | '/xpay/notify_provide_goods';

/** Every WeChat server API answers with these when it fails (errcode 0 or absent = success). */
export interface ApiStatus {
  errcode?: number;
  errmsg?: string;
}

/** `order` of `/xpay/query_order` (virtual-payment.html, query_order). */
export interface XpayOrder {
  order_id: string;
  /** 0 初始化 1 已创建 2 已支付待发货 3 发货中 4 已发货 5 已退款 6 已关闭 7 退款失败 8 用户退款完成 9/10 退款后结算. */
  status: number;
  order_fee: number;
  paid_fee?: number;
  /** 0 支付单, 1 退款单. */
  order_type?: number;
  refund_fee?: number;
  /** Seconds. */
  paid_time?: number;
  /** 1 现网, 2 沙箱. */
  env_type?: number;
  left_fee?: number;
  wx_order_id?: string;
  /** The WeChat Pay transaction; empty when the learner paid through another channel (Apple on iOS). */
  wxpay_order_id?: string;
}

export interface XpayReplies {
  '/xpay/query_order': ApiStatus & { order?: XpayOrder | null };
  '/xpay/refund_order': ApiStatus & { refund_order_id?: string; refund_wx_order_id?: string };
  '/xpay/notify_provide_goods': ApiStatus;
}

export interface CodeSession {
  openid: string;
  sessionKey: string;
}

/** The platform could not be reached or answered with something that is not JSON. */
export class WeChatTransportError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'WeChatTransportError';
  }
}

/** A non-zero errcode from an API whose failure the caller cannot act on (token, jscode2session). */
export class WeChatApiError extends Error {
  constructor(
    readonly path: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${path}: errcode ${errcode} ${errmsg}`);
    this.name = 'WeChatApiError';
  }
}

export interface WeChatApi {
  /** auth.code2Session: the learner's openid and current session key for a `wx.login` code. */
  codeToSession(code: string): Promise<CodeSession>;
  /** A signed `/xpay/*` call; the reply's errcode is the caller's to interpret (it depends on the API). */
  xpay<P extends XpayPath>(path: P, body: Record<string, unknown>, appKey: string): Promise<XpayReplies[P]>;
}

export interface WeChatApiOptions {
  /** @default DEFAULT_WECHAT_API_BASE_URL */
  baseUrl?: string;
  appId: string;
  appSecret: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default Date.now */
  now?: () => number;
  /** Per request. @default 5000 */
  timeoutMs?: number;
}

/** errcodes that mean "get a new access token and try again". */
const STALE_TOKEN = new Set([40001, 40014, 42001]);

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Tokens outlive one invocation: a warm function container keeps its token until shortly before it expires. The
 * stable token API (getStableAccessToken) is used so that functions refreshing independently never invalidate each
 * other's token.
 */
const tokenCache = new Map<string, CachedToken>();

export function weChatApi(options: WeChatApiOptions): WeChatApi {
  const baseUrl = (options.baseUrl ?? DEFAULT_WECHAT_API_BASE_URL).replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;
  const cacheKey = `${baseUrl}|${options.appId}`;

  async function request(
    path: string,
    init: { method: 'GET' | 'POST'; query?: Record<string, string>; body?: string },
  ) {
    const url = new URL(`${baseUrl}${path}`);
    for (const [key, value] of Object.entries(init.query ?? {})) url.searchParams.set(key, value);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: init.method,
        headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
        body: init.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new WeChatTransportError(path, (error as Error).message);
    }
    const text = await response.text();
    if (!response.ok) throw new WeChatTransportError(path, `HTTP ${response.status}`);
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // Reported below.
    }
    throw new WeChatTransportError(path, 'the reply is not a JSON object');
  }

  function failed(path: string, reply: ApiStatus): WeChatApiError | undefined {
    const errcode = typeof reply.errcode === 'number' ? reply.errcode : 0;
    return errcode === 0 ? undefined : new WeChatApiError(path, errcode, String(reply.errmsg ?? ''));
  }

  async function accessToken(): Promise<string> {
    const cached = tokenCache.get(cacheKey);
    if (cached && cached.expiresAt > now()) return cached.token;
    const path = '/cgi-bin/stable_token';
    const reply = await request(path, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: options.appId, secret: options.appSecret }),
    });
    const error = failed(path, reply);
    if (error) throw error;
    if (typeof reply.access_token !== 'string') throw new WeChatTransportError(path, 'no access_token in the reply');
    const lifetime = typeof reply.expires_in === 'number' ? reply.expires_in : 7200;
    // Refreshed five minutes early, so a call never starts with a token about to expire.
    tokenCache.set(cacheKey, { token: reply.access_token, expiresAt: now() + (lifetime - 300) * 1000 });
    return reply.access_token;
  }

  return {
    async codeToSession(code) {
      const path = '/sns/jscode2session';
      const reply = await request(path, {
        method: 'GET',
        query: {
          appid: options.appId,
          secret: options.appSecret,
          js_code: code,
          grant_type: 'authorization_code',
        },
      });
      const error = failed(path, reply);
      if (error) throw error;
      if (typeof reply.openid !== 'string' || typeof reply.session_key !== 'string') {
        throw new WeChatTransportError(path, 'no openid or session_key in the reply');
      }
      return { openid: reply.openid, sessionKey: reply.session_key };
    },

    async xpay(path, body, appKey) {
      // The body is serialised once: the signed text and the sent text must be the same bytes.
      const text = JSON.stringify(body);
      const query = async () => ({ access_token: await accessToken(), pay_sig: paySig(appKey, path, text) });
      let reply = await request(path, { method: 'POST', query: await query(), body: text });
      if (typeof reply.errcode === 'number' && STALE_TOKEN.has(reply.errcode)) {
        tokenCache.delete(cacheKey);
        reply = await request(path, { method: 'POST', query: await query(), body: text });
      }
      return reply as XpayReplies[typeof path];
    },
  };
}
