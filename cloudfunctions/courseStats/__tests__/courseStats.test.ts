/**
 * The nightly `courseStats` timer through the local cloud: fired with `POST /sandbox/timers/courseStats`, refused from
 * the client gateway, and checked against figures worked out by hand.
 */
import { found, getById } from '../../../shared/db';
import { COURSE_ID, insert, startWorld, type World } from '../../../testing/learning-world';
import type { CourseStatsDoc } from '../../../shared/stats';
import { COLLECTIONS } from '../../../shared/collections';

let world: World;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const progress = (openid: string, percent: number, updatedAt: string, extra: object = {}) => ({
  _openid: openid,
  courseId: COURSE_ID,
  enrolled: true,
  percent,
  updatedAt,
  lessons: {},
  completedLessonIds: [],
  ...extra,
});

const fire = () => world.fireTimer('courseStats');

beforeAll(async () => {
  world = await startWorld();
  await world.enrol('o-a', COURSE_ID, { createdAt: daysAgo(2) });
  await world.enrol('o-b', COURSE_ID, { createdAt: daysAgo(20) });
  await world.enrol('o-c', COURSE_ID, { createdAt: daysAgo(100) });
  await world.enrol('o-d', COURSE_ID, { createdAt: daysAgo(12), status: 'revoked', revokedAt: daysAgo(10) });
  const order = (openid: string, amountFen: number, status: string, extra: object = {}) => ({
    _openid: openid,
    courseId: COURSE_ID,
    amountFen,
    status,
    outTradeNo: `t-${openid}-${status}`,
    createdAt: daysAgo(200),
    ...extra,
  });
  await insert(world.db, 'orders', [
    order('o-a', 9900, 'paid', { paidAt: daysAgo(2) }),
    order('o-b', 9900, 'paid', { paidAt: daysAgo(20) }),
    order('o-c', 5000, 'paid', { paidAt: daysAgo(100) }),
    order('o-d', 9900, 'refunded', { paidAt: daysAgo(12), refundedAt: daysAgo(10) }),
    order('o-e', 9900, 'pending'),
    order('o-e', 9900, 'closed'),
    order('o-free', 0, 'paid', { paidAt: daysAgo(1) }),
  ]);
  await insert(world.db, 'courseProgress', [
    progress('o-a', 100, daysAgo(1), { completedAt: daysAgo(1) }),
    progress('o-b', 50, daysAgo(15)),
    // A free-lesson visitor is no learner of the course.
    progress('o-visitor', 25, daysAgo(1), { enrolled: false }),
  ]);
  const review = (openid: string, rating: number, status: string, createdAt: string) => ({
    _openid: openid,
    courseId: COURSE_ID,
    rating,
    status,
    counted: status === 'visible' ? rating : null,
    text: '',
    createdAt,
    updatedAt: createdAt,
  });
  await insert(world.db, 'reviews', [
    review('o-a', 5, 'visible', daysAgo(1)),
    review('o-b', 3, 'visible', daysAgo(20)),
    review('o-c', 1, 'pending', daysAgo(3)),
  ]);
});
afterAll(() => world.close());

test('a client-gateway call is refused and writes nothing', async () => {
  const reply = await world.call('courseStats', 'o-a', {});
  expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await found(world.db.collection(COLLECTIONS.courseStats).where({}))).toEqual([]);
});

test('the timer writes one document per course with all-time, 7-day and 30-day figures', async () => {
  // 40 more learners with progress: the number of database calls must not grow with them.
  for (let i = 0; i < 40; i++) await world.enrol(`o-many-${i}`, 'draft-1', { createdAt: daysAgo(400) });
  await insert(
    world.db,
    'courseProgress',
    Array.from({ length: 40 }, (_v, i) => ({
      _openid: `o-many-${i}`,
      courseId: 'draft-1',
      enrolled: true,
      percent: 0,
      updatedAt: daysAgo(400),
      lessons: {},
      completedLessonIds: [],
    })),
  );
  const calls = new Map<string, number>();
  const stop = world.cloud.admin.observe(({ action }) => calls.set(action, (calls.get(action) ?? 0) + 1));
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const res = await fetch(`${world.cloud.url}/sandbox/timers/courseStats`, { method: 'POST' });
  stop();
  // Six aggregates (grants, orders, progress, reviews, stopped learners, reports), one read of the courses, the query
  // of reviews to check again, the query of creators' replies to check again and the two moderation queries, then one
  // write per course, one learner recount per course whose learnerCount is off (both here: their grants were written
  // by hand, with no increment) and one rating rescore per course whose stored prior is not the catalog's mean (both:
  // never scored): nothing per learner.
  expect(Object.fromEntries(calls)).toEqual({
    'database.aggregateDocuments': 6,
    'database.getDocument': 5,
    'database.modifyDocument': 6,
  });
  expect(log).toHaveBeenCalledWith(
    '[courseStats] 2 courses written, 0 moderated reviews settled; reviews checked again: 0 published, 0 rejected, ' +
      '0 left for a creator, 0 still unchecked; replies checked again: 0 published, 0 held, 0 still unchecked',
  );
  log.mockRestore();
  expect(res.status).toBe(200);
  expect(((await res.json()) as { result: unknown }).result).toEqual({
    ok: true,
    data: {
      courses: 2,
      settled: 0,
      rechecked: { pass: 0, review: 0, risky: 0, unavailable: 0 },
      replies: { pass: 0, review: 0, risky: 0, unavailable: 0 },
    },
  });

  const stats = await getById<CourseStatsDoc>(world.db, 'courseStats', COURSE_ID);
  expect(stats).toMatchObject({
    courseId: COURSE_ID,
    creatorId: 'lin',
    learners: 3,
    paidOrders: 4,
    revenueFen: 34_700,
    refunds: 1,
    refundsFen: 9900,
    netRevenueFen: 24_800,
    activeLearners: 2,
    completions: 1,
    completionRate: 0.3333,
    avgProgress: 50,
    rating: { avg: 4, count: 2, histogram: [0, 0, 1, 0, 1] },
    last7: {
      learners: 1,
      paidOrders: 1,
      revenueFen: 9900,
      refunds: 0,
      refundsFen: 0,
      activeLearners: 1,
      completions: 1,
      completionRate: 1,
      avgProgress: 100,
      rating: { avg: 5, count: 1, histogram: [0, 0, 0, 0, 1] },
    },
    last30: {
      learners: 3,
      paidOrders: 3,
      revenueFen: 29_700,
      refunds: 1,
      refundsFen: 9900,
      netRevenueFen: 19_800,
      activeLearners: 2,
      completions: 1,
      completionRate: 0.5,
      avgProgress: 75,
      rating: { avg: 4, count: 2 },
    },
  });

  const draft = await getById<CourseStatsDoc>(world.db, 'courseStats', 'draft-1');
  expect(draft).toMatchObject({ learners: 40, revenueFen: 0, completionRate: 0, avgProgress: 0, rating: { count: 0 } });
  expect(draft?.last30).toMatchObject({ learners: 0, activeLearners: 0 });
});

test('a learnerCount left off by a lost increment is recounted from the active enrollments; a right one is not written', async () => {
  // Off in both directions: an increment lost after a purchase, and one after a refund.
  await world.db
    .collection(COLLECTIONS.courses)
    .doc(COURSE_ID)
    .update({ data: { learnerCount: 1 } });
  await world.db
    .collection(COLLECTIONS.courses)
    .doc('draft-1')
    .update({ data: { learnerCount: 41 } });
  await fire();
  expect(await getById(world.db, 'courses', COURSE_ID)).toMatchObject({ learnerCount: 3 });
  expect(await getById(world.db, 'courses', 'draft-1')).toMatchObject({ learnerCount: 40 });

  const writes: string[] = [];
  const stop = world.cloud.admin.observe(({ action }) => {
    if (action === 'database.modifyDocument') writes.push(action);
  });
  await fire();
  stop();
  // Only the two courseStats documents: counts that are right are left alone.
  expect(writes).toHaveLength(2);
});

test('progress counts while the enrollment is active now, whatever the flag stored with the last report says', async () => {
  await insert(world.db, 'courseProgress', [
    // o-d was refunded after finishing the course; the report before the refund still says enrolled.
    progress('o-d', 100, daysAgo(11), { completedAt: daysAgo(11) }),
    // o-c studied the free lesson before buying and has not reported since.
    progress('o-c', 20, daysAgo(40), { enrolled: false }),
  ]);
  await fire();
  const stats = await getById<CourseStatsDoc>(world.db, 'courseStats', COURSE_ID);
  expect(stats).toMatchObject({
    learners: 3,
    activeLearners: 3,
    completions: 1,
    completionRate: 0.3333,
    avgProgress: 56.7,
    last30: { learners: 3, activeLearners: 2, completions: 1, completionRate: 0.5, avgProgress: 75 },
  });

  // A learner refunded since the last run leaves the figures the next night.
  await world.enrol('o-a', COURSE_ID, { createdAt: daysAgo(2), status: 'revoked', revokedAt: daysAgo(0) });
  await fire();
  expect(await getById<CourseStatsDoc>(world.db, 'courseStats', COURSE_ID)).toMatchObject({
    learners: 2,
    activeLearners: 2,
    completions: 0,
    completionRate: 0,
    avgProgress: 35,
    last7: { activeLearners: 0, completions: 0 },
  });
});
