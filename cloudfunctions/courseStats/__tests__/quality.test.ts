/**
 * The quality score the nightly `courseStats` timer writes, through the local cloud: reviews submitted with
 * `review.submit`, grants, progress, orders and reports written as their modules write them, the timer fired, and
 * the score checked against figures worked out by hand (shared/stats/quality.ts).
 */
import { getById } from '../../../shared/db';
import type { CourseStatsDoc } from '../../../shared/stats';
import { course } from '../../../testing/catalog-fixtures';
import { COURSE_ID, emptyRating, insert, startWorld, type World } from '../../../testing/learning-world';

let world: World;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const LESSONS = ['py-101-1', 'py-101-2', 'py-101-3', 'py-101-4'];
const progress = (openid: string, completed: string[], updatedAt: string) => ({
  _openid: openid,
  courseId: COURSE_ID,
  enrolled: true,
  percent: Math.floor((completed.length / LESSONS.length) * 100),
  updatedAt,
  lessons: {},
  completedLessonIds: completed,
  ...(completed.length === LESSONS.length ? { completedAt: updatedAt } : {}),
});
const report = (kind: 'course' | 'review', targetId: string, courseId: string, openid: string) => ({
  _id: `${kind}_${targetId}_${openid}`,
  kind,
  targetId,
  courseId,
  reason: 'other',
  _openid: openid,
  createdAt: daysAgo(3),
});

beforeAll(async () => {
  world = await startWorld();
  // A second published course with paid orders and nothing refunded: the catalog's refund rate is pooled over both.
  await insert(world.db, 'courses', [course({ _id: 'js-101', learnerCount: 0, rating: emptyRating() })]);
  for (const openid of ['o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6']) await world.enrol(openid, COURSE_ID);
  await world.enrol('o-refunded', COURSE_ID, { status: 'revoked', revokedAt: daysAgo(25) });
  await insert(world.db, 'courseProgress', [
    progress('o-1', LESSONS, daysAgo(1)),
    // Stopped: first unfinished lesson 3 (twice, completed in either order) and 2.
    progress('o-2', ['py-101-1', 'py-101-2'], daysAgo(30)),
    progress('o-3', ['py-101-2', 'py-101-1'], daysAgo(30)),
    progress('o-4', ['py-101-1', 'py-101-3'], daysAgo(20)),
    // Still studying (reported 2 days ago): neither finished nor stopped.
    progress('o-5', ['py-101-1'], daysAgo(2)),
    // Refunded, and a free-lesson visitor: no learners of the course now.
    progress('o-refunded', [], daysAgo(30)),
    { ...progress('o-visitor', [], daysAgo(30)), enrolled: false },
  ]);
  const order = (openid: string, courseId: string, status: string, extra: object = {}) => ({
    _openid: openid,
    courseId,
    amountFen: 9900,
    status,
    outTradeNo: `t-${openid}-${courseId}`,
    createdAt: daysAgo(40),
    paidAt: daysAgo(40),
    ...extra,
  });
  await insert(world.db, 'orders', [
    ...['o-1', 'o-2', 'o-3', 'o-4'].map((openid) => order(openid, COURSE_ID, 'paid')),
    order('o-refunded', COURSE_ID, 'refunded', { refundedAt: daysAgo(25) }),
    ...['o-a', 'o-b', 'o-c', 'o-d', 'o-e'].map((openid) => order(openid, 'js-101', 'paid')),
  ]);
  await insert(world.db, 'reports', [
    report('course', COURSE_ID, COURSE_ID, 'o-5'),
    report('course', COURSE_ID, COURSE_ID, 'o-stranger'),
    report('review', 'some-review', COURSE_ID, 'o-6'),
    report('course', 'draft-1', 'draft-1', 'o-5'),
  ]);
  for (const [openid, rating] of [
    ['o-1', 5],
    ['o-2', 4],
  ] as const) {
    const reply = await world.call('review', openid, { action: 'submit', courseId: COURSE_ID, rating, text: '' });
    expect(reply.ok).toBe(true);
  }
});
afterAll(() => world.close());

test('the quality score of each published course, with its components, the lesson where learners stop and advice', async () => {
  await world.fireTimer('courseStats');
  const stats = await getById<CourseStatsDoc>(world.db, 'courseStats', COURSE_ID);
  // The catalog: ratings (5 + 4) / 2 = 4.5; completion 1 of 1 + 3; refunds 1 of 5 + 5; course reports 2 per 6 learners.
  const priors = { ratingMean: 4.5, completionRate: 0.25, refundRate: 0.1, reportRate: 0.3333 };
  expect(stats?.quality).toEqual({
    // 30 + 12.5 + 11.1 + 0 = 53.6
    score: 54,
    // (9 + 10 · 4.5) / 12
    rating: { value: 4.5, points: 30, max: 40, avg: 4.5, count: 2, prior: 4.5 },
    completion: {
      // (1 + 10 · 0.25) / 14
      value: 0.25,
      points: 12.5,
      max: 30,
      finished: 1,
      stopped: 3,
      stopLesson: { lessonId: 'py-101-3', order: 3, title: '安装 Python', learners: 2 },
      advice: '第 3 课流失最多：2 位学员停在「安装 Python」，看看这一课是否太难或太长',
    },
    refunds: {
      // (1 + 10 · 0.1) / 15
      value: 0.1333,
      points: 11.1,
      max: 20,
      refunds: 1,
      paidOrders: 5,
      advice: '退款率偏高（1 / 5 单，平台 10%）：看看课程介绍是否与内容相符',
    },
    reports: {
      // (2 + 10 · 0.3333) / 16, far past the 5 % that scores nothing
      value: 0.3333,
      points: 0,
      max: 10,
      courseReports: 2,
      reviewReports: 1,
      learners: 6,
      advice: '被举报较多（2 次）：请检查举报理由并修改内容',
    },
    // By points lost: 17.5, 10, 8.9.
    advice: [
      '第 3 课流失最多：2 位学员停在「安装 Python」，看看这一课是否太难或太长',
      '被举报较多（2 次）：请检查举报理由并修改内容',
      '退款率偏高（1 / 5 单，平台 10%）：看看课程介绍是否与内容相符',
    ],
    priors,
  });

  // A course with no learners scores as the catalog does and has nothing of its own to improve.
  const quiet = await getById<CourseStatsDoc>(world.db, 'courseStats', 'js-101');
  expect(quiet?.quality).toMatchObject({ refunds: { value: 0.0667, refunds: 0, paidOrders: 5 }, advice: [] });
  // Unpublished courses keep their figures and get no score.
  expect(await getById<CourseStatsDoc>(world.db, 'courseStats', 'draft-1')).not.toHaveProperty('quality');
});
