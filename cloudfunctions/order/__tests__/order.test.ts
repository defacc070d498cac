/**
 * The order, payNotify, xpayNotify and orderSweep functions through the local cloud: the client gateway, the pay
 * sandboxes' callbacks and pushes, and timers, with the real wx-server-sdk inside the functions. The rules every rail
 * must keep run once per rail (`describe.each(PAY_RAILS)`); cloudPay specifics follow.
 */
import type { LocalCloud } from '../../../local/cloud';
import { openApisOf } from '../../../local/openapi';
import { SANDBOX_MCH_ID, type PaySandbox } from '../../../local/sandbox/pay';
import { startTestCloud } from '../../../local/testing';
import {
  PAY_RAILS,
  REFUND_CONSUMPTION_RULE,
  REFUND_CONSUMPTION_TEXT,
  REFUND_COUPON_TEXT,
  type Order,
  type OrderListData,
  type PayRail,
  type Review,
  type ReviewListData,
  type VirtualPayment,
  type WxPayment,
} from '../../../shared/contract';
import { courseGrantId, type GrantDoc } from '../../../shared/grants';
import { findMany, getById, type Database } from '../../../shared/db';
import { progressId } from '../../../shared/learning/progress';
import { LIMITS } from '../../../shared/limits';
import type { OrderDoc } from '../../../shared/orders/model';
import { attachPlatforms, type Platforms } from '../../../testing/order-platforms';

import * as sdk from 'wx-server-sdk';
import { COLLECTIONS } from '../../../shared/collections';
import { callAs, dataOf as data, type Envelope } from '../../../testing/client-call';

let cloud: LocalCloud;
let sandbox: PaySandbox;
let platforms: Platforms;
let db: Database;
let learners = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  platforms = attachPlatforms(cloud);
  sandbox = platforms.pay;
  sdk.init({ env: cloud.envId });
  db = sdk.database();
});
afterAll(() => cloud.close());

/** A fresh learner per test, so tests share nothing. */
function learner(): string {
  learners += 1;
  return `oLearner${String(learners).padStart(4, '0')}`;
}

let courses = 0;
async function course(priceFen = 9900, status = 'published'): Promise<string> {
  courses += 1;
  const id = `course-${courses}`;
  await db.collection(COLLECTIONS.courses).add({
    data: { _id: id, status, title: `课程 ${courses}`, priceFen, category: 'dev', learnerCount: 0 },
  });
  return id;
}

const call = <T>(fn: string, openid: string, data: Record<string, unknown>) => callAs<T>(cloud.url, fn, openid, data);

function errorCode(reply: Envelope<unknown>): string | undefined {
  return reply.ok ? undefined : reply.error.code;
}

type Created = { order: Order; payment?: WxPayment; virtualPayment?: VirtualPayment };
const create = (openid: string, courseId: string, rail: PayRail = 'wxpay') =>
  call<Created>('order', openid, { action: 'create', courseId, ...platforms.harness[rail].createParams(openid) });
const get = async (openid: string, orderId: string) =>
  data(await call<{ order: Order }>('order', openid, { action: 'get', orderId })).order;

async function orderDoc(id: string): Promise<OrderDoc> {
  return (await getById<OrderDoc>(db, 'orders', id)) as OrderDoc;
}

async function enrollment(openid: string, courseId: string): Promise<GrantDoc | undefined> {
  const found = await findMany<GrantDoc>(db, 'grants', { _openid: openid, courseId }, { limit: 10 });
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0];
}

async function payHttp(body: Record<string, unknown>) {
  const res = await fetch(`${cloud.url}/sandbox/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { deliveries: { result?: unknown; error?: string }[] } };
}

async function sweep(): Promise<unknown> {
  const res = await fetch(`${cloud.url}/sandbox/timers/orderSweep`, { method: 'POST' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: unknown }).result;
}

/** A pending order for a new learner and course. */
async function pendingOrder(priceFen = 9900, rail: PayRail = 'wxpay') {
  const openid = learner();
  const courseId = await course(priceFen);
  const { order, payment } = data(await create(openid, courseId, rail));
  const doc = await orderDoc(order.id);
  return { openid, courseId, order, payment, outTradeNo: doc.outTradeNo, doc };
}

async function expire(orderId: string): Promise<void> {
  await db
    .collection(COLLECTIONS.orders)
    .doc(orderId)
    .update({ data: { expiresAt: new Date(Date.now() - 60_000).toISOString() } });
}

const ACK = { errcode: 0, errmsg: 'OK' };

describe('order.create', () => {
  test('prices the order from the course and makes a cloudPay order called back to payNotify', async () => {
    const calls: Record<string, unknown>[] = [];
    const { order, payment, outTradeNo } = await pendingOrder(12_345);
    const trade = sandbox.trade(outTradeNo);
    calls.push(trade as unknown as Record<string, unknown>);
    expect(order).toMatchObject({ amountFen: 12_345, status: 'pending', rail: 'wxpay' });
    expect(new Date(order.expiresAt).getTime() - new Date(order.createdAt).getTime()).toBe(30 * 60_000);
    expect(outTradeNo).toMatch(/^[0-9A-Za-z_-]{1,32}$/);
    expect(payment?.package).toBe(`prepay_id=${trade?.prepayId}`);
    expect(trade).toMatchObject({
      totalFee: 12_345,
      functionName: 'payNotify',
      envId: cloud.envId,
      subMchId: SANDBOX_MCH_ID,
      spbillCreateIp: '127.0.0.1',
      state: 'NOTPAY',
    });
  });

  test('takes nothing but the course from the client', async () => {
    const reply = await call('order', learner(), { action: 'create', courseId: await course(), priceFen: 1 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'priceFen is not allowed' } });
  });

  test('does not sell an unknown or unpublished course', async () => {
    expect(errorCode(await create(learner(), 'no-such-course'))).toBe('NOT_FOUND');
    expect(errorCode(await create(learner(), await course(100, 'archived')))).toBe('NOT_FOUND');
  });

  test('a free course enrols at once, without a payment', async () => {
    const openid = learner();
    const courseId = await course(0);
    const { order, payment } = data(await create(openid, courseId));
    expect(order).toMatchObject({ status: 'paid', amountFen: 0 });
    expect(payment).toBeUndefined();
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', via: 'free', orderId: order.id });
    expect(errorCode(await create(openid, courseId))).toBe('CONFLICT');
  });

  test('a pending order of another rail is replaced (a learner moving from Android to iPhone can pay)', async () => {
    const openid = learner();
    const courseId = await course();
    const first = data(await create(openid, courseId, 'wxpay'));
    const firstDoc = await orderDoc(first.order.id);
    const onIphone = data(await create(openid, courseId, 'virtual'));
    expect(onIphone.order).toMatchObject({ rail: 'virtual', status: 'pending' });
    expect(onIphone.order.id).not.toBe(first.order.id);
    expect(onIphone.virtualPayment?.signData).toEqual(expect.any(String));
    expect(onIphone.payment).toBeUndefined();
    // The replaced order can no longer be paid.
    expect(await orderDoc(first.order.id)).toMatchObject({ status: 'closed' });
    expect(sandbox.trade(firstDoc.outTradeNo)?.state).toBe('CLOSED');
  });

  test('a pending order made at an old price is replaced at the current price', async () => {
    const openid = learner();
    const courseId = await course(9900);
    const first = data(await create(openid, courseId)).order;
    await db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { priceFen: 4900 } });
    const cheaper = data(await create(openid, courseId));
    expect(cheaper.order).toMatchObject({ amountFen: 4900, status: 'pending' });
    expect(sandbox.trade((await orderDoc(cheaper.order.id)).outTradeNo)?.totalFee).toBe(4900);
    expect(sandbox.trade((await orderDoc(first.id)).outTradeNo)?.state).toBe('CLOSED');
    // Made free: enrolled at once, not asked to pay the old price.
    await db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { priceFen: 0 } });
    expect(data(await create(openid, courseId)).order).toMatchObject({ status: 'paid', amountFen: 0 });
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', via: 'free' });
  });

  test('the platform being down answers UNAVAILABLE, and the next try gets the same order', async () => {
    const openid = learner();
    const courseId = await course();
    const payApi = openApisOf(cloud).payApi;
    payApi.setFault('unifiedOrder', { unavailable: true });
    try {
      expect(errorCode(await create(openid, courseId))).toBe('UNAVAILABLE');
    } finally {
      payApi.clearFault('unifiedOrder');
    }
    const { order, payment } = data(await create(openid, courseId));
    expect(payment?.package).toMatch(/^prepay_id=/);
    expect((await findMany<OrderDoc>(db, 'orders', { _openid: openid }, { limit: 100 })).map((d) => d._id)).toEqual([
      order.id,
    ]);
  });
});

describe.each(PAY_RAILS)('on the %s rail', (rail) => {
  const harness = () => platforms.harness[rail];
  const ack = () => harness().ack;
  const acked = (outcomes: { result?: unknown }[]) =>
    outcomes.every((o) => JSON.stringify(o.result) === JSON.stringify(ack()));

  test("concurrent creates (a learner's whole burst) give one pending order and the same payment object", async () => {
    const openid = learner();
    const courseId = await course();
    const creates = Array.from({ length: LIMITS.orderCreate.burst }, () => create(openid, courseId, rail));
    const replies = await Promise.all(creates);
    const ids = new Set(replies.map((reply) => data(reply).order.id));
    const sheets = new Set(replies.map((reply) => data(reply).payment?.package ?? data(reply).virtualPayment?.paySig));
    expect(ids.size).toBe(1);
    expect(sheets.size).toBe(1);
    expect([...sheets][0]).toEqual(expect.any(String));
    const stored = await findMany<OrderDoc>(db, 'orders', { _openid: openid, courseId }, { limit: 100 });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'pending', rail });
  });

  test('20 concurrent deliveries give one enrollment and all acknowledge; late duplicates too', async () => {
    const { openid, courseId, order, doc } = await pendingOrder(9900, rail);
    const outcomes = await harness().pay(await orderDoc(doc._id), { deliveries: 20, concurrent: true });
    expect(outcomes).toHaveLength(20);
    expect(acked(outcomes)).toBe(true);
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', orderId: order.id });
    expect(await getById(db, 'courses', courseId)).toMatchObject({ learnerCount: 1 });
    const paid = await orderDoc(order.id);
    expect(paid.history.filter((h) => h.event === 'pending→paid')).toHaveLength(1);
    expect(paid.shipping).toMatchObject({ status: 'uploaded' });
    // A late duplicate, long after: the same success reply, still one enrollment.
    expect(acked(await harness().redeliver(paid, 2))).toBe(true);
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active' });
    expect(errorCode(await create(openid, courseId, rail))).toBe('CONFLICT');
  });

  test.each([9899, 9901])(
    'money the learner is owed: a payment of %i fen for a 9900 fen order is refunded in full, the amount the platform took, with the reason in the history; no enrollment',
    async (paidFen) => {
      const { openid, courseId, order, doc } = await pendingOrder(9900, rail);
      expect(acked(await harness().pay(await orderDoc(doc._id), { amountFen: paidFen }))).toBe(true);
      await harness().idle();
      const refunded = await orderDoc(order.id);
      expect(refunded).toMatchObject({
        status: 'refunded',
        note: expect.stringContaining(`¥${(paidFen / 100).toFixed(2)}`),
        refund: { by: 'system', amountFen: paidFen },
      });
      const reason = refunded.history.find((h) => h.event === 'paid→refunding');
      expect(reason?.detail).toContain('与订单金额 ¥99.00 不符');
      expect(refunded.history.map((h) => h.event)).toEqual(
        expect.arrayContaining(['pending→paid', 'paid→refunding', 'refunding→refunded']),
      );
      expect(harness().refunded(doc.outTradeNo)).toBe(paidFen);
      expect(harness().state(doc.outTradeNo)).toBe('REFUND');
      expect(await enrollment(openid, courseId)).toBeUndefined();
      expect(await getById(db, 'courses', courseId)).toMatchObject({ learnerCount: 0 });
      // The learner can still buy the course at its price.
      expect(data(await create(openid, courseId, rail)).order).toMatchObject({ status: 'pending', amountFen: 9900 });
    },
  );

  test('a forged success event with a made-up transaction enrols no one', async () => {
    const { openid, courseId, order, doc } = await pendingOrder(9900, rail);
    const outcome = await sandbox.deliver(harness().callbackFunction, harness().forged(doc));
    expect(JSON.stringify(outcome)).not.toBe(JSON.stringify({ result: ack() }));
    expect(await orderDoc(order.id)).toMatchObject({ status: 'pending' });
    expect(await enrollment(openid, courseId)).toBeUndefined();
  });

  test('a database error answers non-zero, and the retry succeeds', async () => {
    const { openid, courseId, order, doc } = await pendingOrder(9900, rail);
    const prepared = await orderDoc(doc._id);
    cloud.admin.setFault('database.', { unavailable: true });
    let first;
    try {
      first = await harness().pay(prepared);
    } finally {
      cloud.admin.clearFault('database.');
    }
    expect(acked(first)).toBe(false);
    expect(await orderDoc(order.id)).toMatchObject({ status: 'pending' });
    expect(acked(await harness().redeliver(doc, 1))).toBe(true);
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active' });
  });

  test('retrying a failed payment: after a failed or cancelled attempt the order stays pending, and the same sheet pays it', async () => {
    const { openid, courseId, order, doc } = await pendingOrder(9900, rail);
    const event = await harness().fail(await orderDoc(doc._id));
    if (event) expect(await sandbox.deliver(harness().callbackFunction, event)).toEqual({ result: ack() });
    expect(await get(openid, order.id)).toMatchObject({ status: 'pending' });
    const again = data(await create(openid, courseId, rail));
    expect(again.order.id).toBe(order.id);
    const sheet = await orderDoc(order.id);
    expect(harness().payable(sheet)).toBe(true);
    expect(acked(await harness().pay(sheet))).toBe(true);
    expect(await get(openid, order.id)).toMatchObject({ status: 'paid' });
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', orderId: order.id });
  });

  test('no callback at all: get asks the platform and unlocks the course', async () => {
    const { openid, courseId, order, doc } = await pendingOrder(9900, rail);
    expect(await harness().pay(await orderDoc(doc._id), { deliveries: 0 })).toEqual([]);
    expect(await enrollment(openid, courseId)).toBeUndefined();
    expect(await get(openid, order.id)).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active' });
    expect((await orderDoc(order.id)).history.map((h) => h.source)).toContain('order.get');
  });

  test('the sweep honours a payment made after our expiry', async () => {
    const { openid, courseId, order, doc } = await pendingOrder(9900, rail);
    await expire(order.id);
    await harness().pay(await orderDoc(doc._id), { deliveries: 0 });
    await sweep();
    expect((await orderDoc(order.id)).status).toBe('paid');
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active' });
  });

  test('a refund within the policy is made at the platform and revokes; buying again reactivates', async () => {
    const { openid, courseId, order, doc } = await pendingOrder(9900, rail);
    await harness().pay(await orderDoc(doc._id));
    const refunded = await call<{ order: Order }>('order', openid, {
      action: 'refund',
      orderId: order.id,
      reason: '不想学了',
    });
    expect(data(refunded).order).toMatchObject({ status: 'refunded' });
    await harness().idle();
    expect(harness().state(doc.outTradeNo)).toBe('REFUND');
    const revoked = await enrollment(openid, courseId);
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    expect(await getById(db, 'courses', courseId)).toMatchObject({ learnerCount: 0 });

    const again = data(await create(openid, courseId, rail));
    await harness().pay(await orderDoc(again.order.id));
    const reactivated = await enrollment(openid, courseId);
    expect(reactivated).toMatchObject({
      _id: courseGrantId(openid, courseId),
      status: 'active',
      orderId: again.order.id,
    });
    expect(reactivated?.createdAt).toBe(revoked?.createdAt);
  });

  test("the refund marks the learner's review refunded: still listed, no longer in the rating", async () => {
    const { openid, courseId, order, doc } = await pendingOrder(9900, rail);
    await harness().pay(await orderDoc(doc._id));
    const review = data(
      await call<{ review: Review }>('review', openid, { action: 'submit', courseId, rating: 1, text: '' }),
    );
    expect(review.review.status).toBe('visible');
    const listed = () => call<ReviewListData>('review', 'o-review-reader', { action: 'list', courseId });
    expect(data(await listed()).summary.count).toBe(1);
    await call('order', openid, { action: 'refund', orderId: order.id, reason: '不想学了' });
    await harness().idle();
    expect((await orderDoc(order.id)).status).toBe('refunded');
    const after = data(await listed());
    expect(after.items).toEqual([expect.objectContaining({ id: review.review.id, refunded: true, status: 'visible' })]);
    expect(after.summary).toMatchObject({ count: 0, avg: 0 });
  });
});

describe('configuration and the sandbox', () => {
  test('an invalid settings document stops sales with UNAVAILABLE until it is fixed', async () => {
    const courseId = await course();
    const settings = db.collection(COLLECTIONS.settings).doc('app');
    await settings.update({ data: { orderLifetimeMinutes: 1 } });
    try {
      expect(await create(learner(), courseId)).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    } finally {
      await settings.update({ data: { orderLifetimeMinutes: db.command.remove() } });
    }
    expect(data(await create(learner(), courseId)).order.status).toBe('pending');
  });

  test('/sandbox/pay validates its body and cannot pay a closed trade', async () => {
    expect((await payHttp({})).status).toBe(400);
    expect((await payHttp({ outTradeNo: 'CCnone' })).status).toBe(404);
    const { order, outTradeNo } = await pendingOrder();
    expect((await payHttp({ outTradeNo, deliveries: -1 })).status).toBe(400);
    await expire(order.id);
    await sweep();
    expect((await payHttp({ outTradeNo })).status).toBe(409);
  });
});

describe('payNotify', () => {
  test('one delivery: paid, enrolled, shipping uploaded, every change in the history; buying again is a CONFLICT', async () => {
    const { openid, courseId, order, outTradeNo } = await pendingOrder();
    const { status, body } = await payHttp({ outTradeNo });
    expect(status).toBe(200);
    expect(body.deliveries).toEqual([{ result: ACK }]);
    const doc = await orderDoc(order.id);
    expect(doc).toMatchObject({ status: 'paid', shipping: { status: 'uploaded', attempts: 1 } });
    expect(doc.transactionId).toBe(sandbox.trade(outTradeNo)?.transactionId);
    expect(doc.history.map((h) => [h.source, h.event])).toEqual([
      ['order.create', 'created'],
      ['payNotify', 'pending→paid'],
      ['payNotify', 'shipping.uploaded'],
    ]);
    const upload = sandbox.shippingUploads.find(
      (u) => (u.params.order_key as { transaction_id?: string }).transaction_id === doc.transactionId,
    );
    expect(upload?.params).toMatchObject({ logistics_type: 3, payer: { openid } });
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', via: 'purchase', orderId: order.id });
    expect(await getById(db, 'courses', courseId)).toMatchObject({ learnerCount: 1 });
    expect(errorCode(await create(openid, courseId))).toBe('CONFLICT');
  });

  test('money the learner is owed: a payment to another merchant is not refunded by us but flagged for the operator, and the learner is told where to ask', async () => {
    const { openid, courseId, order, outTradeNo } = await pendingOrder();
    expect((await sandbox.pay(outTradeNo, { subMchId: '1999999999' }))[0]).toEqual({ result: ACK });
    const failed = await orderDoc(order.id);
    const transactionId = sandbox.trade(outTradeNo)?.transactionId;
    expect(failed).toMatchObject({
      status: 'failed',
      attention: { reason: expect.stringContaining('1999999999'), at: expect.any(String) },
    });
    expect(failed.refund).toBeUndefined();
    expect(sandbox.trade(outTradeNo)?.refunds).toEqual([]);
    // What the learner reads: who to ask, with the transaction number to give them.
    const seen = await get(openid, order.id);
    expect(seen.status).toBe('failed');
    expect(seen.note).toContain('联系收款商户');
    expect(seen.note).toContain('95017');
    expect(seen.note).toContain(String(transactionId));
    expect(await enrollment(openid, courseId)).toBeUndefined();
  });

  test('retrying a failed payment: the failure is acknowledged, the order stays pending and its trade payable, and paying again in the same sheet unlocks the course', async () => {
    const { openid, courseId, order, outTradeNo, payment } = await pendingOrder();
    expect((await payHttp({ outTradeNo, result: 'FAIL' })).body.deliveries).toEqual([{ result: ACK }]);
    expect(sandbox.trade(outTradeNo)?.state).toBe('PAYERROR');
    expect(await get(openid, order.id)).toMatchObject({ status: 'pending' });
    expect(sandbox.trade(outTradeNo)?.state).toBe('PAYERROR');
    // Opening the sheet again gives the same payment object, and this time the bank accepts.
    const again = data(await create(openid, courseId));
    expect(again.order.id).toBe(order.id);
    expect(again.payment?.package).toBe(payment?.package);
    expect((await payHttp({ outTradeNo })).body.deliveries).toEqual([{ result: ACK }]);
    expect(await get(openid, order.id)).toMatchObject({ status: 'paid' });
    expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active', orderId: order.id });
  });

  test('a failed payment nobody retries is closed at the platform when the order expires: no money can be taken afterwards', async () => {
    const { openid, courseId, order, outTradeNo } = await pendingOrder();
    await payHttp({ outTradeNo, result: 'FAIL' });
    await expire(order.id);
    await sweep();
    expect((await orderDoc(order.id)).status).toBe('closed');
    expect(sandbox.trade(outTradeNo)?.state).toBe('CLOSED');
    expect((await payHttp({ outTradeNo, deliveries: 0 })).status).toBe(409);
    expect(await enrollment(openid, courseId)).toBeUndefined();
    expect(data(await create(openid, courseId)).order).toMatchObject({ status: 'pending' });
  });

  test('invoked through the client gateway it refuses and does nothing', async () => {
    const { openid, courseId, order, outTradeNo } = await pendingOrder();
    sandbox.trade(outTradeNo)!.state = 'SUCCESS';
    const reply = await call('payNotify', openid, { outTradeNo, returnCode: 'SUCCESS', resultCode: 'SUCCESS' });
    expect(errorCode(reply)).toBe('FORBIDDEN');
    expect(await orderDoc(order.id)).toMatchObject({ status: 'pending' });
    expect(await enrollment(openid, courseId)).toBeUndefined();
    expect(errorCode(await call('orderSweep', openid, {}))).toBe('FORBIDDEN');
  });

  test('the platform being unreachable answers non-zero', async () => {
    const { order, outTradeNo } = await pendingOrder();
    const payApi = openApisOf(cloud).payApi;
    payApi.setFault('queryOrder', { unavailable: true });
    let outcomes;
    try {
      outcomes = await sandbox.pay(outTradeNo);
    } finally {
      payApi.clearFault('queryOrder');
    }
    expect((outcomes[0] as { result: { errcode: number } }).result.errcode).not.toBe(0);
    expect((await orderDoc(order.id)).status).toBe('pending');
  });
});

describe('order.get, order.list', () => {
  test("another learner's order is not found; list shows only one's own, newest first", async () => {
    const { openid, order } = await pendingOrder();
    expect(errorCode(await call('order', learner(), { action: 'get', orderId: order.id }))).toBe('NOT_FOUND');
    const second = data(await create(openid, await course())).order;
    const list = data(await call<{ items: Order[]; total: number }>('order', openid, { action: 'list' }));
    expect(list.total).toBe(2);
    expect(list.items.map((o) => o.id)).toEqual([second.id, order.id]);
    expect(Object.keys(list.items[0]!)).not.toContain('history');
  });

  test('filters by course and status (the course page asks for its pending order)', async () => {
    const { openid, courseId, order } = await pendingOrder();
    const other = data(await create(openid, await course())).order;
    const paid = await pendingOrder();
    await payHttp({ outTradeNo: paid.outTradeNo });
    const list = (filters: Record<string, unknown>) =>
      call<OrderListData>('order', openid, { action: 'list', ...filters });

    expect(data(await list({ courseId, status: 'pending', pageSize: 1 }))).toMatchObject({
      items: [{ id: order.id, courseId, status: 'pending' }],
      total: 1,
    });
    expect(data(await list({ status: 'pending' })).items.map((o) => o.id)).toEqual([other.id, order.id]);
    expect(data(await list({ courseId, status: 'paid' }))).toMatchObject({ items: [], total: 0 });
    // Another learner's order of the course is never listed, whatever the filter.
    expect(data(await list({ courseId: paid.courseId }))).toMatchObject({ items: [], total: 0 });
    expect(data(await call<OrderListData>('order', paid.openid, { action: 'list', status: 'paid' })).items).toEqual([
      expect.objectContaining({ id: paid.order.id, status: 'paid' }),
    ]);
  });

  test.each([
    [{ status: 'unpaid' }, 'status'],
    [{ courseId: 'a/b' }, 'courseId'],
    [{ pageSize: 0 }, 'pageSize'],
  ])('rejects the filter %j naming %s', async (filters, field) => {
    const reply = await call('order', learner(), { action: 'list', ...filters });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining(field) },
    });
  });

  test('the reply carries the configured refund policy', async () => {
    const openid = learner();
    const counted = {
      consumption: REFUND_CONSUMPTION_RULE,
      consumptionText: REFUND_CONSUMPTION_TEXT,
      couponText: REFUND_COUPON_TEXT,
    };
    expect(data(await call<OrderListData>('order', openid, { action: 'list' })).policy).toEqual({
      refundDays: 7,
      maxProgressPercent: 20,
      ...counted,
    });
    const settings = db.collection(COLLECTIONS.settings).doc('app');
    await settings.update({ data: { refund: { windowDays: 3, maxProgressPercent: 50 } } });
    try {
      expect(data(await call<OrderListData>('order', openid, { action: 'list' }))).toEqual({
        items: [],
        total: 0,
        policy: { refundDays: 3, maxProgressPercent: 50, ...counted },
      });
    } finally {
      await settings.update({ data: { refund: db.command.remove() } });
    }
  });
});

describe('orderSweep', () => {
  test('closes an expired unpaid order at the platform; the next create makes a new order', async () => {
    const { openid, courseId, order, outTradeNo } = await pendingOrder();
    await expire(order.id);
    expect(await sweep()).toMatchObject({ expired: expect.any(Number), errors: 0 });
    expect(await orderDoc(order.id)).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    expect(sandbox.trade(outTradeNo)?.state).toBe('CLOSED');
    const next = data(await create(openid, courseId)).order;
    expect(next.id).not.toBe(order.id);
    expect(next.status).toBe('pending');
  });

  test('refunds a late payment for a course no longer sold', async () => {
    const { openid, courseId, order, outTradeNo } = await pendingOrder();
    await expire(order.id);
    await db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { status: 'archived' } });
    await payHttp({ outTradeNo, deliveries: 0 });
    await sweep();
    expect(await orderDoc(order.id)).toMatchObject({ status: 'refunded', note: '课程已下架，已自动退款' });
    expect(sandbox.trade(outTradeNo)?.state).toBe('REFUND');
    expect(await enrollment(openid, courseId)).toBeUndefined();
  });

  test('retries a rejected shipping upload after its backoff until it is accepted, recording each outcome', async () => {
    const { order, outTradeNo } = await pendingOrder();
    sandbox.rejectShipping = 1;
    await payHttp({ outTradeNo });
    const rejected = await orderDoc(order.id);
    expect(rejected.shipping).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('10060004'),
    });
    // Not before its backoff is over.
    const uploads = sandbox.shippingUploads.length;
    await sweep();
    expect(sandbox.shippingUploads).toHaveLength(uploads);
    await db
      .collection(COLLECTIONS.orders)
      .doc(order.id)
      .update({ data: { 'shipping.nextAttemptAt': new Date(Date.now() - 60_000).toISOString() } });
    await sweep();
    const doc = await orderDoc(order.id);
    expect(doc.shipping).toMatchObject({ status: 'uploaded', attempts: 2 });
    expect(doc.history.map((h) => h.event)).toEqual(['created', 'pending→paid', 'shipping.retry', 'shipping.uploaded']);
  });
});

describe('order.refund', () => {
  async function paidOrder() {
    const bought = await pendingOrder();
    await payHttp({ outTradeNo: bought.outTradeNo });
    return bought;
  }
  const refund = (openid: string, orderId: string) =>
    call<{ order: Order }>('order', openid, { action: 'refund', orderId, reason: '不想学了' });

  test('a refund the platform settles later stays refunding until confirmed', async () => {
    const { openid, courseId, order } = await paidOrder();
    sandbox.refundMode = 'manual';
    try {
      expect(data(await refund(openid, order.id)).order.status).toBe('refunding');
      // The history says who asked and why.
      expect((await orderDoc(order.id)).history).toContainEqual(
        expect.objectContaining({ event: 'paid→refunding', source: 'order.refund', detail: '不想学了' }),
      );
      expect(await enrollment(openid, courseId)).toMatchObject({ status: 'active' });
      sandbox.settleRefunds();
      expect(await get(openid, order.id)).toMatchObject({ status: 'refunded', refundedAt: expect.any(String) });
      expect(await enrollment(openid, courseId)).toMatchObject({ status: 'revoked' });
    } finally {
      sandbox.refundMode = 'immediately';
    }
  });

  test('outside the policy: FAILED_PRECONDITION with the reason', async () => {
    const late = await paidOrder();
    await db
      .collection(COLLECTIONS.orders)
      .doc(late.order.id)
      .update({ data: { paidAt: new Date(Date.now() - 8 * 86_400_000).toISOString() } });
    expect(await refund(late.openid, late.order.id)).toMatchObject({
      ok: false,
      error: {
        code: 'FAILED_PRECONDITION',
        message: expect.stringContaining('7 天'),
        details: { policy: { refundDays: 7, maxProgressPercent: 20 } },
      },
    });

    const studied = await paidOrder();
    await db.collection(COLLECTIONS.courseProgress).add({
      data: {
        _id: progressId(studied.openid, studied.courseId),
        _openid: studied.openid,
        courseId: studied.courseId,
        percent: 20,
        updatedAt: new Date().toISOString(),
      },
    });
    expect(await refund(studied.openid, studied.order.id)).toMatchObject({
      ok: false,
      error: {
        code: 'FAILED_PRECONDITION',
        message: expect.stringContaining('20%'),
        details: { policy: { refundDays: 7, maxProgressPercent: 20 } },
      },
    });
    expect(await enrollment(studied.openid, studied.courseId)).toMatchObject({ status: 'active' });

    const unpaid = await pendingOrder();
    expect(errorCode(await refund(unpaid.openid, unpaid.order.id))).toBe('FAILED_PRECONDITION');
  });
});
