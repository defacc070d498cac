/**
 * The `learning` actions: open a lesson, report progress, list the learner's courses. Each takes the database, the
 * clock and the platform services it needs as parameters; the cloud function only supplies them.
 */
import { articleImageIds, withImageUrls } from '../catalog/article-images';
import {
  AppError,
  type CourseProgress,
  type LessonContent,
  type LessonParams,
  type MyCourseItem,
  type ProgressParams,
} from '../contract';
import { toCourseCard, type CourseDoc } from '../catalog';
import { accessOf, openableCourses } from '../grants';
import type { Database } from '../db';
import { lessonAccess } from './access';
import { watermarkText } from './identity';
import { found, isDuplicateKey, updated } from '../db';
import { admit, limitedError, LIMITS } from '../limits';
import {
  acceptReport,
  progressId,
  readProgress,
  applyReport,
  deliveredFirst,
  isDelivered,
  toCourseProgress,
  toLessonProgress,
  withDelivery,
  type CourseFacts,
  type CourseProgressDoc,
} from './progress';
import { COLLECTIONS } from '../collections';
import { isCourseUnreleased } from '../catalog/visibility';

export interface LearningDeps {
  db: Database;
  now: () => Date;
  /** A temp URL of a private storage file, valid for `maxAgeSec` (the platform's `getTempFileURL`). */
  tempFileUrl: (fileId: string, maxAgeSec: number) => Promise<string>;
  /** Key of the watermark code (see ./identity.ts learnerCodeSecret). */
  identitySecret: () => Promise<string>;
  /** Told when a learner's course percent changed (the recommender's signal); a failure is logged, not returned. */
  onPercentChanged?: (openid: string, courseId: string, percent: number) => Promise<void>;
  /** Told when a learner who cannot open the course starts one of its free lessons (a counter; it never throws). */
  onFreeLessonStart?: (courseId: string) => Promise<void>;
}

/** A media URL lives long enough to start the lesson and seek through it, never more than an hour. */
export const MEDIA_URL_MIN_SEC = 600;
export const MEDIA_URL_MAX_SEC = 3600;

export function mediaUrlLifetime(durationSec: number): number {
  return Math.min(MEDIA_URL_MAX_SEC, Math.max(MEDIA_URL_MIN_SEC, durationSec + MEDIA_URL_MIN_SEC));
}

/** Reports that lose this many races in a row (two devices writing the same course) get UNAVAILABLE. */
export const PROGRESS_WRITE_ATTEMPTS = 5;

/** What the learner's progress document of `course` carries about the course and the access check. */
function courseFacts(openid: string, course: CourseDoc, enrolled: boolean): CourseFacts {
  return {
    id: progressId(openid, course._id),
    openid,
    courseId: course._id,
    lessonCount: course.lessonCount,
    enrolled,
  };
}

/**
 * Opens a lesson: its media URL (a temp URL of the private file) or its article body, the watermark and where the
 * learner stopped. The first delivery of a paid lesson to a learner who paid for the course is recorded before the
 * content leaves the server (see recordDelivery); a free-trial lesson, a free course and a lesson opened again are not.
 */
export async function openLesson(deps: LearningDeps, openid: string, params: LessonParams): Promise<LessonContent> {
  const [{ course, lesson, enrolled, paying }, progress, secret] = await Promise.all([
    lessonAccess(deps.db, openid, params, 'open', deps.now()),
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
    content.body = await articleWithImages(deps, lesson.body ?? '', mediaUrlLifetime(lesson.durationSec));
  } else {
    if (lesson.media === undefined) throw new AppError('FAILED_PRECONDITION', '该课时的视频或音频尚未上传');
    const lifetime = mediaUrlLifetime(lesson.durationSec);
    content.mediaUrl = await deps.tempFileUrl(lesson.media, lifetime);
    content.mediaExpiresAt = new Date(deps.now().getTime() + lifetime * 1000).toISOString();
  }
  const state = progress?.lessons[lesson._id];
  if (state !== undefined) content.progress = toLessonProgress(lesson._id, state);
  if (paying?.orderId !== undefined && !lesson.free) {
    await recordDelivery(deps, courseFacts(openid, course, enrolled), lesson._id, paying.orderId, progress);
  }
  // A prospect trying the course: the first open of this free lesson (reopening it is not a new start).
  if (!enrolled && lesson.free && state === undefined) await deps.onFreeLessonStart?.(params.courseId);
  return content;
}

/** The article with its images' fileIDs replaced by temp URLs (an image whose file is gone keeps its alt text). */
async function articleWithImages(deps: LearningDeps, body: string, lifetimeSec: number): Promise<string> {
  const fileIds = [...new Set(articleImageIds(body))];
  if (fileIds.length === 0) return body;
  const urls = new Map<string, string>();
  await Promise.all(
    fileIds.map(async (fileId) => {
      // A file gone or a failed call: the image's alt text only, and the article still opens.
      const url = await deps.tempFileUrl(fileId, lifetimeSec).catch(() => undefined);
      if (url !== undefined) urls.set(fileId, url);
    }),
  );
  return withImageUrls(body, urls);
}

/**
 * Records that a paid lesson's content was handed out under `orderId`, in the learner's own progress document, with
 * the same one conditional write as a progress report: `where({ _id, rev })` on the document as read (another
 * device's report or delivery in between matches nothing, and the delivery is applied again on the fresh document),
 * or an insert under the document's fixed id when the learner has none yet (a concurrent first insert fails on the id
 * and the delivery is applied on top of the winner). A lesson already recorded for this order writes nothing. The
 * write comes before the content is returned: if it cannot be made, the content is not handed out.
 */
async function recordDelivery(
  deps: LearningDeps,
  facts: CourseFacts,
  lessonId: string,
  orderId: string,
  read: CourseProgressDoc | null,
): Promise<void> {
  const collection = deps.db.collection(COLLECTIONS.courseProgress);
  let prev = read;
  for (let attempt = 0; attempt < PROGRESS_WRITE_ATTEMPTS; attempt++) {
    if (attempt > 0) prev = await readProgress(deps.db, facts.openid, facts.courseId);
    if (isDelivered(prev, orderId, lessonId)) return;
    const now = deps.now();
    const admission = admit(LIMITS.lessonDelivery, prev?.limits?.lessonDelivery, now.getTime());
    if (!admission.allowed) throw limitedError(admission.retryAfterSec);
    const delivered = withDelivery(prev?.delivered, orderId, lessonId, now.getTime());
    if (prev === null) {
      try {
        const doc = deliveredFirst(facts, lessonId, delivered, now);
        await collection.add({ data: { ...doc, limits: { lessonDelivery: admission.tat } } });
        return;
      } catch (error) {
        if (isDuplicateKey(error)) continue;
        throw error;
      }
    }
    const written = await updated(
      collection.where({ _id: facts.id, rev: prev.rev }).update({
        data: {
          delivered: deps.db.command.set(delivered),
          'limits.lessonDelivery': admission.tat,
          rev: prev.rev + 1,
        },
      }),
    );
    if (written === 1) return;
  }
  throw new AppError('UNAVAILABLE', '课时打开繁忙，请稍后再试');
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
 *
 * The same write carries the report limit's state (LIMITS.progress, per learner and course): a report over the limit
 * is RESOURCE_EXHAUSTED and writes nothing; one that changes nothing is not counted. The write names only the fields
 * a report owns, so the delivery record (`delivered`) and the other limit stay as they are.
 */
export async function reportProgress(
  deps: LearningDeps,
  openid: string,
  params: ProgressParams,
): Promise<CourseProgress> {
  const { db } = deps;
  const { course, lesson, enrolled } = await lessonAccess(db, openid, params, 'report', deps.now());
  const report = acceptReport(params, lesson, deps.now());
  const facts = courseFacts(openid, course, enrolled);
  const collection = db.collection(COLLECTIONS.courseProgress);
  for (let attempt = 0; attempt < PROGRESS_WRITE_ATTEMPTS; attempt++) {
    const prev = await readProgress(db, openid, params.courseId);
    const now = deps.now();
    const next = applyReport(prev, facts, report, now);
    if (next === null) return toCourseProgress(prev as CourseProgressDoc, params.lessonId);
    const admission = admit(LIMITS.progress, prev?.limits?.progress, now.getTime());
    if (!admission.allowed) throw limitedError(admission.retryAfterSec);
    if (prev === null) {
      try {
        await collection.add({ data: { ...next, limits: { progress: admission.tat } } });
      } catch (error) {
        if (isDuplicateKey(error)) continue;
        throw error;
      }
    } else {
      const { _id, ...fields } = next;
      const data = { ...fields, lessons: db.command.set(next.lessons), 'limits.progress': admission.tat };
      const written = await updated(collection.where({ _id, rev: prev.rev }).update({ data }));
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

/**
 * Every course the learner can open, with where the access comes from and their progress, latest activity first (the
 * grant's time when never studied).
 */
export async function myCourses(deps: LearningDeps, openid: string): Promise<MyCourseItem[]> {
  const { db } = deps;
  const _ = db.command;
  const opened = await openableCourses(db, openid, deps.now());
  if (opened.size === 0) return [];
  const courseIds = [...opened.keys()];
  const [courses, progress] = await Promise.all([
    found<CourseDoc>(
      db
        .collection(COLLECTIONS.courses)
        .where({ _id: _.in(courseIds) })
        .limit(MAX_COURSES),
    ),
    found<Pick<CourseProgressDoc, 'courseId' | 'percent' | 'lastLessonId' | 'updatedAt'>>(
      db
        .collection(COLLECTIONS.courseProgress)
        .where({ _openid: openid, courseId: _.in(courseIds) })
        .field({ courseId: true, percent: true, lastLessonId: true, updatedAt: true })
        .limit(MAX_COURSES),
    ),
  ]);
  const courseById = new Map(courses.map((c) => [c._id, c]));
  const progressByCourse = new Map(progress.map((p) => [p.courseId, p]));
  const items: MyCourseItem[] = [];
  for (const [courseId, grant] of opened) {
    // A course deleted from the console has nothing left to show; an unreleased one (a bundle's course not yet
    // published, or under its first review) too.
    const course = courseById.get(courseId);
    if (course === undefined || isCourseUnreleased(course)) continue;
    const done = progressByCourse.get(courseId);
    const item: MyCourseItem = {
      course: toCourseCard(course),
      access: accessOf(grant),
      percent: done?.percent ?? 0,
      updatedAt: done?.updatedAt ?? grant.createdAt,
    };
    if (done?.lastLessonId !== undefined) item.lastLessonId = done.lastLessonId;
    items.push(item);
  }
  return items.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.course.id.localeCompare(b.course.id));
}
