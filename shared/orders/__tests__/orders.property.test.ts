/**
 * Random interleavings of create, pay (with 0–3 deliveries, concurrent or not), a failed payment (which the learner
 * may retry in the same sheet), late re-delivery, time passing, sweep, get, refund and un/publishing, for two learners
 * and two courses per run, through the real wx-server-sdk against the local cloud and its sandboxes, with one fake
 * clock for the domain and the platform; once per payment rail (cloudPay and virtual payment, through the harnesses of
 * rails.ts). After every step:
 * - a learner is enrolled in a course iff the platform holds a successful, unrefunded trade of theirs for it (except
 *   trades whose callback has not reached us yet; those must be settled by the end of the run after one sweep);
 * - at most one enrollment per learner and course;
 * - every paid order's amount is what the platform's successful trade took, and vice versa.
 */
import fc from 'fast-check';
import { isAppError, PAY_RAILS, type OrderCreateParams } from '../../contract';
import type { EnrollmentDoc } from '../../enrollments';
import { findMany, type Database } from '../../db';
import type { OrderDoc } from '../model';
import { createOrder, getOrder, requestRefund, sweepOrders, type OrderDeps } from '../service';
import { startClockedOrders, type ClockedOrders, type Platforms, type RailHarness } from './rails';

let world: ClockedOrders;
let platforms: Platforms;
let db: Database;
let deps: OrderDeps;
let clock: ClockedOrders['clock'];

beforeAll(async () => {
  world = await startClockedOrders();
  ({ platforms, db, deps, clock } = world);
});
afterAll(() => world.cloud.close());

const LEARNERS = 2;
const COURSES = 2;
const who = fc.record({ l: fc.nat(LEARNERS - 1), c: fc.nat(COURSES - 1) });
// Weighted towards buying and paying: with uniform choices most runs never pay an order they created.
const op = fc.oneof(
  { arbitrary: who.map((w) => ({ kind: 'create' as const, ...w })), weight: 3 },
  {
    arbitrary: fc
      .record({ l: fc.nat(LEARNERS - 1), c: fc.nat(COURSES - 1), deliveries: fc.nat(3), concurrent: fc.boolean() })
      .map((w) => ({ kind: 'pay' as const, ...w })),
    weight: 4,
  },
  { arbitrary: who.map((w) => ({ kind: 'fail' as const, ...w })), weight: 2 },
  { arbitrary: who.map((w) => ({ kind: 'redeliver' as const, ...w })), weight: 1 },
  { arbitrary: who.map((w) => ({ kind: 'get' as const, ...w })), weight: 1 },
  { arbitrary: who.map((w) => ({ kind: 'refund' as const, ...w })), weight: 1 },
  { arbitrary: fc.nat(COURSES - 1).map((c) => ({ kind: 'togglePublished' as const, c })), weight: 1 },
  // Minutes: within an order's life, past it, past the refund window.
  {
    arbitrary: fc.constantFrom(5, 31, 200, 60 * 24 * 8).map((minutes) => ({ kind: 'advance' as const, minutes })),
    weight: 2,
  },
  { arbitrary: fc.constant({ kind: 'sweep' as const }), weight: 1 },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

let run = 0;

interface World {
  harness: RailHarness;
  learners: string[];
  courses: string[];
  /** Trades paid whose callback has not been delivered (or the order not otherwise settled) yet. */
  undelivered: Set<string>;
}

async function latestOrder(world: World, l: number, c: number): Promise<OrderDoc | undefined> {
  const [order] = await findMany<OrderDoc>(
    db,
    'orders',
    { _openid: world.learners[l], courseId: world.courses[c] },
    { orderBy: ['attempt', 'desc'], limit: 1 },
  );
  return order;
}

/** Runs `body`, accepting the expected refusals a learner can meet. */
async function expected(body: () => Promise<unknown>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (isAppError(error) && ['CONFLICT', 'FAILED_PRECONDITION', 'NOT_FOUND'].includes(error.code)) return;
    throw error;
  }
}

async function deliver(world: World, order: OrderDoc, count: number, concurrent: boolean): Promise<void> {
  const { harness } = world;
  // The platform calls back only about a trade that was paid or failed.
  if ([undefined, 'NOTPAY'].includes(harness.state(order.outTradeNo))) return;
  const one = async () => expect(await harness.handle(deps, harness.event(order))).toEqual(harness.ack);
  if (concurrent) await Promise.all(Array.from({ length: count }, one));
  else for (let i = 0; i < count; i += 1) await one();
}

async function step(world: World, action: Op): Promise<void> {
  switch (action.kind) {
    case 'create': {
      const openid = world.learners[action.l]!;
      const params = { courseId: world.courses[action.c]!, ...world.harness.createParams(openid) } as OrderCreateParams;
      return expected(() => createOrder(deps, { openid, clientIp: '10.0.0.1' }, params)).then(() =>
        settledBy(world, action.l, action.c),
      );
    }
    case 'pay': {
      const order = await latestOrder(world, action.l, action.c);
      if (!order || !world.harness.payable(order)) return;
      await world.harness.pay(order, { deliveries: 0 });
      if (action.deliveries === 0) world.undelivered.add(order.outTradeNo);
      return deliver(world, order, action.deliveries, action.concurrent);
    }
    case 'fail': {
      const order = await latestOrder(world, action.l, action.c);
      if (!order || !world.harness.payable(order)) return;
      const event = await world.harness.fail(order);
      if (event) expect(await world.harness.handle(deps, event)).toEqual(world.harness.ack);
      return;
    }
    case 'redeliver': {
      const order = await latestOrder(world, action.l, action.c);
      if (!order) return;
      await deliver(world, order, 1, false);
      world.undelivered.delete(order.outTradeNo);
      return;
    }
    case 'get': {
      const order = await latestOrder(world, action.l, action.c);
      if (!order) return;
      await getOrder(deps, world.learners[action.l]!, order._id);
      world.undelivered.delete(order.outTradeNo);
      return;
    }
    case 'refund': {
      const order = await latestOrder(world, action.l, action.c);
      if (!order) return;
      return expected(() => requestRefund(deps, world.learners[action.l]!, { orderId: order._id, reason: '测试' }));
    }
    case 'togglePublished': {
      const id = world.courses[action.c]!;
      const [course] = await findMany<{ status: string }>(db, 'courses', { _id: id }, { limit: 1 });
      await db
        .collection('courses')
        .doc(id)
        .update({ data: { status: course?.status === 'published' ? 'archived' : 'published' } });
      return;
    }
    case 'advance':
      clock.now += action.minutes * 60_000;
      return;
    case 'sweep':
      expect(await sweepOrders(deps)).toMatchObject({ errors: 0 });
      world.undelivered.clear();
      return;
  }
}

/** A create that found an expired pending order settled it at the platform. */
async function settledBy(world: World, l: number, c: number): Promise<void> {
  for (const order of await findMany<OrderDoc>(
    db,
    'orders',
    { _openid: world.learners[l], courseId: world.courses[c], status: db.command.neq('pending') },
    { limit: 100 },
  )) {
    world.undelivered.delete(order.outTradeNo);
  }
}

async function checkInvariants(world: World, strict: boolean): Promise<void> {
  const orders = await findMany<OrderDoc>(db, 'orders', { _openid: db.command.in(world.learners) }, { limit: 1000 });
  const enrollments = await findMany<EnrollmentDoc>(
    db,
    'enrollments',
    { _openid: db.command.in(world.learners) },
    { limit: 1000 },
  );
  for (const [l, openid] of world.learners.entries()) {
    for (const [c, courseId] of world.courses.entries()) {
      const mine = enrollments.filter((e) => e._openid === openid && e.courseId === courseId);
      expect(mine.length).toBeLessThanOrEqual(1);
      const theirs = orders.filter((o) => o._openid === openid && o.courseId === courseId);
      const successful = theirs.filter((o) => world.harness.state(o.outTradeNo) === 'SUCCESS');
      const pendingNews = successful.filter((o) => !strict && world.undelivered.has(o.outTradeNo));
      const enrolled = mine[0]?.status === 'active';
      const label = `learner ${l} course ${c}`;
      if (pendingNews.length === 0) expect([label, enrolled]).toEqual([label, successful.length > 0]);
      else if (enrolled) expect(successful.length).toBeGreaterThan(0);
      expect(successful.length).toBeLessThanOrEqual(1);
    }
  }
  for (const order of orders) {
    const state = world.harness.state(order.outTradeNo);
    if (order.status === 'paid') {
      expect(state).toBe('SUCCESS');
      expect(world.harness.paid(order.outTradeNo)).toBe(order.amountFen);
    }
    if (state === 'SUCCESS' && !(world.undelivered.has(order.outTradeNo) && !strict)) {
      expect([order._id, order.status]).toEqual([order._id, 'paid']);
    }
    if (order.status === 'refunded') expect(state).toBe('REFUND');
  }
}

test.each(PAY_RAILS)(
  '%s: random interleavings keep enrollments equal to the platform’s successful, unrefunded trades',
  async (rail) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 30, size: 'max' }),
        fc.nat(3),
        async (ops, priceSeed) => {
          run += 1;
          const world: World = {
            harness: platforms.harness[rail],
            learners: Array.from({ length: LEARNERS }, (_, i) => `oRun${run}L${i}`),
            courses: Array.from({ length: COURSES }, (_, i) => `run${run}-c${i}`),
            undelivered: new Set(),
          };
          for (const [i, id] of world.courses.entries()) {
            await db.collection('courses').add({
              data: {
                _id: id,
                status: 'published',
                title: id,
                priceFen: 100 * (priceSeed + i + 1),
                category: 'dev',
                learnerCount: 0,
              },
            });
          }
          for (const action of ops) {
            await step(world, action);
            await world.harness.idle();
            await checkInvariants(world, false);
          }
          await sweepOrders(deps);
          await world.harness.idle();
          await checkInvariants(world, true);
        },
      ),
      { numRuns: 40 },
    );
  },
);
