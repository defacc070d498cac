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
import { askMsgSecCheck, checkForm, findBlockedTerm, labelName, SEC_CHECK_SCENES, type MsgSecCheck } from '../content';
import { AppError } from '../contract';

export { verdictOf, type MsgSecCheck } from '../content';

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
export const REVIEW_SCENE = SEC_CHECK_SCENES.comment;

/** How long a review waits for the check before treating the service as unavailable. */
export const CHECK_TIMEOUT_MS = 4000;

/** The refusal the learner sees for risky text: what kind of content, and what to do. */
export function riskyRefusal(label: number | undefined): AppError {
  const kind = labelName(label) ?? '不适宜公开';
  const message = `评价内容可能含有${kind}信息，未能提交。请修改或删除相关内容后重新提交。`;
  return new AppError('INVALID_ARGUMENT', message, { problems: [{ path: 'text', message }], label });
}

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
    const answer = await askMsgSecCheck(
      msgSecCheck,
      { content, scene: REVIEW_SCENE, openid },
      { timeoutMs, logTag: 'review' },
    );
    const verdict: Verdict = { outcome: answer.outcome };
    if (answer.label !== undefined) verdict.label = answer.label;
    if (answer.traceId !== undefined) verdict.traceId = answer.traceId;
    return verdict;
  };
}
