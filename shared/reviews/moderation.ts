/**
 * Content security for review text. The text is checked in its check form (shared/content `checkForm`: no invisible
 * characters, full-width forms folded, no spacing between CJK characters), so `刷\u200b单` is checked as 刷单; it is
 * stored as cleaned (`cleanText`). First the operator's own blocked terms (`settings/app` → `content.blockedTerms`):
 * one found is refused like risky text, without asking the platform. Then `security.msgSecCheck` version 2, scene 2
 * (comments), with the author's openid:
 *
 * - `pass`: published;
 * - `review`: kept, shown only to its author until a creator approves it in the console;
 * - `risky`: refused with a message that says what to change;
 * - the service failed, timed out or answered something unreadable (or the blocked terms could not be read):
 *   `unavailable`, kept like `review`, never published unchecked; the nightly timer checks it again (./service.ts
 *   `recheckUnavailable`).
 */
import { checkForm, findBlockedTerm } from '../content';
import { AppError } from '../contract';

export type Outcome = 'pass' | 'review' | 'risky' | 'unavailable';

export interface Verdict {
  outcome: Outcome;
  /** msgSecCheck's label (100 normal, 10001 ad, 20003 abuse, …). */
  label?: number;
  traceId?: string;
  /** The operator's term that made it risky (kept on the review for the operator, never shown to learners). */
  blockedTerm?: string;
}

/** Scene 2 is "comment" (评论). */
export const REVIEW_SCENE = 2;

/** How long a review waits for the check before treating the service as unavailable. */
export const CHECK_TIMEOUT_MS = 4000;

/** msgSecCheck version 1 answers risky content with this errcode, thrown by the SDK. */
const RISKY_ERRCODE = 87014;

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

/** The refusal the learner sees for risky text: what kind of content, and what to do. */
export function riskyRefusal(label: number | undefined): AppError {
  const kind = (label !== undefined && LABEL_NAMES[label]) || '不适宜公开';
  const message = `评价内容可能含有${kind}信息，未能提交。请修改或删除相关内容后重新提交。`;
  return new AppError('INVALID_ARGUMENT', message, { problems: [{ path: 'text', message }], label });
}

/** Reads what `cloud.openapi.security.msgSecCheck` resolved with (camelCased by the SDK). */
export function verdictOf(reply: unknown): Verdict {
  const body = (reply ?? {}) as { result?: { suggest?: unknown; label?: unknown }; traceId?: unknown };
  const suggest = body.result?.suggest;
  if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') return { outcome: 'unavailable' };
  const verdict: Verdict = { outcome: suggest };
  if (typeof body.result?.label === 'number') verdict.label = body.result.label;
  if (typeof body.traceId === 'string') verdict.traceId = body.traceId;
  return verdict;
}

export type MsgSecCheck = (params: { content: string; version: 2; scene: number; openid: string }) => Promise<unknown>;

export interface CheckOptions {
  /** The operator's blocked terms, read for each check (settings/app `content.blockedTerms`). @default none */
  blockedTerms?: () => Promise<readonly string[]>;
  /** @default CHECK_TIMEOUT_MS */
  timeoutMs?: number;
}

/**
 * A `checkText(text, openid)`: the blocked terms, then the platform's msgSecCheck on the check form. Never throws;
 * blocked terms that cannot be read, a failure, an unreadable reply or no answer within `timeoutMs` is `unavailable`.
 * Failures are logged for the operator. Text that is blank in check form passes (there is nothing to check).
 */
export function textChecker(msgSecCheck: MsgSecCheck, options: CheckOptions = {}) {
  const { blockedTerms = async () => [], timeoutMs = CHECK_TIMEOUT_MS } = options;
  return async (text: string, openid: string): Promise<Verdict> => {
    const content = checkForm(text);
    if (content === '') return { outcome: 'pass' };
    let terms: readonly string[];
    try {
      terms = await blockedTerms();
    } catch (error) {
      console.error('[review] blocked terms could not be read', error);
      return { outcome: 'unavailable' };
    }
    const blockedTerm = findBlockedTerm(content, terms);
    if (blockedTerm !== undefined) return { outcome: 'risky', blockedTerm };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const reply = await Promise.race([msgSecCheck({ content, version: 2, scene: REVIEW_SCENE, openid }), timeout]);
      if (reply === 'timeout') {
        console.error(`[review] msgSecCheck gave no answer within ${timeoutMs} ms`);
        return { outcome: 'unavailable' };
      }
      return verdictOf(reply);
    } catch (error) {
      if ((error as { errCode?: unknown } | null)?.errCode === RISKY_ERRCODE) return { outcome: 'risky' };
      console.error('[review] msgSecCheck failed', error);
      return { outcome: 'unavailable' };
    } finally {
      clearTimeout(timer);
    }
  };
}
