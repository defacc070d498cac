/**
 * The virtual rail (xpay/rail.ts) and its configuration (xpay/config.ts) against a WeChat API that answers as each
 * test scripts it, in the platform's own terms (`query_order`'s order statuses 0–10, `env_type`, `wx_order_id`,
 * errcodes), recording exactly what the rail asked: the path, the body and the AppKey it was signed with. The xpay
 * sandbox answers as the platform does for a learner who pays (cloudfunctions/xpayNotify/__tests__); this script also
 * gives what it rarely or never says (a refund that failed, a status no document lists, an errcode without errmsg,
 * an unreachable platform).
 */
import { AppError, VIRTUAL_PAYMENT_MODE } from '../../contract';
import { DEFAULT_SETTINGS, type AppSettings } from '../../settings';
import type { OrderDoc, RefundInfo } from '../model';
import { RailError, type PaymentRail } from '../rail';
import {
  WeChatApiError,
  WeChatTransportError,
  type CodeSession,
  type WeChatApi,
  type XpayOrder,
  type XpayPath,
  type XpayReplies,
} from '../xpay/client';
import { configuredVirtualRail, XPAY_ENV_VARS } from '../xpay/config';
import { IOS_REFUND_BLOCKER, productIdOf, virtualRail, XPAY_NOT_FOUND } from '../xpay/rail';
import { CLIENT_PAY_URI, goodsSignData, paySig, userSignature } from '../xpay/sign';

const OFFER_ID = '1450000001';
const APP_KEY = 'sandbox-app-key';

const ORDER: OrderDoc = {
  _id: 'order-1',
  _openid: 'oLearner1',
  courseId: 'py101',
  courseTitle: 'Python 入门',
  amountFen: 9900,
  rail: 'virtual',
  status: 'pending',
  attempt: 1,
  outTradeNo: 'CC24010108000012345678abcdef',
  merchantId: `${OFFER_ID}:1`,
  body: '云课堂-Python 入门',
  clientIp: '10.0.0.7',
  createdAt: '2024-01-01T00:00:00.000Z',
  expiresAt: '2024-01-01T00:30:00.000Z',
  history: [],
};

const REFUND: RefundInfo = {
  outRefundNo: 'RF24010108000012345678abcdef',
  reason: '学员申请退款',
  by: 'learner',
  requestedAt: '2024-01-02T00:00:00.000Z',
};

/** A paid order as `query_order` reports it (status 2 已支付待发货, paid through WeChat Pay, in the sandbox). */
function platformOrder(fields: Partial<XpayOrder> = {}): XpayOrder {
  return {
    order_id: ORDER.outTradeNo,
    status: 2,
    order_fee: 9900,
    paid_fee: 9900,
    order_type: 0,
    paid_time: 1704067200,
    env_type: 2,
    left_fee: 9900,
    wx_order_id: 'wxo1704067200000001',
    wxpay_order_id: '4200002024010100000001',
    ...fields,
  };
}

type Answer<T> = T | Error;

/** A WeChatApi whose answers the test sets; it records every call. */
class ScriptedApi implements WeChatApi {
  readonly calls: { path: XpayPath; body: Record<string, unknown>; appKey: string }[] = [];
  readonly codes: string[] = [];
  readonly answers = new Map<XpayPath, Answer<object>>();
  session: Answer<CodeSession> = { openid: ORDER._openid, sessionKey: 'S3ss10nK3y==' };

  async codeToSession(code: string): Promise<CodeSession> {
    this.codes.push(code);
    if (this.session instanceof Error) throw this.session;
    return this.session;
  }

  async xpay<P extends XpayPath>(path: P, body: Record<string, unknown>, appKey: string): Promise<XpayReplies[P]> {
    this.calls.push({ path, body, appKey });
    const answer = this.answers.get(path);
    if (answer === undefined) throw new Error(`${path} not scripted`);
    if (answer instanceof Error) throw answer;
    return answer as XpayReplies[P];
  }

  /** `query_order` answers `order`. */
  orderIs(fields: Partial<XpayOrder> = {}): void {
    this.answers.set('/xpay/query_order', { errcode: 0, errmsg: 'ok', order: platformOrder(fields) });
  }
}

let api: ScriptedApi;
let rail: PaymentRail;

beforeEach(() => {
  api = new ScriptedApi();
  rail = virtualRail({ api, offerId: OFFER_ID, env: 1, appKey: APP_KEY, productIdPrefix: 'course_' });
});

/** The error `run` rejects with, which must be a `type`. */
async function rejection<T extends Error>(run: () => Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

test('the rail is virtual, paying the offer in the configured environment', () => {
  expect(rail.name).toBe('virtual');
  expect(rail.merchantId).toBe(`${OFFER_ID}:1`);
  const live = virtualRail({ api, offerId: OFFER_ID, env: 0, appKey: APP_KEY, productIdPrefix: 'course_' });
  expect(live.merchantId).toBe(`${OFFER_ID}:0`);
  // Without an offer there is no merchant to pay (the rail is then not configured).
  expect(virtualRail({ api, offerId: '', env: 1, appKey: APP_KEY, productIdPrefix: '' }).merchantId).toBe('');
});

describe('prepay', () => {
  test('signs the course item at the order’s price with the AppKey, without asking the platform', async () => {
    const signData = goodsSignData({
      offerId: OFFER_ID,
      buyQuantity: 1,
      env: 1,
      currencyType: 'CNY',
      productId: 'course_py101',
      goodsPrice: 9900,
      outTradeNo: ORDER.outTradeNo,
      attach: ORDER._id,
    });
    expect(await rail.prepay(ORDER)).toEqual({
      kind: 'payment',
      prepared: {
        virtualPayment: { signData, paySig: paySig(APP_KEY, CLIENT_PAY_URI, signData), mode: VIRTUAL_PAYMENT_MODE },
      },
    });
    expect(api.calls).toEqual([]);
  });

  test('a discounted price or a bundle sells its own registered item', async () => {
    const prepared = await rail.prepay({ ...ORDER, productId: 'course_py101_d8000', amountFen: 8000 });
    expect(prepared.kind).toBe('payment');
    const offer = prepared.kind === 'payment' ? prepared.prepared.virtualPayment : undefined;
    expect(JSON.parse(offer?.signData ?? '{}')).toMatchObject({ productId: 'course_py101_d8000', goodsPrice: 8000 });
  });

  test('an item id keeps to the platform’s [0-9A-Za-z_-]{1,64}', () => {
    expect(productIdOf('course_', 'py.101/中文')).toBe('course_py_101___');
    expect(productIdOf('course_', 'x'.repeat(80))).toHaveLength(64);
  });
});

describe('checkout', () => {
  const offer = { signData: '{"offerId":"1450000001"}', paySig: 'p', mode: VIRTUAL_PAYMENT_MODE };

  test('adds the learner’s signature with the session key of their fresh login code', async () => {
    expect(await rail.checkout({ virtualPayment: offer }, { openid: ORDER._openid, loginCode: 'CODE-1' })).toEqual({
      virtualPayment: { ...offer, signature: userSignature('S3ss10nK3y==', offer.signData) },
    });
    expect(api.codes).toEqual(['CODE-1']);
  });

  test('an order not prepared for virtual payment cannot be paid here', async () => {
    const error = await rejection(
      () => rail.checkout({ payment: undefined }, { openid: ORDER._openid, loginCode: 'CODE-1' }),
      RailError,
    );
    expect(error.message).toBe('checkout: the order was not prepared for virtual payment');
    expect(api.codes).toEqual([]);
  });

  test('without a login code the request is refused, naming the field', async () => {
    const error = await rejection(() => rail.checkout({ virtualPayment: offer }, { openid: ORDER._openid }), AppError);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('loginCode is required for the virtual rail');
  });

  test('a code the platform refuses (invalid, used, blocked) asks the learner to log in again', async () => {
    api.session = new WeChatApiError('/sns/jscode2session', 40163, 'code been used');
    const error = await rejection(
      () => rail.checkout({ virtualPayment: offer }, { openid: ORDER._openid, loginCode: 'CODE-1' }),
      AppError,
    );
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('微信登录状态已失效，请重试');
  });

  test('an unreachable platform is a rail error, not the learner’s login', async () => {
    api.session = new WeChatTransportError('/sns/jscode2session', 'HTTP 502');
    const error = await rejection(
      () => rail.checkout({ virtualPayment: offer }, { openid: ORDER._openid, loginCode: 'CODE-1' }),
      RailError,
    );
    expect(error.operation).toBe('jscode2session');
    expect(error.message).toBe('jscode2session: /sns/jscode2session: HTTP 502');
  });

  test('any other failure is passed on as it is', async () => {
    const bug = new TypeError('not a function');
    api.session = bug;
    await expect(rail.checkout({ virtualPayment: offer }, { openid: ORDER._openid, loginCode: 'CODE-1' })).rejects.toBe(
      bug,
    );
  });

  test('a code of another learner is refused: the caller cannot sign for someone else', async () => {
    api.session = { openid: 'oSomeoneElse', sessionKey: 'k' };
    const error = await rejection(
      () => rail.checkout({ virtualPayment: offer }, { openid: ORDER._openid, loginCode: 'CODE-1' }),
      AppError,
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe('登录身份与当前用户不一致');
  });
});

describe('query (query_order)', () => {
  test('asks for the learner’s order in the configured environment, signed with the AppKey', async () => {
    api.orderIs();
    await rail.query(ORDER);
    expect(api.calls).toEqual([
      {
        path: '/xpay/query_order',
        body: { openid: ORDER._openid, env: 1, order_id: ORDER.outTradeNo },
        appKey: APP_KEY,
      },
    ]);
  });

  test('a paid order: its amount, offer and environment, transaction, payment time and channel', async () => {
    api.orderIs();
    expect(await rail.query(ORDER)).toStrictEqual({
      state: 'SUCCESS',
      amountFen: 9900,
      merchantId: `${OFFER_ID}:1`,
      transactionId: 'wxo1704067200000001',
      paidAt: new Date(1704067200 * 1000),
      channel: 'wxpay',
    });
  });

  test('an order that ran in production (env_type 1) is the offer’s env 0, whatever env was asked', async () => {
    api.orderIs({ env_type: 1 });
    expect((await rail.query(ORDER)).merchantId).toBe(`${OFFER_ID}:0`);
  });

  test('an unpaid order has no transaction, payment time or channel', async () => {
    api.orderIs({ status: 1, paid_fee: 0, paid_time: 0, wx_order_id: '', wxpay_order_id: '' });
    expect(await rail.query(ORDER)).toStrictEqual({ state: 'NOTPAY', amountFen: 9900, merchantId: `${OFFER_ID}:1` });
  });

  test('a payment through another channel (Apple on iOS) is told apart, also once refunded', async () => {
    api.orderIs({ wxpay_order_id: '' });
    expect((await rail.query(ORDER)).channel).toBe('other');
    api.orderIs({ status: 5, wxpay_order_id: undefined });
    expect(await rail.query(ORDER)).toMatchObject({ state: 'REFUND', channel: 'other' });
    api.orderIs({ status: 5 });
    expect((await rail.query(ORDER)).channel).toBe('wxpay');
  });

  test('a closed order says nothing of a channel', async () => {
    api.orderIs({ status: 6 });
    expect(await rail.query(ORDER)).not.toHaveProperty('channel');
  });

  test.each([
    [0, 'NOTPAY'],
    [1, 'NOTPAY'],
    [2, 'SUCCESS'],
    [3, 'SUCCESS'],
    [4, 'SUCCESS'],
    [5, 'REFUND'],
    [6, 'CLOSED'],
    // A refund of the order failed: the payment stands.
    [7, 'SUCCESS'],
    [8, 'REFUND'],
    [9, 'REFUND'],
    [10, 'REFUND'],
  ])('order status %i is %s', async (status, state) => {
    api.orderIs({ status });
    expect((await rail.query(ORDER)).state).toBe(state);
  });

  test.each([
    ['a status no document lists', -1],
    ['no status at all', undefined],
  ])('%s is an error naming it', async (_name, status) => {
    api.orderIs({ status });
    const error = await rejection(() => rail.query(ORDER), RailError);
    expect(error.operation).toBe('query_order');
    expect(error.message).toBe(`query_order: unknown order status ${status}`);
  });

  test('an order the platform does not know (数据不存在) is NOTFOUND', async () => {
    api.answers.set('/xpay/query_order', { errcode: XPAY_NOT_FOUND, errmsg: '数据不存在' });
    expect(await rail.query(ORDER)).toEqual({ state: 'NOTFOUND' });
  });

  test.each([
    [{ errcode: 268490003, errmsg: '签名错误' }, '/xpay/query_order: errcode 268490003 签名错误'],
    [{ errcode: -1 }, '/xpay/query_order: errcode -1 '],
    // A success without the order it asked for is not taken for "no such order".
    [{ errcode: 0, errmsg: 'ok' }, '/xpay/query_order: errcode 0 ok'],
    [{ errcode: 0, errmsg: 'ok', order: null }, '/xpay/query_order: errcode 0 ok'],
  ])('any other answer is an error with the platform’s errcode and words: %j', async (reply, message) => {
    api.answers.set('/xpay/query_order', reply);
    const error = await rejection(() => rail.query(ORDER), RailError);
    expect(error.operation).toBe('/xpay/query_order');
    expect(error.message).toBe(message);
  });

  test.each([
    ['cannot be reached', new WeChatTransportError('/xpay/query_order', 'HTTP 502'), '/xpay/query_order: HTTP 502'],
    [
      'refuses the token',
      new WeChatApiError('/cgi-bin/stable_token', 40013, 'invalid appid'),
      '/xpay/query_order: /cgi-bin/stable_token: errcode 40013 invalid appid',
    ],
  ])('a platform that %s is a rail error with its reason, each path said once', async (_name, failure, message) => {
    api.answers.set('/xpay/query_order', failure);
    const error = await rejection(() => rail.query(ORDER), RailError);
    expect(error.operation).toBe('/xpay/query_order');
    expect(error.message).toBe(message);
  });

  test('any other failure is passed on as it is', async () => {
    const bug = new RangeError('boom');
    api.answers.set('/xpay/query_order', bug);
    await expect(rail.query(ORDER)).rejects.toBe(bug);
  });
});

describe('close', () => {
  test.each([
    [2, 'paid'],
    [5, 'paid'],
    [1, 'closed'],
    [6, 'closed'],
  ])('there is no close API: an order of status %i is %s', async (status, answer) => {
    api.orderIs({ status });
    expect(await rail.close(ORDER)).toBe(answer);
    expect(api.calls.map((call) => call.path)).toEqual(['/xpay/query_order']);
  });

  test('an order the platform never saw (the learner never opened the sheet) is closed', async () => {
    api.answers.set('/xpay/query_order', { errcode: XPAY_NOT_FOUND, errmsg: '数据不存在' });
    expect(await rail.close(ORDER)).toBe('closed');
  });
});

describe('refund (refund_order)', () => {
  const refunded = { errcode: 0, errmsg: 'ok', refund_order_id: REFUND.outRefundNo };

  test('a learner’s refund: the whole balance, as the learner’s own request', async () => {
    api.orderIs();
    api.answers.set('/xpay/refund_order', refunded);
    await rail.refund(ORDER, REFUND);
    expect(api.calls.map((call) => [call.path, call.appKey])).toEqual([
      ['/xpay/query_order', APP_KEY],
      ['/xpay/refund_order', APP_KEY],
    ]);
    expect(api.calls[1]?.body).toEqual({
      openid: ORDER._openid,
      order_id: ORDER.outTradeNo,
      refund_order_id: REFUND.outRefundNo,
      left_fee: 9900,
      refund_fee: 9900,
      biz_meta: ORDER._id,
      refund_reason: '3',
      req_from: '2',
      env: 1,
    });
  });

  test.each(['system', 'platform'] as const)(
    'a refund by %s is "other reason", not requested by the learner',
    async (by) => {
      api.orderIs();
      api.answers.set('/xpay/refund_order', refunded);
      await rail.refund(ORDER, { ...REFUND, by });
      expect(api.calls[1]?.body).toMatchObject({ refund_reason: '5', req_from: '3' });
    },
  );

  test('left_fee is what the platform says is left; refund_fee the refund’s own amount when it has one', async () => {
    api.orderIs({ order_fee: 12000, left_fee: 3000 });
    api.answers.set('/xpay/refund_order', refunded);
    await rail.refund(ORDER, { ...REFUND, amountFen: 3000 });
    expect(api.calls[1]?.body).toMatchObject({ left_fee: 3000, refund_fee: 3000 });
  });

  test('without left_fee in the reply, the whole order is left', async () => {
    api.orderIs({ order_fee: 12000, left_fee: undefined });
    api.answers.set('/xpay/refund_order', refunded);
    await rail.refund(ORDER, REFUND);
    expect(api.calls[1]?.body).toMatchObject({ left_fee: 12000, refund_fee: 9900 });
  });

  test('a refund still being started (268490014) may be asked again: not an error', async () => {
    api.orderIs();
    api.answers.set('/xpay/refund_order', { errcode: 268490014, errmsg: '退款处理中' });
    await expect(rail.refund(ORDER, REFUND)).resolves.toBeUndefined();
  });

  test('a refusal is an error with the platform’s errcode and words', async () => {
    api.orderIs();
    api.answers.set('/xpay/refund_order', { errcode: 268490016, errmsg: 'left_fee 与实际不符' });
    const error = await rejection(() => rail.refund(ORDER, REFUND), RailError);
    expect(error.operation).toBe('/xpay/refund_order');
    expect(error.message).toBe('/xpay/refund_order: errcode 268490016 left_fee 与实际不符');
  });

  test('an order the platform does not know is not refunded', async () => {
    api.answers.set('/xpay/query_order', { errcode: XPAY_NOT_FOUND, errmsg: '数据不存在' });
    const error = await rejection(() => rail.refund(ORDER, REFUND), RailError);
    expect(error.operation).toBe('/xpay/refund_order');
    expect(error.message).toBe(`/xpay/refund_order: order ${ORDER.outTradeNo} is unknown to the platform`);
    expect(api.calls.map((call) => call.path)).toEqual(['/xpay/query_order']);
  });
});

describe('queryRefund', () => {
  test('asks query_order for the refund’s own order id', async () => {
    api.orderIs({ order_id: REFUND.outRefundNo, order_type: 1, status: 5 });
    await rail.queryRefund(ORDER, REFUND);
    expect(api.calls[0]?.body).toEqual({ openid: ORDER._openid, env: 1, order_id: REFUND.outRefundNo });
  });

  test.each([
    [5, 'SUCCESS'],
    [8, 'SUCCESS'],
    [9, 'SUCCESS'],
    [10, 'SUCCESS'],
    [7, 'FAILED'],
    [1, 'PROCESSING'],
    [2, 'PROCESSING'],
    [6, 'PROCESSING'],
  ])('refund status %i is %s', async (status, state) => {
    api.orderIs({ order_id: REFUND.outRefundNo, order_type: 1, status });
    expect(await rail.queryRefund(ORDER, REFUND)).toBe(state);
  });

  test('a refund the platform does not know is NOTFOUND', async () => {
    api.answers.set('/xpay/query_order', { errcode: XPAY_NOT_FOUND, errmsg: '数据不存在' });
    expect(await rail.queryRefund(ORDER, REFUND)).toBe('NOTFOUND');
  });
});

test('an order paid through Apple cannot be refunded by us: the learner is told how to ask Apple', () => {
  expect(rail.refundBlocker({ ...ORDER, payChannel: 'other' })).toBe(IOS_REFUND_BLOCKER);
  expect(rail.refundBlocker({ ...ORDER, payChannel: 'wxpay' })).toBeUndefined();
  expect(rail.refundBlocker(ORDER)).toBeUndefined();
});

describe('ship (notify_provide_goods)', () => {
  test('tells the platform the order in the configured environment was delivered', async () => {
    api.answers.set('/xpay/notify_provide_goods', { errcode: 0, errmsg: 'ok' });
    await rail.ship(ORDER, '在线课程', new Date());
    expect(api.calls).toEqual([
      { path: '/xpay/notify_provide_goods', body: { order_id: ORDER.outTradeNo, env: 1 }, appKey: APP_KEY },
    ]);
  });

  test('a refusal is an error with the platform’s errcode and words', async () => {
    api.answers.set('/xpay/notify_provide_goods', { errcode: 268490002, errmsg: '订单未支付' });
    const error = await rejection(() => rail.ship(ORDER, '在线课程', new Date()), RailError);
    expect(error.operation).toBe('/xpay/notify_provide_goods');
    expect(error.message).toBe('/xpay/notify_provide_goods: errcode 268490002 订单未支付');
  });
});

describe('configuredVirtualRail', () => {
  const settings = (virtualPayment: Partial<AppSettings['virtualPayment']>): AppSettings => ({
    ...DEFAULT_SETTINGS,
    virtualPayment: {
      appId: 'wx0123456789abcdef',
      offerId: OFFER_ID,
      env: 0,
      productIdPrefix: 'course_',
      ...virtualPayment,
    },
  });
  const env = {
    [XPAY_ENV_VARS.appSecret]: 'app-secret',
    [XPAY_ENV_VARS.appKey]: 'live-key',
    [XPAY_ENV_VARS.sandboxAppKey]: 'sandbox-key',
  };

  /** The AppKey the configured rail signs offers with. */
  async function signingKey(rail: PaymentRail | undefined): Promise<string | undefined> {
    const prepared = await rail?.prepay(ORDER);
    const offer = prepared?.kind === 'payment' ? prepared.prepared.virtualPayment : undefined;
    if (!offer) return undefined;
    return ['live-key', 'sandbox-key'].find((key) => paySig(key, CLIENT_PAY_URI, offer.signData) === offer.paySig);
  }

  test('signs with the AppKey of the configured environment: 现网 for env 0, 沙箱 for env 1', async () => {
    expect(await signingKey(configuredVirtualRail(settings({ env: 0 }), env))).toBe('live-key');
    expect(await signingKey(configuredVirtualRail(settings({ env: 1 }), env))).toBe('sandbox-key');
    expect(configuredVirtualRail(settings({ env: 1 }), env)?.merchantId).toBe(`${OFFER_ID}:1`);
  });

  test('the key of the other environment does not make a rail', () => {
    expect(configuredVirtualRail(settings({ env: 0 }), { ...env, [XPAY_ENV_VARS.appKey]: undefined })).toBeUndefined();
    expect(configuredVirtualRail(settings({ env: 1 }), { ...env, [XPAY_ENV_VARS.sandboxAppKey]: '' })).toBeUndefined();
  });

  test.each([
    ['no AppID', settings({ appId: '' }), env],
    ['no OfferID', settings({ offerId: '' }), env],
    ['no AppSecret', settings({}), { ...env, [XPAY_ENV_VARS.appSecret]: '' }],
    ['no AppKey', settings({}), { [XPAY_ENV_VARS.appSecret]: 'app-secret' }],
  ])('with %s the rail is not offered', (_name, given, environment) => {
    expect(configuredVirtualRail(given, environment)).toBeUndefined();
  });

  test('the default settings configure no rail', () => {
    expect(configuredVirtualRail(DEFAULT_SETTINGS, env)).toBeUndefined();
  });
});
