/**
 * The nightly insights job through the local cloud with the real wx-server-sdk: the first night folds every past day
 * of sales since the oldest order, pools the categories and writes one insight per published course, across as many
 * ticks as its time allows; a tick while another holds the run is busy, one after the run is idle; the next night
 * folds only the day before. The analysis here is the test's own (the models have their own tests): it reports what
 * it was given.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../../local/cloud';
import { startTestCloud } from '../../../../local/testing';
import { findMany, getById, type Database } from '../../../db';
import { COLLECTIONS } from '../../../collections';
import { dayStart } from '../../daily/calendar';
import { recordDaily } from '../../daily/counters';
import { runInsights as runJob, type AnalyseCatalog, type InsightsEnv, type InsightsRunDoc } from '../run';

const runInsights = (db: Database, env: InsightsEnv, analyse: AnalyseCatalog) =>
  runJob(db, env, analyse, { railOf: () => ({ rail: 'wxpay' }) });

let cloud: LocalCloud;
let db: Database;

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk.init({ env: cloud.envId });
  db = sdk.database();
  const course = (id: string, category: string, status = 'published') => ({
    _id: id,
    status,
    title: id,
    category,
    priceFen: 9900,
  });
  for (const doc of [
    course('job-a', 'python'),
    course('job-b', 'python'),
    course('job-c', 'go'),
    course('job-d', 'go', 'draft'),
  ]) {
    await db.collection(COLLECTIONS.courses).add({ data: doc });
  }
  const paid = (id: string, courseId: string, day: string) =>
    db.collection(COLLECTIONS.orders).add({
      data: {
        _id: id,
        _openid: `o-${id}`,
        outTradeNo: `CC${id}`,
        courseId,
        status: 'paid',
        amountFen: 9900,
        listPriceFen: 9900,
        discounts: [],
        paidAt: new Date(dayStart(day).getTime() + 3_600_000).toISOString(),
      },
    });
  await paid('j1', 'job-a', '2026-11-23');
  await paid('j2', 'job-a', '2026-11-24');
  await paid('j3', 'job-c', '2026-11-30');
  await paid('j4', 'job-a', '2026-12-04'); // the night's own day: folded the next night
  await recordDaily(db, 'job-b', dayStart('2026-11-25'), { kind: 'detailView', openid: 'oV', priceFen: 9900 });
});
afterAll(() => cloud.close());

/** Reports what it was given, per course: its own weeks and how many courses share its category. */
const analyse: AnalyseCatalog = (catalog, context) =>
  new Map(
    catalog.map((c) => [
      c.id,
      {
        paid: c.weeks.reduce((sum, w) => sum + w.paid, 0),
        views: c.weeks.reduce((sum, w) => sum + w.views, 0),
        lastWeek: context.lastWeek,
        categoryCourses: catalog.filter((other) => other.category === c.category).length,
      },
    ]),
  );

function env(owner: string, at: string, steps: number): InsightsEnv {
  let left = steps;
  return {
    now: () => new Date(at),
    owner,
    // Each check of the time left spends one step.
    timeLeft: () => (left-- > 0 ? 60_000 : 0),
    log: () => undefined,
  };
}

const run = (day: string) => getById<InsightsRunDoc>(db, COLLECTIONS.jobRuns, `insights_${day}`);

test('a night’s run: fold, prune, pool and courses over several ticks; busy, idle; the next night folds one day', async () => {
  const night = '2026-12-03T18:00:00Z'; // 02:00 on 2026-12-04 in Beijing
  const outcomes: string[] = [];
  for (let tick = 0; tick < 50; tick++) {
    const outcome = await runInsights(db, env(`tick-${tick}`, night, 3), analyse);
    outcomes.push(outcome.status);
    if (outcome.status === 'done') break;
  }
  expect(outcomes.at(-1)).toBe('done');
  expect(outcomes.length).toBeGreaterThan(2);
  // The oldest order is of 2026-11-23: eleven days folded, through 2026-12-03.
  expect(await run('2026-12-04')).toMatchObject({ phase: 'done', daysFolded: 11, coursesWritten: 3 });
  const insights = await findMany<Record<string, unknown>>(db, COLLECTIONS.courseInsights, {}, { limit: 10 });
  expect(
    Object.fromEntries(insights.map((i) => [i._id, [i.paid, i.views, i.categoryCourses, i.lastWeek, i.day]])),
  ).toEqual({
    // Full weeks only: the week of 2026-11-30 (job-c's sale) is still running.
    'job-a': [2, 0, 2, '2026-11-23', '2026-12-04'],
    'job-b': [0, 1, 2, '2026-11-23', '2026-12-04'],
    'job-c': [0, 0, 1, '2026-11-23', '2026-12-04'],
  });
  expect(await runInsights(db, env('late', night, 3), analyse)).toEqual({ status: 'idle' });

  // The next night: a tick holding the run keeps another out; only 2026-12-04 is left to fold.
  const next = '2026-12-04T18:00:00Z';
  const holder = env('holder', next, 1);
  await runInsights(db, holder, analyse);
  await db
    .collection(COLLECTIONS.jobRuns)
    .doc('insights_2026-12-05')
    .update({ data: { leaseOwner: 'holder', leaseUntil: Date.parse(next) + 60_000 } });
  expect(await runInsights(db, env('other', next, 5), analyse)).toEqual({ status: 'busy' });
  await db
    .collection(COLLECTIONS.jobRuns)
    .doc('insights_2026-12-05')
    .update({ data: { leaseUntil: 0 } });
  for (let tick = 0; tick < 20; tick++) {
    if ((await runInsights(db, env(`n-${tick}`, next, 3), analyse)).status === 'done') break;
  }
  expect(await run('2026-12-05')).toMatchObject({ phase: 'done', daysFolded: 1 });
  expect(await getById(db, COLLECTIONS.courseDaily, 'job-a_2026-12-04')).toMatchObject({ sales: { paid: 1 } });
  expect(await getById(db, COLLECTIONS.courseInsights, 'job-a')).toMatchObject({ paid: 2, day: '2026-12-05' });
});
