/**
 * The files a course file refers to, and where each goes in cloud storage. Uploaded files go to content-addressed
 * paths, so importing unchanged files gives the same fileIDs and changes nothing, and a changed file gives a new
 * fileID and bumps the version.
 */
import { posix } from 'node:path';
import { isCloudFileId, type CourseFile } from './schema';

export interface AssetRequest {
  /** What the file is: the cover, lesson media or an article body (read, not uploaded). */
  role: 'cover' | 'media' | 'body';
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

/**
 * Where an uploaded file goes: covers under `covers/`, media under `media/`, named by a prefix of the content's
 * SHA-256 so the same bytes always give the same fileID. Storage is admin-only either way: clients get a cover as a
 * temp URL from any function's answer, a lesson's media from `learning.lesson` after the access check.
 */
export function assetCloudPath(courseId: string, role: 'cover' | 'media', ref: string, sha256Hex: string): string {
  return `${role === 'cover' ? 'covers' : 'media'}/${courseId}/${sha256Hex.slice(0, 16)}-${posix.basename(ref)}`;
}
