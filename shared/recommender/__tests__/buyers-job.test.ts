/**
 * Purchase propensity in the retrain, through the local cloud with the real wx-server-sdk: a learner who has bought a
 * course every week sees the paid courses of their list moved up against a learner with the same signals who never
 * bought, and every course for sale gets its expected buyers in `courseInsights`, next to what the insights job wrote.
 */
import * as wx from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import { learnerPropensity, purchaseHistories, type PaidCourseOrder } from '../../insights/propensity/learners';
import type { ExpectedBuyersField } from '../../insights/propensity/store';
import { snapshotBucket, type InteractionSnapshot } from '../data/snapshot';
import { tiltTowardBuyable } from '../platform/buyer-tilt';
import { cloudRetrainStore } from '../platform/cloud-store';
import { parseList, type ListShardDoc } from '../platform/lists';
import { runRetrain } from '../job/lease';
import type { RetrainRun } from '../job/types';
import { COLLECTIONS } from '../../collections';

const DAY = 86_400_000;
const NOW = Date.parse('2024-05-01T03:07:00Z');
const bought = Array.from({ length: 12 }, (_v, k) => `b${k + 1}`);
const courses = [
  { _id: 'a', status: 'published', priceFen: 1900 },
  { _id: 'f1', status: 'published', priceFen: 0 },
  { _id: 'p1', status: 'published', priceFen: 2900 },
  { _id: 'f2', status: 'published', priceFen: 0 },
  { _id: 'p2', status: 'published', priceFen: 4900 },
  { _id: 'd', status: 'draft', priceFen: 1900 },
  ...bought.map((_id) => ({ _id, status: 'published', priceFen: 990 })),
];
const forSale = ['a', 'p1', 'p2', ...bought];

function snapshot(openid: string, paid: string[], free: string[]): InteractionSnapshot {
  const activeAt = new Date(NOW - DAY).toISOString();
  return { _id: openid, _openid: openid, b: snapshotBucket(openid), paid, free, n: 1, activeAt };
}
// Learners who own a take the free f1 more often than the paid p1: a plain list puts f1 first.
const snapshots = [
  ...Array.from({ length: 20 }, (_v, i) => snapshot(`f-${i}`, ['a'], ['f1'])),
  ...Array.from({ length: 14 }, (_v, i) => snapshot(`p-${i}`, ['a', 'p1'], [])),
  ...Array.from({ length: 10 }, (_v, i) => snapshot(`q-${i}`, ['p2'], ['f2'])),
  snapshot('buyer', ['a'], []),
  snapshot('browser', ['a'], []),
];

const paidOrder = (id: string, openid: string, courseId: string, paidAt: number, status = 'paid') => ({
  _id: id,
  outTradeNo: id,
  _openid: openid,
  courseId,
  amountFen: 990,
  status,
  paidAt: new Date(paidAt).toISOString(),
});
const paidOrders = [
  // The buyer bought one course a week for 12 weeks.
  ...bought.map((courseId, k) => paidOrder(`o-buyer-${k}`, 'buyer', courseId, NOW - (7 * (k + 1) - 3) * DAY)),
  // f-0 bought a once, 40 weeks ago.
  paidOrder('o-f0', 'f-0', 'a', NOW - 280 * DAY),
];
const notPurchases = [
  paidOrder('o-refunded', 'browser', 'p2', NOW - 3 * DAY, 'refunded'),
  paidOrder('o-later', 'browser', 'p2', NOW + 60_000),
  {
    _id: 'o-bundle',
    outTradeNo: 'o-bundle',
    _openid: 'browser',
    bundleId: 'm1',
    amountFen: 9900,
    status: 'paid',
    paidAt: '2024-04-20T00:00:00Z',
  },
];

let cloud: LocalCloud;
let db: ReturnType<typeof wx.database>;
let run: RetrainRun;

async function insight(id: string): Promise<Record<string, unknown> | undefined> {
  const found = (await db.collection(COLLECTIONS.courseInsights).where({ _id: id }).get()) as unknown as {
    data: Record<string, unknown>[];
  };
  return found.data[0];
}

beforeAll(async () => {
  cloud = await startTestCloud();
  wx.init({ env: wx.DYNAMIC_CURRENT_ENV as unknown as string });
  db = wx.database();
  await db.collection(COLLECTIONS.courses).add({ data: courses });
  await db.collection(COLLECTIONS.interactions).add({ data: snapshots });
  await db.collection(COLLECTIONS.orders).add({ data: [...paidOrders, ...notPurchases] });
  // What the insights job wrote earlier in the night.
  await db
    .collection(COLLECTIONS.courseInsights)
    .doc('p1')
    .set({ data: { courseId: 'p1', day: '2024-05-01', forecast: { weeks: [] } } });
  const outcome = await runRetrain(
    cloudRetrainStore(wx),
    { model: { factors: 4, iterations: 8, regularization: 1 }, heldOutUsers: 5, minIntervalMs: 0 },
    { now: () => NOW, owner: 'inv-buyers', timeLeft: () => 60_000, log: () => undefined },
  );
  expect(outcome.status).toBe('done');
  run = outcome.run as RetrainRun;
});

afterAll(() => cloud.close());

/** The chances the job must have used: the pure model on the purchases alone. */
const propensity = () =>
  learnerPropensity(purchaseHistories(paidOrders as PaidCourseOrder[], new Date(NOW)), snapshots.length);

describe('purchase propensity in the retrain', () => {
  it('fits on the paid course orders only, falling back to the prior on so little history', () => {
    expect(run.buyers).toMatchObject({
      source: 'prior',
      learners: snapshots.length,
      buyers: 2,
      firstPurchase: 0,
      horizonWeeks: 4,
    });
    expect(propensity().byLearner.get('buyer')).toBeGreaterThan(0.7);
  });

  it('moves the paid courses up the list of the learner likely to buy, and only theirs', async () => {
    const found = (await db
      .collection(COLLECTIONS.recommendations)
      .where({ version: run.version })
      .get()) as unknown as {
      data: ListShardDoc[];
    };
    const lists: Record<string, string[]> = Object.assign({}, ...found.data.map((doc) => doc.lists));
    const plain = parseList(lists.browser!);
    const tilted = parseList(lists.buyer!);
    const ids = (entries: { courseId: string }[]) => entries.map((e) => e.courseId);
    expect(ids(plain).indexOf('f1')).toBeLessThan(ids(plain).indexOf('p1'));
    expect(ids(tilted).indexOf('p1')).toBeLessThan(ids(tilted).indexOf('f1'));
    // The same signals give the same candidates: the buyer's list is the browser's, tilted by the buyer's chance.
    const p = propensity().byLearner.get('buyer')!;
    expect(tilted).toEqual(tiltTowardBuyable(plain, p, new Set(forSale), 20));
    // Nothing the buyer paid for is listed (they are not in their signals, but neither has anyone else a signal on).
    expect(ids(tilted).some((id) => bought.includes(id))).toBe(false);
  });

  it('writes each course for sale its expected buyers, the known sum, keeping what the insights job wrote', async () => {
    const { byLearner } = propensity();
    const [pBuyer, pF0] = [byLearner.get('buyer')!, byLearner.get('f-0')!];
    // Weights: 0.5 each, plus 1 for each b bought in the last 12 weeks. The buyer can still buy p1 and p2 (W = 1);
    // f-0 everything but a (W = 0.5 + 0.5 + 12 · 1.5 = 19); nobody else has bought, so their chance is 0.
    const p2 = (await insight('p2'))?.expectedBuyers as ExpectedBuyersField;
    expect(p2.count).toBeCloseTo(pBuyer * 0.5 + (pF0 * 0.5) / 19, 2);
    expect(p2).toMatchObject({ horizonWeeks: 4, source: 'prior', day: '2024-05-01', computedAt: run.startedAt });
    expect(p2.catalogTotal).toBeCloseTo(pBuyer + pF0, 2);
    let sum = 0;
    for (const id of forSale) sum += ((await insight(id))?.expectedBuyers as ExpectedBuyersField).count;
    expect(sum).toBeCloseTo(pBuyer + pF0, 1);
    expect((await insight('b1'))?.expectedBuyers).toMatchObject({ count: expect.closeTo((pF0 * 1.5) / 19, 2) });
    expect(await insight('p1')).toMatchObject({ forecast: { weeks: [] }, expectedBuyers: { horizonWeeks: 4 } });
    for (const id of ['f1', 'f2', 'd']) expect(await insight(id)).toBeUndefined();
  });
});
