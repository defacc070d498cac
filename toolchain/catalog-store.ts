/**
 * Writes catalog content through @cloudbase/node-sdk: the one upsert path of `npm run course:import` and of the
 * demo catalog the local cloud loads on first start. What changed is decided by `planCourseUpsert`
 * (shared/catalog/course-file/documents.ts): identical content writes nothing, a change bumps the course's version.
 */
import type tcb from '@cloudbase/node-sdk';
import {
  CourseDoc,
  EMPTY_RATING,
  RatingSummary,
  canonical,
  planCourseUpsert,
  type ImportedCourse,
  type LessonDoc,
  type UpsertPlan,
} from '../shared/catalog';
import { validate } from '../shared/contract';
import { COLLECTIONS } from '../shared/collections';

export type NodeApp = ReturnType<typeof tcb.init>;
export type NodeDb = ReturnType<NodeApp['database']>;

/** The server's largest page (CloudBase caps `limit` at 1000). */
const MAX_LIMIT = 1000;

type Doc = { _id: string } & Record<string, unknown>;

export type Outcome = 'created' | 'updated' | 'unchanged';

export interface CourseOutcome {
  id: string;
  outcome: Outcome;
  /** The version after the import (or after it, for a dry run). */
  version: number;
  /** Lessons added or rewritten, and lessons removed because the file no longer has them. */
  lessonsWritten: number;
  lessonsRemoved: number;
}

export interface SaveOptions {
  /** Plan only: read, compare, write nothing. @default false */
  dryRun?: boolean;
  /** Platform fields for a course that does not exist yet (the demo catalog's learners and ratings). */
  seed?: Partial<Pick<CourseDoc, 'learnerCount' | 'rating'>>;
}

async function rows(query: { get(): Promise<{ data: unknown[] }> }): Promise<Doc[]> {
  return (await query.get()).data as Doc[];
}

/**
 * A stored course document in the shape the planner needs. A hand-edited document may break the schema; its platform
 * fields are then repaired from what is usable (so the version still goes up), and the content comparison rewrites it.
 */
function storedCourse(raw: Doc): CourseDoc {
  if (validate(CourseDoc, raw).ok) return raw as unknown as CourseDoc;
  const int = (value: unknown): number | undefined =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
  const time = (value: unknown): string | undefined =>
    typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
  const repaired: Record<string, unknown> = {
    ...raw,
    version: int(raw.version) ?? 0,
    learnerCount: int(raw.learnerCount) ?? 0,
    rating: validate(RatingSummary, raw.rating).ok ? raw.rating : { ...EMPTY_RATING, histogram: [0, 0, 0, 0, 0] },
    createdAt: time(raw.createdAt),
    publishedAt: time(raw.publishedAt),
  };
  return repaired as unknown as CourseDoc;
}

export async function readStoredCourse(
  db: NodeDb,
  courseId: string,
): Promise<{ course: CourseDoc; lessons: LessonDoc[] } | null> {
  const [courses, lessons] = await Promise.all([
    rows(db.collection(COLLECTIONS.courses).where({ _id: courseId }).limit(1)),
    rows(db.collection(COLLECTIONS.lessons).where({ courseId }).limit(MAX_LIMIT)),
  ]);
  const course = courses[0];
  return course ? { course: storedCourse(course), lessons: lessons as unknown as LessonDoc[] } : null;
}

function withoutId(doc: Doc): Record<string, unknown> {
  const { _id: _ignored, ...rest } = doc;
  return rest;
}

/**
 * Writes a plan. Lessons that change or go are removed first and the new versions added in one call (a reorder would
 * otherwise collide with itself on the unique `courseId + order` index); the course goes last, so an interrupted
 * import leaves the old version number and the next run finishes the job.
 */
async function writePlan(db: NodeDb, plan: UpsertPlan, storedLessonIds: ReadonlySet<string>, isNew: boolean) {
  const _ = db.command;
  const replaced = plan.upsertLessons.map((l) => l._id).filter((id) => storedLessonIds.has(id));
  const removed = [...replaced, ...plan.deleteLessonIds];
  if (removed.length > 0)
    await db
      .collection(COLLECTIONS.lessons)
      .where({ _id: _.in(removed) })
      .remove();
  if (plan.upsertLessons.length > 0) await db.collection(COLLECTIONS.lessons).add(plan.upsertLessons);
  const course = plan.course as unknown as Doc;
  if (isNew) await db.collection(COLLECTIONS.courses).add(course);
  else await db.collection(COLLECTIONS.courses).doc(course._id).set(withoutId(course));
}

/** Upserts one course and its lessons (not its creator or category: see `upsertById`). */
export async function saveCourse(
  db: NodeDb,
  imported: ImportedCourse,
  now: string,
  options: SaveOptions = {},
): Promise<CourseOutcome> {
  const existing = await readStoredCourse(db, imported.course._id);
  const plan = planCourseUpsert(existing, imported, now);
  if (!existing && options.seed) plan.course = { ...plan.course, ...options.seed };
  const outcome: CourseOutcome = {
    id: imported.course._id,
    outcome: !existing ? 'created' : plan.changed ? 'updated' : 'unchanged',
    version: plan.course.version,
    lessonsWritten: plan.upsertLessons.length,
    lessonsRemoved: plan.deleteLessonIds.length,
  };
  if (outcome.outcome !== 'unchanged' && !options.dryRun) {
    await writePlan(db, plan, new Set(existing?.lessons.map((l) => l._id)), !existing);
  }
  return outcome;
}

export interface UpsertSummary {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/** Creates or replaces whole documents by `_id` (categories, creators); an identical document is not written. */
export async function upsertById(
  db: NodeDb,
  collection: string,
  docs: readonly Doc[],
  options: { dryRun?: boolean } = {},
): Promise<UpsertSummary> {
  const summary: UpsertSummary = { created: [], updated: [], unchanged: [] };
  if (docs.length === 0) return summary;
  const _ = db.command;
  const stored = new Map(
    (
      await rows(
        db
          .collection(collection)
          .where({ _id: _.in(docs.map((d) => d._id)) })
          .limit(MAX_LIMIT),
      )
    ).map((d) => [d._id, d]),
  );
  const created: Doc[] = [];
  const updated: Doc[] = [];
  for (const doc of docs) {
    const before = stored.get(doc._id);
    if (!before) created.push(doc);
    else if (canonical(before) !== canonical(doc)) updated.push(doc);
    else summary.unchanged.push(doc._id);
  }
  summary.created = created.map((d) => d._id);
  summary.updated = updated.map((d) => d._id);
  if (options.dryRun) return summary;
  if (created.length > 0) await db.collection(collection).add(created);
  for (const doc of updated) await db.collection(collection).doc(doc._id).set(withoutId(doc));
  return summary;
}
