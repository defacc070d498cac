/**
 * What of a course its creator wrote or uploaded, field by field, with the path a verdict names
 * (`lessons[2].title`, `lessons[0].body.images[1]`). Lessons are indexed in the order given (by `order` as the
 * course shows them). Text goes to ./text-check.ts; images and audio to ./media-check.ts; video has no WeChat check,
 * so video lessons are listed for the operator's approval.
 */
import { articleImageIds } from '../catalog/article-images';
import type { TextField } from './text-check';

/** The fields of a course document this reads (shared/catalog CourseDoc). */
export interface CourseContent {
  title: string;
  subtitle?: string;
  description?: string;
  tags?: readonly string[];
  cover?: string;
  creator?: { name?: string; title?: string };
}

/** The fields of a lesson document this reads (shared/catalog LessonDoc). */
export interface LessonContent {
  title: string;
  kind: 'video' | 'audio' | 'article';
  media?: string;
  body?: string;
}

/** media_type of mediaCheckAsync: 1 audio, 2 image. */
export const MEDIA_KINDS = { audio: 1, image: 2 } as const;
export type MediaKind = (typeof MEDIA_KINDS)[keyof typeof MEDIA_KINDS];

export interface MediaField {
  path: string;
  fileId: string;
  mediaType: MediaKind;
}

/** Every text the creator wrote, non-empty ones only. */
export function creatorTextFields(course: CourseContent, lessons: readonly LessonContent[]): TextField[] {
  const fields: TextField[] = [
    { path: 'title', text: course.title },
    { path: 'subtitle', text: course.subtitle ?? '' },
    { path: 'description', text: course.description ?? '' },
    ...(course.tags ?? []).map((text, i) => ({ path: `tags[${i}]`, text })),
    { path: 'creator.name', text: course.creator?.name ?? '' },
    { path: 'creator.title', text: course.creator?.title ?? '' },
    ...lessons.flatMap((lesson, i) => [
      { path: `lessons[${i}].title`, text: lesson.title },
      { path: `lessons[${i}].body`, text: lesson.body ?? '' },
    ]),
  ];
  return fields.filter((field) => field.text !== '');
}

/** The images and audio to submit (the cover, audio lessons, images in article bodies) and the video lessons. */
export function creatorMediaFields(
  course: CourseContent,
  lessons: readonly LessonContent[],
): { media: MediaField[]; videos: { path: string; fileId: string }[] } {
  const media: MediaField[] = [];
  const videos: { path: string; fileId: string }[] = [];
  if (course.cover) media.push({ path: 'cover', fileId: course.cover, mediaType: MEDIA_KINDS.image });
  lessons.forEach((lesson, i) => {
    if (lesson.media && lesson.kind === 'audio') {
      media.push({ path: `lessons[${i}].media`, fileId: lesson.media, mediaType: MEDIA_KINDS.audio });
    }
    if (lesson.media && lesson.kind === 'video') videos.push({ path: `lessons[${i}].media`, fileId: lesson.media });
    articleImageIds(lesson.body ?? '').forEach((fileId, k) => {
      media.push({ path: `lessons[${i}].body.images[${k}]`, fileId, mediaType: MEDIA_KINDS.image });
    });
  });
  return { media, videos };
}
