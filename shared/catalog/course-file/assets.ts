/**
 * The files a course file refers to, and where each goes in cloud storage. Uploaded files go to content-addressed
 * paths, so importing unchanged files gives the same fileIDs and changes nothing, and a changed file gives a new
 * fileID and bumps the version.
 */
import { posix } from 'node:path';
import type { Problem } from '../../contract';
import { imagePath, imagesOf } from '../article-images';
import { bodyImageProblem, isCloudFileId, type CourseFile } from './schema';

export interface AssetRequest {
  /** What the file is: the cover, lesson media, an article body (read, not uploaded) or an image in one. */
  role: 'cover' | 'media' | 'body' | 'image';
  /** Field path in the course file, for messages: `lessons[2].media`. */
  field: string;
  /** The path as written, relative to the course file. */
  ref: string;
}

/** The local files a course file refers to (cloud fileIDs need nothing). */
export function assetRequests(course: CourseFile): AssetRequest[] {
  const requests: AssetRequest[] = [];
  if (!isCloudFileId(course.cover)) requests.push({ role: 'cover', field: 'cover', ref: course.cover });
  course.lessons.forEach((lesson, i) => {
    if (lesson.media !== undefined && !isCloudFileId(lesson.media)) {
      requests.push({ role: 'media', field: `lessons[${i}].media`, ref: lesson.media });
    }
    if (lesson.bodyFile !== undefined)
      requests.push({ role: 'body', field: `lessons[${i}].bodyFile`, ref: lesson.bodyFile });
  });
  return requests;
}

/** The text of each lesson's article body: inline, or the `bodyFile` read (`texts`, by ref). */
function bodyOf(lesson: CourseFile['lessons'][number], texts: ReadonlyMap<string, string>): string | undefined {
  return lesson.bodyFile !== undefined ? texts.get(lesson.bodyFile) : lesson.body;
}

/** The folder an article body's local images are relative to: its bodyFile's, or the course file's. */
export function bodyFolder(lesson: CourseFile['lessons'][number]): string {
  return lesson.bodyFile !== undefined ? posix.dirname(lesson.bodyFile) : '.';
}

/**
 * The local images of the article bodies (read the `bodyFile`s first), each as a path relative to the course file,
 * and the problem of each that cannot be uploaded (outside the course folder, not an image, on the web).
 */
export function bodyImageRequests(
  course: CourseFile,
  texts: ReadonlyMap<string, string>,
): { requests: AssetRequest[]; problems: Problem[] } {
  const requests: AssetRequest[] = [];
  const problems: Problem[] = [];
  course.lessons.forEach((lesson, i) => {
    const body = bodyOf(lesson, texts);
    if (body === undefined) return;
    imagesOf(body).forEach(({ target: ref, source }, k) => {
      if (source === 'cloud') return;
      const field = `lessons[${i}].body.images[${k}]`;
      const path = imagePath(bodyFolder(lesson), ref);
      const problem =
        source === 'web'
          ? 'must be a file in the course folder (or a cloud fileID): a web image would reach learners unchecked'
          : bodyImageProblem(path);
      if (problem) problems.push({ path: field, message: `${field} ${problem} (${ref})` });
      else requests.push({ role: 'image', field, ref: path });
    });
  });
  return { requests, problems };
}

/**
 * Where an uploaded file goes: covers under `covers/`, media and article images under `media/`, named by a prefix of the content's
 * SHA-256 so the same bytes always give the same fileID. Storage is admin-only either way: clients get a cover as a
 * temp URL from any function's answer, a lesson's media from `learning.lesson` after the access check.
 */
export function assetCloudPath(
  courseId: string,
  role: 'cover' | 'media' | 'image',
  ref: string,
  sha256Hex: string,
): string {
  return `${role === 'cover' ? 'covers' : 'media'}/${courseId}/${sha256Hex.slice(0, 16)}-${posix.basename(ref)}`;
}
