/**
 * The documents a validated course file becomes, and what an import changes: identical content writes nothing,
 * a change bumps the course's version.
 */
import { CourseDoc, EMPTY_RATING, type CreatorDoc, type LessonDoc } from '../schema';
import { imagePath, withImageFileIds } from '../article-images';
import { bodyFolder } from './assets';
import { isCloudFileId, type CourseFile } from './schema';

export interface ResolvedAssets {
  /** fileID of each uploaded `ref` (cover, media, and article images by their path from the course file). */
  fileIds: ReadonlyMap<string, string>;
  /** Text of each `bodyFile` ref. */
  texts: ReadonlyMap<string, string>;
}

/** The fields of a course the import owns; the rest (learners, rating, version, times) the platform keeps. */
export type CourseContent = Omit<
  CourseDoc,
  'learnerCount' | 'rating' | 'version' | 'createdAt' | 'updatedAt' | 'publishedAt'
>;
export type LessonContent = Omit<LessonDoc, 'updatedAt'>;

export interface ImportedCourse {
  course: CourseContent;
  lessons: LessonContent[];
  creator: CreatorDoc;
}

/** The `_id` of a lesson: unique across courses, stable while the creator keeps the lesson's id. */
export function lessonDocId(courseId: string, lessonId: string): string {
  return `${courseId}_${lessonId}`;
}

/** Builds the documents of a validated course file, with every local ref replaced by its fileID or text. */
export function toImportedCourse(course: CourseFile, assets: ResolvedAssets): ImportedCourse {
  const fileId = (ref: string): string => {
    if (isCloudFileId(ref)) return ref;
    const id = assets.fileIds.get(ref);
    if (id === undefined) throw new Error(`no fileID for ${ref}: upload every assetRequests() entry first`);
    return id;
  };
  const creator: CreatorDoc = { _id: course.creator.id, name: course.creator.name };
  if (course.creator.title !== undefined) creator.title = course.creator.title;
  if (course.creator.bio !== undefined) creator.bio = course.creator.bio;
  const snapshot: CourseContent['creator'] = { id: creator._id, name: creator.name };
  if (creator.title !== undefined) snapshot.title = creator.title;

  const lessons = course.lessons.map((lesson, i): LessonContent => {
    const doc: LessonContent = {
      _id: lessonDocId(course.id, lesson.id),
      courseId: course.id,
      order: i + 1,
      title: lesson.title,
      kind: lesson.kind,
      durationSec: lesson.durationSec,
      free: lesson.free ?? false,
    };
    if (lesson.media !== undefined) doc.media = fileId(lesson.media);
    let body = lesson.body;
    if (lesson.bodyFile !== undefined) {
      body = assets.texts.get(lesson.bodyFile);
      if (body === undefined) throw new Error(`no text for ${lesson.bodyFile}: read every body asset first`);
    }
    if (body !== undefined) {
      doc.body = withImageFileIds(body, (ref) => fileId(imagePath(bodyFolder(lesson), ref)));
    }
    return doc;
  });
  return {
    course: {
      _id: course.id,
      status: course.status ?? 'draft',
      title: course.title,
      subtitle: course.subtitle,
      description: course.description,
      category: course.category,
      tags: [...course.tags],
      level: course.level,
      cover: fileId(course.cover),
      creator: snapshot,
      priceFen: course.priceFen,
      lessonCount: lessons.length,
    },
    lessons,
    creator,
  };
}

/** JSON with sorted keys and without undefined fields: equal content ⇔ equal string. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function pick<T extends object>(doc: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (doc[key] !== undefined) out[key] = doc[key];
  return out;
}

const COURSE_CONTENT_KEYS: readonly (keyof CourseContent)[] = [
  '_id',
  'status',
  'title',
  'subtitle',
  'description',
  'category',
  'tags',
  'level',
  'cover',
  'creator',
  'priceFen',
  'lessonCount',
];
const LESSON_CONTENT_KEYS: readonly (keyof LessonContent)[] = [
  '_id',
  'courseId',
  'order',
  'title',
  'kind',
  'durationSec',
  'free',
  'media',
  'body',
];

export interface UpsertPlan {
  /** False when the import would change nothing: write nothing. */
  changed: boolean;
  course: CourseDoc;
  /** New or changed lessons only. */
  upsertLessons: LessonDoc[];
  /** `_id`s of lessons no longer in the file. */
  deleteLessonIds: string[];
  creator: CreatorDoc;
}

/**
 * Compares an import with what is stored. Identical content changes nothing; any change to the course or a lesson
 * bumps `version` and sets `updatedAt` to `now` (ISO-8601). Learners, rating and `createdAt` are kept;
 * `publishedAt` is set the first time the course is published.
 */
export function planCourseUpsert(
  existing: { course: CourseDoc; lessons: readonly LessonDoc[] } | null,
  incoming: ImportedCourse,
  now: string,
): UpsertPlan {
  const stored = new Map((existing?.lessons ?? []).map((l) => [l._id, l]));
  const upsertLessons = incoming.lessons
    .filter((l) => {
      const old = stored.get(l._id);
      return !old || canonical(pick(old, LESSON_CONTENT_KEYS)) !== canonical(pick(l, LESSON_CONTENT_KEYS));
    })
    .map((l): LessonDoc => ({ ...l, updatedAt: now }));
  const keep = new Set(incoming.lessons.map((l) => l._id));
  const deleteLessonIds = [...stored.keys()].filter((id) => !keep.has(id));

  const before = existing?.course;
  const courseChanged =
    !before || canonical(pick(before, COURSE_CONTENT_KEYS)) !== canonical(pick(incoming.course, COURSE_CONTENT_KEYS));
  const changed = courseChanged || upsertLessons.length > 0 || deleteLessonIds.length > 0;

  if (before && !changed) return { changed, course: before, upsertLessons, deleteLessonIds, creator: incoming.creator };

  const course: CourseDoc = {
    ...incoming.course,
    learnerCount: before?.learnerCount ?? 0,
    rating: before?.rating ?? { ...EMPTY_RATING, histogram: [...EMPTY_RATING.histogram] },
    version: before ? before.version + 1 : 1,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  };
  const publishedAt = before?.publishedAt ?? (incoming.course.status === 'published' ? now : undefined);
  if (publishedAt !== undefined) course.publishedAt = publishedAt;
  return { changed, course, upsertLessons, deleteLessonIds, creator: incoming.creator };
}
