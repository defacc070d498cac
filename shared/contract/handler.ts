/**
 * The body of a thin client-callable cloud function: identity check, event validation, dispatch to a domain
 * handler, and the envelope. The function entry only supplies what the platform gives it:
 *
 * ```ts
 * export async function main(event: unknown, context: { request_id?: string }) {
 *   const { OPENID } = cloud.getWXContext();
 *   return handleClientCall(event, { openid: OPENID, requestId: context.request_id }, catalogActions, {
 *     list: (params, call) => listCourses(deps, params, call),
 *     detail: (params, call) => courseDetail(deps, params, call),
 *     categories: () => listCategories(deps),
 *   });
 * }
 * ```
 */
import { randomUUID } from 'node:crypto';
import type { Static, TObject } from '@sinclair/typebox';
import { AppError, err, ok, type Result } from './envelope';
import { validate, type Problem } from './validation';

/** The params schema of each action (without `action` itself); objects that allow no extra field. */
export type ActionSchemas = Record<string, TObject>;

/** What each action answers, by action name. */
export type ActionResponses<S extends ActionSchemas> = { [A in keyof S]: unknown };

/** The event of one action: `{ action, ...params }`. */
export type ActionRequest<S extends ActionSchemas, A extends keyof S & string> = { action: A } & Static<S[A]>;

/** The union of every action's event of a function. */
export type RequestOf<S extends ActionSchemas> = { [A in keyof S & string]: ActionRequest<S, A> }[keyof S & string];

/** Who is calling, established by the platform, never by the event. */
export interface CallContext {
  openid: string;
  requestId: string;
}

export type ActionHandlers<S extends ActionSchemas, R extends ActionResponses<S>> = {
  [A in keyof S]: (params: Static<S[A]>, call: CallContext) => Promise<R[A]> | R[A];
};

export interface CallLogEntry {
  requestId: string;
  action?: string;
  error: unknown;
}

export interface HandleOptions {
  /** Where an unexpected error goes, with everything needed to find it. @default console.error */
  logError?: (entry: CallLogEntry) => void;
}

/** The field the platform adds to events from the mini-program; accepted, ignored, never a source of identity. */
const PLATFORM_FIELDS = new Set(['userInfo']);

function invalid(problems: Problem[]): Result<never> {
  return err('INVALID_ARGUMENT', problems.map((p) => p.message).join('; '), { problems });
}

/**
 * Validates `event` as `{ action, ...params }` against `actions[action]` and runs `handlers[action]`.
 *
 * - no openid → UNAUTHENTICATED (checked first: an anonymous caller learns nothing about the API);
 * - not an object, missing or unknown action, bad params → INVALID_ARGUMENT naming the field, handler not called;
 * - an `AppError` thrown by the handler → its code and message;
 * - anything else → INTERNAL with the request id only; the error itself goes to `logError`.
 */
export async function handleClientCall<S extends ActionSchemas, R extends ActionResponses<S>>(
  event: unknown,
  identity: { openid?: string | null; requestId?: string | null },
  actions: S,
  handlers: ActionHandlers<S, R>,
  options: HandleOptions = {},
): Promise<Result<R[keyof S]>> {
  const requestId = identity.requestId || randomUUID();
  if (!identity.openid) return err('UNAUTHENTICATED', '请先登录微信后再试');
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return invalid([{ path: '', message: 'event must be an object' }]);
  }
  // Own keys only, copied as data properties: an assignment `params[key] = value` with the key `__proto__` (which
  // JSON.parse makes an ordinary own key) would set the copy's prototype instead, hiding the key from validation and
  // letting its fields be read through the prototype.
  const entries = Object.entries(event);
  const action = entries.find(([key]) => key === 'action')?.[1];
  const names = Object.keys(actions);
  if (action === undefined) return invalid([{ path: 'action', message: 'action is required' }]);
  if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(actions, action)) {
    return invalid([{ path: 'action', message: `action must be one of ${names.join(', ')}` }]);
  }
  const params: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (key === 'action' || PLATFORM_FIELDS.has(key)) continue;
    Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
  }

  const checked = validate(actions[action] as S[keyof S], params, 'event');
  if (!checked.ok) return invalid(checked.problems);

  const handler = handlers[action as keyof S];
  try {
    const data = await handler(checked.value, { openid: identity.openid, requestId });
    return ok(data);
  } catch (error) {
    if (error instanceof AppError) return error.toErr();
    (options.logError ?? defaultLog)({ requestId, action, error });
    return err('INTERNAL', `服务暂时出错，请稍后再试（请求号 ${requestId}）`, { requestId });
  }
}

function defaultLog(entry: CallLogEntry): void {
  console.error(`[${entry.requestId}] action ${entry.action ?? '?'} failed`, entry.error);
}
