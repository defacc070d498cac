/**
 * A course's staged change: what `course:import` writes instead of publishing (`courseRevisions`, one document per
 * course, server only), checked and applied by `contentCheck` (shared/content/revision-check.ts).
 *
 * Who owns which field of a course:
 * - the course file owns the content (title, texts, tags, level, category, cover, creator snapshot, lessons) and the
 *   status it asks for (draft, published, archived); it reaches `courses`/`lessons` only through a revision that
 *   passed the checks;
 * - the checks own `reviewing` / `rejected` and the course's `moderation` field;
 * - the price (`priceFen`) is the file's when the course is created and when the file's price itself changed since
 *   the last import; otherwise, and always while a price test runs (`priceTests`), it is left to whoever set it last
 *   (the creator center, a limited-time price set in the console, the price test);
 * - learners, rating, version and times are the platform's (planCourseUpsert).
 */
import type { CourseDoc, LessonDoc } from '../schema';
import { canonical, type CourseContent, type ImportedCourse, type LessonContent } from './documents';

export type RevisionState = 'reviewing' | 'rejected' | 'applied';

/**
 * The `moderation` field of a closed course (reviewing, rejected, draft, archived) with a revision not yet applied:
 * what the creator sees in the console. A published course's document never carries it (any client reads that
 * document); its revision holds the same state.
 */
export interface CourseModeration {
  /** The version the course gets when the revision applies. */
  version: number;
  state: 'reviewing' | 'rejected';
  /** A rejection's field path (`lessons[2].title`, `cover`). */
  field?: string;
  /** Why it was rejected, or what it waits for. */
  reason?: string;
  at: string;
}

/** A `courseRevisions` document: the last import of the course's file and how far its checks got. */
export interface CourseRevisionDoc {
  /** The course id. */
  _id: string;
  version: number;
  state: RevisionState;
  /** The content as the file has it: `status` the file's, `priceFen` the file's. */
  course: CourseContent;
  lessons: LessonContent[];
  creator: ImportedCourse['creator'];
  /** Whether the file's price applies when the revision does (see the ownership above). */
  filePrice: boolean;
  /** A rejection's field path, and why it was rejected or what it waits for. */
  field?: string;
  reason?: string;
  /** The text checks passed for this content (not asked again on the next tick). */
  textPassed?: boolean;
  /** The operator's approval of the video lessons (video has no WeChat check): set to true in the console. */
  videoApproved?: boolean;
  /** The operator's decision on a verdict the platform was unsure of (`review`): set in the console. */
  operatorDecision?: 'approve' | 'reject';
  importedAt: string;
  updatedAt: string;
  appliedAt?: string;
}

export type StageOutcome = 'unchanged' | 'staged';

export interface StagePlan {
  outcome: StageOutcome;
  revision: CourseRevisionDoc;
  /** For a new course: its `courses` document, closed (`reviewing`) until the revision applies. */
  create?: CourseDoc;
  /** The file's price changed but a price test runs: the price is kept (said in the import's output). */
  priceKeptForTest: boolean;
}

const contentOf = (of: { course: CourseContent; lessons: readonly LessonContent[] }): string =>
  canonical({ course: of.course, lessons: of.lessons });

/**
 * What an import stages. Identical content to the last import (or, for a course imported before revisions, to the
 * live course) writes nothing; anything else is a new revision under review, with the operator's decisions reset.
 */
export function planStage(
  live: { course: CourseDoc; lessons: readonly LessonDoc[] } | null,
  last: CourseRevisionDoc | null,
  incoming: ImportedCourse,
  options: { now: string; priceTestRunning: boolean },
): StagePlan {
  const { now } = options;
  const baseline = last ?? (live ? { course: liveContent(live.course), lessons: liveLessons(live.lessons) } : null);
  if (baseline && contentOf(baseline) === contentOf(incoming)) {
    const revision = last ?? { ...revisionOf(live, incoming, false, now), version: live?.course.version ?? 1 };
    return { outcome: 'unchanged', revision, priceKeptForTest: false };
  }
  const lastFilePrice = last?.course.priceFen ?? live?.course.priceFen;
  const priceChanged = live === null || lastFilePrice !== incoming.course.priceFen;
  const priceKeptForTest = live !== null && priceChanged && options.priceTestRunning;
  const revision = revisionOf(live, incoming, priceChanged && !priceKeptForTest, now);
  const plan: StagePlan = { outcome: 'staged', revision, priceKeptForTest };
  if (live === null) {
    plan.create = {
      ...incoming.course,
      status: 'reviewing',
      learnerCount: 0,
      rating: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] },
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  }
  return plan;
}

function revisionOf(
  live: { course: CourseDoc } | null,
  incoming: ImportedCourse,
  filePrice: boolean,
  now: string,
): CourseRevisionDoc {
  return {
    _id: incoming.course._id,
    version: live && !inFirstReview(live.course) ? live.course.version + 1 : 1,
    state: 'reviewing',
    course: incoming.course,
    lessons: incoming.lessons,
    creator: incoming.creator,
    filePrice,
    importedAt: now,
    updatedAt: now,
  };
}

/** A course under its first review or rejected: it is published at version 1 (its closed document does not count). */
export function inFirstReview(course: Pick<CourseDoc, 'status'>): boolean {
  return course.status === 'reviewing' || course.status === 'rejected';
}

/** The content fields of a live course, as an import would have written them. */
function liveContent(course: CourseDoc): CourseContent {
  const { learnerCount: _l, rating: _r, version: _v, createdAt: _c, updatedAt: _u, publishedAt: _p, ...rest } = course;
  const content: Record<string, unknown> = { ...rest };
  for (const key of ['moderation', 'quality']) delete content[key];
  return content as CourseContent;
}

function liveLessons(lessons: readonly LessonDoc[]): LessonContent[] {
  return [...lessons].sort((a, b) => a.order - b.order).map(({ updatedAt: _u, ...lesson }) => lesson);
}

/** The moderation field a revision puts on its course while it is not applied. */
export function moderationOf(revision: CourseRevisionDoc): CourseModeration {
  const moderation: CourseModeration = {
    version: revision.version,
    state: revision.state === 'rejected' ? 'rejected' : 'reviewing',
    at: revision.updatedAt,
  };
  if (revision.field !== undefined) moderation.field = revision.field;
  if (revision.reason !== undefined) moderation.reason = revision.reason;
  return moderation;
}
