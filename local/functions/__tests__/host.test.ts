import path from 'node:path';
import * as cloudSdk from 'wx-server-sdk';
import { LocalCloud } from '../../cloud';
import { useLocalCloudFromThisProcess } from '../../sdk-env';
import {
  attachFunctionHost,
  FunctionCrashedError,
  FunctionNotFoundError,
  FunctionTimeoutError,
  type FunctionHost,
} from '..';

const functionsDir = path.join(__dirname, 'fixtures');

let cloud: LocalCloud;
let host: FunctionHost;
const logged: string[] = [];

beforeAll(async () => {
  // Only the function host is needed; the database is not part of these tests.
  cloud = new LocalCloud({ functionsDir, envId: 'fn-test-env' });
  host = attachFunctionHost(cloud, { log: (message) => logged.push(message) });
  await cloud.listen();
});

afterAll(async () => {
  await cloud.close();
});

async function callClient(
  name: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${cloud.url}/client/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface EchoResult {
  event: Record<string, unknown>;
  wxContext: Record<string, unknown>;
  env: { WX_OPENID?: string; TCB_SOURCE?: string; TRIGGER_SRC?: string; hasApiToken: boolean };
  context: {
    request_id: string;
    function_name: string;
    namespace: string;
    memory_limit_in_mb: number;
    time_limit_in_ms: number;
    environment: Record<string, string>;
    remaining: number;
  };
}

interface RelayResult {
  before: Record<string, unknown>;
  after?: Record<string, unknown>;
  result?: EchoResult;
  error?: { errCode: number; errMsg: string };
}

describe('client gateway', () => {
  test('invokes as the mini-program user: identity in the context, userInfo in the event, SCF context', async () => {
    const { status, body } = await callClient(
      'echo',
      { data: { action: 'ping', n: 1 } },
      { 'x-wx-openid': 'oUser1', 'x-wx-appid': 'wxapp1', 'x-wx-unionid': 'uUnion1' },
    );
    expect(status).toBe(200);
    const result = body.result as EchoResult;
    expect(result.event).toEqual({ action: 'ping', n: 1, userInfo: { appId: 'wxapp1', openId: 'oUser1' } });
    expect(result.wxContext).toEqual({
      OPENID: 'oUser1',
      APPID: 'wxapp1',
      UNIONID: 'uUnion1',
      CLIENTIP: '127.0.0.1',
      ENV: 'fn-test-env',
      SOURCE: 'wx_client',
    });
    expect(result.env).toEqual({ WX_OPENID: 'oUser1', TCB_SOURCE: 'wx_client', hasApiToken: true });
    expect(result.context).toMatchObject({
      function_name: 'echo',
      namespace: 'fn-test-env',
      memory_limit_in_mb: 128,
      time_limit_in_ms: 5000,
    });
    expect(result.context.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.context.remaining).toBeGreaterThan(0);
    expect(result.context.remaining).toBeLessThanOrEqual(5000);
    expect(result.context.environment).toMatchObject({
      WX_OPENID: 'oUser1',
      TCB_SOURCE: 'wx_client',
      SCF_NAMESPACE: 'fn-test-env',
    });
  });

  test('a missing x-wx-appid gets the default appid', async () => {
    const { body } = await callClient('echo', { data: {} }, { 'x-wx-openid': 'oUser2' });
    expect((body.result as EchoResult).wxContext).toMatchObject({ OPENID: 'oUser2', APPID: host.defaultAppId });
  });

  test('60 concurrent invocations as different users each keep their own OPENID across awaits and callFunction', async () => {
    const users = Array.from({ length: 60 }, (_, i) => `oConcurrent${i}`);
    const replies = await Promise.all(
      users.map((openid, i) =>
        callClient(
          'relay',
          { data: { target: 'echo', delayMs: (i * 7) % 40, data: { delayMs: (i * 13) % 30 } } },
          { 'x-wx-openid': openid },
        ),
      ),
    );
    replies.forEach(({ status, body }, i) => {
      expect(status).toBe(200);
      const relay = body.result as RelayResult;
      expect(relay.error).toBeUndefined();
      expect(relay.before).toMatchObject({ OPENID: users[i], SOURCE: 'wx_client' });
      expect(relay.after).toMatchObject({ OPENID: users[i], SOURCE: 'wx_client' });
      expect(relay.result?.wxContext).toMatchObject({ OPENID: users[i], SOURCE: 'wx_client,scf' });
      expect(relay.result?.env.WX_OPENID).toBe(users[i]);
    });
  });

  test('a crash answers 500 with errMsg, and the error is logged', async () => {
    logged.length = 0;
    const { status, body } = await callClient('crash', { data: {} }, { 'x-wx-openid': 'o1' });
    expect(status).toBe(500);
    expect(body.errCode).toBe(-504002);
    expect(body.errMsg).toContain('TypeError: boom');
    expect(logged.join('\n')).toContain('crash');
    const thrownString = await callClient('crash', { data: { throwString: true } }, { 'x-wx-openid': 'o1' });
    expect(thrownString.status).toBe(500);
    expect(thrownString.body.errMsg).toContain('plain string');
  });

  test('a result JSON cannot carry is a crash', async () => {
    const { status, body } = await callClient('badResult', { data: {} }, { 'x-wx-openid': 'o1' });
    expect(status).toBe(500);
    expect(body.errMsg).toMatch(/circular/i);
  });

  test('the timeout of config.json is enforced: a run still going past it answers 500 timed out', async () => {
    const { status, body } = await callClient('hang', { data: {} }, { 'x-wx-openid': 'o1' });
    expect(status).toBe(500);
    expect(body.errCode).toBe(-504003);
    expect(body.errMsg).toContain('Invoking task timed out after 1 seconds');
    // The answer came from the timeout: the run itself has not finished.
    expect((await callClient('hang', { data: { pending: true } }, { 'x-wx-openid': 'o1' })).body).toEqual({
      result: { pending: 1 },
    });
    await callClient('hang', { data: { release: true } }, { 'x-wx-openid': 'o1' });
    const quick = await callClient('slow', { data: { ms: 10 } }, { 'x-wx-openid': 'o1' });
    expect(quick.body).toEqual({ result: { slept: 10 } });
  });

  test.each([
    ['an unknown function', 'nope', { data: {} }, { 'x-wx-openid': 'o1' }, 404],
    ['a name that is not a function name', '..%2Fecho', { data: {} }, { 'x-wx-openid': 'o1' }, 404],
    ['the shared-code folder', '_shared', { data: {} }, { 'x-wx-openid': 'o1' }, 404],
    ['a body that is not JSON', 'echo', '{data:', { 'x-wx-openid': 'o1' }, 400],
    ['a body that is an array', 'echo', [1], { 'x-wx-openid': 'o1' }, 400],
    ['data that is not an object', 'echo', { data: 'x' }, { 'x-wx-openid': 'o1' }, 400],
    ['no openid', 'echo', { data: {} }, {}, 400],
  ])('%s answers %#', async (_case, name, body, headers, expected) => {
    const reply = await callClient(name, body, headers);
    expect(reply.status).toBe(expected);
    expect(typeof reply.body.errMsg).toBe('string');
  });
});

describe('cloud.callFunction between functions', () => {
  test('the callee sees the caller identity and SOURCE <caller>,scf; its own request id', async () => {
    const relay = (await host.invoke(
      'relay',
      { target: 'echo', data: { x: 1 } },
      {
        openid: 'oCaller',
        appid: 'wxA',
        unionid: 'uCaller',
        source: 'wx_client',
      },
    )) as RelayResult;
    expect(relay.result?.event).toEqual({ x: 1 });
    expect(relay.result?.wxContext).toMatchObject({
      OPENID: 'oCaller',
      APPID: 'wxA',
      UNIONID: 'uCaller',
      SOURCE: 'wx_client,scf',
    });
  });

  test('errors reach the caller as wx-server-sdk reports them', async () => {
    // node-sdk throws on any `{ code, message }` reply, and wx-server-sdk turns a thrown Error into errCode -1 with
    // `callFunction:fail <message>` (its TCB_ERR_CODE mapping is not reached on this path).
    const invocation = { openid: 'o1', source: 'wx_client' };
    const crashed = (await host.invoke('relay', { target: 'crash' }, invocation)) as RelayResult;
    expect(crashed.error).toEqual({ errCode: -1, errMsg: 'callFunction:fail TypeError: boom' });
    const missing = (await host.invoke('relay', { target: 'nope' }, invocation)) as RelayResult;
    expect(missing.error?.errCode).toBe(-1);
    expect(missing.error?.errMsg).toContain('[ResourceNotFound.FunctionName]');
    const timedOut = (await host.invoke('relay', { target: 'hang' }, invocation)) as RelayResult;
    expect(timedOut.error).toEqual({
      errCode: -1,
      errMsg: 'callFunction:fail Invoking task timed out after 1 seconds',
    });
    expect(await host.invoke('hang', { release: true }, invocation)).toEqual({ released: 1 });
  });

  test('an admin caller outside any invocation reaches the callee with no identity', async () => {
    useLocalCloudFromThisProcess(`${cloud.url}/admin`, cloud.envId);
    cloudSdk.init({ env: cloudSdk.DYNAMIC_CURRENT_ENV as unknown as string });
    const reply = (await cloudSdk.callFunction({ name: 'echo', data: { admin: true } })) as unknown as {
      result: EchoResult;
    };
    expect(reply.result.event).toEqual({ admin: true });
    expect(reply.result.wxContext.OPENID).toBeUndefined();
    expect(reply.result.wxContext.SOURCE).toBe(',scf');
  });
  test('a run past its timeout keeps going, but its API token is revoked: its callFunction is refused', async () => {
    await expect(host.invoke('lateCaller', {}, { openid: 'o1', source: 'wx_client' })).rejects.toBeInstanceOf(
      FunctionTimeoutError,
    );
    const outcome = (await host.invoke('lateCaller', { release: true }, { source: 'wx_client' })) as {
      errMsg: string;
    };
    expect(outcome.errMsg).toContain('the calling invocation has ended');
  });

  test('with propagateIdentity: false the callee sees no OPENID; a second cloud in the process routes its own calls', async () => {
    const other = new LocalCloud({ functionsDir, envId: 'fn-test-env-2' });
    const otherHost = attachFunctionHost(other, { propagateIdentity: false, timers: false, log: () => undefined });
    await other.listen();
    try {
      const relay = (await otherHost.invoke(
        'relay',
        { target: 'echo' },
        {
          openid: 'oCaller',
          source: 'wx_client',
        },
      )) as RelayResult;
      expect(relay.before).toMatchObject({ OPENID: 'oCaller', ENV: 'fn-test-env-2' });
      expect(relay.result?.wxContext).toEqual({ ENV: 'fn-test-env-2', SOURCE: 'wx_client,scf' });
      // The first cloud still propagates.
      const first = (await host.invoke(
        'relay',
        { target: 'echo' },
        { openid: 'oCaller', source: 'wx_client' },
      )) as RelayResult;
      expect(first.result?.wxContext).toMatchObject({ OPENID: 'oCaller', ENV: 'fn-test-env' });
    } finally {
      await other.close();
    }
    await expect(otherHost.invoke('echo', {}, { source: 'wx_client' })).rejects.toThrow('closed');
  });
});

describe('host.invoke', () => {
  test('throws typed errors', async () => {
    const invocation = { openid: 'o1', source: 'wx_client' };
    await expect(host.invoke('nope', {}, invocation)).rejects.toBeInstanceOf(FunctionNotFoundError);
    await expect(host.invoke('crash', {}, invocation)).rejects.toBeInstanceOf(FunctionCrashedError);
    await expect(host.invoke('hang', {}, invocation)).rejects.toBeInstanceOf(FunctionTimeoutError);
    expect(await host.invoke('hang', { release: true }, invocation)).toEqual({ released: 1 });
  });

  test('each function is its own module instance, even with shared code', async () => {
    const invocation = { source: 'wx_client' };
    expect(await host.invoke('counterA', {}, invocation)).toEqual({ count: 1 });
    expect(await host.invoke('counterA', {}, invocation)).toEqual({ count: 2 });
    expect(await host.invoke('counterB', {}, invocation)).toEqual({ count: 1 });
  });

  test('outside an invocation no identity variable is set', async () => {
    await host.invoke('echo', {}, { openid: 'oInside', source: 'wx_client' });
    for (const key of ['WX_OPENID', 'WX_APPID', 'WX_API_TOKEN', 'WX_CONTEXT_KEYS', 'TCB_SOURCE', 'TCB_SEQID']) {
      expect(process.env[key]).toBeUndefined();
      expect(key in process.env).toBe(false);
    }
    expect(cloudSdk.getWXContext()).toEqual({});
  });
});

describe('timers', () => {
  test('POST /sandbox/timers/<fn> fires the timer: timer event, no OPENID, the timer source', async () => {
    const before = Date.now();
    const res = await fetch(`${cloud.url}/sandbox/timers/nightly`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as {
      result: { ok: boolean; event: Record<string, string>; wxContext: Record<string, unknown>; trigger: string };
    };
    expect(result.ok).toBe(true);
    expect(result.event).toMatchObject({ Type: 'Timer', TriggerName: 'nightly', Message: '' });
    expect(Date.parse(result.event.Time as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(result.wxContext).toEqual({ ENV: 'fn-test-env', SOURCE: 'wx_trigger' });
    expect(result.trigger).toBe('timer');
  });

  test('the same function called from the client is refused by its own check', async () => {
    const { body } = await callClient('nightly', { data: {} }, { 'x-wx-openid': 'o1' });
    expect(body.result).toEqual({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  test('a function without a timer, an unknown function, an unknown trigger name: 404', async () => {
    for (const url of ['/sandbox/timers/echo', '/sandbox/timers/nope', '/sandbox/timers/nightly?trigger=other']) {
      const res = await fetch(`${cloud.url}${url}`, { method: 'POST' });
      expect(res.status).toBe(404);
    }
  });
});
