/**
 * The one way the mini-program calls a cloud function: `call(name, request)` sends `{ action, ...params }` through
 * `wx.cloud.callFunction`, unwraps the envelope of API.md §1 and returns its `data`, typed by the shared contract.
 * Every failure becomes a `CallError`, whose `userMessage` is what the learner is shown.
 */
import type { ActionName, CallRequest, CallResponse, ErrorCode, FunctionName } from '../../shared/contract';

/** The envelope's codes, plus `NETWORK` when the call never got an answer (offline, timeout, function crash). */
export type CallErrorCode = ErrorCode | 'NETWORK' | 'BAD_RESPONSE';

const FALLBACK_MESSAGES: Record<CallErrorCode, string> = {
  INVALID_ARGUMENT: '请求有误，请返回后重试',
  UNAUTHENTICATED: '请先登录微信后再试',
  FORBIDDEN: '没有权限查看这项内容',
  NOT_FOUND: '内容不存在或已下架',
  CONFLICT: '操作冲突，请刷新后重试',
  FAILED_PRECONDITION: '当前状态下无法完成此操作',
  RESOURCE_EXHAUSTED: '操作太频繁，请稍后再试',
  UNAVAILABLE: '服务暂时不可用，请稍后再试',
  INTERNAL: '服务暂时出错，请稍后再试',
  NETWORK: '网络连接失败，请检查网络后重试',
  BAD_RESPONSE: '服务返回了无法识别的结果，请稍后再试',
};

/**
 * Server messages of these codes are written for the learner (Chinese, no internals); the rest name fields (a
 * NOT_FOUND from validation says `courseId 对应的课程…`, so it gets the plain fallback).
 */
const SHOWN_AS_IS: ReadonlySet<CallErrorCode> = new Set<CallErrorCode>([
  'FORBIDDEN',
  'CONFLICT',
  'FAILED_PRECONDITION',
  'RESOURCE_EXHAUSTED',
  'UNAUTHENTICATED',
  'INTERNAL',
]);

export class CallError extends Error {
  readonly name = 'CallError';

  constructor(
    readonly code: CallErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** What to show the learner. */
  get userMessage(): string {
    return SHOWN_AS_IS.has(this.code) && this.message ? this.message : FALLBACK_MESSAGES[this.code];
  }
}

/** The message to show for anything a page catches. */
export function messageOf(error: unknown): string {
  return error instanceof CallError ? error.userMessage : FALLBACK_MESSAGES.INTERNAL;
}

interface Envelope {
  ok: boolean;
  data?: unknown;
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && typeof (value as Envelope).ok === 'boolean';
}

function isCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in FALLBACK_MESSAGES && value !== 'NETWORK' && value !== 'BAD_RESPONSE';
}

export async function call<F extends FunctionName, A extends ActionName<F>>(
  name: F,
  request: CallRequest<F, A>,
): Promise<CallResponse<F, A>> {
  let result: unknown;
  try {
    ({ result } = await wx.cloud.callFunction({ name, data: request }));
  } catch (error) {
    throw new CallError('NETWORK', FALLBACK_MESSAGES.NETWORK, error);
  }
  if (!isEnvelope(result)) throw new CallError('BAD_RESPONSE', FALLBACK_MESSAGES.BAD_RESPONSE, result);
  if (result.ok) return result.data as CallResponse<F, A>;
  const code = isCode(result.error?.code) ? result.error.code : 'INTERNAL';
  const message = typeof result.error?.message === 'string' ? result.error.message : '';
  throw new CallError(code, message, result.error?.details);
}
