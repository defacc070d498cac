/**
 * Enrollments: a learner owns a course, paid or free. One document per learner and course (unique `_openid` +
 * `courseId`, and a deterministic `_id`), so fulfilment, refunds and re-buying all touch the same document:
 * re-buying after a refund reactivates it.
 *
 * Learning and reviews ask `isEnrolled(db, openid, courseId)`; only the orders domain writes enrollments.
 */
import { createHash } from 'node:crypto';
import { getById, type Database } from '../db';
import { COLLECTIONS } from '../collections';

export type EnrollmentSource = 'paid' | 'free';
export type EnrollmentStatus = 'active' | 'revoked';

export interface EnrollmentDoc {
  _id: string;
  _openid: string;
  courseId: string;
  source: EnrollmentSource;
  /** The order that paid for it (a free enrollment has its zero-amount order too). */
  orderId?: string;
  status: EnrollmentStatus;
  /** ISO-8601; when the learner first got the course. */
  createdAt: string;
  /** ISO-8601; set while revoked (a confirmed refund). */
  revokedAt?: string;
}

/** The one document id of a learner's enrollment in a course. */
export function enrollmentId(openid: string, courseId: string): string {
  return createHash('sha256').update(`${openid}\u0000${courseId}`).digest('hex').slice(0, 32);
}

export async function getEnrollment(db: Database, openid: string, courseId: string): Promise<EnrollmentDoc | null> {
  return getById<EnrollmentDoc>(db, COLLECTIONS.enrollments, enrollmentId(openid, courseId));
}

/** Whether the learner may open the paid content of the course now. */
export async function isEnrolled(db: Database, openid: string, courseId: string): Promise<boolean> {
  return (await getEnrollment(db, openid, courseId))?.status === 'active';
}

/** The enrollment document as it becomes active, keeping the first `createdAt` of a reactivated one. */
export function activeEnrollment(
  openid: string,
  courseId: string,
  source: EnrollmentSource,
  orderId: string,
  now: string,
  previous: EnrollmentDoc | null,
): Omit<EnrollmentDoc, '_id'> {
  return { _openid: openid, courseId, source, orderId, status: 'active', createdAt: previous?.createdAt ?? now };
}
