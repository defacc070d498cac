/**
 * The order timer's queue with a fake clock, through the real wx-server-sdk against the local cloud and its pay
 * sandbox: orders that keep failing are pushed back with backoff so the rest of the queue progresses; a shipping upload
 * the platform keeps rejecting is given up after RETRY_CAP attempts; a refund it keeps refusing is flagged and retried
 * only with backoff.
 */
import { getById } from '../../db';
import { courseGrantId } from '../../grants';
import type { OrderDoc } from '../model';
import { createOrder, requestRefund, RETRY_CAP, sweepOrders, SWEEP_BATCH, type OrderDeps } from '..';
import { addCourse, useClockedOrders, SANDBOX_SETTINGS } from '../../../testing/order-platforms';
import { COLLECTIONS } from '../../collections';

const world = useClockedOrders('sweep');

const MINUTE = 60_000;
let made = 0;

async function course(): Promise<string> {
  made += 1;
  return addCourse(world.db, `sweep-course-${made}`);
}

/** A pending cloudPay order of a new learner for `courseId`. */
async function pendingOrder(courseId: string): Promise<OrderDoc> {
  made += 1;
  const { order } = await createOrder(world.deps, { openid: `oSweep${made}`, clientIp: '10.0.0.1' }, { courseId });
  return world.orderDoc(order.id);
}

/** The learner pays at the platform; the callback reaches the domain with the fake world.clock. */
async function pay(order: OrderDoc): Promise<OrderDoc> {
  const harness = world.platforms.harness.wxpay;
  await harness.pay(order, { deliveries: 0 });
  expect(await harness.handle(world.deps, harness.event(order))).toEqual(harness.ack);
  return world.orderDoc(order._id);
}

/** An order no sweep can settle, older than anything else in the queue. */
function stuck(i: number, fields: Partial<OrderDoc>): OrderDoc {
  const long = new Date(world.clock.now - 86_400_000).toISOString();
  return {
    _id: `stuck-${fields.status}-${i}`,
    _openid: `oStuck${i}`,
    courseId: 'stuck-course',
    courseTitle: 'stuck',
    amountFen: 100,
    rail: 'wxpay',
    status: 'pending',
    attempt: 1,
    outTradeNo: `CCSTUCK${String(fields.status).toUpperCase()}${i}`,
    merchantId: SANDBOX_SETTINGS.subMchId,
    body: 'stuck',
    clientIp: '10.0.0.1',
    createdAt: long,
    expiresAt: long,
    history: [],
    ...fields,
  };
}

test('orders that keep failing are pushed back, so a good order behind more than a batch of them is handled', async () => {
  const count = 2 * SWEEP_BATCH + 10;
  const requestedAt = new Date(world.clock.now - 86_400_000).toISOString();
  for (let i = 0; i < count; i += 1) {
    // An expired order of a rail this deployment no longer offers, and a refund the platform refuses (no such trade).
    await world.db.collection(COLLECTIONS.orders).add({ data: stuck(i, { status: 'pending', rail: 'virtual' }) });
    const refund = { outRefundNo: `RSTUCK${i}`, reason: 'stuck', by: 'system' as const, requestedAt };
    await world.db
      .collection(COLLECTIONS.orders)
      .add({ data: stuck(i, { status: 'refunding', paidAt: requestedAt, refund }) });
  }
  const unsold = await pendingOrder(await course());
  world.platforms.pay.refundMode = 'manual';
  let refunding: OrderDoc;
  try {
    const paid = await pay(await pendingOrder(await course()));
    await requestRefund(world.deps, paid._openid, { orderId: paid._id, reason: '不想学了' });
    refunding = await world.orderDoc(paid._id);
    expect(refunding.status).toBe('refunding');
  } finally {
    world.platforms.pay.refundMode = 'immediately';
  }
  world.platforms.pay.settleRefunds();
  world.clock.now += 31 * MINUTE;
  const withoutVirtual: OrderDeps = { ...world.deps, rails: { wxpay: world.deps.rails.wxpay } };
  try {
    for (let sweep = 0; sweep < Math.ceil(count / SWEEP_BATCH) + 1; sweep += 1) {
      await sweepOrders(withoutVirtual);
      world.clock.now += 5 * MINUTE;
    }
    expect(await world.orderDoc(unsold._id)).toMatchObject({ status: 'closed' });
    expect(await world.orderDoc(refunding._id)).toMatchObject({ status: 'refunded' });
    // The stuck ones were pushed back with the reason, not dropped.
    expect(await world.orderDoc('stuck-pending-0')).toMatchObject({
      status: 'pending',
      sweepFailures: expect.any(Number),
      nextAttemptAt: expect.any(String),
    });
    expect((await world.orderDoc('stuck-pending-0')).history[0]).toMatchObject({
      source: 'orderSweep',
      event: 'sweep.retry',
      detail: expect.stringContaining('not configured'),
    });
    expect((await world.orderDoc('stuck-refunding-0')).refund).toMatchObject({
      failures: expect.any(Number),
      nextAttemptAt: expect.any(String),
      lastError: expect.stringContaining('ORDERNOTEXIST'),
    });
  } finally {
    await world.db.collection(COLLECTIONS.orders).where({ courseId: 'stuck-course' }).remove();
  }
  // 420 stuck orders inserted and swept through the SDK: a generous limit for a loaded machine, not a time target.
}, 120_000);

test('a shipping upload the platform keeps rejecting is retried with backoff, then marked failed and left', async () => {
  const sandbox = world.platforms.pay;
  sandbox.rejectShipping = 1000;
  try {
    let order = await pay(await pendingOrder(await course()));
    const uploads = () =>
      sandbox.shippingUploads.filter(
        (u) => (u.params.order_key as { transaction_id?: string }).transaction_id === order.transactionId,
      ).length;
    expect(order.shipping).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: expect.any(String) });
    // Not before the backoff is over.
    world.clock.now += MINUTE;
    await sweepOrders(world.deps);
    expect(uploads()).toBe(1);

    const waits: number[] = [];
    for (let attempt = 2; attempt <= RETRY_CAP; attempt += 1) {
      const due = Date.parse(order.shipping?.nextAttemptAt ?? '');
      waits.push(due - Date.parse(order.history.at(-1)?.at ?? ''));
      world.clock.now = due;
      await sweepOrders(world.deps);
      order = await world.orderDoc(order._id);
      expect(uploads()).toBe(attempt);
    }
    // Each wait longer than the one before.
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    expect(new Set(waits).size).toBe(waits.length);
    expect(order.shipping).toMatchObject({
      status: 'failed',
      attempts: RETRY_CAP,
      lastError: expect.stringContaining('10060004'),
    });
    expect(order.shipping?.nextAttemptAt).toBeUndefined();
    expect(order.history.filter((h) => h.event === 'shipping.retry')).toHaveLength(RETRY_CAP - 1);
    expect(order.history.at(-1)).toMatchObject({
      source: 'orderSweep',
      event: 'shipping.failed',
      detail: expect.stringContaining('10060004'),
    });

    // No longer retried automatically, however long it waits.
    world.clock.now += 30 * 86_400_000;
    await sweepOrders(world.deps);
    expect(uploads()).toBe(RETRY_CAP);
    expect(await world.orderDoc(order._id)).toMatchObject({ status: 'paid', shipping: { status: 'failed' } });
  } finally {
    sandbox.rejectShipping = 0;
  }
});

test('an upload left failed by the timer before it had a cap is still retried', async () => {
  const order = await pay(await pendingOrder(await course()));
  const legacy = { status: 'failed', attempts: 2, lastError: '10060004' };
  await world.db
    .collection(COLLECTIONS.orders)
    .doc(order._id)
    .update({ data: { shipping: world.db.command.set(legacy) } });
  await sweepOrders(world.deps);
  expect((await world.orderDoc(order._id)).shipping).toEqual({
    status: 'uploaded',
    attempts: 3,
    uploadedAt: expect.any(String),
  });
});

test('a system refund the platform keeps refusing is retried with backoff and flagged after the cap', async () => {
  const sandbox = world.platforms.pay;
  const courseId = await course();
  const order = await pendingOrder(courseId);
  world.clock.now += 31 * MINUTE;
  await world.db
    .collection(COLLECTIONS.courses)
    .doc(courseId)
    .update({ data: { status: 'archived' } });
  // Paid after our expiry for a course no longer sold: the sweep honours it by refunding.
  await world.platforms.harness.wxpay.pay(order, { deliveries: 0 });
  const refusals = 1000;
  sandbox.rejectRefunds = refusals;
  const asked = () => refusals - sandbox.rejectRefunds;
  try {
    await sweepOrders(world.deps);
    let doc = await world.orderDoc(order._id);
    expect(doc).toMatchObject({ status: 'refunding', refund: { by: 'system', failures: 1 } });
    expect(asked()).toBe(1);
    // Not hammered: nothing is asked before the backoff is over.
    world.clock.now += MINUTE;
    await sweepOrders(world.deps);
    expect(asked()).toBe(1);

    for (let failures = 2; failures <= RETRY_CAP; failures += 1) {
      expect(doc.refund?.needsAttention).toBeUndefined();
      world.clock.now = Date.parse(doc.refund?.nextAttemptAt ?? '');
      await sweepOrders(world.deps);
      doc = await world.orderDoc(order._id);
      expect(asked()).toBe(failures);
    }
    expect(doc).toMatchObject({
      status: 'refunding',
      refund: { failures: RETRY_CAP, needsAttention: true, lastError: expect.stringContaining('余额不足') },
    });
    // Every refusal is in the order's history for the creator, with the platform's reason.
    expect(doc.history.filter((h) => h.event === 'refund.retry')).toHaveLength(RETRY_CAP);
    expect(doc.history.find((h) => h.event === 'refund.retry')).toMatchObject({
      source: 'orderSweep',
      detail: expect.stringContaining('余额不足'),
    });
    expect(doc.history.filter((h) => h.event === 'refund.needsAttention')).toEqual([
      expect.objectContaining({ source: 'orderSweep', detail: expect.stringContaining('余额不足') }),
    ]);

    // Still retried, only with backoff; once the platform accepts, the refund completes.
    const waited = Date.parse(doc.refund?.nextAttemptAt ?? '') - world.clock.now;
    world.clock.now += waited - MINUTE;
    await sweepOrders(world.deps);
    expect(asked()).toBe(RETRY_CAP);
    sandbox.rejectRefunds = 0;
    world.clock.now += MINUTE;
    await sweepOrders(world.deps);
    expect(await world.orderDoc(order._id)).toMatchObject({ status: 'refunded' });
    expect(world.platforms.harness.wxpay.state(order.outTradeNo)).toBe('REFUND');
  } finally {
    sandbox.rejectRefunds = 0;
  }
});

test('a refund the platform ends abnormally (CHANGE) is flagged for the operator at once, and the course stays open until it is settled', async () => {
  const sandbox = world.platforms.pay;
  sandbox.abnormalRefunds = 1;
  try {
    const paid = await pay(await pendingOrder(await course()));
    await requestRefund(world.deps, paid._openid, { orderId: paid._id, reason: '不想学了' });
    const doc = await world.orderDoc(paid._id);
    expect(doc).toMatchObject({
      status: 'refunding',
      refund: { failures: 1, needsAttention: true, lastError: expect.stringContaining('abnormally') },
    });
    expect(doc.history.filter((h) => h.event === 'refund.needsAttention')).toEqual([
      expect.objectContaining({ source: 'order.refund', detail: expect.stringContaining('商户平台') }),
    ]);
    // The timer keeps asking with backoff, without flagging it twice; the learner keeps the course meanwhile.
    world.clock.now = Date.parse(doc.refund?.nextAttemptAt ?? '');
    await sweepOrders(world.deps);
    const later = await world.orderDoc(paid._id);
    expect(later.refund?.failures).toBe(2);
    expect(later.history.filter((h) => h.event === 'refund.needsAttention')).toHaveLength(1);
    expect(await getById(world.db, 'grants', courseGrantId(paid._openid, paid.courseId!))).toMatchObject({
      status: 'active',
    });
  } finally {
    sandbox.abnormalRefunds = 0;
  }
});
