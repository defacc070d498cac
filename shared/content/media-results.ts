/**
 * The `wxa_media_check` push: the verdict of one mediaCheckAsync submission, matched by `trace_id`. It is recorded
 * once: the update matches the submission only while it has no verdict (pending, or expired without one), so a
 * repeated or concurrent push changes nothing. A push after the submission expired is kept too (`late: true`): it is
 * real evidence, and a risky verdict must count even though the file was resubmitted. A push for no known
 * submission is logged and acknowledged (pushing it again would not help).
 *
 * The event (docs/platform-facts.md; a developer's posted push): `{ ToUserName, FromUserName, CreateTime, MsgType:
 * 'event', Event: 'wxa_media_check', appid, trace_id, version: 2, result: { suggest, label }, detail: [...] }`, where
 * the label came as a string ("100"); both forms are read.
 */
import { COLLECTIONS } from '../collections';
import type { Database } from '../db';
import type { MediaCheckDoc, MediaCheckStatus } from './media-check';

export const MEDIA_CHECK_EVENT = 'wxa_media_check';

export type MediaResultOutcome = 'recorded' | 'repeated' | 'unknown' | 'unreadable';

/** The verdict a push carries, or undefined when it carries none this product can read. */
export function mediaResultOf(
  event: Record<string, unknown>,
): { traceId: string; status: Exclude<MediaCheckStatus, 'pending' | 'expired'>; label?: number } | undefined {
  const traceId = event.trace_id;
  const result = (event.result ?? {}) as { suggest?: unknown; label?: unknown };
  if (typeof traceId !== 'string' || traceId === '') return undefined;
  const { suggest } = result;
  if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') return undefined;
  const label = typeof result.label === 'string' && result.label !== '' ? Number(result.label) : result.label;
  return Number.isInteger(label) ? { traceId, status: suggest, label: label as number } : { traceId, status: suggest };
}

/** Records the verdict of a `wxa_media_check` push (see the module comment). */
export async function recordMediaResult(
  db: Database,
  event: Record<string, unknown>,
  now: number,
): Promise<MediaResultOutcome> {
  const verdict = mediaResultOf(event);
  if (!verdict) {
    console.error('[contentCheck] a wxa_media_check push without a readable verdict', JSON.stringify(event));
    return 'unreadable';
  }
  const checks = db.collection(COLLECTIONS.mediaChecks);
  const found = (await checks.where({ _id: verdict.traceId }).limit(1).get()) as unknown as { data: MediaCheckDoc[] };
  const submission = found.data[0];
  if (!submission) {
    console.error(`[contentCheck] a verdict for no known submission: ${verdict.traceId}`);
    return 'unknown';
  }
  const _ = db.command;
  const data: Record<string, unknown> = { status: verdict.status, answeredAt: now };
  if (verdict.label !== undefined) data.label = verdict.label;
  if (submission.status === 'expired') data.late = true;
  const updated = (await checks
    .where({ _id: verdict.traceId, status: _.in(['pending', 'expired']), answeredAt: _.exists(false) })
    .update({ data })) as { stats?: { updated?: number } };
  return (updated.stats?.updated ?? 0) > 0 ? 'recorded' : 'repeated';
}
