/**
 * What fulfilment and refunds record besides the order and the enrollment, on each rail, through the real
 * wx-server-sdk against the local cloud and its pay sandboxes with one fake clock: the time the platform says the
 * learner paid, the course's learner count and the recommender's signals, each exactly once.
 */
import { PAY_RAILS, type OrderCreateParams, type PayRail } from '../../contract';
import { getById, type Database } from '../../db';
import type { OrderDoc } from '../model';
import { createOrder, requestRefund, type EnrollmentSignals, type OrderDeps } from '..';
import { addCourse, startClockedOrders, type ClockedOrders, type Platforms } from '../../../testing/order-platforms';

let world: ClockedOrders;
let platforms: Platforms;
let db: Database;
let deps: OrderDeps;
let clock: ClockedOrders['clock'];

/** Every signal the orders domain sent, in order. */
const sent: unknown[][] = [];
const signals: EnrollmentSignals = {
  enrolled: async (openid, signal) => void sent.push(['enrolled', openid, signal]),
  refunded: async (openid, courseId) => void sent.push(['refunded', openid, courseId]),
};

beforeAll(async () => {
  world = await startClockedOrders();
  ({ platforms, db, clock } = world);
  deps = { ...world.deps, signals };
});
afterAll(() => world.cloud.close());
beforeEach(() => {
  sent.length = 0;
});

const MINUTE = 60_000;
let made = 0;

async function learnerCount(courseId: string): Promise<number | undefined> {
  return (await getById<{ learnerCount?: number }>(db, 'courses', courseId))?.learnerCount;
}

async function orderDoc(id: string): Promise<OrderDoc> {
  return (await getById<OrderDoc>(db, 'orders', id)) as OrderDoc;
}

/**
 * A new learner's order for a new course, paid at the platform now (`amountFen` to pay another amount than the
 * order's) and delivered `lateMinutes` later.
 */
async function paidOrder(
  rail: PayRail,
  lateMinutes: number,
  amountFen?: number,
): Promise<{ order: OrderDoc; paidAt: number }> {
  made += 1;
  const courseId = await addCourse(db, `after-commit-${rail}-${made}`);
  const openid = `oAfter${rail}${made}`;
  const params = { courseId, ...platforms.harness[rail].createParams(openid) } as OrderCreateParams;
  const { order } = await createOrder(deps, { openid, clientIp: '10.0.0.1' }, params);
  const harness = platforms.harness[rail];
  // Whole seconds: both platforms report the payment time to the second.
  clock.now = Math.ceil(clock.now / 1000) * 1000;
  const paidAt = clock.now;
  await harness.pay(await orderDoc(order.id), { deliveries: 0, amountFen });
  clock.now += lateMinutes * MINUTE;
  expect(await harness.handle(deps, harness.event(await orderDoc(order.id)))).toEqual(harness.ack);
  await harness.idle();
  return { order: await orderDoc(order.id), paidAt };
}

describe.each(PAY_RAILS)('%s: after a payment and its refund commit', (rail) => {
  test('the order is paid at the time the platform took the money, not when its callback arrived', async () => {
    const { order, paidAt } = await paidOrder(rail, 7);
    expect(order.status).toBe('paid');
    expect(order.paidAt).toBe(new Date(paidAt).toISOString());
  });

  test('the learner count and the recommender hear of the enrollment once, however often it is delivered', async () => {
    const { order } = await paidOrder(rail, 0);
    await platforms.harness[rail].redeliver(order, 2);
    await platforms.harness[rail].idle();
    expect(await learnerCount(order.courseId!)).toBe(1);
    expect(sent).toEqual([['enrolled', order._openid, { courseId: order.courseId, category: 'dev', paid: true }]]);
  });

  test('a confirmed refund takes the learner off the count and tells the recommender, once', async () => {
    const { order } = await paidOrder(rail, 0);
    sent.length = 0;
    const refunded = await requestRefund(deps, order._openid, { orderId: order._id, reason: '不想学了' });
    await platforms.harness[rail].idle();
    expect(refunded.status).toBe('refunded');
    expect(await learnerCount(order.courseId!)).toBe(0);
    expect(sent).toEqual([['refunded', order._openid, order.courseId]]);
  });
});

describe.each(PAY_RAILS)('%s: a payment that is not honoured', (rail) => {
  test('another amount than the order’s is refunded, and neither counted nor signalled', async () => {
    const { order } = await paidOrder(rail, 0, 9901);
    await platforms.harness[rail].idle();
    expect((await orderDoc(order._id)).status).toBe('refunded');
    expect(await learnerCount(order.courseId!)).toBe(0);
    expect(sent).toEqual([]);
  });
});

test('wxpay: a payment to another merchant fails the order, and is neither counted nor signalled', async () => {
  made += 1;
  const courseId = await addCourse(db, `after-commit-merchant-${made}`);
  const openid = `oAfterMerchant${made}`;
  const { order } = await createOrder(deps, { openid, clientIp: '10.0.0.1' }, { courseId });
  const doc = await orderDoc(order.id);
  await platforms.pay.pay(doc.outTradeNo, { subMchId: '1999999999', deliveries: 0 });
  const harness = platforms.harness.wxpay;
  expect(await harness.handle(deps, harness.event(doc))).toEqual(harness.ack);
  expect((await orderDoc(order.id)).status).toBe('failed');
  expect(await learnerCount(courseId)).toBe(0);
  expect(sent).toEqual([]);
});
