/**
 * The WeChat server API client of the virtual rail (xpay/client.ts) against a fetch that answers as each test scripts
 * it and records every request exactly as it would go on the wire (method, URL with its query, headers, body), with
 * a clock the test moves: the access token, its cache and expiry, the retry on a stale token, jscode2session, and
 * every way a reply can fail (no connection, an HTTP error, a reply that is not a JSON object, missing fields).
 */
import { paySig } from '../xpay/sign';
import { DEFAULT_WECHAT_API_BASE_URL, weChatApi, WeChatApiError, WeChatTransportError } from '../xpay/client';

const BASE = 'http://wechat.test/api';

interface Sent {
  method: string;
  /** Origin and path, without the query. */
  url: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A scripted reply: JSON (an object, or any value), or raw text with a status. */
type Reply = { json: unknown; status?: number } | { text: string; status?: number } | { reject: Error };

/**
 * A fetch whose replies are given by path ("/cgi-bin/stable_token", "/xpay/query_order", ...), first to last (the
 * last one repeats), and which records every request it received.
 */
function scriptedFetch(replies: Record<string, Reply[]>) {
  const sent: Sent[] = [];
  const fetch = async (input: URL | string, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    sent.push({
      method: init?.method ?? 'GET',
      url: `${url.origin}${url.pathname}`,
      query: Object.fromEntries(url.searchParams),
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body === undefined ? undefined : String(init.body),
    });
    const path = Object.keys(replies).find((key) => url.pathname.endsWith(key)) ?? url.pathname;
    const queue = replies[path];
    if (!queue || queue.length === 0) throw new Error(`unscripted ${path}`);
    const reply = (queue.length > 1 ? queue.shift() : queue[0]) as Reply;
    if ('reject' in reply) throw reply.reject;
    const text = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
    return new Response(text, { status: reply.status ?? 200 });
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

/** The token cache outlives a client (module state): every test uses its own AppID so that none sees another's. */
let apps = 0;
const nextAppId = () => `wxclienttest${String((apps += 1)).padStart(4, '0')}`;

const clock = { now: Date.UTC(2024, 0, 1) };
const now = () => clock.now;

function client(replies: Record<string, Reply[]>, options: { appId?: string; baseUrl?: string } = {}) {
  const { fetch, sent } = scriptedFetch(replies);
  const appId = options.appId ?? nextAppId();
  const api = weChatApi({ baseUrl: options.baseUrl ?? BASE, appId, appSecret: 'app-secret', fetch, now });
  return { api, sent, appId };
}

const token = (access_token: string, expires_in?: number): Reply => ({
  json: expires_in === undefined ? { access_token } : { access_token, expires_in },
});

const QUERY_BODY = { openid: 'oLearner1', env: 1, order_id: 'CC24010100000012345678' };
const ORDER_REPLY = { errcode: 0, errmsg: 'ok', order: { order_id: 'CC24010100000012345678', status: 2 } };

/** The error `run` rejects with, which must be a `type`. */
async function rejection<T extends Error>(run: () => Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

describe('a signed /xpay/* call', () => {
  test('POSTs the body as JSON with the access token and pay_sig over the very bytes it sent', async () => {
    const { api, sent, appId } = client({
      '/cgi-bin/stable_token': [token('TOKEN-1')],
      '/xpay/query_order': [{ json: ORDER_REPLY }],
    });
    expect(await api.xpay('/xpay/query_order', QUERY_BODY, 'app-key')).toEqual(ORDER_REPLY);
    const body = JSON.stringify(QUERY_BODY);
    expect(sent).toEqual([
      {
        method: 'POST',
        url: `${BASE}/cgi-bin/stable_token`,
        query: {},
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credential', appid: appId, secret: 'app-secret' }),
      },
      {
        method: 'POST',
        url: `${BASE}/xpay/query_order`,
        query: { access_token: 'TOKEN-1', pay_sig: paySig('app-key', '/xpay/query_order', body) },
        headers: { 'content-type': 'application/json' },
        body,
      },
    ]);
  });

  test.each([40001, 40014, 42001])(
    'a stale access token (errcode %i) is renewed once and the same call sent again with the new one',
    async (errcode) => {
      const { api, sent } = client({
        '/cgi-bin/stable_token': [token('OLD'), token('NEW')],
        '/xpay/query_order': [{ json: { errcode, errmsg: 'invalid credential' } }, { json: ORDER_REPLY }],
      });
      expect(await api.xpay('/xpay/query_order', QUERY_BODY, 'app-key')).toEqual(ORDER_REPLY);
      const calls = sent.map((request) => [request.method, request.url.replace(BASE, ''), request.query.access_token]);
      expect(calls).toEqual([
        ['POST', '/cgi-bin/stable_token', undefined],
        ['POST', '/xpay/query_order', 'OLD'],
        ['POST', '/cgi-bin/stable_token', undefined],
        ['POST', '/xpay/query_order', 'NEW'],
      ]);
      const [first, retry] = sent.filter((request) => request.url.endsWith('/xpay/query_order')) as [Sent, Sent];
      expect(retry.body).toBe(first.body);
      expect(retry.headers).toEqual({ 'content-type': 'application/json' });
      expect(retry.query.pay_sig).toBe(first.query.pay_sig);
    },
  );

  test('a token still stale after its renewal is the caller’s to read, not a loop', async () => {
    const stale = { errcode: 40001, errmsg: 'invalid credential' };
    const { api, sent } = client({
      '/cgi-bin/stable_token': [token('OLD'), token('NEW')],
      '/xpay/query_order': [{ json: stale }],
    });
    expect(await api.xpay('/xpay/query_order', QUERY_BODY, 'app-key')).toEqual(stale);
    expect(sent.filter((request) => request.url.endsWith('/xpay/query_order'))).toHaveLength(2);
  });

  test('any other errcode is the caller’s to interpret: answered as it came, without a new token or a retry', async () => {
    const notFound = { errcode: 268490002, errmsg: '数据不存在' };
    const { api, sent } = client({
      '/cgi-bin/stable_token': [token('TOKEN-1')],
      '/xpay/query_order': [{ json: notFound }],
    });
    expect(await api.xpay('/xpay/query_order', QUERY_BODY, 'app-key')).toEqual(notFound);
    expect(sent.map((request) => request.url.replace(BASE, ''))).toEqual([
      '/cgi-bin/stable_token',
      '/xpay/query_order',
    ]);
  });
});

describe('the access token', () => {
  test('is fetched once and reused until five minutes before it expires', async () => {
    const { api, sent } = client({
      '/cgi-bin/stable_token': [token('FIRST', 7200), token('SECOND', 7200)],
      '/xpay/notify_provide_goods': [{ json: { errcode: 0 } }],
    });
    const start = clock.now;
    const tokensUsed = async () => {
      await api.xpay('/xpay/notify_provide_goods', { order_id: 'o', env: 1 }, 'app-key');
      return sent.at(-1)?.query.access_token;
    };
    expect(await tokensUsed()).toBe('FIRST');
    clock.now = start + (7200 - 300) * 1000 - 1;
    expect(await tokensUsed()).toBe('FIRST');
    clock.now = start + (7200 - 300) * 1000;
    expect(await tokensUsed()).toBe('SECOND');
    expect(sent.filter((request) => request.url.endsWith('/cgi-bin/stable_token'))).toHaveLength(2);
  });

  test('without expires_in it is taken to last the documented 7200 s', async () => {
    const { api, sent } = client({
      '/cgi-bin/stable_token': [token('FIRST'), token('SECOND')],
      '/xpay/notify_provide_goods': [{ json: { errcode: 0 } }],
    });
    const start = clock.now;
    const used = async () => {
      await api.xpay('/xpay/notify_provide_goods', { order_id: 'o', env: 1 }, 'app-key');
      return sent.at(-1)?.query.access_token;
    };
    expect(await used()).toBe('FIRST');
    clock.now = start + 6900_000 - 1;
    expect(await used()).toBe('FIRST');
    clock.now = start + 6900_000;
    expect(await used()).toBe('SECOND');
  });

  test('outlives the client: a new client of the same app and platform reuses it', async () => {
    const appId = nextAppId();
    const first = client(
      { '/cgi-bin/stable_token': [token('SHARED')], '/xpay/query_order': [{ json: ORDER_REPLY }] },
      { appId },
    );
    await first.api.xpay('/xpay/query_order', QUERY_BODY, 'app-key');
    const second = client(
      { '/cgi-bin/stable_token': [token('OTHER')], '/xpay/query_order': [{ json: ORDER_REPLY }] },
      { appId },
    );
    await second.api.xpay('/xpay/query_order', QUERY_BODY, 'app-key');
    expect(second.sent.map((request) => [request.url.replace(BASE, ''), request.query.access_token])).toEqual([
      ['/xpay/query_order', 'SHARED'],
    ]);
  });

  test('is never lent to another app, nor to the same app on another platform', async () => {
    const appId = nextAppId();
    const tokenOf = async (replyToken: string, options: { appId?: string; baseUrl?: string }) => {
      const { api, sent } = client(
        { '/cgi-bin/stable_token': [token(replyToken)], '/xpay/query_order': [{ json: ORDER_REPLY }] },
        options,
      );
      await api.xpay('/xpay/query_order', QUERY_BODY, 'app-key');
      return sent.at(-1)?.query.access_token;
    };
    expect(await tokenOf('OF-APP', { appId })).toBe('OF-APP');
    expect(await tokenOf('OF-OTHER-APP', {})).toBe('OF-OTHER-APP');
    expect(await tokenOf('OF-OTHER-PLATFORM', { appId, baseUrl: 'http://sandbox.test/api' })).toBe('OF-OTHER-PLATFORM');
    expect(await tokenOf('NOT-ASKED', { appId })).toBe('OF-APP');
  });

  test('a refusal of the token request is a WeChatApiError with its errcode and errmsg', async () => {
    const { api, sent } = client({
      '/cgi-bin/stable_token': [{ json: { errcode: 40125, errmsg: 'invalid appsecret' } }],
    });
    const error = await rejection(() => api.xpay('/xpay/query_order', QUERY_BODY, 'app-key'), WeChatApiError);
    expect(error).toMatchObject({
      name: 'WeChatApiError',
      message: '/cgi-bin/stable_token: errcode 40125 invalid appsecret',
      path: '/cgi-bin/stable_token',
      errcode: 40125,
      errmsg: 'invalid appsecret',
    });
    // Nothing is sent to the API without a token.
    expect(sent).toHaveLength(1);
  });

  test('a reply without access_token is a WeChatTransportError saying so', async () => {
    const { api } = client({ '/cgi-bin/stable_token': [{ json: { expires_in: 7200 } }] });
    const error = await rejection(() => api.xpay('/xpay/query_order', QUERY_BODY, 'app-key'), WeChatTransportError);
    expect(error.name).toBe('WeChatTransportError');
    expect(error.message).toBe('/cgi-bin/stable_token: no access_token in the reply');
  });
});

describe('jscode2session', () => {
  test('GETs the code with the app’s credentials in the query, no body and no content type', async () => {
    const { api, sent, appId } = client({
      '/sns/jscode2session': [{ json: { openid: 'oLearner1', session_key: 'S3ss10nK3y==', unionid: 'u' } }],
    });
    expect(await api.codeToSession('CODE-1')).toEqual({ openid: 'oLearner1', sessionKey: 'S3ss10nK3y==' });
    expect(sent).toEqual([
      {
        method: 'GET',
        url: `${BASE}/sns/jscode2session`,
        query: { appid: appId, secret: 'app-secret', js_code: 'CODE-1', grant_type: 'authorization_code' },
        headers: {},
        body: undefined,
      },
    ]);
  });

  test.each([
    [{ errcode: 40029, errmsg: 'invalid code' }, '/sns/jscode2session: errcode 40029 invalid code', 'invalid code'],
    // No errmsg: nothing is made up in its place.
    [{ errcode: 40163 }, '/sns/jscode2session: errcode 40163 ', ''],
  ])('a refused code is a WeChatApiError: %j', async (reply, message, errmsg) => {
    const { api } = client({ '/sns/jscode2session': [{ json: reply }] });
    const error = await rejection(() => api.codeToSession('CODE-1'), WeChatApiError);
    expect(error.name).toBe('WeChatApiError');
    expect(error.message).toBe(message);
    expect(error.errmsg).toBe(errmsg);
    expect(error.errcode).toBe(reply.errcode);
  });

  test.each([
    ['no openid', { session_key: 'k' }],
    ['no session_key', { openid: 'oLearner1' }],
    ['a session_key that is not text', { openid: 'oLearner1', session_key: 7 }],
    ['neither', { errcode: 0 }],
  ])('a success with %s is a WeChatTransportError', async (_name, reply) => {
    const { api } = client({ '/sns/jscode2session': [{ json: reply }] });
    const error = await rejection(() => api.codeToSession('CODE-1'), WeChatTransportError);
    expect(error.message).toBe('/sns/jscode2session: no openid or session_key in the reply');
  });
});

describe('a reply that cannot be read', () => {
  test('no connection is a WeChatTransportError naming the path and the cause', async () => {
    const { api } = client({ '/sns/jscode2session': [{ reject: new TypeError('fetch failed') }] });
    const error = await rejection(() => api.codeToSession('CODE-1'), WeChatTransportError);
    expect(error.name).toBe('WeChatTransportError');
    expect(error.message).toBe('/sns/jscode2session: fetch failed');
  });

  test('an HTTP error is a WeChatTransportError with its status, whatever its body says', async () => {
    const { api } = client({ '/sns/jscode2session': [{ json: { openid: 'o', session_key: 'k' }, status: 503 }] });
    const error = await rejection(() => api.codeToSession('CODE-1'), WeChatTransportError);
    expect(error.message).toBe('/sns/jscode2session: HTTP 503');
  });

  test.each([
    ['text that is not JSON', '<html>502 Bad Gateway</html>'],
    ['an array', '[{"openid":"o","session_key":"k"}]'],
    ['null', 'null'],
    ['a number', '7'],
    ['a string', '"ok"'],
    ['nothing', ''],
  ])('%s is a WeChatTransportError: the reply is not a JSON object', async (_name, text) => {
    const { api } = client({ '/sns/jscode2session': [{ text }] });
    const error = await rejection(() => api.codeToSession('CODE-1'), WeChatTransportError);
    expect(error.message).toBe('/sns/jscode2session: the reply is not a JSON object');
  });

  test('the same holds for an /xpay/* reply', async () => {
    const { api } = client({ '/cgi-bin/stable_token': [token('T')], '/xpay/refund_order': [{ text: '[]' }] });
    const error = await rejection(() => api.xpay('/xpay/refund_order', {}, 'app-key'), WeChatTransportError);
    expect(error.message).toBe('/xpay/refund_order: the reply is not a JSON object');
  });
});

describe('the base URL', () => {
  test('is api.weixin.qq.com unless configured', async () => {
    expect(DEFAULT_WECHAT_API_BASE_URL).toBe('https://api.weixin.qq.com');
    const { fetch, sent } = scriptedFetch({ '/sns/jscode2session': [{ json: { openid: 'o', session_key: 'k' } }] });
    await weChatApi({ appId: nextAppId(), appSecret: 's', fetch }).codeToSession('c');
    expect(sent[0]?.url).toBe('https://api.weixin.qq.com/sns/jscode2session');
  });

  test.each(['/', '//', '///'])('ending in %j is joined to the API path with one slash', async (slashes) => {
    const { api, sent } = client(
      { '/sns/jscode2session': [{ json: { openid: 'o', session_key: 'k' } }] },
      { baseUrl: `${BASE}${slashes}` },
    );
    await api.codeToSession('c');
    expect(sent[0]?.url).toBe(`${BASE}/sns/jscode2session`);
  });
});
