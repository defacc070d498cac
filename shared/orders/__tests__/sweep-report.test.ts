/**
 * One run of the order timer over one order of each kind, on a cloud of its own (so its report counts only these):
 * what the run reports, that every change it makes is recorded as the timer's, and how a failure is counted and
 * pushed back with a backoff that grows.
 */
import type { OrderDoc } from '../model';
import { RailError, type PaymentRail } from '../rail';
import { createOrder, requestRefund, sweepOrders, type OrderDeps } from '..';
import { addCourse, useClockedOrders } from '../../../testing/order-platforms';
import { COLLECTIONS } from '../../collections';

const world = useClockedOrders('sweep-report');

const MINUTE = 60_000;
let made = 0;

async function pendingOrder(rail: 'wxpay' | 'virtual' = 'wxpay'): Promise<OrderDoc> {
  made += 1;
  const openid = `oSweepReport${made}`;
  const courseId = await addCourse(world.db, `sweep-report-${made}`);
  const params = { courseId, ...world.platforms.harness[rail].createParams(openid) };
  const { order } = await createOrder(world.deps, { openid, clientIp: '10.0.0.1' }, params);
  return world.orderDoc(order.id);
}

const lastEntry = async (id: string) => (await world.orderDoc(id)).history.at(-1);

test('a run reports each kind it settled, records itself as the source, and pushes a failure back', async () => {
  const expired = await pendingOrder();
  const paidUnheard = await pendingOrder();
  const closedPaidLate = await pendingOrder('virtual');
  const refunding = await pendingOrder();
  const failing = await pendingOrder();

  // Paid at the platform, the callback never came.
  await world.platforms.harness.wxpay.pay(paidUnheard, { deliveries: 0 });
  // Closed here by a checkout on another rail, then paid in the sheet opened before (the virtual rail cannot close it).
  await createOrder(
    world.deps,
    { openid: closedPaidLate._openid, clientIp: '10.0.0.1' },
    { courseId: closedPaidLate.courseId },
  );
  expect((await world.orderDoc(closedPaidLate._id)).status).toBe('closed');
  await world.platforms.harness.virtual.pay(closedPaidLate, { deliveries: 0 });
  // A refund the platform has not finished.
  await world.platforms.harness.wxpay.pay(refunding);
  world.platforms.pay.refundMode = 'manual';
  try {
    await requestRefund(world.deps, refunding._openid, { orderId: refunding._id, reason: '不想学了' });
  } finally {
    world.platforms.pay.refundMode = 'immediately';
  }
  expect((await world.orderDoc(refunding._id)).status).toBe('refunding');
  world.platforms.pay.settleRefunds();

  // `expired` and `failing` are past their expiry; the rest are not yet.
  const start = world.clock.now;
  for (const id of [expired._id, failing._id]) {
    await world.db
      .collection(COLLECTIONS.orders)
      .doc(id)
      .update({ data: { expiresAt: new Date(start - MINUTE).toISOString() } });
  }
  const real = world.deps.rails.wxpay;
  const unreachable: PaymentRail = {
    ...real,
    query: (order: OrderDoc) =>
      order._id === failing._id ? Promise.reject(new RailError('query', 'SYSTEMERROR 系统繁忙')) : real.query(order),
  } as PaymentRail;
  const sweeping: OrderDeps = { ...world.deps, rails: { ...world.deps.rails, wxpay: unreachable } };

  // Reconciled: the two pending orders in their lifetime (`paidUnheard`, and the order that replaced `closedPaidLate`),
  // and the two closed ones in the reconcile window (`closedPaidLate`, and `expired`, which this run closed first).
  expect(await sweepOrders(sweeping)).toEqual({ expired: 1, reconciled: 4, refunds: 1, shipping: 0, errors: 1 });
  expect((await world.orderDoc(expired._id)).status).toBe('closed');
  expect((await world.orderDoc(paidUnheard._id)).status).toBe('paid');
  expect(['paid', 'refunding', 'refunded']).toContain((await world.orderDoc(closedPaidLate._id)).status);
  expect((await world.orderDoc(refunding._id)).status).toBe('refunded');
  for (const id of [expired._id, paidUnheard._id, closedPaidLate._id, refunding._id]) {
    expect({ id, source: (await lastEntry(id))?.source }).toEqual({ id, source: 'orderSweep' });
  }

  // The failure: counted, and pushed back with its reason; a second failure waits twice as long.
  const once = await world.orderDoc(failing._id);
  expect(once).toMatchObject({ status: 'pending', sweepFailures: 1 });
  expect(once.history.at(-1)).toMatchObject({ source: 'orderSweep', event: 'sweep.retry' });
  expect(once.history.at(-1)?.detail).toContain('SYSTEMERROR');
  const firstWait = Date.parse(once.nextAttemptAt as string) - start;
  // Before its backoff is over the failing order is not tried again.
  expect((await sweepOrders(sweeping)).errors).toBe(0);
  expect((await world.orderDoc(failing._id)).sweepFailures).toBe(1);
  world.clock.now = Date.parse(once.nextAttemptAt as string);
  expect((await sweepOrders(sweeping)).errors).toBe(1);
  const twice = await world.orderDoc(failing._id);
  expect(twice.sweepFailures).toBe(2);
  expect(Date.parse(twice.nextAttemptAt as string) - world.clock.now).toBe(2 * firstWait);
  world.clock.now = start;
});
