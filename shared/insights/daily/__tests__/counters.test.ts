/**
 * The daily counters through the local cloud with the real wx-server-sdk: one document per course and Beijing day,
 * what each event adds, the first events of a day arriving at once, and a failure that never reaches the caller.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../../local/cloud';
import { startTestCloud } from '../../../../local/testing';
import { findMany, getById, type Database } from '../../../db';
import { COLLECTIONS } from '../../../collections';
import { addDays, dayStart } from '../calendar';
import { KEEP_DAYS, pruneDaily } from '../retention';
import { countDaily, courseDailyId, recordDaily, type CourseDailyDoc } from '../counters';
import { impressionsOfDay, impressionShard, recordImpressions, SHARDS, type CardImpressionsDoc } from '../impressions';
import { estimateViewers, sketchOf } from '../viewer-sketch';

let cloud: LocalCloud;
let db: Database;

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk.init({ env: cloud.envId });
  db = sdk.database();
});
afterAll(() => cloud.close());

const daily = (courseId: string, day: string) =>
  getById<CourseDailyDoc>(db, COLLECTIONS.courseDaily, courseDailyId(courseId, day));

test('each event adds to its own counter of the day, and the day after starts afresh', async () => {
  const day1 = new Date('2026-11-30T02:00:00Z');
  const day2 = new Date('2026-12-01T02:00:00Z');
  await recordDaily(db, 'c-events', day1, { kind: 'detailView', openid: 'oA', priceFen: 9900 });
  await recordDaily(db, 'c-events', day1, { kind: 'detailView', openid: 'oA', priceFen: 9900 });
  await recordDaily(db, 'c-events', day1, { kind: 'detailView', openid: 'oB', priceFen: 7900 });
  await recordDaily(db, 'c-events', day1, { kind: 'freeLessonStart' });
  await recordDaily(db, 'c-events', day1, { kind: 'checkout' });
  await recordDaily(db, 'c-events', day2, { kind: 'checkout' });

  const first = await daily('c-events', '2026-11-30');
  expect(first).toMatchObject({
    courseId: 'c-events',
    day: '2026-11-30',
    week: '2026-11-30',
    detailViews: 3,
    freeLessonStarts: 1,
    checkouts: 1,
    priceFen: 7900,
  });
  expect(estimateViewers(first!.viewers)).toBe(2);
  expect(await daily('c-events', '2026-12-01')).toMatchObject({
    detailViews: 0,
    viewers: {},
    freeLessonStarts: 0,
    checkouts: 1,
  });
});

test('the first events of a course’s day, all at once: one document, nothing lost', async () => {
  const now = new Date('2026-11-29T05:00:00Z');
  const viewers = Array.from({ length: 20 }, (_, i) => `oCrowd${i}`);
  await Promise.all([
    ...viewers.map((openid) => recordDaily(db, 'c-crowd', now, { kind: 'detailView', openid, priceFen: 4900 })),
    ...viewers.map(() => recordDaily(db, 'c-crowd', now, { kind: 'checkout' })),
  ]);
  const docs = await findMany<CourseDailyDoc>(db, COLLECTIONS.courseDaily, { courseId: 'c-crowd' }, { limit: 10 });
  expect(docs).toHaveLength(1);
  expect(docs[0]).toMatchObject({ detailViews: 20, checkouts: 20 });
  // Every view raised its register: the sketch holds exactly what the 20 viewers' entries give (estimate 21 of 20).
  expect(docs[0]!.viewers).toEqual(sketchOf(viewers));
});

test('a counter that cannot be written is logged, and the caller goes on', async () => {
  const logged: string[] = [];
  const broken = { collection: () => ({ where: () => ({ update: () => Promise.reject(new Error('down')) }) }) };
  await countDaily(
    {
      db: { ...db, command: db.command, collection: broken.collection } as unknown as Database,
      log: (m) => logged.push(m),
    },
    'c-down',
    new Date(),
    { kind: 'checkout' },
  );
  expect(logged).toEqual(['[insights] checkout of c-down not counted']);
});

test('impression batches: one document per shard of the day, summed over shards, nothing lost at once', async () => {
  const now = new Date('2026-11-28T03:00:00Z');
  const learners = Array.from({ length: 40 }, (_, i) => `oCards${i}`);
  await Promise.all(
    learners.map((openid, i) =>
      recordImpressions(
        db,
        openid,
        now,
        new Map([
          ['c-cards-a', 2],
          ['c-cards-b', i % 2],
        ]),
      ),
    ),
  );
  const shards = await findMany<CardImpressionsDoc>(
    db,
    COLLECTIONS.cardImpressions,
    { day: '2026-11-28' },
    { limit: 20 },
  );
  expect(shards.length).toBe(new Set(learners.map(impressionShard)).size);
  expect(shards.length).toBeLessThanOrEqual(SHARDS);
  expect(Object.fromEntries(impressionsOfDay(shards))).toEqual({ 'c-cards-a': 80, 'c-cards-b': 20 });
});

test('two years are kept: the day 730 days back stays, the one before it goes, impressions alike', async () => {
  const today = '2026-12-03';
  await recordDaily(db, 'c-old', dayStart(addDays(today, -KEEP_DAYS + 1)), { kind: 'checkout' });
  await recordDaily(db, 'c-old', dayStart(addDays(today, -KEEP_DAYS)), { kind: 'checkout' });
  await recordImpressions(db, 'oOld', dayStart(addDays(today, -KEEP_DAYS)), new Map([['c-old', 1]]));
  expect(await pruneDaily(db, today)).toBe(2);
  const left = await findMany<CourseDailyDoc>(db, COLLECTIONS.courseDaily, { courseId: 'c-old' }, { limit: 10 });
  expect(left.map((d) => d.day)).toEqual([addDays(today, -KEEP_DAYS + 1)]);
});
