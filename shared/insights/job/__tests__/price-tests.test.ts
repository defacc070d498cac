/**
 * The nightly job's price tests through the local cloud with the real wx-server-sdk: the first night of a week moves
 * each running test's course to the week's price, once, even when the night is redone; a stopped or settled test and
 * its course are left alone; on the virtual rail only prices with a registered item are charged; a test of a course
 * that is not published is passed over; the course's insight shows its test.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../../local/cloud';
import { startTestCloud } from '../../../../local/testing';
import { COLLECTIONS } from '../../../collections';
import { getById, type Database } from '../../../db';
import { addDays, dayStart } from '../../daily/calendar';
import { recordDaily } from '../../daily/counters';
import { newPriceTest, type PriceTestDoc, type TestRail } from '../../pricing/price-test-doc';
import { runInsights, type AnalyseCatalog, type InsightsEnv, type InsightsRunDoc } from '../run';

let cloud: LocalCloud;
let db: Database;

/** The week the tests were switched on, and the Monday after it. */
const STARTED = '2026-11-30';
const FIRST = '2026-12-07';

const VIRTUAL_PRICES = [12900, 6900, 9900];
const railOf = (courseId: string): TestRail =>
  courseId === 'pt-v' ? { rail: 'virtual', registeredPricesFen: VIRTUAL_PRICES } : { rail: 'wxpay' };

const analyse: AnalyseCatalog = (catalog) => new Map(catalog.map((c) => [c.id, { priceFenSeen: c.priceFen }]));

/** The instant 02:00 of a Beijing day, when the night's ticks run. */
const nightOf = (day: string) => new Date(dayStart(day).getTime() + 2 * 3_600_000);

function env(owner: string, at: Date): InsightsEnv {
  let left = 200;
  return { now: () => at, owner, timeLeft: () => (left-- > 0 ? 60_000 : 0), log: () => undefined };
}

/** Every tick of one night until the run is done. */
async function night(day: string): Promise<void> {
  for (let tick = 0; tick < 20; tick++) {
    const outcome = await runInsights(db, env(`${day}-${tick}`, nightOf(day)), analyse, { railOf });
    if (outcome.status === 'done' || outcome.status === 'idle') return;
  }
  throw new Error(`the night of ${day} did not finish`);
}

const course = (id: string) => getById<{ priceFen: number; version: number }>(db, COLLECTIONS.courses, id);
const testOf = (id: string) => getById<PriceTestDoc>(db, COLLECTIONS.priceTests, id);

async function addTest(
  courseId: string,
  listPriceFen: number,
  bounds: PriceTestDoc['bounds'],
  patch: Partial<PriceTestDoc> = {},
) {
  const test = {
    ...newPriceTest({ courseId, listPriceFen, bounds, rail: railOf(courseId), week: STARTED, now: nightOf(STARTED) }),
    ...patch,
  };
  const { _id, ...data } = test;
  await db.collection(COLLECTIONS.priceTests).doc(_id).set({ data });
}

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk.init({ env: cloud.envId });
  db = sdk.database();
  const courses: [string, number, string][] = [
    ['pt-a', 12900, 'published'],
    ['pt-stopped', 12900, 'published'],
    ['pt-settled', 6900, 'published'],
    ['pt-v', 12900, 'published'],
    ['pt-draft', 12900, 'draft'],
  ];
  for (const [id, priceFen, status] of courses) {
    await db.collection(COLLECTIONS.courses).add({
      data: { _id: id, status, title: id, category: 'python', priceFen, version: 1 },
    });
  }
  // Some prospects in the weeks before, so the response has counters to learn from.
  for (let d = 1; d <= 14; d++) {
    for (const id of ['pt-a', 'pt-v']) {
      for (let v = 0; v < 5; v++) {
        await recordDaily(db, id, nightOf(addDays(FIRST, -d)), {
          kind: 'detailView',
          openid: `o-${id}-${d}-${v}`,
          priceFen: 12900,
        });
      }
    }
  }
  await addTest('pt-a', 12900, { minFen: 4900, maxFen: 9900 });
  await addTest('pt-stopped', 12900, { minFen: 4900, maxFen: 9900 }, { status: 'stopped' });
  await addTest(
    'pt-settled',
    6900,
    { minFen: 4900, maxFen: 9900 },
    {
      status: 'settled',
      state: { courseId: 'pt-settled', seed: 1, periods: 6, priceFen: 6900, settledPriceFen: 6900, settledAfter: 6 },
      periods: [{ week: '2026-10-26', priceFen: 6900 }],
      decidedWeek: '2026-11-30',
    },
  );
  await addTest('pt-v', 12900, { minFen: 1900, maxFen: 19900 });
  await addTest('pt-draft', 12900, { minFen: 4900, maxFen: 9900 });
});
afterAll(() => cloud.close());

test('the first night of a week moves a running test’s price once, even when the night is redone', async () => {
  // Sunday night of the week the tests were switched on: nothing is due yet.
  await night(addDays(FIRST, -1));
  expect((await course('pt-a'))?.priceFen).toBe(12900);

  await night(FIRST);
  expect(await course('pt-a')).toEqual(expect.objectContaining({ priceFen: 9900, version: 2 }));
  const decided = await testOf('pt-a');
  expect(decided).toMatchObject({ status: 'running', decidedWeek: FIRST, periods: [{ week: FIRST, priceFen: 9900 }] });
  const insight = await getById<Record<string, unknown>>(db, COLLECTIONS.courseInsights, 'pt-a');
  expect(insight).toMatchObject({
    priceFenSeen: 9900,
    priceTest: { status: 'running', priceFen: 9900, periods: [{ week: FIRST, priceFen: 9900 }] },
  });

  // The night redone from the tests phase, as a tick that died before saving left it (the catalog at the old
  // prices), and again from scratch: the insight is advised at the price in force, and nothing moves again.
  const saved = await getById<InsightsRunDoc>(db, COLLECTIONS.jobRuns, `insights_${FIRST}`);
  const catalog = saved!.catalog.map((c) => (c.id === 'pt-a' ? { ...c, priceFen: 12900 } : c));
  await db
    .collection(COLLECTIONS.jobRuns)
    .doc(`insights_${FIRST}`)
    .update({ data: { phase: 'tests', leaseUntil: 0, catalog: db.command.set(catalog) } });
  await night(FIRST);
  expect(await getById(db, COLLECTIONS.courseInsights, 'pt-a')).toMatchObject({ priceFenSeen: 9900 });
  await db.collection(COLLECTIONS.jobRuns).doc(`insights_${FIRST}`).remove();
  await night(FIRST);
  // Tuesday: the same week, nothing more.
  await night(addDays(FIRST, 1));
  expect(await testOf('pt-a')).toEqual(decided);
  expect((await course('pt-a'))?.version).toBe(2);

  // The next Monday: the second period, one decision more.
  await night(addDays(FIRST, 7));
  const second = await testOf('pt-a');
  expect(second?.periods.map((p) => p.week)).toEqual([FIRST, addDays(FIRST, 7)]);
  expect(second?.state.periods).toBe(1);
  expect((await course('pt-a'))?.priceFen).toBe(second?.periods[1]?.priceFen);
});

test('a stopped or a settled test, and its course, are left alone; a draft course’s test is passed over', async () => {
  expect(await course('pt-stopped')).toMatchObject({ priceFen: 12900, version: 1 });
  expect(await testOf('pt-stopped')).toMatchObject({ status: 'stopped', periods: [], decidedWeek: STARTED });
  expect(await course('pt-settled')).toMatchObject({ priceFen: 6900, version: 1 });
  expect(await testOf('pt-settled')).toMatchObject({ status: 'settled', decidedWeek: STARTED, periods: [{}] });
  expect(await course('pt-draft')).toMatchObject({ priceFen: 12900, version: 1 });
  expect(await testOf('pt-draft')).toMatchObject({ status: 'running', periods: [], decidedWeek: addDays(FIRST, 7) });
});

test('on the virtual rail a test only ever charges a registered price', async () => {
  for (let week = 2; week <= 13; week++) await night(addDays(FIRST, 7 * week));
  const test = await testOf('pt-v');
  expect(test!.periods.length).toBeGreaterThanOrEqual(12);
  expect(test!.status).toBe('settled');
  for (const period of test!.periods) expect(VIRTUAL_PRICES).toContain(period.priceFen);
  expect(VIRTUAL_PRICES).toContain((await course('pt-v'))?.priceFen);
}, 120_000);
