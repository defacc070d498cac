/**
 * Who may open a lesson: a learner with an active grant that opens its course (shared/grants: bought, free, redeemed,
 * through a bundle or an organisation; a refund or an expiry ends it), or anyone signed in for a free lesson of a
 * published course. Drafts open for nobody; an archived course stays open to those who can open it.
 */
import { AppError } from '../contract';
import type { CourseDoc, LessonDoc } from '../catalog';
import { courseAccess, payingGrant, type GrantDoc } from '../grants';
import { found, getById, type Database } from '../db';
import { invalidField } from './progress';
import { COLLECTIONS } from '../collections';
import { isCourseOpen, isCourseUnreleased } from '../catalog/visibility';

export interface LessonAccess {
  course: CourseDoc;
  lesson: LessonDoc;
  /** An active grant opens the course (false: a free lesson opened without one). */
  enrolled: boolean;
  /** The grant whose payment a delivered paid lesson counts against (payingGrant), if any. */
  paying?: GrantDoc;
}

/** Lesson fields a progress report needs; the media fileID and the body stay in the database. */
const REPORT_FIELDS = {
  _id: true,
  courseId: true,
  kind: true,
  durationSec: true,
  free: true,
  title: true,
  order: true,
};

/**
 * The course, lesson and the learner's grants, read at once. `purpose` decides how an unknown lesson is answered: opening it
 * is NOT_FOUND, reporting progress in it is INVALID_ARGUMENT naming `lessonId`. Anything the caller may not open is
 * FORBIDDEN with a message the learner can act on.
 */
export async function lessonAccess(
  db: Database,
  openid: string,
  ids: { courseId: string; lessonId: string },
  purpose: 'open' | 'report',
  now: Date,
): Promise<LessonAccess> {
  const lessonQuery = db.collection(COLLECTIONS.lessons).where({ _id: ids.lessonId }).limit(1);
  const [course, lessons, access] = await Promise.all([
    getById<CourseDoc>(db, COLLECTIONS.courses, ids.courseId),
    found<LessonDoc>(purpose === 'report' ? lessonQuery.field(REPORT_FIELDS) : lessonQuery),
    courseAccess(db, openid, ids.courseId, now),
  ]);
  const enrolled = access.grants.length > 0;
  if (course === null || isCourseUnreleased(course)) throw new AppError('FORBIDDEN', '该课程不存在或尚未上架');
  const lesson = lessons[0];
  if (lesson === undefined || lesson.courseId !== ids.courseId) {
    if (purpose === 'report') throw invalidField('lessonId', 'lessonId must be a lesson of the course');
    throw new AppError('NOT_FOUND', '该课时不存在或已被删除');
  }
  if (enrolled) {
    const paying = payingGrant(access.grants, now);
    return paying ? { course, lesson, enrolled, paying } : { course, lesson, enrolled };
  }
  if (lesson.free && isCourseOpen(course)) return { course, lesson, enrolled };
  throw new AppError('FORBIDDEN', '购买本课程后即可学习该课时');
}
