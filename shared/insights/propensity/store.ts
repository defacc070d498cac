/**
 * Where the propensity meets the database: the paid course orders it reads (the record of money) and the
 * `expectedBuyers` field of each course's `courseInsights` document, which the creator center reads. The nightly
 * `retrain` (03:07 UTC+8) writes the field after the `insights` job (01:05 UTC+8) has replaced the documents, and the
 * insights job carries the last value over when it replaces them (`keptExpectedBuyers`), so the field is never gone.
 * `courseInsights` and `orders` are readable by functions only (database/rules): no learner reads another's chance, and
 * only sums over learners are written.
 */
import { COLLECTIONS } from '../../collections';
import { findMany, updateOrInsert, type Database } from '../../db';
import type { PaidCourseOrder } from './learners';

export interface ExpectedBuyersField {
  /** Expected learners buying the course in the next `horizonWeeks` weeks. */
  count: number;
  horizonWeeks: number;
  /** The same sum over every course for sale (expected course purchases of the catalog). */
  catalogTotal: number;
  /** `fitted` on the deployment's own history, or the recency-frequency `prior` (too little history). */
  source: 'fitted' | 'prior';
  /** The Beijing day it was computed on, and when. */
  day: string;
  computedAt: string;
}

/**
 * One page of paid course orders (status `paid`: refunding and refunded ones are not purchases) paid before `before`,
 * in `_id` order after `afterId`, with only the fields the propensity reads.
 */
export async function readPaidCourseOrders(
  db: Database,
  before: Date,
  afterId: string | null,
  limit: number,
): Promise<(PaidCourseOrder & { _id: string })[]> {
  const _ = db.command;
  const where = {
    status: 'paid',
    courseId: _.exists(true),
    paidAt: _.lt(before.toISOString()),
    ...(afterId === null ? {} : { _id: _.gt(afterId) }),
  };
  return findMany<PaidCourseOrder & { _id: string }>(db, COLLECTIONS.orders, where, {
    orderBy: ['_id', 'asc'],
    limit,
  }).then((orders) =>
    orders.map(({ _id, _openid, courseId, amountFen, paidAt }) => ({ _id, _openid, courseId, amountFen, paidAt })),
  );
}

/** Sets a course's `expectedBuyers`, creating its insight document when the insights job has not written one yet. */
export async function writeExpectedBuyers(db: Database, courseId: string, field: ExpectedBuyersField): Promise<void> {
  await updateOrInsert(
    db,
    COLLECTIONS.courseInsights,
    courseId,
    { expectedBuyers: db.command.set(field) },
    { courseId, expectedBuyers: field },
  );
}

/** The `expectedBuyers` of these courses' insight documents, to keep when the insights job replaces them. */
export async function keptExpectedBuyers(
  db: Database,
  courseIds: readonly string[],
): Promise<Map<string, { expectedBuyers: ExpectedBuyersField }>> {
  if (courseIds.length === 0) return new Map();
  const docs = await findMany<{ _id: string; expectedBuyers?: ExpectedBuyersField }>(
    db,
    COLLECTIONS.courseInsights,
    { _id: db.command.in([...courseIds]), expectedBuyers: db.command.exists(true) },
    { limit: courseIds.length },
  );
  return new Map(docs.map((doc) => [doc._id, { expectedBuyers: doc.expectedBuyers! }]));
}
