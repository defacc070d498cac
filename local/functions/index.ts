import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { LocalCloud } from '../cloud';
import type { CloudPart } from '../parts';
import { CloudApiError, ErrorCodes } from '../server/errors';
import { parseJsonObject, readBody, sendJson } from '../server/http';
import { readFunctionConfig } from '../../toolchain/function-config';
import { FunctionInvocationError, FunctionNotFoundError } from './errors';
import { FunctionHost, Sources, type FunctionHostOptions } from './host';
import { TimerSchedule, timerEvent } from './timers';

export { FunctionHost, Sources, type FunctionContext, type FunctionHostOptions, type Invocation } from './host';
export { FunctionCrashedError, FunctionInvocationError, FunctionNotFoundError, FunctionTimeoutError } from './errors';
export type { TimerEvent } from './timers';

/**
 * The function host part: the `functions.invokeFunction` server action (`cloud.callFunction`), the client gateway
 * `POST /client/functions/<name>`, `POST /sandbox/timers/<name>`, and the timer triggers.
 */
export function functionHostPart(options: FunctionHostOptions = {}): CloudPart<'functions'> {
  let timers: TimerSchedule | undefined;
  return {
    name: 'functions',
    attach(cloud) {
      const attached = serveFunctions(cloud, options);
      timers = attached.timers;
      return attached.host;
    },
    close(host) {
      timers?.stop();
      host.close();
    },
  };
}

/** Adds the function host to a cloud built by hand (tests that need only the functions). */
export function attachFunctionHost(cloud: LocalCloud, options: FunctionHostOptions = {}): FunctionHost {
  return cloud.parts.add(functionHostPart(options));
}

function serveFunctions(
  cloud: LocalCloud,
  options: FunctionHostOptions,
): { host: FunctionHost; timers: TimerSchedule } {
  const host = new FunctionHost(cloud, options);
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));

  cloud.admin.register('functions.invokeFunction', async ({ params, apiToken }) => {
    const name = params.function_name;
    if (typeof name !== 'string' || name === '')
      throw new CloudApiError(ErrorCodes.invalidParam, 'function_name is required');
    const event = parseRequestData(params.request_data);
    // `qualifier` (a version or alias) is accepted and ignored: the local cloud has only $LATEST.
    // Outside any invocation (an admin script) the SDK sends an empty token.
    let caller;
    if (apiToken) {
      caller = host.caller(apiToken);
      if (!caller) {
        throw new CloudApiError(
          ErrorCodes.invalidParam,
          'wxCloudApiToken is not valid: the calling invocation has ended',
        );
      }
    }
    try {
      return { data: { response_data: await host.invokeJson(name, event, host.calleeInvocation(caller)) } };
    } catch (error) {
      if (error instanceof FunctionInvocationError) throw new CloudApiError(error.apiCode, error.message);
      throw error;
    }
  });

  cloud.routes.add('POST', /^\/client\/functions\/([^/]+)$/, async (req, res, match) => {
    // Function names need no percent-encoding; anything encoded is not a function name (404).
    const name = match[1] as string;
    const body = parseJsonObject(await readBody(req));
    const data = body.data ?? {};
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      return sendJson(res, 400, { errMsg: 'data must be a JSON object' });
    }
    const openid = header(req, 'x-wx-openid');
    if (!openid) return sendJson(res, 400, { errMsg: 'the x-wx-openid header is required' });
    const appid = header(req, 'x-wx-appid') ?? host.defaultAppId;
    const unionid = header(req, 'x-wx-unionid');
    const clientIp = req.socket.remoteAddress?.replace(/^::ffff:/, '');
    // As the platform does for wx.cloud.callFunction: userInfo is added to the event, identity goes to the context.
    const event = { ...data, userInfo: { appId: appid, openId: openid } };
    await reply(res, () => host.invoke(name, event, { openid, appid, unionid, clientIp, source: Sources.client }));
  });

  const timers = new TimerSchedule();
  const fireTimer = (name: string, trigger: Parameters<typeof timerEvent>[0], dueAt: Date) =>
    host.invoke(name, timerEvent(trigger, dueAt), { source: Sources.timer, timer: true });

  cloud.routes.add('POST', /^\/sandbox\/timers\/([^/]+)$/, async (req, res, match, url) => {
    await readBody(req);
    const name = match[1] as string;
    if (!host.has(name)) return sendJson(res, 404, { errMsg: new FunctionNotFoundError(name).message });
    const wanted = url.searchParams.get('trigger');
    let config;
    try {
      config = host.config(name);
    } catch (error) {
      return sendJson(res, 500, { errMsg: (error as Error).message });
    }
    const trigger = config.timers.find((t) => wanted === null || t.name === wanted);
    if (!trigger) {
      return sendJson(res, 404, { errMsg: `function ${name} has no timer trigger${wanted ? ` named ${wanted}` : ''}` });
    }
    await reply(res, () => fireTimer(name, trigger, new Date()));
  });

  if (options.timers ?? true) {
    for (const name of host.list()) {
      let config;
      try {
        config = readFunctionConfig(path.join(cloud.functionsDir, name));
      } catch (error) {
        // Not fatal for the cloud: invoking the function reports the same error.
        log(`[functions] timers of ${name} not scheduled:`, error);
        continue;
      }
      for (const trigger of config.timers) {
        timers.add(trigger, (dueAt) => void fireTimer(name, trigger, dueAt).catch(() => undefined));
      }
    }
  }

  return { host, timers };
}

function parseRequestData(raw: unknown): unknown {
  // The SDK sends '' when callFunction has no data.
  if (raw === undefined || raw === '') return {};
  if (typeof raw !== 'string') throw new CloudApiError(ErrorCodes.invalidParam, 'request_data must be a JSON string');
  try {
    return JSON.parse(raw);
  } catch {
    throw new CloudApiError(ErrorCodes.invalidParam, 'request_data is not valid JSON');
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/** `{ result }`, or what wx.cloud.callFunction would fail with: 404 for an unknown function, 500 otherwise. */
async function reply(res: ServerResponse, run: () => Promise<unknown>): Promise<void> {
  try {
    sendJson(res, 200, { result: await run() });
  } catch (error) {
    if (!(error instanceof FunctionInvocationError)) throw error;
    const status = error instanceof FunctionNotFoundError ? 404 : 500;
    sendJson(res, status, {
      errCode: error.errCode,
      errMsg: `cloud.callFunction:fail errCode: ${error.errCode} | errMsg: ${error.message}`,
    });
  }
}
