/**
 * What a creator sees of a course's content review, pure: a closed course's first review from its `moderation` field
 * (shared/catalog/course-file/revision.ts), else a published course's staged revision under review or rejected
 * (`courseRevisions`, which learners never read); null when nothing waits.
 */
import type { CourseModerationView } from '../contract';
import type { CourseModeration, CourseRevisionDoc } from '../catalog/course-file/revision';

export function moderationView(
  course: { moderation?: CourseModeration },
  revision: Pick<CourseRevisionDoc, 'state' | 'version' | 'field' | 'reason' | 'updatedAt'> | null | undefined,
): CourseModerationView | null {
  const source =
    course.moderation ??
    (revision && revision.state !== 'applied'
      ? {
          state: revision.state,
          version: revision.version,
          field: revision.field,
          reason: revision.reason,
          at: revision.updatedAt,
        }
      : undefined);
  if (!source) return null;
  return {
    state: source.state,
    version: source.version,
    ...(source.field !== undefined ? { field: source.field } : {}),
    ...(source.reason !== undefined ? { reason: source.reason } : {}),
    at: source.at,
  };
}
