/**
 * The one-way move from `enrollments` (one document per learner and course, access from a purchase or a free course)
 * to `grants`: each enrollment becomes the learner's own grant of the course under the same `_id`, which is the id
 * `courseGrantId` derives, so orders, refunds and progress keep meeting the same document. Pure; the runner is
 * toolchain/migrate.ts (`npm run migrate`, and `npm start` on an existing data folder).
 */
import type { GrantDoc } from './model';

/** An `enrollments` document as the product wrote it before grants. */
export interface LegacyEnrollmentDoc {
  _id: string;
  _openid: string;
  courseId: string;
  source: 'paid' | 'free';
  orderId?: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt?: string;
}

/** The grant an enrollment becomes: `paid` → `purchase`, `free` → `free`; status, order and times kept. */
export function grantOfEnrollment(doc: LegacyEnrollmentDoc): GrantDoc {
  const grant: GrantDoc = {
    _id: doc._id,
    _openid: doc._openid,
    via: doc.source === 'paid' ? 'purchase' : 'free',
    target: `course:${doc.courseId}`,
    courseId: doc.courseId,
    status: doc.status,
    createdAt: doc.createdAt,
  };
  if (doc.orderId !== undefined) grant.orderId = doc.orderId;
  if (doc.revokedAt !== undefined) grant.revokedAt = doc.revokedAt;
  return grant;
}
