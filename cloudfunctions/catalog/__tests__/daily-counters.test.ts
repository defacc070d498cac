/**
 * The daily counters as the real functions write them (shared/insights/daily), through the local cloud's client
 * gateway with the real wx-server-sdk inside: a prospect's course page view at the price shown, an owner's view not
 * counted, a free lesson's first open, a checkout, and the mini-program's batch of card impressions.
 */
import { findMany, getById } from '../../../shared/db';
import { impressionsOfDay, type CardImpressionsDoc } from '../../../shared/insights/daily/impressions';
import { COLLECTIONS } from '../../../shared/collections';
import { beijingDay } from '../../../shared/insights/daily/calendar';
import { courseDailyId, type CourseDailyDoc } from '../../../shared/insights/daily/counters';
import { estimateViewers } from '../../../shared/insights/daily/viewer-sketch';
import { attachPlatforms } from '../../../testing/order-platforms';
import { COURSE_ID, startWorld, type World } from '../../../testing/learning-world';

let world: World;

beforeAll(async () => {
  world = await startWorld();
  attachPlatforms(world.cloud);
});
afterAll(() => world.close());

const impressionsToday = async () =>
  impressionsOfDay(
    await findMany<CardImpressionsDoc>(
      world.db,
      COLLECTIONS.cardImpressions,
      { day: beijingDay(new Date()) },
      { limit: 20 },
    ),
  );

const today = async (courseId = COURSE_ID) =>
  getById<CourseDailyDoc>(world.db, COLLECTIONS.courseDaily, courseDailyId(courseId, beijingDay(new Date())));

test('course pages seen by prospects are counted with their viewers and the price; an owner’s are not', async () => {
  for (const openid of ['oDailyA', 'oDailyA', 'oDailyB']) {
    expect((await world.call('catalog', openid, { action: 'detail', courseId: COURSE_ID })).ok).toBe(true);
  }
  await world.enrol('oDailyOwner', COURSE_ID);
  expect((await world.call('catalog', 'oDailyOwner', { action: 'detail', courseId: COURSE_ID })).ok).toBe(true);
  const daily = await today();
  expect(daily).toMatchObject({ courseId: COURSE_ID, detailViews: 3, priceFen: expect.any(Number) });
  expect(estimateViewers(daily!.viewers)).toBe(2);
});

test('a free lesson started by a prospect counts once; a paid lesson refused counts nothing', async () => {
  const before = (await today())?.freeLessonStarts ?? 0;
  const open = (openid: string, lessonId: string) =>
    world.call('learning', openid, { action: 'lesson', courseId: COURSE_ID, lessonId });
  expect((await open('oDailyTrial', 'py-101-1')).ok).toBe(true);
  // Reopened after some progress: not a new start.
  expect(
    (
      await world.call('learning', 'oDailyTrial', {
        action: 'progress',
        courseId: COURSE_ID,
        lessonId: 'py-101-1',
        positionSec: 30,
        durationSec: 300,
      })
    ).ok,
  ).toBe(true);
  expect((await open('oDailyTrial', 'py-101-1')).ok).toBe(true);
  expect((await open('oDailyTrial', 'py-101-2')).ok).toBe(false);
  expect((await today())?.freeLessonStarts).toBe(before + 1);
});

test('a checkout that reaches a price is counted; a refused one is not', async () => {
  const before = (await today())?.checkouts ?? 0;
  expect((await world.call('order', 'oDailyBuyer', { action: 'create', courseId: COURSE_ID })).ok).toBe(true);
  const refused = await world.call('order', 'oDailyOwner', { action: 'create', courseId: COURSE_ID });
  expect(refused.error?.code).toBe('CONFLICT');
  expect((await today())?.checkouts).toBe(before + 1);
});

test('card impressions in a batch: one update, published courses only, made-up and draft ids ignored', async () => {
  const reply = await world.call('catalog', 'oDailyBrowser', {
    action: 'impressions',
    items: [
      { courseId: COURSE_ID, count: 2 },
      { courseId: 'draft-1', count: 1 },
      { courseId: 'no-such-course', count: 5 },
      { courseId: COURSE_ID, count: 1 },
    ],
  });
  expect(reply).toEqual({ ok: true, data: { counted: 1 } });
  expect(Object.fromEntries(await impressionsToday())).toEqual({ [COURSE_ID]: 3 });
});

test('a bad batch is refused naming the field, and nothing is counted', async () => {
  const before = Object.fromEntries(await impressionsToday());
  const reply = await world.call('catalog', 'oDailyBrowser', {
    action: 'impressions',
    items: [{ courseId: COURSE_ID, count: 1000 }],
  });
  expect(reply.ok).toBe(false);
  expect(reply.error?.code).toBe('INVALID_ARGUMENT');
  expect(JSON.stringify(reply.error)).toContain('count');
  expect(Object.fromEntries(await impressionsToday())).toEqual(before);
});
