/**
 * The timer step for media checks the platform never answered: a submission still pending 30 minutes after it was
 * made (the documented wait) counts as not passed yet and is submitted again with a fresh temp URL, up to
 * MAX_MEDIA_ATTEMPTS submissions of the file; the old one becomes `expired` with `resubmittedAs`, the new one's
 * trace id. The resubmission is made first and the old one expired after, by a conditional update, so a push that
 * answers the old one meanwhile is kept (the extra submission is harmless). A resubmission that is refused or
 * unavailable (a stale admin openid, the platform down) leaves the old one pending with `retryError`, to be tried on
 * the next run (after one stale answer, the run tries no other file with that openid); after the last attempt the submission is expired and left so: the creator must submit it again.
 */
import { COLLECTIONS } from '../collections';
import type { Database } from '../db';
import {
  MAX_MEDIA_ATTEMPTS,
  MEDIA_RESULT_WAIT_MS,
  submitMediaCheck,
  type MediaCheckDeps,
  type MediaCheckDoc,
} from './media-check';

/** Submissions handled per run, oldest first; the rest wait for the next run. */
export const MEDIA_SWEEP_BATCH = 50;

export interface MediaSweepReport {
  resubmitted: number;
  /** Expired after the last attempt. */
  gaveUp: number;
  /** Left pending because the resubmission failed. */
  retryFailed: number;
}

export interface MediaSweepOptions {
  /**
   * The openid to resubmit a course's files with (its creator admin's latest, which may be fresher than the one the
   * first submission used); undefined keeps the submission's own. @default the submission's own
   */
  openidFor?: (courseId: string) => Promise<string | undefined>;
}

export async function sweepMediaChecks(
  deps: MediaCheckDeps,
  options: MediaSweepOptions = {},
): Promise<MediaSweepReport> {
  const now = (deps.now ?? Date.now)();
  const _ = deps.db.command;
  const checks = deps.db.collection(COLLECTIONS.mediaChecks);
  const due = (await checks
    .where({ status: 'pending', submittedAt: _.lte(now - MEDIA_RESULT_WAIT_MS) })
    .orderBy('submittedAt', 'asc')
    .limit(MEDIA_SWEEP_BATCH)
    .get()) as unknown as { data: MediaCheckDoc[] };
  const report: MediaSweepReport = { resubmitted: 0, gaveUp: 0, retryFailed: 0 };
  // An openid the platform called stale is not tried again in this run: the next files would fail alike.
  const stale = new Set<string>();
  for (const old of due.data) {
    if (old.attempt >= MAX_MEDIA_ATTEMPTS) {
      if (await expire(deps.db, old._id, { expiredAt: now })) report.gaveUp += 1;
      continue;
    }
    const openid = (await options.openidFor?.(old.courseId)) ?? old.openid;
    const next = stale.has(openid)
      ? ({ status: 'unavailable', reason: 'staleOpenid' } as const)
      : await submitMediaCheck(deps, {
          fileId: old.fileId,
          courseId: old.courseId,
          fieldPath: old.fieldPath,
          mediaType: old.mediaType,
          openid,
          attempt: old.attempt + 1,
        });
    if (next.status === 'unavailable' && next.reason === 'staleOpenid') stale.add(openid);
    if (next.status !== 'submitted') {
      await checks
        .where({ _id: old._id, status: 'pending' })
        .update({ data: { retryError: next.reason, retriedAt: now } });
      report.retryFailed += 1;
      continue;
    }
    await expire(deps.db, old._id, { expiredAt: now, resubmittedAs: next.traceId });
    report.resubmitted += 1;
  }
  return report;
}

/** pending → expired, only while still pending; whether it changed. */
async function expire(db: Database, traceId: string, data: Record<string, unknown>): Promise<boolean> {
  const updated = (await db
    .collection(COLLECTIONS.mediaChecks)
    .where({ _id: traceId, status: 'pending' })
    .update({ data: { status: 'expired', ...data } })) as { stats?: { updated?: number } };
  return (updated.stats?.updated ?? 0) > 0;
}
