/**
 * The check of a creator's text (course title, description, lesson titles, article bodies …) before learners see
 * it. Each field is put in check form (./normalize.ts) and meets the operator's blocked terms on its whole text (a
 * term found makes it risky without asking the platform); then `security.msgSecCheck` v2, scene 1 (资料), with the
 * openid of the course's creator admin, one call per piece of at most 2,500 characters (./chunks.ts; the pieces
 * overlap, so a word on a cut is seen whole). A field is as bad as its worst piece: risky, then unavailable, then
 * review, then pass.
 *
 * Unavailable means the check did not decide, and the text must not be published on it. Its reason says what to do
 * (`UNAVAILABLE_ACTIONS`): a stale openid (61010, the admin has not opened the mini-program within about two hours)
 * needs the admin to open it and the check to run again; once one call is stale, the rest are not made. A failure
 * or timeout of the platform is retried later; blocked terms that cannot be read need the operator to fix
 * `settings/app`.
 */
import { chunkText } from './chunks';
import { checkForm, findBlockedTerm } from './normalize';
import {
  askMsgSecCheck,
  labelName,
  SEC_CHECK_SCENES,
  type MsgSecCheck,
  type SecCheckAnswer,
  type SecCheckOutcome,
  type UnavailableReason,
} from './sec-check';

/** Scene 1 is 资料: material a user publishes about themselves or their work. */
export const CREATOR_TEXT_SCENE = SEC_CHECK_SCENES.material;
/** How long one call may take before it counts as unavailable. */
export const CREATOR_CHECK_TIMEOUT_MS = 5000;
/** Calls in flight at once (the platform allows 4,000 a minute). */
const CONCURRENT_CALLS = 4;

export type TextUnavailableReason = UnavailableReason | 'blockedTerms';

/** What the caller (and the creator, in these words) should do about an unavailable check. */
export const UNAVAILABLE_ACTIONS: Record<TextUnavailableReason, string> = {
  staleOpenid: '内容检查需要创作者管理员近两小时内打开过小程序：请管理员打开小程序后重新提交，课程在此之前不会发布。',
  failed: '内容检查服务暂时不可用，课程保持待审核，稍后会自动重试。',
  timeout: '内容检查服务暂时不可用，课程保持待审核，稍后会自动重试。',
  unreadable: '内容检查服务暂时不可用，课程保持待审核，稍后会自动重试。',
  blockedTerms: '运营设置（settings/app 的 content.blockedTerms）无法读取，请运营者修正后重试。',
};

/** One creator-written field, named by its path in the course (`title`, `lessons[2].title`, …). */
export interface TextField {
  path: string;
  text: string;
}

export interface FieldVerdict {
  path: string;
  outcome: SecCheckOutcome;
  /** The platform's label of a review or risky verdict, and its name when it has one (广告引流, 欺诈, …). */
  label?: number;
  labelName?: string;
  /** The operator's term that made it risky. */
  blockedTerm?: string;
  unavailable?: TextUnavailableReason;
  /** The trace ids of the platform's answers, for an appeal. */
  traceIds: string[];
}

export interface TextCheckReport {
  /** The worst field's outcome; `pass` when there is nothing to check. */
  outcome: SecCheckOutcome;
  /** Every field, in the order given. */
  fields: FieldVerdict[];
  /** When `outcome` is unavailable: the first field's reason and what to do about it. */
  unavailable?: { reason: TextUnavailableReason; action: string };
}

export interface TextCheckDeps {
  msgSecCheck: MsgSecCheck;
  /** The operator's blocked terms (settings/app `content.blockedTerms`, `readBlockedTerms`). */
  blockedTerms: () => Promise<readonly string[]>;
  /** @default CREATOR_CHECK_TIMEOUT_MS */
  timeoutMs?: number;
}

const SEVERITY: Record<SecCheckOutcome, number> = { pass: 0, review: 1, unavailable: 2, risky: 3 };

/**
 * Checks every field of a creator's text with the creator admin's `openid`. Never throws for the platform's sake;
 * throws on bad input (no openid, a path named twice).
 */
export async function checkCreatorText(
  deps: TextCheckDeps,
  fields: readonly TextField[],
  openid: string,
): Promise<TextCheckReport> {
  if (openid === '') throw new Error("checkCreatorText: openid (the creator admin's) is required");
  const paths = new Set(fields.map((field) => field.path));
  if (paths.size !== fields.length) throw new Error('checkCreatorText: a field path is named twice');
  const forms = fields.map((field) => ({ path: field.path, content: checkForm(field.text) }));
  let terms: readonly string[];
  try {
    terms = await deps.blockedTerms();
  } catch (error) {
    console.error('[content] blocked terms could not be read', error);
    return report(
      forms.map(({ path }) => ({ path, outcome: 'unavailable', unavailable: 'blockedTerms', traceIds: [] })),
    );
  }
  const verdicts: FieldVerdict[] = forms.map(({ path, content }) => {
    const blockedTerm = content === '' ? undefined : findBlockedTerm(content, terms);
    return blockedTerm === undefined
      ? { path, outcome: 'pass', traceIds: [] }
      : { path, outcome: 'risky', blockedTerm, traceIds: [] };
  });
  const calls = forms.flatMap(({ content }, field) =>
    content === '' || verdicts[field]?.outcome === 'risky' ? [] : chunkText(content).map((piece) => ({ field, piece })),
  );
  let stale = false;
  const ask = async ({ field, piece }: { field: number; piece: string }): Promise<void> => {
    const answer: SecCheckAnswer = stale
      ? { outcome: 'unavailable', unavailable: 'staleOpenid' }
      : await askMsgSecCheck(
          deps.msgSecCheck,
          { content: piece, scene: CREATOR_TEXT_SCENE, openid },
          { timeoutMs: deps.timeoutMs ?? CREATOR_CHECK_TIMEOUT_MS, logTag: 'content' },
        );
    if (answer.unavailable === 'staleOpenid') stale = true;
    const verdict = verdicts[field];
    if (verdict) merge(verdict, answer);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENT_CALLS, calls.length) }, async () => {
      while (next < calls.length) {
        const call = calls[next];
        next += 1;
        if (call) await ask(call);
      }
    }),
  );
  return report(verdicts);
}

/** Folds one piece's answer into its field's verdict: the worse outcome wins, with its label or reason. */
function merge(verdict: FieldVerdict, answer: SecCheckAnswer): void {
  if (answer.traceId !== undefined) verdict.traceIds.push(answer.traceId);
  if (SEVERITY[answer.outcome] <= SEVERITY[verdict.outcome]) return;
  verdict.outcome = answer.outcome;
  delete verdict.label;
  delete verdict.labelName;
  delete verdict.unavailable;
  if (answer.outcome === 'unavailable') verdict.unavailable = answer.unavailable ?? 'failed';
  if (answer.label !== undefined) {
    verdict.label = answer.label;
    const name = labelName(answer.label);
    if (name !== undefined) verdict.labelName = name;
  }
}

function report(fields: FieldVerdict[]): TextCheckReport {
  const worst = fields.reduce<FieldVerdict | undefined>(
    (found, field) => (found === undefined || SEVERITY[field.outcome] > SEVERITY[found.outcome] ? field : found),
    undefined,
  );
  const outcome = worst?.outcome ?? 'pass';
  const result: TextCheckReport = { outcome, fields };
  const reason = fields.find((field) => field.unavailable !== undefined)?.unavailable;
  if (outcome === 'unavailable' && reason !== undefined) {
    result.unavailable = { reason, action: UNAVAILABLE_ACTIONS[reason] };
  }
  return result;
}
