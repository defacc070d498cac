/**
 * One call of `security.msgSecCheck` version 2, as every text check of the product makes it (review text, creators'
 * course text): on content the caller has already put in check form (./normalize.ts), within a timeout, never
 * throwing. What the platform answers (docs/platform-facts.md "Content security"): `result.suggest` pass | review |
 * risky with a `label`, camelCased by wx-server-sdk (`traceId`); version 1 threw 87014 for risky content; errcode
 * 61010 ("code is expired") when the openid has not used the mini-program recently (the API asks for a visit within
 * two hours; WeChat's community answers speak of as little as 30 minutes).
 */

export type MsgSecCheck = (params: { content: string; version: 2; scene: number; openid: string }) => Promise<unknown>;

/** The longest content one call takes. */
export const MSG_SEC_CHECK_MAX_CHARS = 2500;

/** msgSecCheck's scenes: 1 资料 (profiles and published material), 2 评论, 3 论坛, 4 社交日志. */
export const SEC_CHECK_SCENES = { material: 1, comment: 2, forum: 3, socialLog: 4 } as const;

/** The errcode of an openid that has not visited the mini-program recently enough (用户访问记录超时). */
export const STALE_OPENID_ERRCODE = 61010;

/** msgSecCheck version 1 answers risky content with this errcode, thrown by the SDK. */
const RISKY_ERRCODE = 87014;

/** What the platform's labels mean, in the words a creator or learner is shown. */
const LABEL_NAMES: Record<number, string> = {
  10001: '广告引流',
  20001: '时政敏感',
  20002: '色情',
  20003: '辱骂',
  20006: '违法犯罪',
  20008: '欺诈',
  20012: '低俗',
  20013: '侵权',
};

/** The name of a msgSecCheck or mediaCheckAsync label, or `undefined` for 100 (normal), 21000 (other) and unknown ones. */
export function labelName(label: number | undefined): string | undefined {
  return label === undefined ? undefined : LABEL_NAMES[label];
}

export type SecCheckOutcome = 'pass' | 'review' | 'risky' | 'unavailable';

/** Why a check could not decide: the openid was stale, the call failed, gave no answer in time, or was unreadable. */
export type UnavailableReason = 'staleOpenid' | 'failed' | 'timeout' | 'unreadable';

export interface SecCheckAnswer {
  outcome: SecCheckOutcome;
  /** The platform's label (100 normal, 10001 ad, 20003 abuse, …). */
  label?: number;
  traceId?: string;
  /** Set when `outcome` is `unavailable`. */
  unavailable?: UnavailableReason;
}

/** Reads what `cloud.openapi.security.msgSecCheck` resolved with; anything unreadable is `unavailable`. */
export function verdictOf(reply: unknown): { outcome: SecCheckOutcome; label?: number; traceId?: string } {
  const body = (reply ?? {}) as { result?: { suggest?: unknown; label?: unknown }; traceId?: unknown };
  const suggest = body.result?.suggest;
  if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') return { outcome: 'unavailable' };
  const verdict: { outcome: SecCheckOutcome; label?: number; traceId?: string } = { outcome: suggest };
  if (typeof body.result?.label === 'number') verdict.label = body.result.label;
  if (typeof body.traceId === 'string') verdict.traceId = body.traceId;
  return verdict;
}

/** The errCode wx-server-sdk throws with, if any. */
export function errCodeOf(error: unknown): unknown {
  return (error as { errCode?: unknown } | null)?.errCode;
}

/**
 * Asks msgSecCheck v2 about `content` (already in check form, at most MSG_SEC_CHECK_MAX_CHARS). Never throws; a
 * failure or no answer within `timeoutMs` is `unavailable` with its reason, and is logged under `logTag`.
 */
export async function askMsgSecCheck(
  msgSecCheck: MsgSecCheck,
  request: { content: string; scene: number; openid: string },
  options: { timeoutMs: number; logTag: string },
): Promise<SecCheckAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  try {
    const reply = await Promise.race([msgSecCheck({ ...request, version: 2 }), timeout]);
    if (reply === 'timeout') {
      console.error(`[${options.logTag}] msgSecCheck gave no answer within ${options.timeoutMs} ms`);
      return { outcome: 'unavailable', unavailable: 'timeout' };
    }
    const verdict = verdictOf(reply);
    return verdict.outcome === 'unavailable' ? { outcome: 'unavailable', unavailable: 'unreadable' } : verdict;
  } catch (error) {
    const errCode = errCodeOf(error);
    if (errCode === RISKY_ERRCODE) return { outcome: 'risky' };
    if (errCode === STALE_OPENID_ERRCODE) return { outcome: 'unavailable', unavailable: 'staleOpenid' };
    console.error(`[${options.logTag}] msgSecCheck failed`, error);
    return { outcome: 'unavailable', unavailable: 'failed' };
  } finally {
    clearTimeout(timer);
  }
}
