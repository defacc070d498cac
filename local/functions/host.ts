import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bundleFunction, readRuntimePackages, REPO_ROOT } from '../../toolchain/bundle';
import type { LocalCloud } from '../cloud';
import { sdkEnvironment } from '../sdk-env';
import { FUNCTION_NAME, listFunctions, readFunctionConfig, type FunctionConfig } from '../../toolchain/function-config';
import { installEnvProxy, runWithEnv } from './env';
import { FunctionCrashedError, FunctionNotFoundError, FunctionTimeoutError } from './errors';

/** TCB_SOURCE of the callers the host knows. Timers use `wx_trigger` (our choice; the real value is not verified). */
export const Sources = { client: 'wx_client', timer: 'wx_trigger' } as const;

/** Who invokes a function and through what, as the platform would set it in the function's environment. */
export interface Invocation {
  openid?: string;
  appid?: string;
  unionid?: string;
  clientIp?: string;
  /** `TCB_SOURCE` as the callee sees it: `wx_client`, `wx_trigger`, `wx_client,scf` … */
  source: string;
  /** A timer invocation: `TRIGGER_SRC=timer`, and its API token is `WX_TRIGGER_API_TOKEN_V0` as in the cloud. */
  timer?: boolean;
}

export interface FunctionHostOptions {
  /**
   * Whether a function called with `cloud.callFunction` sees its caller's OPENID, APPID and UNIONID (SOURCE is always
   * chained). The docs describe the chaining of SOURCE; the identity is not verified against the cloud.
   * @default true
   */
  propagateIdentity?: boolean;
  /** Schedule the timer triggers of config.json while the cloud runs. @default true */
  timers?: boolean;
  /** APPID of client calls that send no `x-wx-appid`. @default 'wxlocalcloudapp00' */
  defaultAppId?: string;
  /** Where failed invocations are reported. @default console.error */
  log?: (message: string, error?: unknown) => void;
}

/** The SCF context a function's `main(event, context)` receives. */
export interface FunctionContext {
  request_id: string;
  function_name: string;
  function_version: string;
  namespace: string;
  memory_limit_in_mb: number;
  time_limit_in_ms: number;
  /** The invocation's environment variables, as a JSON string (node-sdk can read them from here). */
  environment: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

type Main = (event: unknown, context: FunctionContext) => unknown;

interface LoadedFunction {
  main: Main;
  config: FunctionConfig;
}

/**
 * Runs the functions of `cloud.functionsDir` in this process, as the CloudBase runtime would run them one per
 * container. Each function is bundled with esbuild (as `npm run build` does) and loaded once, so two functions never
 * share module state, even when they import the same shared code.
 *
 * Limits of running in-process, by design: an invocation past its timeout is answered as timed out, but its code
 * cannot be stopped and keeps running in the background (its API token is revoked, so its further `callFunction`s are
 * refused); `memorySize` is reported in the context but not enforced; source changes need a restart of the cloud.
 */
export class FunctionHost {
  private readonly loading = new Map<string, Promise<LoadedFunction>>();
  /** API token → the running invocation it belongs to (`functions.invokeFunction` finds its caller here). */
  private readonly running = new Map<string, Invocation>();
  private readonly runtimePackages = readRuntimePackages();
  private cacheDir?: string;
  private closed = false;
  readonly propagateIdentity: boolean;
  readonly defaultAppId: string;
  private readonly log: (message: string, error?: unknown) => void;

  constructor(
    private readonly cloud: LocalCloud,
    options: FunctionHostOptions = {},
  ) {
    this.propagateIdentity = options.propagateIdentity ?? true;
    this.defaultAppId = options.defaultAppId ?? 'wxlocalcloudapp00';
    this.log = options.log ?? ((message, error) => console.error(message, error ?? ''));
    installEnvProxy();
  }

  /** The functions that can be invoked. */
  list(): string[] {
    return listFunctions(this.cloud.functionsDir);
  }

  has(name: string): boolean {
    return FUNCTION_NAME.test(name) && existsSync(path.join(this.cloud.functionsDir, name, 'index.ts'));
  }

  /** The function's config.json, validated. */
  config(name: string): FunctionConfig {
    if (!this.has(name)) throw new FunctionNotFoundError(name);
    return readFunctionConfig(path.join(this.cloud.functionsDir, name));
  }

  /** The invocation an API token belongs to, while it runs. */
  caller(apiToken: string): Invocation | undefined {
    return this.running.get(apiToken);
  }

  /**
   * Invokes `name` with `event` as `invocation` and returns what `main` returned, after the JSON round trip the cloud
   * applies to results. Throws FunctionNotFoundError, FunctionCrashedError or FunctionTimeoutError.
   */
  async invoke(name: string, event: unknown, invocation: Invocation): Promise<unknown> {
    return JSON.parse(await this.invokeJson(name, event, invocation));
  }

  /** As `invoke`, returning the result as the JSON text the platform transmits. */
  async invokeJson(name: string, event: unknown, invocation: Invocation): Promise<string> {
    const fn = await this.load(name);
    const requestId = randomUUID();
    const token = randomUUID().replace(/-/g, '');
    const vars = this.invocationVars(name, requestId, token, invocation);
    const timeoutMs = fn.config.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const context: FunctionContext = {
      request_id: requestId,
      function_name: name,
      function_version: '$LATEST',
      namespace: this.cloud.envId,
      memory_limit_in_mb: fn.config.memoryMb,
      time_limit_in_ms: timeoutMs,
      environment: JSON.stringify(vars),
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    // The event crosses the platform as JSON, so the function gets its own copy.
    const copy: unknown = JSON.parse(JSON.stringify(event ?? {}));
    this.running.set(token, invocation);
    const outcome = runWithEnv(vars, async () => fn.main(copy, context)).then(
      (result) => serialize(name, result),
      (error: unknown) => {
        throw new FunctionCrashedError(name, error);
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(name, fn.config.timeoutSeconds)), timeoutMs);
    });
    // A run that ends after its timeout is ignored, as the frozen container's would be.
    outcome.catch(() => undefined);
    try {
      return await Promise.race([outcome, timeout]);
    } catch (error) {
      this.log(
        `[functions] ${name} (request ${requestId}) failed:`,
        error instanceof FunctionCrashedError ? error.cause : error,
      );
      throw error;
    } finally {
      clearTimeout(timer);
      this.running.delete(token);
    }
  }

  /** Deletes the bundles; later invocations are refused. */
  close(): void {
    this.closed = true;
    if (this.cacheDir) rmSync(this.cacheDir, { recursive: true, force: true });
    this.cacheDir = undefined;
    this.loading.clear();
  }

  private invocationVars(
    name: string,
    requestId: string,
    token: string,
    invocation: Invocation,
  ): Record<string, string> {
    const identity: Record<string, string | undefined> = {
      WX_OPENID: invocation.openid,
      WX_APPID: invocation.appid,
      WX_UNIONID: invocation.unionid,
      WX_CLIENTIP: invocation.clientIp && !isIPv6(invocation.clientIp) ? invocation.clientIp : undefined,
      WX_CLIENTIPV6: invocation.clientIp && isIPv6(invocation.clientIp) ? invocation.clientIp : undefined,
    };
    const vars: Record<string, string> = {
      ...sdkEnvironment(`${this.cloud.url}/admin`, this.cloud.envId),
      SCF_FUNCTIONNAME: name,
      TCB_SEQID: requestId,
      TCB_SOURCE: invocation.source,
    };
    for (const [key, value] of Object.entries(identity)) if (value) vars[key] = value;
    if (invocation.timer) {
      vars.TRIGGER_SRC = 'timer';
      vars.WX_TRIGGER_API_TOKEN_V0 = token;
    } else {
      vars.WX_API_TOKEN = token;
    }
    // node-sdk and getWXContext see WX_* variables only through this list (docs/cloudbase-protocol.md §1).
    vars.WX_CONTEXT_KEYS = Object.keys(vars)
      .filter((key) => key.startsWith('WX_'))
      .join(',');
    return vars;
  }

  /** The identity a callee inherits from its caller under `cloud.callFunction`. */
  calleeInvocation(caller: Invocation | undefined): Invocation {
    // The callee's SOURCE is the caller's X-TCB-Source header: `<caller TCB_SOURCE>,scf`.
    const source = `${caller?.source ?? ''},scf`;
    if (!caller || !this.propagateIdentity) return { source };
    return { openid: caller.openid, appid: caller.appid, unionid: caller.unionid, source };
  }

  private load(name: string): Promise<LoadedFunction> {
    if (this.closed) return Promise.reject(new Error('the function host is closed'));
    if (!this.has(name)) return Promise.reject(new FunctionNotFoundError(name));
    let loading = this.loading.get(name);
    if (!loading) {
      loading = this.bundleAndRequire(name).catch((error: unknown) => {
        // Not cached, so a fixed function loads on the next call.
        this.loading.delete(name);
        throw new FunctionCrashedError(name, error);
      });
      this.loading.set(name, loading);
    }
    return loading;
  }

  private async bundleAndRequire(name: string): Promise<LoadedFunction> {
    const source = path.join(this.cloud.functionsDir, name);
    const config = readFunctionConfig(source);
    const outfile = path.join(this.bundleDir(), name, 'index.js');
    await bundleFunction({
      entry: path.join(source, 'index.ts'),
      outfile,
      runtimePackages: this.runtimePackages,
      sourcemap: true,
    });
    // Module code runs outside any invocation, but with the routing variables, as in a cold container.
    const exported = runWithEnv(sdkEnvironment(`${this.cloud.url}/admin`, this.cloud.envId), () =>
      require(outfile),
    ) as { main?: unknown };
    if (typeof exported.main !== 'function') throw new Error(`${name}/index.ts does not export a main function`);
    return { main: exported.main as Main, config };
  }

  /**
   * A fresh folder per host for the bundles, so each function is a new module even in a process that runs several
   * clouds. Its `node_modules` links to the repository's, where the bundles' external packages resolve.
   */
  private bundleDir(): string {
    if (!this.cacheDir) {
      this.cacheDir = mkdtempSync(path.join(os.tmpdir(), 'cloudcourse-functions-'));
      symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(this.cacheDir, 'node_modules'), 'junction');
    }
    return this.cacheDir;
  }
}

/** The platform sends results as JSON: `undefined` becomes null, and a result JSON cannot carry is a failure. */
function serialize(name: string, result: unknown): string {
  try {
    return JSON.stringify(result ?? null);
  } catch (error) {
    throw new FunctionCrashedError(name, error);
  }
}
