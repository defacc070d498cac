/**
 * The `creator` function through the local cloud's client gateway, with the real wx-server-sdk inside: who may enter,
 * each screen before and after the nightly jobs (courseStats fired as its timer, the day's sales folded by the
 * insights job's own `foldSales`, the counters written by the learner calls' own writers), and the review tools with
 * the msgSecCheck sandbox answering the content check.
 */
import { admitCreatorAdmins } from '../../../testing/promo-world';
import { openApisOf } from '../../../local/openapi';
import { attachSecuritySandbox, type SecuritySandbox } from '../../../local/sandbox/security';
import { Type } from '@sinclair/typebox';
import { course } from '../../../testing/catalog-fixtures';
import {
  COURSE_ID,
  emptyRating,
  insert,
  REVIEW_CHECK_RULES,
  startWorld,
  type World,
  replyData,
} from '../../../testing/learning-world';
import {
  COURSE_HISTORY_WEEKS,
  CreatorCourseData,
  CreatorOverviewData,
  CreatorReview,
  CreatorReviewsData,
} from '../../../shared/contract';
import type { CourseDoc } from '../../../shared/catalog';
import { getById } from '../../../shared/db';
import { addDays, dayStart, weekOf } from '../../../shared/insights/daily/calendar';
import { recordDaily } from '../../../shared/insights/daily/counters';
import { impressionShard, recordImpressions } from '../../../shared/insights/daily/impressions';
import type { CourseInsight } from '../../../shared/insights/analyse';
import { reviewId, type ReviewDoc } from '../../../shared/reviews';
import { lastFoldedDay } from '../../../shared/creator/series';

let world: World;
let sandbox: SecuritySandbox;

const ADMIN = 'o-admin-lin';
const RIVAL = 'o-admin-wang';
const LEARNER = 'o-just-a-learner';
const RIVAL_COURSE = 'go-201';

const creator = (openid: string, action: string, params: Record<string, unknown> = {}) =>
  world.call('creator', openid, { action, ...params });

beforeAll(async () => {
  world = await startWorld();
  sandbox = attachSecuritySandbox(world.cloud, REVIEW_CHECK_RULES);
  await insert(world.db, 'courses', [
    course({
      _id: RIVAL_COURSE,
      title: 'Go 并发',
      creator: { id: 'wang', name: '王老师' },
      learnerCount: 0,
      rating: emptyRating(),
    }),
  ]);
  await insert(world.db, 'creators', [
    { _id: 'lin', name: '林老师', title: '后端工程师' },
    { _id: 'wang', name: '王老师' },
  ]);
  await admitCreatorAdmins(world.db, { [ADMIN]: ['lin'], [RIVAL]: ['wang'] });
});
afterAll(() => world.close());

describe('who may enter', () => {
  const every = (targetId: string) =>
    [
      ['overview', {}],
      ['course', { courseId: COURSE_ID }],
      ['reviews', {}],
      ['reply', { reviewId: targetId, text: '谢谢' }],
      ['moderate', { targetType: 'review', targetId, decision: 'hide' }],
      ['moderate', { targetType: 'post', targetId, decision: 'hide' }],
    ] as const;

  test('a learner with no creatorAdmins document is FORBIDDEN from every action', async () => {
    for (const [action, params] of every('any-review')) {
      const reply = await creator(LEARNER, action, params);
      expect({ action, error: reply.error }).toEqual({
        action,
        error: { code: 'FORBIDDEN', message: '你还不是创作者，无法进入创作者中心' },
      });
    }
  });

  test('an admin document naming no creator is refused like no document', async () => {
    await world.db
      .collection('creatorAdmins')
      .doc('o-emptied')
      .set({ data: { creatorIds: [] } });
    expect((await creator('o-emptied', 'overview')).error?.code).toBe('FORBIDDEN');
  });

  test("another creator's admin learns nothing: the same error for a course that exists and one that does not", async () => {
    const existing = await creator(RIVAL, 'course', { courseId: COURSE_ID });
    const missing = await creator(RIVAL, 'course', { courseId: 'no-such-course' });
    expect(existing.error).toEqual({ code: 'FORBIDDEN', message: '没有这门课程的管理权限' });
    expect(missing).toEqual(existing);
    const reviewsOfExisting = await creator(RIVAL, 'reviews', { courseId: COURSE_ID });
    expect(reviewsOfExisting.error?.code).toBe('FORBIDDEN');
    expect(await creator(RIVAL, 'reviews', { courseId: 'no-such-course' })).toEqual(reviewsOfExisting);
    // Their own course is theirs.
    expect((await creator(RIVAL, 'course', { courseId: RIVAL_COURSE })).data.course.id).toBe(RIVAL_COURSE);
  });

  test('bad input is INVALID_ARGUMENT naming the field, before anything is read', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['course', {}, 'courseId is required'],
      ['overview', { period: 'year' }, 'period must be one of day, week, month'],
      ['reviews', { status: 'deleted' }, 'status must be one of'],
      ['reviews', { pageSize: 500 }, 'pageSize must be <= 50'],
      ['reply', { reviewId: 'r1', text: '好'.repeat(301) }, 'text must have at most 300 characters'],
      ['moderate', { targetType: 'comment', targetId: 'r1', decision: 'hide' }, 'targetType must be one of'],
      ['moderate', { targetType: 'review', targetId: 'r1', decision: 'delete' }, 'decision must be one of'],
    ];
    for (const [action, params, message] of cases) {
      const reply = await creator(LEARNER, action, params);
      expect(reply.error?.code).toBe('INVALID_ARGUMENT');
      expect(reply.error?.message).toContain(message);
    }
  });

  test("targetType post is refused naming the field: discussions are not built (a learner still can't tell)", async () => {
    const reply = await creator(ADMIN, 'moderate', { targetType: 'post', targetId: 'p1', decision: 'hide' });
    expect(reply.error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'targetType post: discussions are not enabled',
      details: { problems: [{ path: 'targetType' }] },
    });
  });
});

describe('before the first night', () => {
  test('creator.overview: zeros over the whole axis, and pendingFirstNight', async () => {
    const data = replyData(await creator(ADMIN, 'overview'), CreatorOverviewData);
    const yesterday = lastFoldedDay(new Date());
    expect(data).toMatchObject({ period: 'day', from: addDays(yesterday, -29), to: yesterday });
    expect(data.creators).toHaveLength(1);
    const [lin] = data.creators;
    expect(lin).toMatchObject({
      creator: { id: 'lin', name: '林老师', title: '后端工程师' },
      pendingFirstNight: true,
      computedAt: null,
      totals: { learners: 0, paidOrders: 0, revenueFen: 0, refunds: 0, netRevenueFen: 0 },
    });
    expect(lin.series).toHaveLength(30);
    expect(lin.series.every((p: { paidOrders: number }) => p.paidOrders === 0)).toBe(true);
    // Only lin's courses, each with explicit nulls for what the night has not computed.
    expect(lin.courses.map((c: { id: string }) => c.id).sort()).toEqual(['draft-1', COURSE_ID]);
    expect(lin.courses.find((c: { id: string }) => c.id === COURSE_ID)).toMatchObject({
      revenueFen: null,
      qualityScore: null,
      moderation: null,
    });
  });

  test('creator.course: explicit nulls, empty axes and why', async () => {
    const data = replyData(await creator(ADMIN, 'course', { courseId: COURSE_ID }), CreatorCourseData);
    expect(data).toMatchObject({
      pendingFirstNight: true,
      statsComputedAt: null,
      insightsComputedAt: null,
      figures: null,
      completion: null,
      quality: null,
      forecast: null,
      priceAdvice: null,
      insightsMissing: 'firstNight',
      priceTest: null,
      moderation: null,
      funnel: { impressions: 0, detailViews: 0, freeLessonStarts: 0, checkouts: 0, paid: 0, refunded: 0 },
    });
    expect(data.history).toHaveLength(COURSE_HISTORY_WEEKS);
    expect(data.history.every((w: { paidOrders: number }) => w.paidOrders === 0)).toBe(true);
  });
});

describe('after the nightly jobs', () => {
  const now = new Date();
  const yesterday = lastFoldedDay(now);
  /** Noon of yesterday, Beijing time. */
  const noon = new Date(dayStart(yesterday).getTime() + 12 * 3_600_000);
  const longAgo = new Date(now.getTime() - 30 * 86_400_000).toISOString();

  beforeAll(async () => {
    const order = (id: string, openid: string, extra: Record<string, unknown> = {}) => ({
      _id: id,
      _openid: openid,
      outTradeNo: `T${id}`,
      courseId: COURSE_ID,
      courseTitle: 'Python 入门',
      amountFen: 9900,
      listPriceFen: 9900,
      status: 'paid',
      rail: 'wxpay',
      createdAt: noon.toISOString(),
      paidAt: noon.toISOString(),
      updatedAt: noon.toISOString(),
      ...extra,
    });
    await insert(world.db, 'orders', [
      order('ord-a', 'o-buyer-a'),
      order('ord-b', 'o-buyer-b'),
      order('ord-c', 'o-buyer-c', { status: 'refunded', refundedAt: noon.toISOString() }),
      // A paid order of the rival's course is not lin's.
      { ...order('ord-w', 'o-buyer-w'), courseId: RIVAL_COURSE },
    ]);
    await world.enrol('o-buyer-a', COURSE_ID);
    await world.enrol('o-buyer-b', COURSE_ID);
    // a stopped at lesson 2 a month ago; b finished.
    const progress = (openid: string, fields: Record<string, unknown>) => ({
      _id: `${openid}_${COURSE_ID}`,
      _openid: openid,
      courseId: COURSE_ID,
      enrolled: true,
      lessons: {},
      lessonCount: 4,
      lastLessonId: 'py-101-1',
      lastPositionSec: 0,
      lastReportedAt: Date.parse(longAgo),
      rev: 1,
      ...fields,
    });
    await insert(world.db, 'courseProgress', [
      progress('o-buyer-a', { completedLessonIds: ['py-101-1'], percent: 25, updatedAt: longAgo }),
      progress('o-buyer-b', {
        completedLessonIds: ['py-101-1', 'py-101-2', 'py-101-3', 'py-101-4'],
        percent: 100,
        updatedAt: longAgo,
        completedAt: longAgo,
      }),
    ]);
    for (const openid of ['o-v1', 'o-v2', 'o-v3'])
      await recordDaily(world.db, COURSE_ID, noon, { kind: 'detailView', openid, priceFen: 9900 });
    await recordDaily(world.db, COURSE_ID, noon, { kind: 'freeLessonStart' });
    await recordDaily(world.db, COURSE_ID, noon, { kind: 'checkout' });
    await recordDaily(world.db, COURSE_ID, noon, { kind: 'checkout' });
    // Today's counters are not in the figures until tonight's fold.
    await recordDaily(world.db, COURSE_ID, now, { kind: 'checkout' });
    // Two learners in two different shards of the day.
    const viewers = ['o-card-0', 'o-card-1', 'o-card-2', 'o-card-3'];
    const [first, second] = viewers.filter(
      (openid, i) => viewers.findIndex((other) => impressionShard(other) === impressionShard(openid)) === i,
    );
    await recordImpressions(
      world.db,
      first!,
      noon,
      new Map([
        [COURSE_ID, 5],
        [RIVAL_COURSE, 9],
      ]),
    );
    await recordImpressions(world.db, second!, noon, new Map([[COURSE_ID, 2]]));
    // The night: the insights job folds yesterday's orders into courseDaily and writes each course's insight, then
    // courseStats. The price test is switched on after the night (the job would move it on a Monday).
    let status = '';
    for (let tick = 0; tick < 10 && status !== 'done'; tick++) {
      status = ((await world.fireTimer('insights')) as { data: { status: string } }).data.status;
    }
    expect(status).toBe('done');
    await world.fireTimer('courseStats');
    await world.db
      .collection('priceTests')
      .doc(COURSE_ID)
      .set({
        data: {
          courseId: COURSE_ID,
          status: 'running',
          bounds: { minFen: 6900, maxFen: 12900 },
          basePriceFen: 9900,
          state: {},
          periods: [{ week: weekOf(yesterday), priceFen: 9900 }],
          decidedWeek: weekOf(yesterday),
          leader: { priceFen: 9900, probabilityBest: 0.4 },
          startedAt: longAgo,
          updatedAt: longAgo,
        },
      });
    await world.db
      .collection('courseRevisions')
      .doc(COURSE_ID)
      .set({
        data: {
          version: 4,
          state: 'rejected',
          field: 'lessons[1].title',
          reason: '标题含有广告引流信息',
          updatedAt: longAgo,
          importedAt: longAgo,
        },
      });
  });

  test('creator.overview: totals from courseStats, the series from the folded sales', async () => {
    const data = replyData(await creator(ADMIN, 'overview'), CreatorOverviewData);
    const [lin] = data.creators;
    expect(lin.pendingFirstNight).toBe(false);
    expect(lin.totals).toEqual({
      learners: 2,
      paidOrders: 3,
      revenueFen: 29700,
      refunds: 1,
      refundsFen: 9900,
      netRevenueFen: 19800,
    });
    expect(lin.series.at(-1)).toEqual({
      start: yesterday,
      paidOrders: 3,
      revenueFen: 29700,
      refunds: 1,
      refundedFen: 9900,
    });
    const row = lin.courses.find((c: { id: string }) => c.id === COURSE_ID);
    expect(row).toMatchObject({
      revenueFen: 29700,
      netRevenueFen: 19800,
      learners: 2,
      moderation: { state: 'rejected', version: 4, field: 'lessons[1].title', reason: '标题含有广告引流信息' },
    });
    expect(typeof row.qualityScore).toBe('number');
  });

  test('creator.overview by week and month: 26 and 12 buckets, the last holding yesterday', async () => {
    const week = replyData(await creator(ADMIN, 'overview', { period: 'week' }), CreatorOverviewData);
    expect(week.creators[0].series).toHaveLength(26);
    expect(week.creators[0].series.at(-1)).toMatchObject({ start: weekOf(yesterday), paidOrders: 3 });
    const month = replyData(await creator(ADMIN, 'overview', { period: 'month' }), CreatorOverviewData);
    expect(month.creators[0].series).toHaveLength(12);
    expect(month.creators[0].series.at(-1)).toMatchObject({ start: `${yesterday.slice(0, 7)}-01`, paidOrders: 3 });
  });

  test('creator.course: history, forecast, funnel, drop-off, quality, advice, price test and moderation', async () => {
    const data = replyData(await creator(ADMIN, 'course', { courseId: COURSE_ID }), CreatorCourseData);
    expect(data.pendingFirstNight).toBe(false);
    expect(data.figures.allTime).toMatchObject({ paidOrders: 3, revenueFen: 29700, refunds: 1, netRevenueFen: 19800 });
    expect(data.history.at(-1)).toEqual({
      week: weekOf(yesterday),
      paidOrders: 3,
      revenueFen: 29700,
      refunds: 1,
      refundedFen: 9900,
      detailViews: 3,
      checkouts: 2,
    });
    expect(data.funnel).toMatchObject({
      impressions: 7,
      detailViews: 3,
      freeLessonStarts: 1,
      checkouts: 2,
      paid: 3,
      refunded: 1,
    });
    // What the insights job wrote, as it wrote it.
    const insight = await getById<CourseInsight & { computedAt: string }>(world.db, 'courseInsights', COURSE_ID);
    expect(insight).not.toBeNull();
    expect(data.insightsComputedAt).toBe(insight!.computedAt);
    expect(data.forecast).toEqual({ method: insight!.forecast.method, weeks: insight!.forecast.weeks });
    expect(data.forecast.weeks).toHaveLength(8);
    // Ahead of the last full week: from the week of today.
    expect(data.forecast.weeks[0].week).toBe(weekOf(addDays(yesterday, 1)));
    for (const w of data.forecast.weeks) expect(w.lower <= w.mean && w.mean <= w.upper).toBe(true);
    expect(data.insightsMissing).toBeNull();
    expect(data.priceAdvice).toEqual({
      action: insight!.advice.action,
      currentPriceFen: 9900,
      advisedPriceFen: insight!.advice.advisedPriceFen,
      bestPriceFen: insight!.advice.bestPriceFen,
      expectedChange: insight!.advice.expectedChange,
      expectedWeeklyNetFen: insight!.advice.expectedWeeklyNetFen,
      confidence: insight!.advice.probabilityBetter,
      reason: insight!.advice.reason,
    });
    expect(data.priceAdvice.reason).toMatch(/价格/);
    expect(data.priceTest).toMatchObject({ status: 'running', minPriceFen: 6900, maxPriceFen: 12900, priceFen: 9900 });
    expect(data.moderation).toMatchObject({ state: 'rejected', reason: '标题含有广告引流信息' });
    expect(data.completion).toMatchObject({ learners: 2, completions: 1, stopped: 1 });
    expect(data.completion.dropOff).toEqual([
      { lessonId: 'py-101-1', order: 1, title: '安装 Python', stopped: 0, passed: 2 },
      { lessonId: 'py-101-2', order: 2, title: '安装 Python', stopped: 1, passed: 1 },
      { lessonId: 'py-101-3', order: 3, title: '安装 Python', stopped: 0, passed: 1 },
      { lessonId: 'py-101-4', order: 4, title: '安装 Python', stopped: 0, passed: 1 },
    ]);
    expect(data.quality.components.completion.max).toBe(30);
    expect(data.quality.score).toBeGreaterThan(0);
  });

  test('a free draft: no insights because it is free, said so', async () => {
    await world.db
      .collection('courses')
      .where({ _id: 'draft-1' })
      .update({ data: { priceFen: 0 } });
    const data = replyData(await creator(ADMIN, 'course', { courseId: 'draft-1' }), CreatorCourseData);
    expect(data).toMatchObject({ insightsMissing: 'free', forecast: null, priceAdvice: null, quality: null });
  });
});

describe('reviews, replies and decisions', () => {
  const submit = (openid: string, rating: number, text: string) =>
    world.call('review', openid, { action: 'submit', courseId: COURSE_ID, rating, text });
  const stored = (openid: string) => getById<ReviewDoc>(world.db, 'reviews', reviewId(openid, COURSE_ID));
  const rating = async () => (await getById<CourseDoc>(world.db, 'courses', COURSE_ID))?.rating;

  beforeAll(async () => {
    for (const openid of ['o-rv-1', 'o-rv-2', 'o-rv-3']) await world.enrol(openid, COURSE_ID);
    expect((await submit('o-rv-1', 5, '讲得清楚')).data.review.status).toBe('visible');
    expect((await submit('o-rv-2', 4, '加我微信领资料')).data.review.status).toBe('pending');
    expect((await submit('o-rv-3', 2, '太浅了')).data.review.status).toBe('visible');
    await world.call('review', 'o-rv-1', { action: 'report', reviewId: reviewId('o-rv-3', COURSE_ID), reason: 'ad' });
  });

  test('creator.reviews: every status, newest first, with the check and the reports', async () => {
    const data = replyData(await creator(ADMIN, 'reviews', { courseId: COURSE_ID }), CreatorReviewsData);
    expect(data.items.map((r: { text: string }) => r.text)).toEqual(['太浅了', '加我微信领资料', '讲得清楚']);
    expect(data).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(data.items[0]).toMatchObject({ courseTitle: 'Python 入门', check: 'pass', reports: { count: 1 } });
    expect(data.items[0].reports.reasons).toEqual({ ad: 1 });
    expect(data.items[1]).toMatchObject({ status: 'pending', check: 'review' });
    const pending = replyData(await creator(ADMIN, 'reviews', { status: 'pending' }), CreatorReviewsData);
    expect(pending.items.map((r: { text: string }) => r.text)).toEqual(['加我微信领资料']);
    const paged = replyData(await creator(ADMIN, 'reviews', { pageSize: 2, page: 2 }), CreatorReviewsData);
    expect(paged.items.map((r: { text: string }) => r.text)).toEqual(['讲得清楚']);
    // The rival sees none of lin's.
    expect(replyData(await creator(RIVAL, 'reviews'), CreatorReviewsData).total).toBe(0);
  });

  test("creator.reply: checked like a review with the admin's openid, shown under the review, kept across an edit", async () => {
    const id = reviewId('o-rv-1', COURSE_ID);
    const reply = await creator(ADMIN, 'reply', { reviewId: id, text: '  谢谢\u200b支持  ' });
    replyData(reply, Type.Object({ review: CreatorReview }));
    expect(reply.data.review.reply).toMatchObject({ text: '谢谢支持', status: 'visible', check: 'pass' });
    expect(sandbox.checks.at(-1)).toMatchObject({ content: '谢谢支持', scene: 2, openid: ADMIN });
    const listed = await world.call('review', 'o-anyone', { action: 'list', courseId: COURSE_ID });
    const under = listed.data.items.find((r: { id: string }) => r.id === id);
    expect(under.reply).toEqual({
      text: '谢谢支持',
      creatorName: '林老师',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    // No openid of the admin in the document its author can read.
    expect(JSON.stringify(await stored('o-rv-1'))).not.toContain(ADMIN);
    await submit('o-rv-1', 4, '讲得清楚，例子多');
    expect((await stored('o-rv-1'))?.reply?.text).toBe('谢谢支持');
  });

  test('creator.reply: risky text is refused naming text and the earlier reply stays; unsure or unavailable waits', async () => {
    const id = reviewId('o-rv-1', COURSE_ID);
    const risky = await creator(ADMIN, 'reply', { reviewId: id, text: '你才是骗子' });
    expect(risky.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { problems: [{ path: 'text' }] } });
    expect(risky.error?.message).toContain('回复内容可能含有');
    expect((await stored('o-rv-1'))?.reply).toMatchObject({ text: '谢谢支持', status: 'visible' });

    const unsure = await creator(ADMIN, 'reply', { reviewId: id, text: '加我微信详聊' });
    expect(unsure.data.review.reply).toMatchObject({ status: 'pending', check: 'review' });
    const apis = openApisOf(world.cloud).openApi;
    apis.setFault('security.msgSecCheck', { unavailable: true });
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const down = await creator(ADMIN, 'reply', { reviewId: id, text: '已更新课件' });
      expect(down.data.review.reply).toMatchObject({ status: 'pending', check: 'unavailable' });
    } finally {
      quiet.mockRestore();
      apis.clearFault('security.msgSecCheck');
    }
    const listed = await world.call('review', 'o-anyone', { action: 'list', courseId: COURSE_ID });
    expect(listed.data.items.find((r: { id: string }) => r.id === id).reply).toBeUndefined();
    // Blank text takes the reply away.
    expect((await creator(ADMIN, 'reply', { reviewId: id, text: '  ' })).data.review.reply).toBeUndefined();
    expect((await stored('o-rv-1'))?.reply).toBeUndefined();
  });

  test('a reply the check could not check is checked again by the nightly timer, with an admin of its creator', async () => {
    const id = reviewId('o-rv-2', COURSE_ID);
    const apis = openApisOf(world.cloud).openApi;
    apis.setFault('security.msgSecCheck', { unavailable: true });
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const down = await creator(ADMIN, 'reply', { reviewId: id, text: '资料已放在第一课' });
      expect(down.data.review.reply).toMatchObject({ status: 'pending', check: 'unavailable' });
      // Still down at night: it waits.
      expect(await world.fireTimer('courseStats')).toMatchObject({ data: { replies: { unavailable: 1 } } });
    } finally {
      quiet.mockRestore();
      apis.clearFault('security.msgSecCheck');
    }
    expect((await stored('o-rv-2'))?.reply).toMatchObject({
      status: 'pending',
      moderation: { outcome: 'unavailable' },
    });
    const checks = sandbox.checks.length;
    expect(await world.fireTimer('courseStats')).toMatchObject({
      data: { replies: { pass: 1, review: 0, risky: 0, unavailable: 0 } },
    });
    expect(sandbox.checks.slice(checks)).toEqual([
      expect.objectContaining({ content: '资料已放在第一课', openid: ADMIN }),
    ]);
    expect((await stored('o-rv-2'))?.reply).toMatchObject({ status: 'visible', moderation: { outcome: 'pass' } });
    // Checked once: the next night has nothing to do.
    expect(await world.fireTimer('courseStats')).toMatchObject({ data: { replies: { pass: 0, unavailable: 0 } } });
  });

  test('creator.reply and moderate: a review of another creator, or none, is the same FORBIDDEN', async () => {
    const id = reviewId('o-rv-1', COURSE_ID);
    const other = await creator(RIVAL, 'reply', { reviewId: id, text: '你好' });
    expect(other.error).toEqual({ code: 'FORBIDDEN', message: '没有这条评价的管理权限' });
    expect(await creator(RIVAL, 'reply', { reviewId: 'no-such-review', text: '你好' })).toEqual(other);
    const decide = { targetType: 'review', decision: 'hide' };
    const otherDecision = await creator(RIVAL, 'moderate', { ...decide, targetId: id });
    expect(otherDecision).toEqual(other);
    expect(await creator(RIVAL, 'moderate', { ...decide, targetId: 'no-such-review' })).toEqual(other);
    expect((await stored('o-rv-1'))?.status).toBe('visible');
  });

  test('creator.moderate: the console decision, settled with the rating, final for the version', async () => {
    const id = reviewId('o-rv-3', COURSE_ID);
    const before = await rating();
    const hidden = await creator(ADMIN, 'moderate', { targetType: 'review', targetId: id, decision: 'hide' });
    replyData(hidden, Type.Object({ review: CreatorReview }));
    expect(hidden.data.review).toMatchObject({
      status: 'hidden',
      reports: { count: 1, decision: 'hide', decidedAt: expect.any(String) },
    });
    expect((await rating())?.count).toBe((before?.count ?? 0) - 1);
    const again = await creator(ADMIN, 'moderate', { targetType: 'review', targetId: id, decision: 'keep' });
    expect(again.error?.code).toBe('FAILED_PRECONDITION');
    expect((await stored('o-rv-3'))?.status).toBe('hidden');

    // A review nobody reported can be rejected too.
    const rejected = await creator(ADMIN, 'moderate', {
      targetType: 'review',
      targetId: reviewId('o-rv-1', COURSE_ID),
      decision: 'reject',
    });
    expect(rejected.data.review).toMatchObject({ status: 'rejected', rejectedBy: 'creator', reports: { count: 0 } });
  });
});
