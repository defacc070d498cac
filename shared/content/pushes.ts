/**
 * What the `contentCheck` function does with each invocation: a timer tick sweeps unanswered media checks
 * (./media-sweep.ts); a `wxa_media_check` push records a verdict (./media-results.ts); a `wxa_punish_event`
 * (Penalty_for_Violation) push records a penalty (./penalties.ts). Pushes are answered `success` (what WeChat asks of
 * a message push) once recorded; a push this product does not subscribe to is acknowledged and ignored. A failure to
 * record throws, so the platform may push again.
 */
import type { MediaCheckDeps } from './media-check';
import { MEDIA_CHECK_EVENT, recordMediaResult } from './media-results';
import { sweepMediaChecks, type MediaSweepReport } from './media-sweep';
import { PENALTY_EVENT, recordPenalty } from './penalties';

export const PUSH_ACK = 'success';

export type ContentInvocation =
  | { kind: 'sweep'; report: MediaSweepReport }
  | { kind: 'mediaResult' | 'penalty'; outcome: string; reply: typeof PUSH_ACK }
  | { kind: 'ignored'; reply: typeof PUSH_ACK };

export async function handleContentInvocation(deps: MediaCheckDeps, event: unknown): Promise<ContentInvocation> {
  const payload = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const now = (deps.now ?? Date.now)();
  if (payload.Type === 'Timer') return { kind: 'sweep', report: await sweepMediaChecks(deps) };
  if (payload.Event === MEDIA_CHECK_EVENT) {
    return { kind: 'mediaResult', outcome: await recordMediaResult(deps.db, payload, now), reply: PUSH_ACK };
  }
  if (payload.Event === PENALTY_EVENT) {
    return { kind: 'penalty', outcome: await recordPenalty(deps.db, payload, now), reply: PUSH_ACK };
  }
  return { kind: 'ignored', reply: PUSH_ACK };
}
