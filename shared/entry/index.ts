/**
 * The two shapes of a cloud function entry, so that `cloudfunctions/<name>/index.ts` holds only its dependencies and
 * its actions: `clientFunction` for what the mini-program calls (identity, validation and the envelope are
 * `handleClientCall`'s), `platformFunction` for what only the platform may invoke (timers, pay callbacks, message
 * pushes).
 */
import type * as Sdk from 'wx-server-sdk';
import {
  err,
  handleClientCall,
  type ActionHandlers,
  type ActionResponses,
  type ActionSchemas,
  type Result,
} from '../contract';
import { CoverUrls } from '../storage/cover-urls';
import { sdkTempUrls } from '../storage/temp-urls';

type Cloud = typeof Sdk;
export type WxContext = ReturnType<Cloud['getWXContext']>;

/** Initialises the SDK for the environment the function runs in; call it before any other SDK call. */
export function initCloud(cloud: Cloud): Cloud {
  // index.d.ts types `env` as a string, but the SDK documents and accepts the DYNAMIC_CURRENT_ENV symbol.
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  return cloud;
}

/**
 * A function the mini-program calls: `handlers` get the platform's context of the invocation. Every `cover` fileID
 * in an answer leaves as a temp URL (shared/storage/cover-urls.ts), since clients cannot read storage.
 */
export function clientFunction<S extends ActionSchemas, R extends ActionResponses<S>>(
  cloud: Cloud,
  actions: S,
  handlers: (wx: WxContext) => ActionHandlers<S, R>,
): (event: unknown, context: { request_id?: string }) => Promise<Result<R[keyof S]>> {
  // Module scope of the function: the covers' URLs are cached for the warm instance.
  const covers = new CoverUrls(sdkTempUrls(cloud));
  return async (event, context) => {
    const wx = cloud.getWXContext();
    const result = await handleClientCall<S, R>(
      event,
      { openid: wx.OPENID, requestId: context.request_id },
      actions,
      handlers(wx),
    );
    return result.ok ? { ...result, data: await covers.resolve(result.data) } : result;
  };
}

/**
 * Whether an invocation came from the mini-program (directly, or through a function it called). Platform-only
 * functions refuse those.
 */
export function fromClient(source: string | undefined): boolean {
  return (source ?? '').split(',').includes('wx_client');
}

/**
 * Who may invoke a platform-only function: a `timer` trigger (no mini-program in the source, and no learner), or
 * the platform's `push` of a pay callback or message (no mini-program in the source; a push may name the payer).
 */
export type PlatformCaller = 'timer' | 'push';

/** A function only the platform may invoke; any other caller gets FORBIDDEN and `run` does not run. */
export function platformFunction<C, T>(
  cloud: Cloud,
  caller: PlatformCaller,
  run: (event: unknown, context: C, wx: WxContext) => Promise<T>,
): (event: unknown, context: C) => Promise<T | Result<never>> {
  return async (event, context) => {
    const wx = cloud.getWXContext();
    if (fromClient(wx.SOURCE) || (caller === 'timer' && wx.OPENID)) return err('FORBIDDEN', '无权调用');
    return run(event, context, wx);
  };
}
