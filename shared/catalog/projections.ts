/**
 * What clients see of the catalog. Every field is picked by name, so a media fileID, a temp URL or an article body
 * (or any field added to a document later) can never leak through a spread.
 */
import type { CourseCard, CourseDetail, LessonOutline } from '../contract';
import type { CourseDoc, LessonDoc } from './schema';

/** The fields of `lessons` the outline needs: pass as the query projection so bodies never leave the database. */
export const LESSON_OUTLINE_FIELDS = {
  _id: true,
  order: true,
  title: true,
  kind: true,
  durationSec: true,
  free: true,
} as const;

export type LessonOutlineDoc = Pick<LessonDoc, keyof typeof LESSON_OUTLINE_FIELDS>;

export function toCourseCard(course: CourseDoc): CourseCard {
  return {
    id: course._id,
    title: course.title,
    subtitle: course.subtitle,
    cover: course.cover,
    priceFen: course.priceFen,
    category: course.category,
    tags: [...course.tags],
    level: course.level,
    lessonCount: course.lessonCount,
    rating: { avg: course.rating.avg, count: course.rating.count },
    learnerCount: course.learnerCount,
    creatorName: course.creator.name,
  };
}

export function toLessonOutline(lesson: LessonOutlineDoc): LessonOutline {
  return { id: lesson._id, title: lesson.title, kind: lesson.kind, durationSec: lesson.durationSec, free: lesson.free };
}

/** `lessons` may come in any order and carry any fields; the outline is in course order with public fields only. */
export function toCourseDetail(course: CourseDoc, lessons: readonly LessonOutlineDoc[]): CourseDetail {
  const outline = [...lessons].sort((a, b) => a.order - b.order || a._id.localeCompare(b._id)).map(toLessonOutline);
  const creator: CourseDetail['creator'] = { id: course.creator.id, name: course.creator.name };
  if (course.creator.title !== undefined) creator.title = course.creator.title;
  return {
    ...toCourseCard(course),
    lessonCount: outline.length,
    description: course.description,
    creator,
    lessons: outline,
    rating: { avg: course.rating.avg, count: course.rating.count, histogram: [...course.rating.histogram] },
    updatedAt: course.updatedAt,
  };
}
