/**
 * The insights job replaces each course's `courseInsights` document every night before the retrain writes that
 * night's expected buyers: through the local cloud with the real wx-server-sdk, the replace keeps the last
 * `expectedBuyers` (and drops every other old field), so the creator center never finds the field missing.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../../local/cloud';
import { startTestCloud } from '../../../../local/testing';
import { getById, type Database } from '../../../db';
import { COLLECTIONS } from '../../../collections';
import { runInsights, type AnalyseCatalog } from '../../job/run';
import { writeExpectedBuyers, type ExpectedBuyersField } from '../store';

let cloud: LocalCloud;
let db: Database;

const field: ExpectedBuyersField = {
  count: 1.25,
  horizonWeeks: 4,
  catalogTotal: 3.5,
  source: 'prior',
  day: '2026-12-03',
  computedAt: '2026-12-02T19:07:00.000Z',
};

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk.init({ env: cloud.envId });
  db = sdk.database();
  for (const _id of ['kept-a', 'kept-b']) {
    await db
      .collection(COLLECTIONS.courses)
      .add({ data: { _id, status: 'published', title: _id, category: 'python', priceFen: 9900 } });
  }
  // Last night: the insights job's document, then the retrain's field on it; kept-b has no expected buyers yet.
  await db
    .collection(COLLECTIONS.courseInsights)
    .doc('kept-a')
    .set({ data: { courseId: 'kept-a', stale: true } });
  await writeExpectedBuyers(db, 'kept-a', field);
  await db
    .collection(COLLECTIONS.courseInsights)
    .doc('kept-b')
    .set({ data: { courseId: 'kept-b', stale: true } });
});
afterAll(() => cloud.close());

const analyse: AnalyseCatalog = (catalog) => new Map(catalog.map((c) => [c.id, { fresh: true }]));

test('the nightly replace keeps the retrain’s expected buyers and nothing else of the old document', async () => {
  const night = '2026-12-03T18:00:00Z';
  let status = '';
  for (let tick = 0; tick < 20 && status !== 'done'; tick++) {
    const env = { now: () => new Date(night), owner: `t${tick}`, timeLeft: () => 60_000, log: () => undefined };
    status = (await runInsights(db, env, analyse, { railOf: () => ({ rail: 'wxpay' }) })).status;
  }
  expect(status).toBe('done');
  const a = await getById<Record<string, unknown>>(db, COLLECTIONS.courseInsights, 'kept-a');
  expect(a).toMatchObject({ fresh: true, expectedBuyers: field, day: '2026-12-04' });
  expect(a).not.toHaveProperty('stale');
  const b = await getById<Record<string, unknown>>(db, COLLECTIONS.courseInsights, 'kept-b');
  expect(b).toMatchObject({ fresh: true });
  expect(b).not.toHaveProperty('expectedBuyers');
  expect(b).not.toHaveProperty('stale');
});
