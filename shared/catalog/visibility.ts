/**
 * The one rule of who may see and buy a course: the catalog, orders (and late payments), lessons, reviews, reports,
 * promotions, bundles, the recommender and the nightly jobs all ask it, so a course under its first review, rejected,
 * a draft or archived is closed everywhere alike. A published course with a change under review stays open at its
 * last approved version: the staged change and its state live in `courseRevisions` until it passes.
 * The `courses` security rule (database/rules/courses.json) says the same for client reads.
 */
import type { CourseStatus } from './schema';

/** The only status learners see. */
export const OPEN_COURSE_STATUS = 'published' satisfies CourseStatus;

/** The where-fragment of open courses, to spread into a query: `{ ...OPEN_COURSE_WHERE, category }`. */
export const OPEN_COURSE_WHERE: { readonly status: typeof OPEN_COURSE_STATUS } = { status: OPEN_COURSE_STATUS };

/** Whether learners may see, buy and open the course; false for a missing one. */
export function isCourseOpen<T extends { status?: unknown }>(course: T | undefined | null): course is T {
  return course?.status === OPEN_COURSE_STATUS;
}

/** Statuses of a course that was never released: no learner can own it, so even a grant (a membership's) opens nothing. */
const UNRELEASED_STATUSES: readonly unknown[] = ['draft', 'reviewing', 'rejected'] satisfies CourseStatus[];

/**
 * Whether the course was never released (a draft, under its first review, or rejected): closed even to a learner
 * holding a grant that names it. An archived course stays open to those who bought it, never to new buyers.
 */
export function isCourseUnreleased(course: { status: unknown }): boolean {
  return UNRELEASED_STATUSES.includes(course.status);
}
