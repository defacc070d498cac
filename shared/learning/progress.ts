/**
 * Progress rules, pure: what a report does to a learner's progress in a course.
 *
 * One `courseProgress` document per learner and course holds everything: each lesson's resume position, furthest
 * position and completion (under `lessons.<lessonId>`), and the course-level figures derived from them (percent,
 * completed lessons, last lesson). Keeping the lessons inside the course document is what lets one report cost one
 * write: the lesson's state and the course's figures change together, in one conditional update (see ./service.ts).
 *
 * - resume position: the position of the report with the latest `at` (client time); an older report never replaces
 *   it, so a device that was offline and sends its queue late does not rewind another device;
 * - furthest position: the maximum ever reported, whatever the order of arrival;
 * - completion: 90 % of a video or audio, or an article read to its end (the reader reports its full length); never
 *   taken back;
 * - last lesson: the lesson of the latest report in the course.
 *
 * Every rule is a maximum over the reports (by time, by position, false < true), so the result does not depend on
 * the order reports arrive in.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../contract';
import type { CourseProgress, LessonKind, LessonProgress } from '../contract';
import { COLLECTIONS } from '../collections';
import { getById, type Database } from '../db';

/** The one `courseProgress` id of a learner and course. */
export function progressId(openid: string, courseId: string): string {
  return createHash('sha256').update(`progress\u0000${openid}\u0000${courseId}`).digest('hex').slice(0, 32);
}

/** The learner's progress document of a course, by its id. */
export async function readProgress(db: Database, openid: string, courseId: string): Promise<CourseProgressDoc | null> {
  return getById<CourseProgressDoc>(db, COLLECTIONS.courseProgress, progressId(openid, courseId));
}

/** A video or audio lesson is complete once this fraction of it has been reached. */
export const MEDIA_COMPLETE_FRACTION = 0.9;

/**
 * How far the player's duration may differ from the lesson's stored one (whole seconds, rounded by the import) before
 * the report is refused: 2 seconds, or 5 % of the lesson.
 */
export function durationTolerance(lessonDurationSec: number): number {
  return Math.max(2, lessonDurationSec * 0.05);
}

/** A lesson's state inside the course document; short keys, as a course may have hundreds of lessons. */
export interface LessonState {
  /** Resume position, whole seconds. */
  pos: number;
  /** Client epoch ms of the report `pos` comes from. */
  at: number;
  /** Furthest position, whole seconds. */
  max: number;
  done: boolean;
}

/**
 * The paid lessons whose media URL or article body `learning.lesson` handed out while the learner's enrollment was
 * paid for by `orderId` (so after that payment): lesson id → server epoch ms of the first delivery. A later purchase
 * (after a refund) starts a new record. The refund policy counts these (./consumption.ts).
 */
export interface DeliveryRecord {
  orderId: string;
  lessons: Record<string, number>;
}

/**
 * `courseProgress`: a learner's progress in one course. The refund policy reads `percent` and `delivered`
 * (./consumption.ts).
 */
export interface CourseProgressDoc {
  _id: string;
  _openid: string;
  courseId: string;
  /** Whether the learner was enrolled at the latest report (a free lesson can be studied without). */
  enrolled: boolean;
  lessons: Record<string, LessonState>;
  /** In the order they were completed. */
  completedLessonIds: string[];
  /** The course's lesson count when percent was computed. */
  lessonCount: number;
  /** 0–100: completed lessons over lessons, rounded down (100 only when every lesson is complete). */
  percent: number;
  lastLessonId: string;
  /** Resume position in the last lesson, whole seconds. */
  lastPositionSec: number;
  /** Client epoch ms of the latest report. */
  lastReportedAt: number;
  /** ISO-8601 of `lastReportedAt`: latest activity, what `myCourses` sorts by. */
  updatedAt: string;
  /** ISO-8601 (server time) when percent first reached 100. */
  completedAt?: string;
  /** Incremented by every write; a write applies only to the revision it was computed from. */
  rev: number;
  /** Written only by `learning.lesson` (a report's write leaves it as it is). */
  delivered?: DeliveryRecord;
  /** The state of the write limits kept here (shared/limits LIMITS.progress, LIMITS.lessonDelivery), epoch ms. */
  limits?: { progress?: number; lessonDelivery?: number };
}

/** A report that passed validation. */
export interface Report {
  lessonId: string;
  kind: LessonKind;
  /** As reported (fractional seconds allowed). */
  positionSec: number;
  /** The player's duration of the lesson. */
  durationSec: number;
  /** Client epoch ms, never later than the server's now. */
  at: number;
}

/** What the course and the access check say, for the document to carry. */
export interface CourseFacts {
  id: string;
  openid: string;
  courseId: string;
  lessonCount: number;
  enrolled: boolean;
}

/**
 * Checks a report against the lesson and the server's clock. A position beyond the duration, or a duration that is
 * not the lesson's, is INVALID_ARGUMENT naming the field; a time in the future counts as now.
 */
export function acceptReport(
  params: { lessonId: string; positionSec: number; durationSec: number; reportedAt?: number },
  lesson: { kind: LessonKind; durationSec: number },
  now: Date,
): Report {
  if (Math.abs(params.durationSec - lesson.durationSec) > durationTolerance(lesson.durationSec)) {
    throw invalidField('durationSec', `durationSec must be about ${lesson.durationSec}, the lesson's duration`);
  }
  if (params.positionSec > params.durationSec) {
    throw invalidField('positionSec', 'positionSec must be <= durationSec');
  }
  return {
    lessonId: params.lessonId,
    kind: lesson.kind,
    positionSec: params.positionSec,
    durationSec: params.durationSec,
    at: Math.min(params.reportedAt ?? now.getTime(), now.getTime()),
  };
}

/** INVALID_ARGUMENT in the shape `handleClientCall` gives a schema failure. */
export function invalidField(path: string, message: string): AppError {
  return new AppError('INVALID_ARGUMENT', message, { problems: [{ path, message }] });
}

export function reachesCompletion(kind: LessonKind, positionSec: number, durationSec: number): boolean {
  const fraction = positionSec / durationSec;
  return kind === 'article' ? fraction >= 1 : fraction >= MEDIA_COMPLETE_FRACTION;
}

export function percentOf(completed: number, lessonCount: number): number {
  if (lessonCount <= 0) return 0;
  return Math.min(100, Math.floor((completed * 100) / lessonCount));
}

/**
 * The document after `report`, or null when the report changes nothing (a duplicate, or an old report that is
 * behind on every count). `now` stamps `completedAt`.
 */
export function applyReport(
  prev: CourseProgressDoc | null,
  facts: CourseFacts,
  report: Report,
  now: Date,
): CourseProgressDoc | null {
  const before = prev?.lessons[report.lessonId];
  const position = Math.floor(report.positionSec);
  const newer = before === undefined || report.at > before.at;
  const lesson: LessonState = {
    pos: newer ? position : before.pos,
    at: newer ? report.at : before.at,
    max: Math.max(before?.max ?? 0, position),
    done: (before?.done ?? false) || reachesCompletion(report.kind, report.positionSec, report.durationSec),
  };
  const completedLessonIds = [...(prev?.completedLessonIds ?? [])];
  if (lesson.done && !completedLessonIds.includes(report.lessonId)) completedLessonIds.push(report.lessonId);
  const percent = percentOf(completedLessonIds.length, facts.lessonCount);
  const latest = prev === null || report.at > prev.lastReportedAt;

  const next: CourseProgressDoc = {
    _id: facts.id,
    _openid: facts.openid,
    courseId: facts.courseId,
    enrolled: facts.enrolled,
    lessons: { ...prev?.lessons, [report.lessonId]: lesson },
    completedLessonIds,
    lessonCount: facts.lessonCount,
    percent,
    lastLessonId: latest ? report.lessonId : prev.lastLessonId,
    lastPositionSec: latest ? lesson.pos : prev.lastPositionSec,
    lastReportedAt: latest ? report.at : prev.lastReportedAt,
    updatedAt: latest ? new Date(report.at).toISOString() : prev.updatedAt,
    rev: (prev?.rev ?? 0) + 1,
  };
  const completedAt = prev?.completedAt ?? (percent === 100 ? now.toISOString() : undefined);
  if (completedAt !== undefined) next.completedAt = completedAt;
  if (prev !== null && sameState(prev, next, report.lessonId)) return null;
  return next;
}

function sameState(prev: CourseProgressDoc, next: CourseProgressDoc, lessonId: string): boolean {
  const a = prev.lessons[lessonId];
  const b = next.lessons[lessonId];
  return (
    a !== undefined &&
    b !== undefined &&
    a.pos === b.pos &&
    a.at === b.at &&
    a.max === b.max &&
    a.done === b.done &&
    prev.enrolled === next.enrolled &&
    prev.lessonCount === next.lessonCount &&
    prev.percent === next.percent &&
    prev.completedLessonIds.length === next.completedLessonIds.length &&
    prev.lastLessonId === next.lastLessonId &&
    prev.lastPositionSec === next.lastPositionSec &&
    prev.lastReportedAt === next.lastReportedAt
  );
}

/** Whether the lesson's delivery under `orderId` is recorded already (then opening it again writes nothing). */
export function isDelivered(doc: CourseProgressDoc | null, orderId: string, lessonId: string): boolean {
  return doc?.delivered?.orderId === orderId && doc.delivered.lessons[lessonId] !== undefined;
}

/** The delivery record once `lessonId` is delivered at `at` under `orderId`; a record of an earlier order is replaced. */
export function withDelivery(
  record: DeliveryRecord | undefined,
  orderId: string,
  lessonId: string,
  at: number,
): DeliveryRecord {
  const lessons = record?.orderId === orderId ? record.lessons : {};
  return { orderId, lessons: { ...lessons, [lessonId]: lessons[lessonId] ?? at } };
}

/**
 * The document a first delivery creates when the learner has never reported progress in the course: nothing studied
 * yet, the opened lesson as the place to resume (from its start), `now` as the latest activity.
 */
export function deliveredFirst(
  facts: CourseFacts,
  lessonId: string,
  delivered: DeliveryRecord,
  now: Date,
): CourseProgressDoc {
  return {
    _id: facts.id,
    _openid: facts.openid,
    courseId: facts.courseId,
    enrolled: facts.enrolled,
    lessons: {},
    completedLessonIds: [],
    lessonCount: facts.lessonCount,
    percent: 0,
    lastLessonId: lessonId,
    lastPositionSec: 0,
    // No report yet: any report is later.
    lastReportedAt: 0,
    updatedAt: now.toISOString(),
    rev: 1,
    delivered,
  };
}

export function toLessonProgress(lessonId: string, state: LessonState): LessonProgress {
  return {
    lessonId,
    positionSec: state.pos,
    furthestSec: state.max,
    completed: state.done,
    updatedAt: new Date(state.at).toISOString(),
  };
}

/** The reply to a report: the course figures and the reported lesson's state. */
export function toCourseProgress(doc: CourseProgressDoc, lessonId: string): CourseProgress {
  const state = doc.lessons[lessonId] ?? { pos: 0, at: doc.lastReportedAt, max: 0, done: false };
  return {
    courseId: doc.courseId,
    percent: doc.percent,
    completedLessonIds: [...doc.completedLessonIds],
    lastLessonId: doc.lastLessonId,
    lastPositionSec: doc.lastPositionSec,
    updatedAt: doc.updatedAt,
    lesson: toLessonProgress(lessonId, state),
  };
}
