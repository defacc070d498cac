/**
 * The `learning` actions: open a lesson, report progress, list the learner's courses. Each takes the database, the
 * clock and the platform services it needs as parameters; the cloud function only supplies them.
 */
import { createHash } from 'node:crypto';
import {
  AppError,
  type CourseProgress,
  type LessonContent,
  type LessonParams,
  type MyCourseItem,
  type ProgressParams,
} from '../contract';
import { toCourseCard, type CourseDoc } from '../catalog';
import { ENROLLMENTS_COLLECTION, type EnrollmentDoc } from '../enrollments';
import { getById, type Database } from '../db';
import { lessonAccess } from './access';
import { watermarkText } from './identity';
import { found, isDuplicateKey, updated } from '../db';
import {
  PROGRESS_COLLECTION,
  acceptReport,
  applyReport,
  toCourseProgress,
  toLessonProgress,
  type CourseProgressDoc,
} from './progress';

export interface LearningDeps {
  db: Database;
  now: () => Date;
  /** A temp URL of a private storage file, valid for `maxAgeSec` (the platform's `getTempFileURL`). */
  tempFileUrl: (fileId: string, maxAgeSec: number) => Promise<string>;
  /** Key of the watermark code (see ./identity.ts learnerCodeSecret). */
  identitySecret: () => Promise<string>;
  /** Told when a learner's course percent changed (the recommender's signal); a failure is logged, not returned. */
  onPercentChanged?: (openid: string, courseId: string, percent: number) => Promise<void>;
}

/** A media URL lives long enough to start the lesson and seek through it, never more than an hour. */
export const MEDIA_URL_MIN_SEC = 600;
export const MEDIA_URL_MAX_SEC = 3600;

export function mediaUrlLifetime(durationSec: number): number {
  return Math.min(MEDIA_URL_MAX_SEC, Math.max(MEDIA_URL_MIN_SEC, durationSec + MEDIA_URL_MIN_SEC));
}

/** Reports that lose this many races in a row (two devices writing the same course) get UNAVAILABLE. */
export const PROGRESS_WRITE_ATTEMPTS = 5;

/** The one `courseProgress` id of a learner and course. */
export function progressId(openid: string, courseId: string): string {
  return createHash('sha256').update(`progress\u0000${openid}\u0000${courseId}`).digest('hex').slice(0, 32);
}

async function readProgress(db: Database, openid: string, courseId: string): Promise<CourseProgressDoc | null> {
  return getById<CourseProgressDoc>(db, PROGRESS_COLLECTION, progressId(openid, courseId));
}

export async function openLesson(deps: LearningDeps, openid: string, params: LessonParams): Promise<LessonContent> {
  const [{ lesson }, progress, secret] = await Promise.all([
    lessonAccess(deps.db, openid, params, 'open'),
    readProgress(deps.db, openid, params.courseId),
    deps.identitySecret(),
  ]);
  const content: LessonContent = {
    id: lesson._id,
    title: lesson.title,
    kind: lesson.kind,
    durationSec: lesson.durationSec,
    free: lesson.free,
    watermark: watermarkText(openid, secret),
  };
  if (lesson.kind === 'article') {
    content.body = lesson.body ?? '';
  } else {
    if (lesson.media === undefined) throw new AppError('FAILED_PRECONDITION', '该课时的视频或音频尚未上传');
    const lifetime = mediaUrlLifetime(lesson.durationSec);
    content.mediaUrl = await deps.tempFileUrl(lesson.media, lifetime);
    content.mediaExpiresAt = new Date(deps.now().getTime() + lifetime * 1000).toISOString();
  }
  const state = progress?.lessons[lesson._id];
  if (state !== undefined) content.progress = toLessonProgress(lesson._id, state);
  return content;
}

/**
 * Records a report with at most one database write, and without a read-modify-write race between devices:
 *
 * The learner's whole progress in the course is one document (./progress.ts), so the lesson's state and the course's
 * percent and last lesson change in the same write. The new state is computed from the document as read, and written
 * with a conditional update `where({ _id, rev: <rev read> })` that also increments `rev`: if another device wrote in
 * between, the condition matches nothing (`updated: 0`, nothing written), and the report is re-applied to the fresh
 * document. A first report inserts the document under its deterministic id; a concurrent first report from another
 * device makes that insert fail on the id, and the report is applied on top of the winner. So each report ends in
 * exactly one successful write (none when it changes nothing), and no device's report is lost or overwritten. Plain
 * `$max` operators would make the furthest position race-free without a read, but the percent (a count of completed
 * lessons) and the resume position (which depends on the stored report time) cannot be expressed as operators
 * without an aggregation-pipeline update, which CloudBase's update does not offer.
 */
export async function reportProgress(
  deps: LearningDeps,
  openid: string,
  params: ProgressParams,
): Promise<CourseProgress> {
  const { db } = deps;
  const { course, lesson, enrolled } = await lessonAccess(db, openid, params, 'report');
  const report = acceptReport(params, lesson, deps.now());
  const facts = {
    id: progressId(openid, params.courseId),
    openid,
    courseId: params.courseId,
    lessonCount: course.lessonCount,
    enrolled,
  };
  const collection = db.collection(PROGRESS_COLLECTION);
  for (let attempt = 0; attempt < PROGRESS_WRITE_ATTEMPTS; attempt++) {
    const prev = await readProgress(db, openid, params.courseId);
    const next = applyReport(prev, facts, report, deps.now());
    if (next === null) return toCourseProgress(prev as CourseProgressDoc, params.lessonId);
    if (prev === null) {
      try {
        await collection.add({ data: next });
      } catch (error) {
        if (isDuplicateKey(error)) continue;
        throw error;
      }
    } else {
      const { _id, ...fields } = next;
      const written = await updated(
        collection.where({ _id, rev: prev.rev }).update({ data: { ...fields, lessons: db.command.set(next.lessons) } }),
      );
      if (written !== 1) continue;
    }
    // Only a change of the course percent is a signal (a first report at 0 % is not), so the reports a player sends
    // every few seconds stay at one write each; a completed lesson adds the recommender's one update.
    if ((prev?.percent ?? 0) !== next.percent) await notifyPercent(deps, openid, next);
    return toCourseProgress(next, params.lessonId);
  }
  throw new AppError('UNAVAILABLE', '学习进度同步繁忙，请稍后再试');
}

async function notifyPercent(deps: LearningDeps, openid: string, doc: CourseProgressDoc): Promise<void> {
  if (!deps.onPercentChanged) return;
  try {
    await deps.onPercentChanged(openid, doc.courseId, doc.percent);
  } catch (error) {
    // The progress is saved; a lost signal only makes a recommendation slightly staler.
    console.error(`[learning] progress signal of ${doc.courseId} not recorded`, error);
  }
}

/** A learner owns at most this many courses in one page of the server API. */
const MAX_COURSES = 1000;

/** Active enrollments with their progress, latest activity first (the enrollment's time when never studied). */
export async function myCourses(deps: LearningDeps, openid: string): Promise<MyCourseItem[]> {
  const { db } = deps;
  const _ = db.command;
  const enrollments = await found<EnrollmentDoc>(
    db.collection(ENROLLMENTS_COLLECTION).where({ _openid: openid, status: 'active' }).limit(MAX_COURSES),
  );
  if (enrollments.length === 0) return [];
  const courseIds = enrollments.map((e) => e.courseId);
  const [courses, progress] = await Promise.all([
    found<CourseDoc>(
      db
        .collection('courses')
        .where({ _id: _.in(courseIds) })
        .limit(MAX_COURSES),
    ),
    found<Pick<CourseProgressDoc, 'courseId' | 'percent' | 'lastLessonId' | 'updatedAt'>>(
      db
        .collection(PROGRESS_COLLECTION)
        .where({ _openid: openid, courseId: _.in(courseIds) })
        .field({ courseId: true, percent: true, lastLessonId: true, updatedAt: true })
        .limit(MAX_COURSES),
    ),
  ]);
  const courseById = new Map(courses.map((c) => [c._id, c]));
  const progressByCourse = new Map(progress.map((p) => [p.courseId, p]));
  const items: MyCourseItem[] = [];
  for (const enrollment of enrollments) {
    // A course deleted from the console has nothing left to show.
    const course = courseById.get(enrollment.courseId);
    if (course === undefined) continue;
    const done = progressByCourse.get(enrollment.courseId);
    const item: MyCourseItem = {
      course: toCourseCard(course),
      percent: done?.percent ?? 0,
      updatedAt: done?.updatedAt ?? enrollment.createdAt,
    };
    if (done?.lastLessonId !== undefined) item.lastLessonId = done.lastLessonId;
    items.push(item);
  }
  return items.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.course.id.localeCompare(b.course.id));
}
