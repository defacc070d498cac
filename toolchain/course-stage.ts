/**
 * `course:import`'s write: a course file's content staged as its revision (`courseRevisions`), never published past
 * the checks (shared/catalog/course-file/revision.ts says who owns which field). A new course's `courses` document
 * is created closed (`reviewing`) with the `moderation` field; a published course stays as learners know it, and its
 * staged change's state is only in the revision: every client may read a published course's document, and what the
 * checks said of a creator's unpublished change is theirs (a closed course's document no client reads).
 */
import {
  isCourseOpen,
  moderationOf,
  planCourseUpsert,
  planStage,
  type CourseRevisionDoc,
  type ImportedCourse,
} from '../shared/catalog';
import { COLLECTIONS } from '../shared/collections';
import { readStoredCourse, type CourseOutcome, type NodeDb } from './catalog-store';

/**
 * A course as the import staged it: `created` / `updated` a revision of a new / existing course, with the version
 * the course gets and the lessons it writes and removes when the revision applies.
 */
export interface StagedCourse extends CourseOutcome {
  /** The file's price changed while a price test runs: kept until the test ends. */
  priceKeptForTest?: true;
  /** The file takes a published course off sale (draft or archived): done at once, the rest staged as usual. */
  closedAs?: 'draft' | 'archived';
}

async function byId<T>(db: NodeDb, collection: string, id: string): Promise<T | null> {
  const { data } = await db.collection(collection).where({ _id: id }).limit(1).get();
  return (data[0] as T | undefined) ?? null;
}

/** The course's last staged import, or null. */
export function readRevision(db: NodeDb, courseId: string): Promise<CourseRevisionDoc | null> {
  return byId<CourseRevisionDoc>(db, COLLECTIONS.courseRevisions, courseId);
}

async function priceTestRunning(db: NodeDb, courseId: string): Promise<boolean> {
  const { data } = await db.collection(COLLECTIONS.priceTests).where({ courseId, status: 'running' }).limit(1).get();
  return data.length > 0;
}

/** Stages one course (not its creator or category: see `upsertById`). */
export async function stageCourse(
  db: NodeDb,
  imported: ImportedCourse,
  now: string,
  options: { dryRun?: boolean } = {},
): Promise<StagedCourse> {
  const id = imported.course._id;
  const [live, last, testing] = await Promise.all([
    readStoredCourse(db, id),
    readRevision(db, id),
    priceTestRunning(db, id),
  ]);
  const plan = planStage(live, last, imported, { now, priceTestRunning: testing });
  const lessons = planCourseUpsert(live, imported, now);
  const staged: StagedCourse = {
    id,
    outcome: plan.outcome === 'unchanged' ? 'unchanged' : live ? 'updated' : 'created',
    version: plan.revision.version,
    lessonsWritten: plan.outcome === 'unchanged' ? 0 : lessons.upsertLessons.length,
    lessonsRemoved: plan.outcome === 'unchanged' ? 0 : lessons.deleteLessonIds.length,
  };
  if (plan.priceKeptForTest) staged.priceKeptForTest = true;
  // Taking a course off sale shows learners nothing new, so it waits for no check (nor for an admin to be active).
  const closing = plan.outcome === 'staged' && isCourseOpen(live?.course) && imported.course.status !== 'published';
  if (closing) staged.closedAs = imported.course.status as 'draft' | 'archived';
  if (plan.outcome === 'unchanged' || options.dryRun) return staged;
  if (closing) {
    await db.collection(COLLECTIONS.courses).doc(id).update({ status: imported.course.status, updatedAt: now });
  }
  const { _id, ...revision } = plan.revision;
  await db.collection(COLLECTIONS.courseRevisions).doc(_id).set(revision);
  if (plan.create) {
    await db.collection(COLLECTIONS.courses).add({ ...plan.create, moderation: moderationOf(plan.revision) });
  } else if (!isCourseOpen(live?.course)) {
    await db
      .collection(COLLECTIONS.courses)
      .doc(id)
      .update({ moderation: db.command.set(moderationOf(plan.revision)) });
  }
  return staged;
}
