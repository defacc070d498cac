/**
 * What the `contentCheck` function does with each invocation: a timer tick sweeps unanswered media checks
 * (./media-sweep.ts) and checks the pending course revisions (./revision-check.ts); a `wxa_media_check` push records
 * a verdict (./media-results.ts) and checks that course's revision again; a `wxa_punish_event`
 * (Penalty_for_Violation) push records a penalty (./penalties.ts); `{ action: 'checkRevisions', courseIds }` from
 * the server side (`course:import`, through the node-sdk's callFunction) checks those courses' revisions now. Pushes
 * are answered `success` (what WeChat asks of a message push) once recorded; a push this product does not subscribe
 * to is acknowledged and ignored. A failure to record throws, so the platform may push again.
 */
import { AppError } from '../contract';
import { COLLECTIONS } from '../collections';
import { getById } from '../db';
import type { MediaCheckDoc } from './media-check';
import { MEDIA_CHECK_EVENT, recordMediaResult } from './media-results';
import { checkRevisions, revisionAdminOpenid, type RevisionCheckDeps, type RevisionOutcome } from './revision-check';
import { sweepMediaChecks, type MediaSweepReport } from './media-sweep';
import { PENALTY_EVENT, recordPenalty } from './penalties';

export const PUSH_ACK = 'success';

/** Courses one `checkRevisions` request may name. */
export const MAX_COURSES_PER_CHECK = 100;

export type ContentInvocation =
  | { kind: 'sweep'; report: MediaSweepReport; revisions: RevisionOutcome[] }
  | { kind: 'revisions'; revisions: RevisionOutcome[] }
  | { kind: 'mediaResult' | 'penalty'; outcome: string; reply: typeof PUSH_ACK }
  | { kind: 'ignored'; reply: typeof PUSH_ACK };

export async function handleContentInvocation(deps: RevisionCheckDeps, event: unknown): Promise<ContentInvocation> {
  const payload = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const now = (deps.now ?? Date.now)();
  if (payload.Type === 'Timer') {
    // Resubmitted with the creator admin's openid, which may be fresher than the one a file was first sent with.
    const report = await sweepMediaChecks(deps, { openidFor: (courseId) => revisionAdminOpenid(deps.db, courseId) });
    return { kind: 'sweep', report, revisions: await checkRevisions(deps) };
  }
  if (payload.action === 'checkRevisions') {
    return { kind: 'revisions', revisions: await checkRevisions(deps, courseIdsOf(payload.courseIds)) };
  }
  if (payload.Event === MEDIA_CHECK_EVENT) {
    const outcome = await recordMediaResult(deps.db, payload, now);
    if (outcome === 'recorded' && typeof payload.trace_id === 'string') {
      // The verdict is kept whatever happens next: a failed re-check is left to the timer, the push acknowledged.
      try {
        const submission = await getById<MediaCheckDoc>(deps.db, COLLECTIONS.mediaChecks, payload.trace_id);
        if (submission) await checkRevisions(deps, [submission.courseId]);
      } catch (error) {
        console.error('[contentCheck] the revision could not be checked after a media verdict', error);
      }
    }
    return { kind: 'mediaResult', outcome, reply: PUSH_ACK };
  }
  if (payload.Event === PENALTY_EVENT) {
    return { kind: 'penalty', outcome: await recordPenalty(deps.db, payload, now), reply: PUSH_ACK };
  }
  return { kind: 'ignored', reply: PUSH_ACK };
}

function courseIdsOf(value: unknown): string[] {
  const ok =
    Array.isArray(value) &&
    value.length >= 1 &&
    value.length <= MAX_COURSES_PER_CHECK &&
    value.every((id) => typeof id === 'string' && id !== '');
  if (!ok) {
    throw new AppError('INVALID_ARGUMENT', `courseIds must be 1 to ${MAX_COURSES_PER_CHECK} course ids`, {
      field: 'courseIds',
    });
  }
  return [...new Set(value as string[])];
}
