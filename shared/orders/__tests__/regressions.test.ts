/**
 * Two interleavings that no test caught when their guard was removed, as named regression tests, through the real
 * wx-server-sdk against the local cloud and its pay sandboxes with one fake clock (startClockedOrders):
 * - a duplicate payment refunded by the system must leave the learner's other, valid enrollment alone (the guard:
 *   confirmRefund revokes only the enrollment whose `orderId` is the refunded order);
 * - a payment landing while the sweep closes its expired order (the guard: transition() changes an order only if it is
 *   still in the state read).
 */
import { PAY_RAILS, type OrderCreateParams, type PayRail } from '../../contract';
import { courseGrantId, type GrantDoc } from '../../grants';
import { getById } from '../../db';
import type { OrderDoc } from '../model';
import type { PaymentRail } from '../rail';
import { createOrder, sweepOrders, type OrderDeps } from '..';
import { addCourse, useClockedOrders } from '../../../testing/order-platforms';
import { COLLECTIONS } from '../../collections';

const world = useClockedOrders('regression');

const MINUTE = 60_000;
let made = 0;

async function course(): Promise<string> {
  made += 1;
  return addCourse(world.db, `regression-course-${made}`);
}

async function enrollment(openid: string, courseId: string): Promise<GrantDoc | null> {
  return getById<GrantDoc>(world.db, 'grants', courseGrantId(openid, courseId));
}

async function create(
  rail: PayRail,
  openid: string,
  courseId: string,
  using: OrderDeps = world.deps,
): Promise<OrderDoc> {
  const params = { courseId, ...world.platforms.harness[rail].createParams(openid) } as OrderCreateParams;
  const { order } = await createOrder(using, { openid, clientIp: '10.0.0.1' }, params);
  return world.orderDoc(order.id);
}

/** The learner pays `order` at the platform (in a sheet opened earlier) and its callback or push is handled. */
async function payAndDeliver(rail: PayRail, order: OrderDoc): Promise<void> {
  const harness = world.platforms.harness[rail];
  await harness.pay(order, { deliveries: 0 });
  expect(await harness.handle(world.deps, harness.event(order))).toEqual(harness.ack);
  await harness.idle();
}

describe('a refunded duplicate payment must not revoke the learner’s other, valid enrollment', () => {
  test('virtual: an expired order paid in its old sheet after a second order enrolled the learner is refunded; the course stays', async () => {
    const rail = 'virtual';
    const openid = `oDuplicate${++made}`;
    const courseId = await course();
    // The first order's sheet is opened and left; the order expires and the sweep closes it here (no close API).
    const first = await create(rail, openid, courseId);
    world.clock.now += 31 * MINUTE;
    await sweepOrders(world.deps);
    expect((await world.orderDoc(first._id)).status).toBe('closed');
    // A second order is bought and enrols the learner.
    const second = await create(rail, openid, courseId);
    await payAndDeliver(rail, second);
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', orderId: second._id });

    // The old sheet is paid too: a duplicate, refunded by the system.
    await payAndDeliver(rail, first);
    await sweepOrders(world.deps);
    expect(await world.orderDoc(first._id)).toMatchObject({ status: 'refunded', refund: { by: 'system' } });
    expect(world.platforms.harness[rail].refunded(first.outTradeNo)).toBe(9900);
    // The learner keeps the course the second payment bought, and that payment stands.
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', orderId: second._id });
    expect(await world.orderDoc(second._id)).toMatchObject({ status: 'paid' });
    expect(world.platforms.harness[rail].refunded(second.outTradeNo)).toBe(0);
    expect(await getById(world.db, 'courses', courseId)).toMatchObject({ learnerCount: 1 });
  });
});

describe.each(PAY_RAILS)('%s: a payment landing while the sweep closes its expired order', (rail) => {
  /**
   * Deps whose rail lets the learner pay, and the platform's callback be handled, while the sweep is closing the
   * order: after the sweep read it pending and the rail answered its close.
   */
  function racingDeps(before?: () => Promise<void>): OrderDeps {
    const base = world.deps.rails[rail] as PaymentRail;
    const racing: PaymentRail = {
      ...base,
      async close(order) {
        // cloudPay: the payment lands before the close reaches the platform, which then refuses (ORDERPAID);
        // virtual payment has no close API: the payment lands right after the rail looked.
        if (rail === 'wxpay') await landPayment(order, before);
        const answer = await base.close(order);
        if (rail === 'virtual') await landPayment(order, before);
        return answer;
      },
    };
    return { ...world.deps, rails: { ...world.deps.rails, [rail]: racing } };
  }

  async function landPayment(order: OrderDoc, before?: () => Promise<void>): Promise<void> {
    await before?.();
    await payAndDeliver(rail, await world.orderDoc(order._id));
  }

  test('the learner ends paid and enrolled, and is never refunded nor revoked afterwards', async () => {
    const openid = `oRace${++made}`;
    const courseId = await course();
    const order = await create(rail, openid, courseId);
    world.clock.now += 31 * MINUTE;
    await sweepOrders(racingDeps());
    expect(await world.orderDoc(order._id)).toMatchObject({ status: 'paid' });
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', orderId: order._id });

    // Later sweeps find nothing to undo.
    world.clock.now += 10 * MINUTE;
    await sweepOrders(world.deps);
    world.clock.now += 10 * MINUTE;
    await sweepOrders(world.deps);
    await world.platforms.harness[rail].idle();
    const settled = await world.orderDoc(order._id);
    expect(settled.status).toBe('paid');
    expect(settled.history.map((h) => h.event)).not.toContain('pending→closed');
    expect(world.platforms.harness[rail].refunded(order.outTradeNo)).toBe(0);
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', orderId: order._id });
  });

  test('not honourable (the course was withdrawn meanwhile): refunded once, and no course was given to take back', async () => {
    const openid = `oRace${++made}`;
    const courseId = await course();
    const order = await create(rail, openid, courseId);
    world.clock.now += 31 * MINUTE;
    const withdraw = () =>
      world.db
        .collection(COLLECTIONS.courses)
        .doc(courseId)
        .update({ data: { status: 'archived' } });
    await sweepOrders(racingDeps(async () => void (await withdraw())));
    world.clock.now += 10 * MINUTE;
    await sweepOrders(world.deps);
    await world.platforms.harness[rail].idle();
    const settled = await world.orderDoc(order._id);
    expect(settled).toMatchObject({ status: 'refunded', note: '课程已下架，已自动退款' });
    expect(world.platforms.harness[rail].refunded(order.outTradeNo)).toBe(9900);
    expect(settled.history.filter((h) => h.event === 'paid→refunding')).toHaveLength(1);
    expect(await enrollment(openid, courseId)).toBeNull();
  });
});

describe('a late payment for a withdrawn course is refunded', () => {
  test('virtual: an order replaced at a new price (closed here, its sheet still payable) is paid before its expiry, after the course was withdrawn', async () => {
    const rail = 'virtual';
    const openid = `oReplaced${++made}`;
    const courseId = await course();
    const first = await create(rail, openid, courseId);
    // A new price replaces the pending order: closed here, while the platform still takes its old sheet.
    await world.db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { priceFen: 12900 } });
    const second = await create(rail, openid, courseId);
    expect(second._id).not.toBe(first._id);
    expect((await world.orderDoc(first._id)).status).toBe('closed');
    await world.db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { status: 'archived' } });
    // Paid well within the first order's life: late only because it was closed.
    world.clock.now += 2 * MINUTE;
    await payAndDeliver(rail, first);
    await sweepOrders(world.deps);
    expect(await world.orderDoc(first._id)).toMatchObject({ status: 'refunded', note: '课程已下架，已自动退款' });
    expect(world.platforms.harness[rail].refunded(first.outTradeNo)).toBe(9900);
    expect(await enrollment(openid, courseId)).toBeNull();
  });
});

describe('a duplicate payment the platform cannot refund is honoured once', () => {
  test('virtual: an old sheet paid through Apple after a second order enrolled the learner stays paid, and the learner is counted once', async () => {
    const rail = 'virtual';
    const openid = `oApple${++made}`;
    const courseId = await course();
    const first = await create(rail, openid, courseId);
    world.clock.now += 31 * MINUTE;
    await sweepOrders(world.deps);
    const second = await create(rail, openid, courseId);
    await payAndDeliver(rail, second);
    expect(await getById(world.db, 'courses', courseId)).toMatchObject({ learnerCount: 1 });

    const harness = world.platforms.harness[rail];
    await harness.pay(await world.orderDoc(first._id), { deliveries: 0, channel: 'apple' });
    expect(await harness.handle(world.deps, harness.event(await world.orderDoc(first._id)))).toEqual(harness.ack);
    await harness.idle();
    // Apple's money is not ours to refund: the order is paid, and says where to ask.
    expect(await world.orderDoc(first._id)).toMatchObject({ status: 'paid', note: expect.stringContaining('苹果') });
    expect(harness.refunded(first.outTradeNo)).toBe(0);
    // The course the learner already had: the same enrollment, counted once.
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', orderId: second._id });
    expect(await getById(world.db, 'courses', courseId)).toMatchObject({ learnerCount: 1 });
  });
});
