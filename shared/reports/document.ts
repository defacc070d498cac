/**
 * A learner's report of a review or a course: one document per learner and target in `reports` (server-only), so a
 * second report of the same target finds the first one instead of counting twice. The nightly quality score
 * aggregates these by `courseId`; keep the shape.
 */
import type { ReportReason } from '../contract';
import { cleanText } from '../content';

export type ReportKind = 'review' | 'course';

export interface ReportDoc {
  /** `<kind>_<targetId>_<openid>`: one per learner and target. */
  _id: string;
  kind: ReportKind;
  /** The review's id or the course's id. */
  targetId: string;
  /** The course the target is or belongs to. */
  courseId: string;
  reason: ReportReason;
  /** Cleaned like review text (shared/content `cleanText`); absent when blank. */
  text?: string;
  _openid: string;
  /** ISO-8601. */
  createdAt: string;
}

export function reportDocId(kind: ReportKind, targetId: string, openid: string): string {
  return `${kind}_${targetId}_${openid}`;
}

/**
 * The report a learner makes now. Its text is cleaned (invisible and control characters removed, NFC, trimmed) but
 * not sent to the content check: it is never shown to learners, only to the course's creator in the console, so it
 * cannot publish anything, and a check per report would spend the platform's quota on words nobody else reads.
 */
export function newReport(
  target: Pick<ReportDoc, 'kind' | 'targetId' | 'courseId'>,
  params: { reason: ReportReason; text?: string },
  openid: string,
  now: Date,
): ReportDoc {
  const report: ReportDoc = {
    _id: reportDocId(target.kind, target.targetId, openid),
    kind: target.kind,
    targetId: target.targetId,
    courseId: target.courseId,
    reason: params.reason,
    _openid: openid,
    createdAt: now.toISOString(),
  };
  const text = cleanText(params.text ?? '');
  if (text !== '') report.text = text;
  return report;
}
