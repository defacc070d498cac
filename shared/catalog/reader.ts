/**
 * Reading documents that may have been edited by hand in the console. A bad course is left out of a page and
 * reported (id and failing field), never allowed to fail the page.
 */
import { validate, type Problem } from '../contract';
import { CourseDoc } from './schema';

export type CourseRead = { ok: true; course: CourseDoc } | { ok: false; id: string; problems: Problem[] };

export function readCourse(raw: unknown): CourseRead {
  const result = validate(CourseDoc, raw, 'course');
  if (result.ok) return { ok: true, course: result.value };
  const id = typeof raw === 'object' && raw !== null && typeof (raw as { _id?: unknown })._id === 'string';
  return { ok: false, id: id ? (raw as { _id: string })._id : '(no _id)', problems: result.problems };
}

export interface SkippedCourse {
  id: string;
  /** The failing field paths, e.g. `priceFen`, `rating.histogram`. */
  fields: string[];
  message: string;
}

/** What is logged about a course that fails its schema. */
export function skippedCourse(read: Extract<CourseRead, { ok: false }>): SkippedCourse {
  return {
    id: read.id,
    fields: read.problems.map((p) => p.path),
    message: `course ${read.id} left out: ${read.problems.map((p) => p.message).join('; ')}`,
  };
}

/**
 * The valid courses of `raws`, in order; each invalid one goes to `onSkip` (the catalog logs it:
 * `course py-101 left out: priceFen must be an integer between 0 and 10000000`).
 */
export function readCourses(raws: readonly unknown[], onSkip: (skipped: SkippedCourse) => void): CourseDoc[] {
  const courses: CourseDoc[] = [];
  for (const raw of raws) {
    const read = readCourse(raw);
    if (read.ok) courses.push(read.course);
    else onSkip(skippedCourse(read));
  }
  return courses;
}
