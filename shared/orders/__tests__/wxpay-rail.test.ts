/**
 * The cloudPay rail (wxpay/rail.ts) through the real wx-server-sdk against the local cloud, whose pay transport
 * answers here as each test scripts it, in the platform's own snake_case terms (WeChat Pay v2: `return_code`,
 * `result_code`, `err_code_des`, `trade_state`, `refund_status_0`). The pay sandbox answers as the platform does for
 * a learner who pays; this script also gives what it never says (an unknown trade state, a field of the wrong type, a
 * refusal of the request itself), and records exactly what the rail sent: the fields, amounts and merchant of each
 * request, as the SDK put them on the wire.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { openApisOf, type PayApiCall, type PayApiReply } from '../../../local/openapi';
import { startTestCloud } from '../../../local/testing';
import type { WxPayment } from '../../contract';
import type { OrderDoc, RefundInfo } from '../model';
import { RailError, type PaymentRail } from '../rail';
import { wxPayRail, type CloudPayApi } from '../wxpay/rail';

const PAY_APIS = ['unifiedOrder', 'queryOrder', 'closeOrder', 'refund', 'queryRefund'] as const;
type PayApi = (typeof PAY_APIS)[number];

/** The merchant in today's settings; the order below was made for another one, which is the one that counts. */
const SETTINGS_MCH_ID = '1900000109';
const ORDER_MCH_ID = '1900000200';
const PROVIDER_MCH_ID = '1230000109';
const TRANSACTION_ID = '4200002024010100000000000001';

const ORDER: OrderDoc = {
  _id: 'order-1',
  _openid: 'oLearner1',
  courseId: 'course-ts',
  courseTitle: 'TypeScript 入门',
  amountFen: 9900,
  rail: 'wxpay',
  status: 'pending',
  attempt: 1,
  outTradeNo: 'CC24010108000012345678abcdef01',
  merchantId: ORDER_MCH_ID,
  body: '云课堂-TypeScript 入门',
  clientIp: '10.0.0.7',
  createdAt: '2024-01-01T00:00:00.000Z',
  expiresAt: '2024-01-01T00:30:00.000Z',
  history: [],
};

const REFUND: RefundInfo = {
  outRefundNo: 'RF24010108000012345678abcdef01',
  reason: '学员申请退款',
  by: 'learner',
  requestedAt: '2024-01-02T00:00:00.000Z',
};

const OK = { return_code: 'SUCCESS', return_msg: 'OK' };

/** A `result_code: FAIL` answer with WeChat Pay's code and its fixed description. */
function fail(errCode: string, description?: string): PayApiReply {
  return { ...OK, result_code: 'FAIL', err_code: errCode, ...(description ? { err_code_des: description } : {}) };
}

let cloud: LocalCloud;
let rail: PaymentRail;
/** Every request the platform received, in order. */
const received: PayApiCall[] = [];
/** The platform's next answer, per API. */
const answers = new Map<PayApi, PayApiReply>();
let nonces = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk.init({ env: cloud.envId });
  for (const api of PAY_APIS) {
    openApisOf(cloud).payApi.register(api, (call) => {
      received.push(call);
      return answers.get(api) ?? { return_code: 'FAIL', return_msg: `${api} not scripted` };
    });
  }
  rail = wxPayRail({
    cloudPay: (sdk as unknown as { cloudPay: CloudPayApi }).cloudPay,
    merchantId: SETTINGS_MCH_ID,
    envId: cloud.envId,
    callbackFunction: 'payNotify',
    nonce: () => `nonce${(nonces += 1)}`,
    shipping: { upload: async () => undefined },
  });
});
afterAll(() => cloud.close());
beforeEach(() => {
  received.length = 0;
  answers.clear();
});

/** The one request the platform received, by API name and parameters. */
function onlyRequest(): { apiName: string; params: Record<string, unknown> } {
  expect(received).toHaveLength(1);
  const [{ apiName, params }] = received as [PayApiCall];
  return { apiName, params };
}

/** The RailError `run` rejects with (anything else fails the test). */
async function railError(run: () => Promise<unknown>): Promise<RailError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RailError);
  return error as RailError;
}

test('the rail is wxpay, paying the merchant of the settings it was made with', () => {
  expect(rail.name).toBe('wxpay');
  expect(rail.merchantId).toBe(SETTINGS_MCH_ID);
  expect(rail.refundBlocker(ORDER)).toBeUndefined();
});

describe('prepay (unifiedOrder)', () => {
  const platformPayment = {
    app_id: 'wxlocalcloudapp00',
    time_stamp: '1704067200',
    nonce_str: 'a1b2c3',
    package: 'prepay_id=wx20240101080000abc',
    sign_type: 'MD5',
    pay_sign: 'C0FFEE',
  };
  const clientPayment: WxPayment = {
    appId: 'wxlocalcloudapp00',
    timeStamp: '1704067200',
    nonceStr: 'a1b2c3',
    package: 'prepay_id=wx20240101080000abc',
    signType: 'MD5',
    paySign: 'C0FFEE',
  };

  test('asks for a JSAPI payment of the order’s amount to its merchant, called back in payNotify of this env', async () => {
    answers.set('unifiedOrder', { ...OK, result_code: 'SUCCESS', trade_type: 'JSAPI', payment: platformPayment });
    expect(await rail.prepay(ORDER)).toEqual({ kind: 'payment', prepared: { payment: clientPayment } });
    expect(onlyRequest()).toEqual({
      apiName: 'unifiedOrder',
      params: {
        body: '云课堂-TypeScript 入门',
        out_trade_no: ORDER.outTradeNo,
        spbill_create_ip: '10.0.0.7',
        sub_mch_id: ORDER_MCH_ID,
        total_fee: 9900,
        env_id: cloud.envId,
        function_name: 'payNotify',
        nonce_str: `nonce${nonces}`,
        trade_type: 'JSAPI',
        // yyyyMMddHHmmss in Beijing time.
        time_start: '20240101080000',
        time_expire: '20240101083000',
      },
    });
  });

  test('each request carries a fresh nonce', async () => {
    answers.set('unifiedOrder', { ...OK, result_code: 'SUCCESS', payment: platformPayment });
    await rail.prepay(ORDER);
    await rail.prepay(ORDER);
    const [first, second] = received.map((call) => call.params.nonce_str);
    expect(first).not.toBe(second);
  });

  test('an order the learner has already paid (ORDERPAID) is paid, not an error', async () => {
    answers.set('unifiedOrder', fail('ORDERPAID', '该订单已支付'));
    expect(await rail.prepay(ORDER)).toEqual({ kind: 'paid' });
  });

  test.each([
    [fail('ORDERCLOSED', '该订单已关闭'), 'unifiedOrder: resultCode FAIL ORDERCLOSED 该订单已关闭'],
    [fail('INVALID_REQUEST', '201 商户订单号重复'), 'unifiedOrder: resultCode FAIL UNKNOWN 201 商户订单号重复'],
    // No description: the code cannot be told (the SDK overwrites errCode), and none is made up.
    [fail('SYSTEMERROR'), 'unifiedOrder: resultCode FAIL UNKNOWN '],
  ])(
    'any other refusal is an error with the code it could read and the platform’s words: %j',
    async (reply, message) => {
      answers.set('unifiedOrder', reply);
      const error = await railError(() => rail.prepay(ORDER));
      expect(error.operation).toBe('unifiedOrder');
      expect(error.message).toBe(message);
    },
  );

  test.each([
    ['no payment', {}],
    ['a payment without its package', { payment: { ...platformPayment, package: undefined } }],
    ['a package that is not text', { payment: { ...platformPayment, package: 1 } }],
  ])('a success with %s for wx.requestPayment is an error', async (_name, fields) => {
    answers.set('unifiedOrder', { ...OK, result_code: 'SUCCESS', ...fields });
    expect((await railError(() => rail.prepay(ORDER))).message).toBe('unifiedOrder: no payment in reply');
  });
});

describe('checkout', () => {
  const payment: WxPayment = { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=p', signType: 'MD5', paySign: 's' };

  test('gives the learner the payment the order was prepared with, without asking the platform', async () => {
    expect(await rail.checkout({ payment }, { openid: 'oLearner1' })).toEqual({ payment });
    expect(received).toHaveLength(0);
  });

  test('an order prepared for another rail cannot be paid here', async () => {
    const error = await railError(() => rail.checkout({}, { openid: 'oLearner1' }));
    expect(error.message).toBe('checkout: the order was not prepared for cloudPay');
  });
});

describe('query (queryOrder)', () => {
  const answer = (fields: Record<string, unknown>) =>
    answers.set('queryOrder', { ...OK, result_code: 'SUCCESS', mch_id: PROVIDER_MCH_ID, ...fields });

  test('asks about the order’s trade at the order’s merchant', async () => {
    answer({ sub_mch_id: ORDER_MCH_ID, trade_state: 'NOTPAY', total_fee: 9900 });
    await rail.query(ORDER);
    expect(onlyRequest()).toEqual({
      apiName: 'queryOrder',
      params: { sub_mch_id: ORDER_MCH_ID, out_trade_no: ORDER.outTradeNo, nonce_str: `nonce${nonces}` },
    });
  });

  test('a paid trade gives its amount, merchant, transaction, WeChat Pay as channel and the time it was paid', async () => {
    answer({
      sub_mch_id: ORDER_MCH_ID,
      trade_state: 'SUCCESS',
      total_fee: 9900,
      transaction_id: TRANSACTION_ID,
      time_end: '20240101080512',
    });
    expect(await rail.query(ORDER)).toEqual({
      state: 'SUCCESS',
      amountFen: 9900,
      merchantId: ORDER_MCH_ID,
      transactionId: TRANSACTION_ID,
      channel: 'wxpay',
      paidAt: new Date('2024-01-01T00:05:12Z'),
    });
  });

  test('a refunded trade was paid through WeChat Pay too', async () => {
    answer({ sub_mch_id: ORDER_MCH_ID, trade_state: 'REFUND', total_fee: 9900, transaction_id: TRANSACTION_ID });
    expect(await rail.query(ORDER)).toEqual({
      state: 'REFUND',
      amountFen: 9900,
      merchantId: ORDER_MCH_ID,
      transactionId: TRANSACTION_ID,
      channel: 'wxpay',
    });
  });

  test.each(['NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'])(
    'an unpaid trade (%s) is reported in that state, with no channel and no payment time',
    async (state) => {
      answer({ sub_mch_id: ORDER_MCH_ID, trade_state: state, total_fee: 9900 });
      expect(await rail.query(ORDER)).toEqual({ state, amountFen: 9900, merchantId: ORDER_MCH_ID });
    },
  );

  test('without a sub-merchant the merchant is the one the platform names', async () => {
    answer({ trade_state: 'NOTPAY' });
    expect(await rail.query(ORDER)).toEqual({ state: 'NOTPAY', merchantId: PROVIDER_MCH_ID });
  });

  test('fields of another type than the platform’s are not reported (an amount in text is no amount)', async () => {
    answer({
      mch_id: 1230000109,
      sub_mch_id: 1900000200,
      trade_state: 'SUCCESS',
      total_fee: '9900',
      transaction_id: 4200002024,
      time_end: '20240101080512',
    });
    expect(await rail.query(ORDER)).toEqual({
      state: 'SUCCESS',
      channel: 'wxpay',
      paidAt: new Date('2024-01-01T00:05:12Z'),
    });
  });

  test('a trade the platform does not have (ORDERNOTEXIST) is NOTFOUND', async () => {
    answers.set('queryOrder', fail('ORDERNOTEXIST', '此交易订单号不存在'));
    expect(await rail.query(ORDER)).toEqual({ state: 'NOTFOUND' });
  });

  test('any other refusal is an error with the platform’s words', async () => {
    answers.set('queryOrder', fail('SYSTEMERROR', '系统错误'));
    expect((await railError(() => rail.query(ORDER))).message).toBe('queryOrder: resultCode FAIL UNKNOWN 系统错误');
  });

  test.each([
    ['a state it does not know', { trade_state: 'ACCEPT' }, 'queryOrder: unknown tradeState ACCEPT'],
    ['no state', {}, 'queryOrder: unknown tradeState undefined'],
  ])('a success with %s is an error naming it', async (_name, fields, message) => {
    answer({ sub_mch_id: ORDER_MCH_ID, total_fee: 9900, ...fields });
    expect((await railError(() => rail.query(ORDER))).message).toBe(message);
  });
});

describe('close (closeOrder)', () => {
  test('closes the order’s trade at the order’s merchant', async () => {
    answers.set('closeOrder', { ...OK, result_code: 'SUCCESS' });
    expect(await rail.close(ORDER)).toBe('closed');
    expect(onlyRequest()).toEqual({
      apiName: 'closeOrder',
      params: { sub_mch_id: ORDER_MCH_ID, out_trade_no: ORDER.outTradeNo, nonce_str: `nonce${nonces}` },
    });
  });

  test.each([
    ['paid (ORDERPAID): too late, the learner has paid', fail('ORDERPAID', '订单已支付'), 'paid'],
    ['already closed (ORDERCLOSED)', fail('ORDERCLOSED', '订单已关闭'), 'closed'],
    ['never reached the platform (ORDERNOTEXIST)', fail('ORDERNOTEXIST', '订单不存在'), 'closed'],
  ])('a trade %s', async (_name, reply, outcome) => {
    answers.set('closeOrder', reply);
    expect(await rail.close(ORDER)).toBe(outcome);
  });

  test('any other refusal is an error with the platform’s words', async () => {
    answers.set('closeOrder', fail('SYSTEMERROR', '系统超时'));
    expect((await railError(() => rail.close(ORDER))).message).toBe('closeOrder: resultCode FAIL UNKNOWN 系统超时');
  });
});

describe('refund', () => {
  test('asks for the whole amount of the order back, under the refund’s own number', async () => {
    answers.set('refund', { ...OK, result_code: 'SUCCESS', out_refund_no: REFUND.outRefundNo, refund_fee: 9900 });
    await expect(rail.refund(ORDER, REFUND)).resolves.toBeUndefined();
    expect(onlyRequest()).toEqual({
      apiName: 'refund',
      params: {
        sub_mch_id: ORDER_MCH_ID,
        out_trade_no: ORDER.outTradeNo,
        out_refund_no: REFUND.outRefundNo,
        total_fee: 9900,
        refund_fee: 9900,
        refund_desc: '学员申请退款',
        nonce_str: `nonce${nonces}`,
      },
    });
  });

  test('a payment of another amount is refunded as much as it took', async () => {
    answers.set('refund', { ...OK, result_code: 'SUCCESS' });
    await rail.refund(ORDER, { ...REFUND, amountFen: 12_000 });
    expect(onlyRequest().params).toMatchObject({ total_fee: 12_000, refund_fee: 12_000 });
  });

  test('the reason is cut to the 80 characters refund_desc takes', async () => {
    answers.set('refund', { ...OK, result_code: 'SUCCESS' });
    const reason = `课程下架自动退款：${'很长的说明'.repeat(20)}`;
    await rail.refund(ORDER, { ...REFUND, reason });
    expect(onlyRequest().params.refund_desc).toBe(reason.slice(0, 80));
    expect(reason.length).toBeGreaterThan(80);
  });

  test('a refusal is an error with the platform’s words', async () => {
    answers.set('refund', fail('NOTENOUGH', '基本账户余额不足，请充值后重新发起'));
    expect((await railError(() => rail.refund(ORDER, REFUND))).message).toBe(
      'refund: resultCode FAIL UNKNOWN 基本账户余额不足，请充值后重新发起',
    );
  });
});

describe('queryRefund', () => {
  test('asks about the refund by its number at the order’s merchant', async () => {
    answers.set('queryRefund', { ...OK, result_code: 'SUCCESS', refund_count: 1, refund_status_0: 'SUCCESS' });
    expect(await rail.queryRefund(ORDER, REFUND)).toBe('SUCCESS');
    expect(onlyRequest()).toEqual({
      apiName: 'queryRefund',
      params: { sub_mch_id: ORDER_MCH_ID, out_refund_no: REFUND.outRefundNo, nonce_str: `nonce${nonces}` },
    });
  });

  test.each([
    ['SUCCESS', 'SUCCESS'],
    ['PROCESSING', 'PROCESSING'],
    // 退款异常: the money could not go back the way it came; the merchant has to act.
    ['CHANGE', 'FAILED'],
    ['REFUNDCLOSE', 'FAILED'],
  ])('a refund the platform reports %s is %s', async (status, state) => {
    answers.set('queryRefund', {
      ...OK,
      result_code: 'SUCCESS',
      refund_count: 1,
      out_refund_no_0: REFUND.outRefundNo,
      refund_status_0: status,
    });
    expect(await rail.queryRefund(ORDER, REFUND)).toBe(state);
  });

  test('a refund the platform does not have (REFUNDNOTEXIST) is NOTFOUND', async () => {
    answers.set('queryRefund', fail('REFUNDNOTEXIST', '退款订单查询失败'));
    expect(await rail.queryRefund(ORDER, REFUND)).toBe('NOTFOUND');
  });

  test('any other refusal is an error with the platform’s words', async () => {
    answers.set('queryRefund', fail('SYSTEMERROR', '系统超时'));
    expect((await railError(() => rail.queryRefund(ORDER, REFUND))).message).toBe(
      'queryRefund: resultCode FAIL UNKNOWN 系统超时',
    );
  });
});

describe.each<[PayApi, () => Promise<unknown>]>([
  ['unifiedOrder', () => rail.prepay(ORDER)],
  ['queryOrder', () => rail.query(ORDER)],
  ['closeOrder', () => rail.close(ORDER)],
  ['refund', () => rail.refund(ORDER, REFUND)],
  ['queryRefund', () => rail.queryRefund(ORDER, REFUND)],
])('%s when the platform fails', (api, run) => {
  test('a refusal of the request itself (returnCode FAIL) is an error with the platform’s message', async () => {
    answers.set(api, { return_code: 'FAIL', return_msg: '签名错误' });
    const error = await railError(run);
    expect(error.operation).toBe(api);
    expect(error.message).toBe(`${api}: returnCode FAIL: 签名错误`);
  });

  test('without a message, none is made up', async () => {
    answers.set(api, { return_code: 'FAIL' });
    expect((await railError(run)).message).toBe(`${api}: returnCode FAIL: `);
  });

  test('an unknown refusal names the operation', async () => {
    answers.set(api, fail('SYSTEMERROR', '系统超时'));
    const error = await railError(run);
    expect(error.operation).toBe(api);
    expect(error.message).toBe(`${api}: resultCode FAIL UNKNOWN 系统超时`);
  });

  test('a platform that cannot be reached is an error with the SDK’s own words', async () => {
    const { payApi } = openApisOf(cloud);
    payApi.setFault(api, { unavailable: true });
    try {
      const sdkError = (await (sdk as unknown as { cloudPay: CloudPayApi }).cloudPay[api]({}).catch(
        (caught: unknown) => caught,
      )) as { errMsg: string };
      expect(sdkError.errMsg).toContain('unavailable (injected fault)');
      const error = await railError(run);
      expect(error.operation).toBe(api);
      expect(error.message).toBe(`${api}: ${sdkError.errMsg}`);
    } finally {
      payApi.clearFault(api);
    }
  });
});
