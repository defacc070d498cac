/**
 * The demo as one coherent population, through a test cloud and the nightly jobs' timers (the real wx-server-sdk
 * inside): every course's learner count is its active grants and its rating summary what the product's `summaryOf`
 * makes of its counted reviews (so the nightly recount and settling change nothing), every published course with
 * learners has a quality score, drop-off differs between courses, refunds revoked their grants, and both creator
 * admins are there: one with sales, a rejected course and a change under review, one with nothing yet.
 */
import { COLLECTIONS } from '../../../shared/collections';
import type { CourseDoc } from '../../../shared/catalog';
import type { GrantDoc } from '../../../shared/grants';
import { isActive } from '../../../shared/grants';
import type { OrderDoc } from '../../../shared/orders/model';
import type { ReportDoc } from '../../../shared/reports';
import type { ReviewDoc } from '../../../shared/reviews/service';
import { summaryOf } from '../../../shared/reviews/summary';
import type { CourseStatsDoc } from '../../../shared/stats';
import type { LocalCloud } from '../../cloud';
import { startTestCloud } from '../../testing';
import { adminDatabase, demoCatalogFor, loadDemoCatalog, loadDemoHistory } from '..';
import { buildDemoHistory, demoHistoryStart } from '../catalog/history';
import {
  DEMO_ADMIN_CREATOR,
  DEMO_CREATOR_ADMIN,
  DEMO_NEW_CREATOR,
  DEMO_NEW_CREATOR_ADMIN,
  DEMO_REJECTED_COURSE_ID,
} from '../catalog/moderation';
import { buildDemoLearners, DEMO_REPORTED_COURSES } from '../catalog/learners';

let cloud: LocalCloud;
const now = new Date();

async function all<T>(collection: string): Promise<T[]> {
  const db = adminDatabase(cloud);
  const out: T[] = [];
  for (let skip = 0; ; skip += 1000) {
    const page = (await db.collection(collection).skip(skip).limit(1000).get()).data as T[];
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

let courses: CourseDoc[];
let grants: GrantDoc[];
let reviews: ReviewDoc[];
let stats: CourseStatsDoc[];
let orders: OrderDoc[];
let reports: ReportDoc[];

beforeAll(async () => {
  cloud = await startTestCloud();
  await loadDemoCatalog(cloud, now);
  await loadDemoHistory(cloud, now);
  courses = await all<CourseDoc>(COLLECTIONS.courses);
  grants = await all<GrantDoc>(COLLECTIONS.grants);
  reviews = await all<ReviewDoc>(COLLECTIONS.reviews);
  stats = await all<CourseStatsDoc>(COLLECTIONS.courseStats);
  orders = await all<OrderDoc>(COLLECTIONS.orders);
  reports = await all<ReportDoc>(COLLECTIONS.reports);
}, 300_000);
afterAll(() => cloud.close());

test('the same catalog and day give the same learners, in a plausible number', () => {
  const { courses: docs, lessons, reach } = demoCatalogFor(cloud, now);
  const build = (at: Date) => {
    const history = buildDemoHistory(docs, reach, at);
    const input = {
      courses: docs,
      lessons,
      reach,
      orders: history.orders,
      historyStart: demoHistoryStart(at),
      now: at,
    };
    return buildDemoLearners(input);
  };
  const day = new Date('2026-12-03T04:00:00Z');
  const learners = build(day);
  // 20:00 of the same Beijing day.
  expect(JSON.stringify(build(new Date('2026-12-03T12:00:00Z')))).toBe(JSON.stringify(learners));
  expect(learners.grants.length).toBeGreaterThan(5000);
  expect(learners.progress.length).toBeGreaterThan(0.7 * learners.grants.length);
  expect(learners.reviews.length).toBeGreaterThan(500);
});

test('every course’s learner count is its active grants, as loaded and after the nightly recount', () => {
  const loaded = new Map(demoCatalogFor(cloud, now).courses.map((c) => [c._id, c.learnerCount]));
  const active = new Map<string, number>();
  for (const g of grants) if (g.courseId && isActive(g, now)) active.set(g.courseId, (active.get(g.courseId) ?? 0) + 1);
  for (const course of courses) {
    const want = active.get(course._id) ?? 0;
    expect([course._id, course.learnerCount]).toEqual([course._id, want]);
    // The recount found nothing to correct: the count is the one the demo loaded.
    if (course._id !== DEMO_REJECTED_COURSE_ID)
      expect([course._id, loaded.get(course._id)]).toEqual([course._id, want]);
    expect(stats.find((s) => s._id === course._id)?.learners).toBe(want);
  }
  const published = courses.filter((c) => c.status === 'published');
  expect(published.every((c) => c.learnerCount > 0)).toBe(true);
});

test('every rating summary is summaryOf the course’s visible reviews of learners not refunded, as loaded', () => {
  const loaded = new Map(demoCatalogFor(cloud, now).courses.map((c) => [c._id, c.rating]));
  for (const course of courses) {
    const histogram = [0, 0, 0, 0, 0];
    for (const r of reviews)
      if (r.courseId === course._id && r.status === 'visible' && !r.refunded) histogram[r.rating - 1]! += 1;
    const want = summaryOf(histogram);
    expect([
      course._id,
      { avg: course.rating.avg, count: course.rating.count, histogram: course.rating.histogram },
    ]).toEqual([course._id, want]);
    // The demo loaded it so: the nightly settling had nothing to correct.
    const seeded = loaded.get(course._id);
    if (seeded) expect([course._id, summaryOf(seeded.histogram)]).toEqual([course._id, want]);
    // Each review's own `counted` says the same, so settling moderation finds nothing to do.
    for (const r of reviews.filter((r) => r.courseId === course._id))
      expect(r.counted).toBe(r.status === 'visible' && !r.refunded ? r.rating : null);
  }
  // Reviewed courses are rated, with the catalog's mean stored by the nightly run.
  const rated = courses.filter((c) => c.rating.count > 0);
  expect(rated.length).toBeGreaterThan(30);
  expect(rated.every((c) => c.rating.prior !== undefined && c.rating.prior < 5)).toBe(true);
  // The review states the demo shows: waiting for a creator, refunded (已退款), hidden by reports.
  expect(reviews.some((r) => r.status === 'pending')).toBe(true);
  expect(reviews.some((r) => r.refunded && r.status === 'visible')).toBe(true);
  expect(reviews.filter((r) => r.status === 'hidden')).toHaveLength(2);
  expect(reviews.every((r) => /^学员 [0-9A-Z]{4}$/.test(r.author))).toBe(true);
});

test('refunds revoked exactly their grants, and reports are those of the hidden reviews and the reported courses', () => {
  const refunded = orders.filter((o) => o.status === 'refunded');
  expect(refunded.length).toBeGreaterThan(20);
  for (const order of orders.filter((o) => o.courseId !== undefined)) {
    const grant = grants.find((g) => g.orderId === order._id);
    expect([order._id, grant?.status]).toEqual([order._id, order.status === 'refunded' ? 'revoked' : 'active']);
  }
  expect(grants.filter((g) => g.via === 'redeem').length).toBeGreaterThan(1000);
  for (const hidden of reviews.filter((r) => r.status === 'hidden')) {
    expect(reports.filter((r) => r.kind === 'review' && r.targetId === hidden._id)).toHaveLength(3);
    expect(hidden.reports?.count).toBe(3);
  }
  const reportedCourses = new Set(reports.filter((r) => r.kind === 'course').map((r) => r.courseId));
  expect([...reportedCourses].sort()).toEqual([...DEMO_REPORTED_COURSES].sort());
  // Every reporter of a course is one of its learners.
  const holds = new Set(grants.map((g) => `${g._openid} ${g.courseId}`));
  for (const report of reports.filter((r) => r.kind === 'course'))
    expect(holds.has(`${report._openid} ${report.courseId}`)).toBe(true);
});

test('courseStats scores every published course with learners, and courses lose learners at different lessons', () => {
  const published = courses.filter((c) => c.status === 'published' && c.learnerCount > 0);
  const stopAt = new Set<number>();
  for (const course of published) {
    const quality = stats.find((s) => s._id === course._id)?.quality;
    expect([course._id, typeof quality?.score]).toEqual([course._id, 'number']);
    if (quality?.completion.stopLesson) stopAt.add(quality.completion.stopLesson.order);
    expect(quality!.completion.finished + quality!.completion.stopped).toBeGreaterThan(0);
  }
  expect(stopAt.size).toBeGreaterThanOrEqual(3);
  expect(stats.some((s) => s.quality?.advice.some((a) => /^第 \d+ 课流失最多/.test(a)))).toBe(true);
  for (const id of DEMO_REPORTED_COURSES)
    expect(stats.find((s) => s._id === id)?.quality?.reports.courseReports).toBeGreaterThan(0);
  expect(stats.filter((s) => (s.quality?.refunds.refunds ?? 0) > 0).length).toBeGreaterThan(10);
});

test('the two creator admins: one with sales, a rejected course and a change under review; one with nothing yet', async () => {
  const db = adminDatabase(cloud);
  const admins = (await db.collection(COLLECTIONS.creatorAdmins).get()).data as { _id: string; creatorIds: string[] }[];
  const creatorsOf = (id: string) => admins.find((a) => a._id === id)?.creatorIds ?? [];
  expect(creatorsOf(DEMO_CREATOR_ADMIN)).toEqual([DEMO_ADMIN_CREATOR]);
  expect(creatorsOf(DEMO_NEW_CREATOR_ADMIN)).toEqual([DEMO_NEW_CREATOR._id]);

  const own = courses.filter((c) => c.creator.id === DEMO_ADMIN_CREATOR);
  expect(own.map((c) => c.status)).toEqual(expect.arrayContaining(['published', 'rejected']));
  const sold = stats.filter((s) => s.creatorId === DEMO_ADMIN_CREATOR).reduce((n, s) => n + s.paidOrders, 0);
  expect(sold).toBeGreaterThan(50);
  const revisions = (await db.collection(COLLECTIONS.courseRevisions).get()).data as {
    _id: string;
    state: string;
    course: { creator: { id: string } };
  }[];
  expect(
    revisions.some(
      (r) => r.state === 'reviewing' && r.course.creator.id === DEMO_ADMIN_CREATOR && r._id !== DEMO_REJECTED_COURSE_ID,
    ),
  ).toBe(true);

  expect(courses.filter((c) => c.creator.id === DEMO_NEW_CREATOR._id)).toEqual([]);
  expect(stats.filter((s) => s.creatorId === DEMO_NEW_CREATOR._id)).toEqual([]);
  const creator = (await db.collection(COLLECTIONS.creators).where({ _id: DEMO_NEW_CREATOR._id }).get()).data;
  expect(creator).toEqual([DEMO_NEW_CREATOR]);
});

test('the retrain ran on the demo’s learners: a current model and expected buyers of courses for sale', async () => {
  const db = adminDatabase(cloud);
  expect((await db.collection(COLLECTIONS.recModels).count()).total).toBeGreaterThan(0);
  const insights = (await db.collection(COLLECTIONS.courseInsights).limit(1000).get()).data as {
    _id: string;
    expectedBuyers?: { count: number };
  }[];
  expect(insights.filter((i) => (i.expectedBuyers?.count ?? 0) > 0).length).toBeGreaterThan(20);
});
