/**
 * The `wx.openApi` and `wx.wxPayApi` transports, driven by the real wx-server-sdk (`cloud.openapi.*`,
 * `cloud.cloudPay.*`) against handlers registered the way the content-security and pay sandboxes will register theirs.
 */
import type { LocalCloud } from '../../cloud';
import { startTestCloud } from '../../testing';
import { OPENAPI_NOT_FOUND, openApisOf, type OpenApiCall, type OpenApis, type PayApiCall } from '..';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wx-server-sdk types `openapi` as any and omits cloudPay
type Sdk = any;
let cloud: LocalCloud;
let apis: OpenApis;
let sdk: Sdk;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  cloud = await startTestCloud();
  apis = openApisOf(cloud);
  sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
});
afterAll(() => cloud.close());
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function onOpenApi(
  apiName: string,
  handler: (call: OpenApiCall) => Record<string, unknown> | Promise<Record<string, unknown>>,
) {
  const calls: OpenApiCall[] = [];
  cleanups.push(
    apis.openApi.register(apiName, (call) => {
      calls.push(call);
      return handler(call);
    }),
  );
  return calls;
}

function onPayApi(apiName: string, handler: (call: PayApiCall) => Record<string, unknown>) {
  const calls: PayApiCall[] = [];
  cleanups.push(
    apis.payApi.register(apiName, (call) => {
      calls.push(call);
      return handler(call);
    }),
  );
  return calls;
}

/** What a call rejected with; wx-server-sdk's CloudSDKError does not set `name`, so tests read its class. */
async function rejection(call: Promise<unknown>): Promise<{ errCode: unknown; errMsg: string; kind: string }> {
  const error = await call.then(
    () => {
      throw new Error('the call was expected to fail');
    },
    (thrown: { errCode: unknown; errMsg: string }) => thrown,
  );
  return { errCode: error.errCode, errMsg: error.errMsg, kind: error.constructor.name };
}

function fault(
  registry: OpenApis['openApi'] | OpenApis['payApi'],
  apiName: string,
  spec: { unavailable?: boolean; delayMs?: number },
) {
  registry.setFault(apiName, spec);
  cleanups.push(() => registry.clearFault(apiName));
}

describe('wx.openApi', () => {
  test('msgSecCheck reaches the handler with decoded snake_case params; the SDK returns its JSON camelCased', async () => {
    const calls = onOpenApi('security.msgSecCheck', () => ({
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: 'pass', label: 100 },
      detail: [{ strategy: 'content_model', errcode: 0, suggest: 'pass', label: 100, prob: 90 }],
      trace_id: 'trace-1',
    }));
    const result = await sdk.openapi.security.msgSecCheck({
      content: '这门课讲得很好',
      version: 2,
      scene: 2,
      openid: 'o-learner-1',
    });
    expect(result).toEqual({
      result: { suggest: 'pass', label: 100 },
      detail: [{ strategy: 'content_model', errcode: 0, suggest: 'pass', label: 100, prob: 90 }],
      traceId: 'trace-1',
      errCode: 0,
      errMsg: 'openapi.security.msgSecCheck:ok',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      apiName: 'security.msgSecCheck',
      params: { content: '这门课讲得很好', version: 2, scene: 2, openid: 'o-learner-1' },
      appid: '',
      envName: cloud.envId,
    });
    expect(calls[0]?.cgiName).toBeUndefined();
    expect(calls[0]?.apiToken).toBeUndefined();
  });

  test('camelCase params arrive snake_case; appid and the v2 cgiName are passed on', async () => {
    const calls = onOpenApi('subscribeMessage.send', () => ({ errcode: 0, errmsg: 'ok' }));
    await sdk.openapi({ appid: 'wx0123456789abcdef', version: 'v2' }).subscribeMessage.send({
      touser: 'o1',
      templateId: 'T1',
      data: { thing1: { value: 'x' } },
      miniprogramState: 'trial',
    });
    expect(calls[0]).toMatchObject({
      appid: 'wx0123456789abcdef',
      cgiName: 'commrpcv2',
      params: { touser: 'o1', template_id: 'T1', data: { thing1: { value: 'x' } }, miniprogram_state: 'trial' },
    });
  });

  test("the caller's wxCloudApiToken reaches the handler (the function host maps it to an identity)", async () => {
    const calls = onOpenApi('security.msgSecCheck', () => ({ errcode: 0, errmsg: 'ok' }));
    const saved = { keys: process.env.WX_CONTEXT_KEYS, token: process.env.WX_API_TOKEN };
    process.env.WX_CONTEXT_KEYS = 'WX_API_TOKEN';
    process.env.WX_API_TOKEN = 'invocation-42';
    try {
      await sdk.openapi.security.msgSecCheck({ content: 'x', version: 2, scene: 1, openid: 'o1' });
    } finally {
      for (const [name, value] of [
        ['WX_CONTEXT_KEYS', saved.keys],
        ['WX_API_TOKEN', saved.token],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(calls[0]?.apiToken).toBe('invocation-42');
  });

  test('a reply with errcode 87014 makes the SDK throw CloudSDKError with errCode 87014', async () => {
    onOpenApi('security.msgSecCheck', () => ({ errcode: 87014, errmsg: 'risky content' }));
    const error = await rejection(
      sdk.openapi.security.msgSecCheck({ content: 'bad', version: 2, scene: 2, openid: 'o1' }),
    );
    expect(error).toMatchObject({ kind: 'CloudSDKError', errCode: 87014 });
    expect(error.errMsg).toContain('risky content');
  });

  test('handlers may be async, and integers beyond 2^53 survive both ways', async () => {
    const calls = onOpenApi('wxa.getBig', async (call) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { errcode: 0, errmsg: 'ok', echo: call.params.small, id: 12345678901234567891n };
    });
    // Without convertCase: the SDK's case conversion would walk into the BigNumber json-bigint gives for `id`.
    const result = await sdk
      .openapi({ convertCase: false })
      .wxa.getBig({ small: 7, big: 12345678901234567891n, text: '12345678901234567891' });
    expect(calls[0]?.params).toEqual({ small: 7, big: 12345678901234567891n, text: '12345678901234567891' });
    expect(result.echo).toBe(7);
    expect(String(result.id)).toBe('12345678901234567891');
  });

  test(`an API nobody serves throws errCode ${OPENAPI_NOT_FOUND} ("API not found") instead of hanging`, async () => {
    expect(await rejection(sdk.openapi.nothing.here({ a: 1 }))).toMatchObject({
      kind: 'CloudSDKError',
      errCode: OPENAPI_NOT_FOUND,
    });
  });

  test('an injected outage makes the SDK call fail; a delay slows it; clearing the fault restores it', async () => {
    onOpenApi('security.msgSecCheck', () => ({ errcode: 0, errmsg: 'ok', result: { suggest: 'pass' } }));
    const params = { content: 'x', version: 2, scene: 2, openid: 'o1' };

    fault(apis.openApi, 'security.msgSecCheck', { unavailable: true });
    // A server-API system error (SYS_ERR): node-sdk throws it and wx-server-sdk gives errCode -501001.
    const outage = await rejection(sdk.openapi.security.msgSecCheck(params));
    expect(outage.errCode).toBe(-501001);
    expect(outage.errMsg).toContain('security.msgSecCheck is unavailable');

    // A delayed call is overtaken by the same call made after it without the delay (order, not time, is checked).
    fault(apis.openApi, 'security.msgSecCheck', { delayMs: 200 });
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const stopObserving = cloud.admin.observe(({ action }) => action === 'wx.openApi' && arrived());
    const answered: string[] = [];
    const delayed = sdk.openapi.security.msgSecCheck(params).finally(() => answered.push('delayed'));
    await arrival;
    stopObserving();
    apis.openApi.clearFault('security.msgSecCheck');
    await expect(
      sdk.openapi.security.msgSecCheck(params).finally(() => answered.push('undelayed')),
    ).resolves.toMatchObject({ errCode: 0 });
    await expect(delayed).resolves.toMatchObject({ result: { suggest: 'pass' } });
    expect(answered).toEqual(['undelayed', 'delayed']);
  });

  test('a handler that throws surfaces as an SDK error, and the server keeps serving', async () => {
    onOpenApi('security.msgSecCheck', () => {
      throw new Error('sandbox bug');
    });
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await rejection(sdk.openapi.security.msgSecCheck({ content: 'x' }))).toMatchObject({ errCode: -501001 });
    } finally {
      quiet.mockRestore();
    }
    expect((await fetch(`${cloud.url}/healthz`)).status).toBe(200);
  });

  test('registering the same API twice is refused', () => {
    onOpenApi('security.imgSecCheck', () => ({ errcode: 0 }));
    expect(() => apis.openApi.register('security.imgSecCheck', () => ({ errcode: 0 }))).toThrow(/registered twice/);
  });
});

describe('wx.wxPayApi', () => {
  const order = {
    body: 'TypeScript 入门',
    outTradeNo: 'CC202401010001',
    spbillCreateIp: '127.0.0.1',
    subMchId: '1900000109',
    totalFee: 9900,
    envId: 'local-env',
    functionName: 'payNotify',
  };

  test('unifiedOrder reaches the handler with snake_case params; the SDK returns camelCase fields', async () => {
    const calls = onPayApi('unifiedOrder', (call) => ({
      return_code: 'SUCCESS',
      return_msg: 'OK',
      result_code: 'SUCCESS',
      sub_mch_id: call.params.sub_mch_id,
      nonce_str: 'n1',
      payment: { time_stamp: '1700000000', nonce_str: 'n1', package: 'prepay_id=wx1', sign_type: 'MD5', pay_sign: 'S' },
    }));
    const result = await sdk.cloudPay.unifiedOrder(order);
    expect(calls[0]).toMatchObject({
      apiName: 'unifiedOrder',
      appid: '',
      envName: cloud.envId,
      params: {
        body: 'TypeScript 入门',
        out_trade_no: 'CC202401010001',
        spbill_create_ip: '127.0.0.1',
        sub_mch_id: '1900000109',
        total_fee: 9900,
        env_id: 'local-env',
        function_name: 'payNotify',
      },
    });
    expect(result).toEqual({
      returnCode: 'SUCCESS',
      returnMsg: 'OK',
      resultCode: 'SUCCESS',
      subMchId: '1900000109',
      nonceStr: 'n1',
      payment: { timeStamp: '1700000000', nonceStr: 'n1', package: 'prepay_id=wx1', signType: 'MD5', paySign: 'S' },
      errCode: 0,
      errMsg: 'cloudPay.unifiedOrder:ok',
    });
  });

  test('the appid of cloudPay({appid}) arrives through ApiOptions', async () => {
    const calls = onPayApi('queryOrder', () => ({
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      trade_state: 'NOTPAY',
    }));
    const result = await sdk.cloudPay({ appid: 'wxfedcba9876543210' }).queryOrder({ subMchId: '1', outTradeNo: 'o1' });
    expect(calls[0]?.appid).toBe('wxfedcba9876543210');
    expect(result.tradeState).toBe('NOTPAY');
  });

  test('an API nobody serves answers return_code FAIL, which the SDK returns without throwing', async () => {
    const result = await sdk.cloudPay.downloadFundFlow({ billDate: '20240101' });
    expect(result).toMatchObject({ returnCode: 'FAIL', errCode: 0 });
    expect(result.returnMsg).toContain('downloadFundFlow');
  });

  test('an injected outage makes the SDK call throw', async () => {
    onPayApi('unifiedOrder', () => ({ return_code: 'SUCCESS', result_code: 'SUCCESS' }));
    fault(apis.payApi, 'unifiedOrder', { unavailable: true });
    const outage = await rejection(sdk.cloudPay.unifiedOrder(order));
    expect(outage.errCode).toBe(-501001);
    expect(outage.errMsg).toContain('unifiedOrder is unavailable');
  });
});

describe('malformed requests', () => {
  async function post(fields: Record<string, string | Buffer>): Promise<{ status: number; body: unknown }> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      form.append(name, typeof value === 'string' ? value : new Blob([value], { type: 'application/octet-stream' }));
    }
    const response = await fetch(`${cloud.url}/admin`, { method: 'POST', body: form });
    return { status: response.status, body: await response.json() };
  }

  test.each([
    ['wx.openApi', { apiName: 'security.msgSecCheck', requestData: Buffer.from([0x12, 0xff]) }],
    ['wx.openApi', { requestData: Buffer.alloc(0) }],
    ['wx.wxPayApi', { apiName: 'unifiedOrder', requestData: Buffer.from('not json') }],
    ['wx.wxPayApi', { apiName: 'unifiedOrder', requestData: Buffer.from('[1]') }],
    ['wx.wxPayApi', { apiName: 'unifiedOrder', requestData: Buffer.from('{}'), apiOptions: Buffer.from([0x0f]) }],
  ])('%s with %p answers INVALID_PARAM', async (action, fields) => {
    expect(await post({ action, ...fields })).toMatchObject({ status: 200, body: { code: 'INVALID_PARAM' } });
  });
});
