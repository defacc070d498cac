/**
 * Limits on the orders domain with a fake clock, through the real wx-server-sdk against the local cloud and its pay
 * sandbox: how many orders a flood of creates makes, how many refund requests are heard, and how often `order.get`
 * asks the platform about one order however many gets arrive at once.
 */
import { AppError } from '../../contract';
import { findMany, getById, type Database } from '../../db';
import { LIMITS } from '../../limits';
import type { OrderDoc } from '../model';
import { createOrder, getOrder, PLATFORM_QUERY_INTERVAL_MS, requestRefund, type OrderDeps } from '..';
import { startClockedOrders, type ClockedOrders } from '../../../testing/order-platforms';
import { COLLECTIONS } from '../../collections';

let world: ClockedOrders;
let db: Database;
let deps: OrderDeps;
let clock: ClockedOrders['clock'];

beforeAll(async () => {
  world = await startClockedOrders();
  ({ db, deps, clock } = world);
});
afterAll(() => world.cloud.close());

let made = 0;
async function course(): Promise<string> {
  made += 1;
  const id = `limits-course-${made}`;
  await db.collection(COLLECTIONS.courses).add({
    data: { _id: id, status: 'published', title: id, priceFen: 9900, category: 'dev', learnerCount: 0 },
  });
  return id;
}

/** What a call answered: 'ok', or the AppError's code (with retryAfterSec when limited). */
async function outcome(run: () => Promise<unknown>): Promise<{ code: string; retryAfterSec?: number }> {
  try {
    await run();
    return { code: 'ok' };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const details = error.details as { retryAfterSec?: number } | undefined;
    return details?.retryAfterSec === undefined
      ? { code: error.code }
      : { code: error.code, retryAfterSec: details.retryAfterSec };
  }
}

const queries = () => world.platforms.pay.calls.get('queryOrder') ?? 0;

describe('no limits on writes: orders', () => {
  test('100 order.create calls at once do not make 100 orders: the burst is made, the rest RESOURCE_EXHAUSTED', async () => {
    const openid = 'oOrderFlood';
    const courses: string[] = [];
    for (let i = 0; i < 100; i++) courses.push(await course());
    const caller = { openid, clientIp: '10.0.0.1' };
    const replies = await Promise.all(
      courses.map((courseId) => outcome(() => createOrder(deps, caller, { courseId }))),
    );
    const made = replies.filter((r) => r.code === 'ok');
    expect(made).toHaveLength(LIMITS.orderCreate.burst);
    expect(replies.filter((r) => r.code !== 'ok')).toEqual(
      Array.from({ length: 100 - LIMITS.orderCreate.burst }, () => ({
        code: 'RESOURCE_EXHAUSTED',
        retryAfterSec: LIMITS.orderCreate.everyMs / 1000,
      })),
    );
    const orders = await findMany<OrderDoc>(db, 'orders', { _openid: openid }, { limit: 1000 });
    expect(orders).toHaveLength(LIMITS.orderCreate.burst);
    // Once the interval has passed the learner may buy again.
    clock.now += LIMITS.orderCreate.everyMs;
    expect(await outcome(() => createOrder(deps, caller, { courseId: courses[99] as string }))).toEqual({ code: 'ok' });
  });

  test('refund requests are limited too, refused ones included', async () => {
    const openid = 'oRefundFlood';
    const { order } = await createOrder(deps, { openid, clientIp: '10.0.0.1' }, { courseId: await course() });
    const harness = world.platforms.harness.wxpay;
    const doc = (await getById<OrderDoc>(db, 'orders', order.id)) as OrderDoc;
    await harness.pay(doc, { deliveries: 0 });
    await harness.handle(deps, harness.event(doc));
    // Paid long ago: each request is refused by the policy, but it was heard and counts.
    clock.now += 8 * 86_400_000;
    const refund = () => requestRefund(deps, openid, { orderId: order.id, reason: '不想学了' });
    const replies = [];
    for (let i = 0; i <= LIMITS.orderRefund.burst; i++) replies.push(await outcome(refund));
    expect(replies.slice(0, -1).every((r) => r.code === 'FAILED_PRECONDITION')).toBe(true);
    expect(replies.at(-1)).toEqual({ code: 'RESOURCE_EXHAUSTED', retryAfterSec: 60 });
  });
});

describe('order.get asks the platform about one order at most every few seconds', () => {
  test('200 concurrent gets of one pending order make one platform query; after the interval, one more', async () => {
    const openid = 'oPoller';
    const { order } = await createOrder(deps, { openid, clientIp: '10.0.0.1' }, { courseId: await course() });
    const before = queries();
    const replies = await Promise.all(Array.from({ length: 200 }, () => getOrder(deps, openid, order.id)));
    expect(replies.every((r) => r.status === 'pending')).toBe(true);
    expect(queries() - before).toBe(1);
    clock.now += PLATFORM_QUERY_INTERVAL_MS - 1;
    await Promise.all(Array.from({ length: 20 }, () => getOrder(deps, openid, order.id)));
    expect(queries() - before).toBe(1);
    clock.now += 1;
    await Promise.all(Array.from({ length: 20 }, () => getOrder(deps, openid, order.id)));
    expect(queries() - before).toBe(2);
  });

  test('a payment is seen by the first get after the interval (the pay callback is the quicker way anyway)', async () => {
    const openid = 'oPayer';
    const { order } = await createOrder(deps, { openid, clientIp: '10.0.0.1' }, { courseId: await course() });
    expect((await getOrder(deps, openid, order.id)).status).toBe('pending');
    const doc = (await getById<OrderDoc>(db, 'orders', order.id)) as OrderDoc;
    await world.platforms.harness.wxpay.pay(doc, { deliveries: 0 });
    // Within the interval: the order as stored.
    expect((await getOrder(deps, openid, order.id)).status).toBe('pending');
    clock.now += PLATFORM_QUERY_INTERVAL_MS;
    expect((await getOrder(deps, openid, order.id)).status).toBe('paid');
  });
});
