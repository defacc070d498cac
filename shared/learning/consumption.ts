/**
 * How much of a paid course a learner has consumed since a payment, as the refund policy and the answer to Apple's
 * refund inquiry count it: the larger of
 * - the progress the learner's devices reported (`percent`: completed lessons over lessons), and
 * - the share of the course's paid (not free-trial) lessons whose media URL or article body the server handed out
 *   while the learner's enrollment was paid for by this order, so after its payment (`delivered`, recorded by
 *   `learning.lesson`).
 * The second count is what the server knows itself: a learner who downloads every lesson without ever reporting
 * progress has consumed the course all the same.
 *
 * A bundle (membership or 专栏) is counted across its courses as one: the paid lessons opened under the bundle's order
 * over the paid lessons of all its courses, and the reported progress weighted by each course's lessons, counting
 * only courses studied since the payment (a course finished before, under another grant, is not the bundle's).
 */
import type { LessonDoc } from '../catalog';
import { found, type Database } from '../db';
import { percentOf, progressId, readProgress, type CourseProgressDoc } from './progress';
import { COLLECTIONS } from '../collections';

export interface Consumption {
  /** max(reportedPercent, openedPercent), 0–100. */
  percent: number;
  /** The progress the devices reported. */
  reportedPercent: number;
  /** Paid lessons opened after the payment over the course's paid lessons, rounded down. */
  openedPercent: number;
  /** Those lessons, in course order. */
  opened: { id: string; title: string }[];
  /** ISO-8601 of the latest activity in the course (a report, or the first lesson opened), if any. */
  lastActiveAt?: string;
}

type PaidLesson = Pick<LessonDoc, '_id' | 'title' | 'order'>;
type BundleLesson = Pick<LessonDoc, '_id' | 'title' | 'order' | 'courseId' | 'free'>;
type ProgressFigures = Pick<CourseProgressDoc, 'courseId' | 'percent' | 'delivered' | 'updatedAt'>;

/** A course has at most this many lessons in one read. */
const MAX_LESSONS = 1000;

/** The consumption of `orderId`'s purchase given the progress document and the course's paid lessons. Pure. */
export function consumptionOf(
  progress: Pick<CourseProgressDoc, 'percent' | 'delivered' | 'updatedAt'> | null,
  paidLessons: PaidLesson[],
  orderId: string,
): Consumption {
  const record = progress?.delivered?.orderId === orderId ? progress.delivered.lessons : {};
  const opened = [...paidLessons]
    .sort((a, b) => a.order - b.order)
    .filter((lesson) => record[lesson._id] !== undefined)
    .map((lesson) => ({ id: lesson._id, title: lesson.title }));
  const reportedPercent = progress?.percent ?? 0;
  const openedPercent = percentOf(opened.length, paidLessons.length);
  const consumption: Consumption = {
    percent: Math.max(reportedPercent, openedPercent),
    reportedPercent,
    openedPercent,
    opened,
  };
  if (progress?.updatedAt) consumption.lastActiveAt = progress.updatedAt;
  return consumption;
}

/** Reads the learner's progress document and the course's paid lessons, and counts `orderId`'s consumption. */
export async function readConsumption(
  db: Database,
  purchase: { openid: string; courseId: string; orderId: string },
): Promise<Consumption> {
  const [progress, paidLessons] = await Promise.all([
    readProgress(db, purchase.openid, purchase.courseId),
    found<PaidLesson>(
      db
        .collection(COLLECTIONS.lessons)
        .where({ courseId: purchase.courseId, free: false })
        .field({ _id: true, title: true, order: true })
        .limit(MAX_LESSONS),
    ),
  ]);
  return consumptionOf(progress, paidLessons, purchase.orderId);
}

/** The consumption of a bundle order across the bundle's courses (see the top of this file). Pure. */
export function bundleConsumptionOf(
  progress: readonly ProgressFigures[],
  lessons: readonly BundleLesson[],
  courseIds: readonly string[],
  purchase: { orderId: string; paidAt: string },
): Consumption {
  const order = new Map(courseIds.map((id, i) => [id, i]));
  const inBundle = lessons.filter((l) => order.has(l.courseId));
  const paid = inBundle
    .filter((l) => !l.free)
    .sort((a, b) => (order.get(a.courseId) ?? 0) - (order.get(b.courseId) ?? 0) || a.order - b.order);
  const byCourse = new Map(progress.filter((p) => order.has(p.courseId)).map((p) => [p.courseId, p]));
  const opened = paid
    .filter((l) => {
      const delivered = byCourse.get(l.courseId)?.delivered;
      return delivered?.orderId === purchase.orderId && delivered.lessons[l._id] !== undefined;
    })
    .map((l) => ({ id: l._id, title: l.title }));
  let weighted = 0;
  for (const [courseId, p] of byCourse) {
    if (p.updatedAt === undefined || p.updatedAt < purchase.paidAt) continue;
    weighted += (p.percent ?? 0) * inBundle.filter((l) => l.courseId === courseId).length;
  }
  const reportedPercent = inBundle.length === 0 ? 0 : Math.min(100, Math.floor(weighted / inBundle.length));
  const openedPercent = percentOf(opened.length, paid.length);
  const consumption: Consumption = {
    percent: Math.max(reportedPercent, openedPercent),
    reportedPercent,
    openedPercent,
    opened,
  };
  const last = [...byCourse.values()]
    .map((p) => p.updatedAt)
    .filter((t): t is string => t !== undefined)
    .sort()
    .pop();
  if (last !== undefined) consumption.lastActiveAt = last;
  return consumption;
}

/** Reads the learner's progress in the bundle's courses and their lessons, and counts the bundle order's consumption. */
export async function readBundleConsumption(
  db: Database,
  purchase: { openid: string; courseIds: readonly string[]; orderId: string; paidAt: string },
): Promise<Consumption> {
  if (purchase.courseIds.length === 0) return bundleConsumptionOf([], [], [], purchase);
  const _ = db.command;
  const [progress, lessons] = await Promise.all([
    found<ProgressFigures>(
      db
        .collection(COLLECTIONS.courseProgress)
        .where({ _id: _.in(purchase.courseIds.map((id) => progressId(purchase.openid, id))) })
        .field({ courseId: true, percent: true, delivered: true, updatedAt: true })
        .limit(MAX_LESSONS),
    ),
    found<BundleLesson>(
      db
        .collection(COLLECTIONS.lessons)
        .where({ courseId: _.in([...purchase.courseIds]) })
        .field({ _id: true, title: true, order: true, courseId: true, free: true })
        .limit(MAX_LESSONS),
    ),
  ]);
  return bundleConsumptionOf(progress, lessons, purchase.courseIds, purchase);
}

/** How many opened lessons a text names before it says "等 N 课时". */
const NAMED_LESSONS = 3;

/** `《变量》《函数》《循环》等 5 课时`: the opened lessons for a learner or for Apple's reviewer. */
export function openedLessonsText(opened: Consumption['opened']): string {
  const named = opened
    .slice(0, NAMED_LESSONS)
    .map((lesson) => `《${lesson.title}》`)
    .join('');
  return opened.length > NAMED_LESSONS ? `${named}等 ${opened.length} 课时` : named;
}
