/**
 * The demo's learners, so that every number a creator reads is counted from documents, as in a real deployment: the
 * grants of the paid orders of ./history.ts (written as fulfilment writes them; a refunded order's grant revoked),
 * earlier learners (a paid course's launch giveaway of redemption codes before the history, a free course's free
 * enrolments in it), each learner's `courseProgress` (built with the product's own `applyReport`, lesson after
 * lesson), reviews and reports. The course's `learnerCount` and rating summary are then computed from them with the
 * product's rules (`isActive`, `countedRating`, `summaryOf`, `scoredRating`), so the nightly `courseStats` run finds
 * nothing to correct.
 *
 * - Progress: each course has a lesson learners find hard (seeded, not the first), where most who stop stop, so
 *   "第 N 课流失最多" differs between courses; learners who enrolled long ago have finished or stopped, recent buyers are
 *   still studying. A refunded buyer opened at most the free lesson, as the refund policy allows.
 * - Reviews: finishers write more often than those who stopped, and rate higher; a few wait for a creator (the check
 *   said `review`), a few are from refunded buyers (已退款, not counted), two were hidden by three reports each and
 *   one has a single report.
 * - Reports: those of the hidden reviews and a few of three courses ("课程介绍与内容不符").
 *
 * Deterministic for the same catalog and day (every draw is seeded by the course id). The review's `author`, a keyed
 * code of the environment's secret, is left empty here and filled in by the loader (../index.ts).
 */
import { createHash } from 'node:crypto';
import type { CourseDoc, CourseRating, LessonDoc } from '../../../shared/catalog';
import type { ReportReason } from '../../../shared/contract';
import { courseGrantId, grantId, isActive, type GrantDoc } from '../../../shared/grants';
import { beijingDay, dayStart } from '../../../shared/insights/daily/calendar';
import { applyReport, progressId, type CourseProgressDoc } from '../../../shared/learning/progress';
import { billBody, orderId, transitionEntry, type OrderDoc } from '../../../shared/orders/model';
import type { RedeemBatchDoc, RedeemCodeDoc } from '../../../shared/promo/documents';
import { SeededRandom } from '../../../shared/recommender/algorithms/random';
import {
  PROGRESS_FIELDS,
  RATING_FIELDS,
  snapshotBucket,
  type InteractionSnapshot,
} from '../../../shared/recommender/data/snapshot';
import { reportDocId, type ReportDoc } from '../../../shared/reports';
import { scoredRating } from '../../../shared/reviews/rating-score';
import { countedRating, reviewId, type ReviewDoc } from '../../../shared/reviews/service';
import { summaryOf } from '../../../shared/reviews/summary';
import { STOPPED_AFTER_DAYS } from '../../../shared/stats/quality';

/** Learners in the demo: `demo-u-0001` … ; the first ones buy most often. */
export const DEMO_LEARNER_POOL = 2500;
/** A course's learners are about this share of its reach (./index.ts); a paid course's earlier ones redeemed codes. */
export const LEARNERS_PER_REACH = 0.3;
/** The courses three or so learners reported, and the reviews reports hid. */
export const DEMO_REPORTED_COURSES = ['python-testing', 'frontend-performance', 'operating-systems'];

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function demoLearnerId(index: number): string {
  return `demo-u-${String(index + 1).padStart(4, '0')}`;
}

/**
 * Learners of one course, drawn from the pool without repeats: skewed toward the pool's first learners (u^1.6), so
 * some learners hold many courses and most a few. `purpose` keeps the streams of buyers and earlier learners apart.
 */
export class DemoLearnerPicker {
  private readonly random: SeededRandom;
  constructor(
    courseId: string,
    purpose: string,
    readonly taken = new Set<string>(),
  ) {
    this.random = new SeededRandom(hashOf(`${courseId}/${purpose}`));
  }

  pick(): string {
    for (;;) {
      const id = demoLearnerId(Math.floor(DEMO_LEARNER_POOL * this.random.uniform() ** 1.6));
      if (!this.taken.has(id)) {
        this.taken.add(id);
        return id;
      }
    }
  }
}

export interface DemoLearners {
  grants: GrantDoc[];
  /** Free courses' zero-amount orders (a free grant has its order, as `order.create` writes it). */
  orders: OrderDoc[];
  progress: CourseProgressDoc[];
  reviews: ReviewDoc[];
  reports: ReportDoc[];
  redeemBatches: RedeemBatchDoc[];
  redeemCodes: RedeemCodeDoc[];
  /** Each learner's recommender snapshot, as the signals of these enrolments, progress and ratings leave it. */
  interactions: InteractionSnapshot[];
  /** Each course's learner count and rating summary, computed from the documents above. */
  seeds: Map<string, Pick<CourseDoc, 'learnerCount' | 'rating'>>;
}

/** How a learner came to a course. */
interface Enrolment {
  openid: string;
  at: Date;
  grant: GrantDoc;
  /** The paid order, for the lessons delivered under it. */
  paidOrder?: string;
  refundedAt?: Date;
}

/** Texts by stars, 1★ … 5★. */
const TEXTS: readonly (readonly string[])[] = [
  ['内容太浅，和介绍说的不一样。', '讲得太快，跟不上，后面基本没看。'],
  ['有些地方讲得不清楚，需要自己查很多资料。', '案例有点旧了，希望更新。', '节奏偏慢，干货不多。'],
  ['中规中矩，适合入门。', '前几课不错，后面难度跳得有点大。', '还可以，练习再多一些就好了。'],
  ['讲解清晰，例子实用，推荐。', '整体不错，有几课可以再展开讲讲。', '跟着做了一遍，收获挺多。', ''],
  [
    '非常好的课程，老师讲得很透彻！',
    '案例贴近实际工作，马上就用上了。',
    '物超所值，已经推荐给同事。',
    '',
    '讲解清晰，节奏刚好。',
  ],
];
/** What the reports hid: the text other learners reported as an ad. */
const REPORTED_TEXT = '课程还行，更多资料和答疑可以私信我拿，价格比这里便宜。';

function pickOf<T>(items: readonly T[], random: SeededRandom): T {
  return items[Math.floor(random.uniform() * items.length)] as T;
}

function earlier(a: Date, b: Date): Date {
  return a < b ? a : b;
}

export interface DemoLearnersInput {
  /** Published and other courses; only published ones get learners. */
  courses: readonly CourseDoc[];
  lessons: readonly LessonDoc[];
  reach: ReadonlyMap<string, number>;
  /** The paid and refunded orders of ./history.ts. */
  orders: readonly OrderDoc[];
  /** The history's first day (a Monday, Beijing): free enrolments start there, redeemed codes end there. */
  historyStart: string;
  /** The time of the load: everything the learners did is dated before its Beijing day. */
  now: Date;
}

export function buildDemoLearners(input: DemoLearnersInput): DemoLearners {
  // Everything happened before the day of the load, so the same day gives the same learners at any hour.
  const now = dayStart(beijingDay(input.now));
  const out: DemoLearners = {
    grants: [],
    orders: [],
    progress: [],
    reviews: [],
    reports: [],
    redeemBatches: [],
    redeemCodes: [],
    interactions: [],
    seeds: new Map(),
  };
  const start = dayStart(input.historyStart);
  const ordersOf = new Map<string, OrderDoc[]>();
  for (const order of input.orders) {
    if (order.courseId === undefined) continue;
    const list = ordersOf.get(order.courseId) ?? [];
    list.push(order);
    ordersOf.set(order.courseId, list);
  }
  let hiddenLeft = 2;
  let singleReportLeft = 1;
  for (const course of input.courses) {
    if (course.status !== 'published') continue;
    const lessons = input.lessons.filter((l) => l.courseId === course._id).sort((a, b) => a.order - b.order);
    const random = new SeededRandom(hashOf(`${course._id}/learners`));
    const target = { kind: 'course' as const, id: course._id };
    const targetKey = `course:${course._id}`;
    const enrolments: Enrolment[] = [];

    // The history's buyers: the grant fulfilment wrote, revoked by the refund.
    const sold = ordersOf.get(course._id) ?? [];
    for (const order of sold) {
      const paidAt = new Date(order.paidAt as string);
      const refundedAt = order.refundedAt === undefined ? undefined : new Date(order.refundedAt);
      const grant: GrantDoc = {
        _id: courseGrantId(order._openid, course._id),
        _openid: order._openid,
        via: 'purchase',
        target: targetKey,
        courseId: course._id,
        status: refundedAt ? 'revoked' : 'active',
        orderId: order._id,
        createdAt: paidAt.toISOString(),
        ...(refundedAt ? { revokedAt: refundedAt.toISOString() } : {}),
      };
      enrolments.push({
        openid: order._openid,
        at: paidAt,
        grant,
        paidOrder: order._id,
        ...(refundedAt ? { refundedAt } : {}),
      });
    }

    const wanted = Math.round((input.reach.get(course._id) ?? 0) * LEARNERS_PER_REACH);
    const picker = new DemoLearnerPicker(course._id, 'earlier', new Set(sold.map((o) => o._openid)));
    if (course.priceFen === 0) {
      // Free enrolments through the history, each with its zero-amount order.
      for (let i = 0; i < wanted; i++) {
        const openid = picker.pick();
        const at = new Date(start.getTime() + random.uniform() * (now.getTime() - 2 * HOUR_MS - start.getTime()));
        const order = freeOrder(course, openid, at);
        out.orders.push(order);
        enrolments.push({
          openid,
          at,
          grant: {
            _id: courseGrantId(openid, course._id),
            _openid: openid,
            via: 'free',
            target: targetKey,
            courseId: course._id,
            status: 'active',
            orderId: order._id,
            createdAt: at.toISOString(),
          },
        });
      }
    } else {
      // The launch giveaway: codes redeemed in the 40 weeks before the history.
      const active = sold.filter((o) => o.status === 'paid').length;
      const codes = Math.max(0, wanted - active);
      if (codes > 0) {
        const batchId = `demo-launch-${course._id}`;
        const opened = new Date(start.getTime() - 40 * 7 * DAY_MS);
        out.redeemBatches.push({
          _id: batchId,
          target,
          count: codes,
          expiresAt: start.toISOString(),
          note: '上线赠课',
          status: 'active',
          createdAt: opened.toISOString(),
        });
        for (let i = 0; i < codes; i++) {
          const openid = picker.pick();
          const at = new Date(opened.getTime() + random.uniform() * (start.getTime() - opened.getTime()));
          out.redeemCodes.push({
            _id: createHash('sha256').update(`demo-code\u0000${batchId}\u0000${i}`).digest('hex'),
            batchId,
            target,
            status: 'used',
            usedBy: openid,
            usedAt: at.toISOString(),
            expiresAt: start.toISOString(),
          });
          enrolments.push({
            openid,
            at,
            grant: {
              _id: grantId(openid, 'redeem', target),
              _openid: openid,
              via: 'redeem',
              target: targetKey,
              courseId: course._id,
              status: 'active',
              createdAt: at.toISOString(),
            },
          });
        }
      }
    }

    // How the course is studied: continuing past each lesson is likely, except at its hard lesson.
    const hard = 1 + Math.floor(random.uniform() * Math.max(1, lessons.length - 1));
    const keepOn = lessons.map((_, i) => (i === hard ? 0.5 + 0.2 * random.uniform() : 0.9 + 0.06 * random.uniform()));
    const fiveStars = 0.55 + 0.35 * random.uniform();
    const counted: number[] = [0, 0, 0, 0, 0];
    const reviewed: ReviewDoc[] = [];
    const stoppedLearners: string[] = [];
    for (const enrolment of enrolments) {
      out.grants.push(enrolment.grant);
      const studied = study(course, lessons, enrolment, keepOn, random, now);
      if (studied === undefined) continue;
      out.progress.push(studied.doc);
      const finished = studied.doc.percent === 100;
      const stopped = !finished && now.getTime() - studied.doc.lastReportedAt > STOPPED_AFTER_DAYS * DAY_MS;
      if (stopped) stoppedLearners.push(enrolment.openid);
      const chance = enrolment.refundedAt ? 0.3 : finished ? 0.3 : studied.doc.percent >= 50 ? 0.12 : 0.05;
      if (random.uniform() >= chance) continue;
      let stars = random.uniform() < fiveStars ? 5 : random.uniform() < 0.7 ? 4 : random.uniform() < 0.75 ? 3 : 2;
      if (!finished && random.uniform() < 0.4) stars -= 1;
      if (enrolment.refundedAt) stars = 1 + Math.floor(random.uniform() * 2);
      stars = Math.max(1, stars);
      const at = earlier(
        new Date(studied.doc.lastReportedAt + random.uniform() * 2 * DAY_MS),
        enrolment.refundedAt ?? new Date(now.getTime() - HOUR_MS),
      );
      const pending = !enrolment.refundedAt && random.uniform() < 0.03;
      const review: ReviewDoc = {
        _id: reviewId(enrolment.openid, course._id),
        _openid: enrolment.openid,
        courseId: course._id,
        rating: stars,
        text: pickOf(TEXTS[stars - 1] as readonly string[], random),
        status: pending ? 'pending' : 'visible',
        counted: null,
        ...(enrolment.refundedAt ? { refunded: true as const } : {}),
        author: '',
        moderation: { outcome: pending ? 'review' : 'pass', checkedAt: at.toISOString() },
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
      };
      reviewed.push(review);
    }

    // Reports: a review hidden by three (an ad in the text), one reported once, and a few courses reported.
    const reporters = new DemoLearnerPicker(course._id, 'reporters', new Set(enrolments.map((e) => e.openid)));
    const candidates = reviewed.filter((r) => r.status === 'visible' && !r.refunded && r.rating <= 3);
    if (hiddenLeft > 0 && candidates.length > 0 && course.priceFen > 0) {
      hiddenLeft -= 1;
      const review = candidates[0] as ReviewDoc;
      review.text = REPORTED_TEXT;
      const reported = reportsOf(review, 3, reporters, 'ad', now);
      out.reports.push(...reported);
      review.status = 'hidden';
      review.reports = { count: 3, reasons: { ad: 3 }, hiddenAt: (reported[2] as ReportDoc).createdAt };
    } else if (singleReportLeft > 0 && candidates.length > 0) {
      singleReportLeft -= 1;
      const review = candidates[0] as ReviewDoc;
      out.reports.push(...reportsOf(review, 1, reporters, 'abuse', now));
      review.reports = { count: 1, reasons: { abuse: 1 } };
    }
    if (DEMO_REPORTED_COURSES.includes(course._id)) {
      // Learners who stopped, and say why.
      for (const openid of stoppedLearners.slice(0, 2 + Math.floor(random.uniform() * 3))) {
        const at = new Date(now.getTime() - (1 + random.uniform() * 20) * DAY_MS);
        out.reports.push({
          _id: reportDocId('course', course._id, openid),
          kind: 'course',
          targetId: course._id,
          courseId: course._id,
          reason: 'misleading',
          text: '课程介绍与内容不符',
          _openid: openid,
          createdAt: at.toISOString(),
        });
      }
    }
    // The creator answered the newest review with words, as creators do (creator.reply).
    const answered = reviewed
      .filter((r) => r.status === 'visible' && r.text !== '')
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    if (answered) {
      const at = earlier(new Date(Date.parse(answered.createdAt) + 3 * HOUR_MS), now).toISOString();
      answered.reply = {
        text:
          answered.rating >= 4
            ? '谢谢你的认可！有问题随时在评价里告诉我。'
            : '谢谢你的反馈，下个版本会补充更多练习和讲解。',
        status: 'visible',
        moderation: { outcome: 'pass', checkedAt: at },
        creatorId: course.creator.id,
        creatorName: course.creator.name,
        createdAt: at,
        updatedAt: at,
      };
    }
    for (const review of reviewed) {
      review.counted = countedRating(review.status, review.rating, review.refunded);
      if (review.counted !== null) counted[review.counted - 1] = (counted[review.counted - 1] as number) + 1;
    }
    out.reviews.push(...reviewed);
    const rating: CourseRating = scoredRating(summaryOf(counted), undefined);
    const learnerCount = enrolments.filter((e) => isActive(e.grant, now)).length;
    out.seeds.set(course._id, { learnerCount, rating });
  }
  out.interactions = snapshotsOf(out, input.courses);
  return out;
}

/**
 * The snapshots the product's signals (shared/recommender/signals.ts) would have left: an active grant owned (paid
 * when bought), each course's highest progress quarter reached, each rating given, the categories enrolled in; a
 * refund takes the course out of what is owned, its progress and rating stay.
 */
function snapshotsOf(learners: DemoLearners, courses: readonly CourseDoc[]): InteractionSnapshot[] {
  const category = new Map(courses.map((c) => [c._id, c.category]));
  const byLearner = new Map<string, InteractionSnapshot & Required<Pick<InteractionSnapshot, 'n' | 'activeAt'>>>();
  const of = (openid: string, at: string) => {
    let doc = byLearner.get(openid);
    if (!doc)
      byLearner.set(openid, (doc = { _id: openid, _openid: openid, b: snapshotBucket(openid), n: 0, activeAt: at }));
    doc.n += 1;
    if (at > doc.activeAt) doc.activeAt = at;
    return doc;
  };
  const add = (doc: InteractionSnapshot, field: keyof InteractionSnapshot, value: string) => {
    const list = ((doc as unknown as Record<string, string[] | undefined>)[field] ??= []);
    if (!list.includes(value)) list.push(value);
  };
  for (const grant of learners.grants) {
    const courseId = grant.courseId as string;
    const doc = of(grant._openid, grant.revokedAt ?? grant.createdAt);
    if (grant.status === 'active') add(doc, grant.via === 'purchase' ? 'paid' : 'free', courseId);
    const cat = category.get(courseId);
    if (cat !== undefined) add(doc, 'cats', cat);
  }
  for (const progress of learners.progress) {
    const reached = Math.floor(progress.percent / 25);
    const field = PROGRESS_FIELDS[reached - 1];
    if (field !== undefined) add(of(progress._openid, progress.updatedAt), field, progress.courseId);
  }
  for (const review of learners.reviews) {
    add(
      of(review._openid, review.createdAt),
      RATING_FIELDS[review.rating - 1] as keyof InteractionSnapshot,
      review.courseId,
    );
  }
  return [...byLearner.values()].sort((a, b) => (a._id < b._id ? -1 : 1));
}

function reportsOf(
  review: ReviewDoc,
  count: number,
  reporters: DemoLearnerPicker,
  reason: ReportReason,
  now: Date,
): ReportDoc[] {
  const from = Date.parse(review.createdAt);
  return Array.from({ length: count }, (_, i) => {
    const openid = reporters.pick();
    const at = new Date(from + ((now.getTime() - from) * (i + 1)) / (count + 1));
    return {
      _id: reportDocId('review', review._id, openid),
      kind: 'review',
      targetId: review._id,
      courseId: review.courseId,
      reason,
      _openid: openid,
      createdAt: at.toISOString(),
    };
  });
}

/** A free enrolment's order, as `order.create` writes it for a free course. */
function freeOrder(course: CourseDoc, openid: string, at: Date): OrderDoc {
  const iso = at.toISOString();
  return {
    _id: orderId(openid, { kind: 'course', id: course._id }, 1),
    _openid: openid,
    courseId: course._id,
    courseTitle: course.title,
    listPriceFen: 0,
    discounts: [],
    amountFen: 0,
    rail: 'wxpay',
    status: 'paid',
    attempt: 1,
    outTradeNo: `CCFREE${createHash('sha256').update(`${openid}\u0000${course._id}`).digest('hex').slice(0, 20)}`,
    merchantId: '',
    body: billBody(course.title),
    clientIp: '127.0.0.1',
    createdAt: iso,
    expiresAt: new Date(at.getTime() + 30 * 60_000).toISOString(),
    paidAt: iso,
    history: [
      { at: iso, source: 'order.create', event: 'created' },
      transitionEntry('pending', 'paid', iso, 'order.create', '免费'),
    ],
  };
}

/**
 * One learner's progress, reported lesson by lesson through the product's `applyReport`: each lesson finished a day
 * or few after the one before, continuing with the course's `keepOn` chance, until the learner stops, finishes or
 * reaches today; a partly watched next lesson half the time. About one in eight never starts. A refunded buyer opened
 * at most the free lesson. Paid lessons opened under a paid order are recorded as delivered (the refund policy's
 * consumption).
 */
function study(
  course: CourseDoc,
  lessons: readonly LessonDoc[],
  enrolment: Enrolment,
  keepOn: readonly number[],
  random: SeededRandom,
  now: Date,
): { doc: CourseProgressDoc } | undefined {
  if (lessons.length === 0 || random.uniform() < 0.12) return undefined;
  const facts = {
    id: progressId(enrolment.openid, course._id),
    openid: enrolment.openid,
    courseId: course._id,
    lessonCount: lessons.length,
    enrolled: true,
  };
  const until = (enrolment.refundedAt ?? now).getTime() - HOUR_MS;
  let doc: CourseProgressDoc | null = null;
  let at = enrolment.at.getTime() + random.uniform() * DAY_MS;
  const delivered: Record<string, number> = {};
  for (let i = 0; i < lessons.length && at < until; i++) {
    const lesson = lessons[i] as LessonDoc;
    if (enrolment.refundedAt && !lesson.free) break;
    const finishes = random.uniform() < (keepOn[i] ?? 0.9) && !(enrolment.refundedAt && random.uniform() < 0.5);
    const positionSec = finishes ? lesson.durationSec : Math.floor(lesson.durationSec * (0.1 + 0.6 * random.uniform()));
    if (!finishes && random.uniform() < 0.5 && doc !== null) break;
    if (!lesson.free && enrolment.paidOrder !== undefined) delivered[lesson._id] = Math.floor(at - 60_000);
    const report = { lessonId: lesson._id, kind: lesson.kind, positionSec, durationSec: lesson.durationSec, at };
    doc = applyReport(doc, facts, report, new Date(at)) ?? doc;
    if (!finishes) break;
    at += (0.5 + 3.5 * random.uniform()) * DAY_MS;
  }
  if (doc === null) return undefined;
  if (enrolment.paidOrder !== undefined && Object.keys(delivered).length > 0)
    doc = { ...doc, delivered: { orderId: enrolment.paidOrder, lessons: delivered } };
  return { doc };
}
