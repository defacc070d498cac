/**
 * `catalog.report`: a learner reports a published course. Recorded once per learner and course for its creator (who
 * reads them in `reports` by `courseId`; the nightly quality score counts them); a course is never hidden by reports.
 */
import { AppError, type CatalogReportParams, type ReportData } from '../contract';
import { getById, inTransaction, type Database } from '../db';
import { spendLimit } from '../limits';
import type { CourseDoc } from '../catalog';
import { COLLECTIONS } from '../collections';
import { newReport } from './document';
import { recordReport } from './record';
import { isCourseOpen } from '../catalog/visibility';

export async function reportCourse(
  deps: { db: Database; now: () => Date },
  openid: string,
  params: CatalogReportParams,
): Promise<ReportData> {
  const { db } = deps;
  const { courseId } = params;
  const course = await getById<Pick<CourseDoc, 'status'>>(db, COLLECTIONS.courses, courseId);
  // The catalog's answer for a course that is missing or not published (shared/catalog/service.ts courseDetail).
  if (!isCourseOpen(course)) {
    throw new AppError('NOT_FOUND', `courseId 对应的课程不存在或未上架：${courseId}`, { field: 'courseId' });
  }
  await spendLimit(db, openid, 'report', deps.now());
  const report = newReport({ kind: 'course', targetId: courseId, courseId }, params, openid, deps.now());
  const recorded = await inTransaction(db, (tx) => recordReport(tx, report));
  return { reportedAt: recorded.counted ? report.createdAt : recorded.reportedAt };
}
