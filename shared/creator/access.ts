/**
 * Who may use the creator center: a creator admin, `{ _id: <openid>, creatorIds }` in `creatorAdmins` (no client
 * reads it; set with `npm run creator -- add-admin` or in the console). A caller with no document, or one naming no
 * creator, is refused every action but `access` (which tells them so); a course is answered only to an admin of its creator. The refusal for a course is
 * one error whether the course exists or not, so a caller learns nothing about courses that are not theirs.
 */
import { COLLECTIONS } from '../collections';
import { AppError, type CreatorAccessData } from '../contract';
import { found, getById, type Database } from '../db';
import type { CourseDoc } from '../catalog';

export interface CreatorAdminDoc {
  _id: string;
  creatorIds: string[];
}

export const NOT_A_CREATOR = '你还不是创作者，无法进入创作者中心';
export const NOT_YOUR_COURSE = '没有这门课程的管理权限';

/**
 * Whether the caller may enter, as which creators (names from `creators`): an empty list for anyone else. Two reads
 * for an admin, one for a learner.
 */
export async function creatorAccess(db: Database, openid: string): Promise<CreatorAccessData> {
  const ids = adminCreatorIds(await getById<Partial<CreatorAdminDoc>>(db, COLLECTIONS.creatorAdmins, openid));
  if (ids.length === 0) return { creators: [] };
  const docs = await found<{ _id: string; name?: unknown }>(
    db
      .collection(COLLECTIONS.creators)
      .where({ _id: db.command.in(ids) })
      .field({ _id: true, name: true })
      .limit(ids.length),
  );
  const names = new Map(docs.map((doc) => [doc._id, typeof doc.name === 'string' ? doc.name : doc._id]));
  // A creator not imported yet (its admin added first) shows by its id.
  return { creators: ids.map((id) => ({ id, name: names.get(id) ?? id })) };
}

/** The creators the caller administers, in their document's order: FORBIDDEN when none. One read. */
export async function callerCreatorIds(db: Database, openid: string): Promise<string[]> {
  const admin = await getById<Partial<CreatorAdminDoc>>(db, COLLECTIONS.creatorAdmins, openid);
  const ids = adminCreatorIds(admin);
  if (ids.length === 0) throw new AppError('FORBIDDEN', NOT_A_CREATOR);
  return ids;
}

/** The creator ids of a hand-edited document, kept only if they are non-empty strings, each once. Pure. */
export function adminCreatorIds(admin: Partial<CreatorAdminDoc> | null): string[] {
  const ids = Array.isArray(admin?.creatorIds) ? admin.creatorIds : [];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
}

/**
 * The course, when its creator is one of `creatorIds`; FORBIDDEN with the same message when it is another creator's
 * or does not exist. One read.
 */
export async function assertOwnCourse<T extends Pick<CourseDoc, 'creator'> = CourseDoc>(
  db: Database,
  creatorIds: readonly string[],
  courseId: string,
): Promise<T> {
  const course = await getById<T>(db, COLLECTIONS.courses, courseId);
  if (!ownsCourse(creatorIds, course)) throw new AppError('FORBIDDEN', NOT_YOUR_COURSE);
  return course;
}

/** Whether the course is one of the creators'. Pure. */
export function ownsCourse<T extends Pick<CourseDoc, 'creator'>>(
  creatorIds: readonly string[],
  course: T | null,
): course is T {
  const creatorId = course?.creator?.id;
  return typeof creatorId === 'string' && creatorIds.includes(creatorId);
}
