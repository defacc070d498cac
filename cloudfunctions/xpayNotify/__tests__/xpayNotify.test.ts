/**
 * The virtual rail through the local cloud: what order.create signs and how, the session exchange, the sandbox
 * refusing what the platform refuses, the pushes to xpayNotify (refunds from outside, Apple's inquiry), and what
 * cannot be refunded. The rules shared with cloudPay (concurrency, verification, expiry, refunds) run for this rail in
 * cloudfunctions/order/__tests__ and in the property test.
 */
import { createHmac } from 'node:crypto';
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { XPAY_SANDBOX_CONFIG, type XpaySandbox } from '../../../local/sandbox/xpay';
import { startTestCloud } from '../../../local/testing';
import type { Order, VirtualPayment } from '../../../shared/contract';
import { findMany, getById, type Database } from '../../../shared/db';
import { progressId } from '../../../shared/learning/progress';
import type { OrderDoc } from '../../../shared/orders/model';
import { attachPlatforms } from '../../../testing/order-platforms';
import { IOS_REFUND_BLOCKER } from '../../../shared/orders/xpay/rail';
import { COLLECTIONS } from '../../../shared/collections';

let cloud: LocalCloud;
let xpay: XpaySandbox;
let db: Database;
let serial = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  xpay = attachPlatforms(cloud).xpay;
  sdk.init({ env: cloud.envId });
  db = sdk.database();
});
afterAll(() => cloud.close());

type Envelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
type Created = { order: Order; virtualPayment?: VirtualPayment; payment?: unknown };

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${cloud.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function call<T>(fn: string, openid: string, data: Record<string, unknown>): Promise<Envelope<T>> {
  const { status, body } = await post(`/client/functions/${fn}`, { data }, { 'x-wx-openid': openid });
  expect(status).toBe(200);
  return body.result as Envelope<T>;
}

function ok<T>(reply: Envelope<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.data;
}

/** A new learner and a published course of their own. */
async function setting(priceFen = 9900) {
  serial += 1;
  const openid = `oXpayLearner${String(serial).padStart(4, '0')}`;
  const courseId = `xpay-course-${serial}`;
  await db.collection(COLLECTIONS.courses).add({
    data: {
      _id: courseId,
      status: 'published',
      title: `虚拟课程 ${serial}`,
      priceFen,
      category: 'dev',
      learnerCount: 0,
    },
  });
  return { openid, courseId };
}

const loginCode = async (openid: string) => (await post('/sandbox/xpay/login', { openid })).body.code as string;

async function buy(openid: string, courseId: string): Promise<Created> {
  return ok(
    await call<Created>('order', openid, {
      action: 'create',
      courseId,
      rail: 'virtual',
      loginCode: await loginCode(openid),
    }),
  );
}

const orderDoc = async (id: string) => (await getById<OrderDoc>(db, 'orders', id)) as OrderDoc;

async function enrolled(openid: string, courseId: string): Promise<boolean> {
  const [found] = await findMany<{ status: string }>(db, 'grants', { _openid: openid, courseId }, { limit: 1 });
  return found?.status === 'active';
}

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');

describe('order.create on the virtual rail', () => {
  test('signs the documented signData with the AppKey and the learner session key, and keeps the key server side', async () => {
    const { openid, courseId } = await setting(12_300);
    const { order, virtualPayment, payment } = await buy(openid, courseId);
    expect(payment).toBeUndefined();
    expect(order).toMatchObject({ rail: 'virtual', status: 'pending', amountFen: 12_300 });
    const doc = await orderDoc(order.id);
    const signData = JSON.parse(virtualPayment!.signData) as Record<string, unknown>;
    expect(Object.keys(signData)).toEqual([
      'offerId',
      'buyQuantity',
      'env',
      'currencyType',
      'productId',
      'goodsPrice',
      'outTradeNo',
      'attach',
    ]);
    expect(signData).toEqual({
      offerId: XPAY_SANDBOX_CONFIG.offerId,
      buyQuantity: 1,
      env: 1,
      currencyType: 'CNY',
      productId: `course_${courseId.replace(/[^0-9A-Za-z_-]/g, '_')}`,
      goodsPrice: 12_300,
      outTradeNo: doc.outTradeNo,
      attach: order.id,
    });
    expect(virtualPayment).toMatchObject({
      mode: 'short_series_goods',
      paySig: hmac(XPAY_SANDBOX_CONFIG.sandboxAppKey, `requestVirtualPayment&${virtualPayment!.signData}`),
      signature: hmac(xpay.sessionKey(openid)!, virtualPayment!.signData),
    });
    const stored = JSON.stringify(doc);
    expect(stored).not.toContain(xpay.sessionKey(openid));
    expect(stored).not.toContain(virtualPayment!.signature);
  });

  test('needs a fresh login code of the caller', async () => {
    const { openid, courseId } = await setting();
    const without = await call('order', openid, { action: 'create', courseId, rail: 'virtual' });
    expect(without).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('loginCode') },
    });
    const code = await loginCode(openid);
    ok(await call('order', openid, { action: 'create', courseId, rail: 'virtual', loginCode: code }));
    const reused = await call('order', openid, { action: 'create', courseId, rail: 'virtual', loginCode: code });
    expect(reused).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const someoneElses = await loginCode('oSomeoneElse');
    const stolen = await call('order', openid, {
      action: 'create',
      courseId,
      rail: 'virtual',
      loginCode: someoneElses,
    });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  test('a repeated create answers the same offer, signed with the current session key', async () => {
    const { openid, courseId } = await setting();
    const first = await buy(openid, courseId);
    xpay.rotateSessionKey(openid);
    const second = await buy(openid, courseId);
    expect(second.order.id).toBe(first.order.id);
    expect(second.virtualPayment?.paySig).toBe(first.virtualPayment?.paySig);
    expect(second.virtualPayment?.signature).toBe(hmac(xpay.sessionKey(openid)!, second.virtualPayment!.signData));
  });
});

describe('the sandbox refuses what the platform refuses', () => {
  test('a wrong paySig (-15006) or user signature (-15005) opens no payment, a stale session key neither', async () => {
    const { openid, courseId } = await setting();
    const { virtualPayment } = await buy(openid, courseId);
    const sheet = { openid, ...virtualPayment! };
    expect(await post('/sandbox/xpay/pay', { ...sheet, paySig: hmac('not-the-app-key', 'x') })).toMatchObject({
      status: 400,
      body: { errCode: -15006 },
    });
    expect(await post('/sandbox/xpay/pay', { ...sheet, signature: hmac('wrong', 'x') })).toMatchObject({
      status: 400,
      body: { errCode: -15005 },
    });
    const tampered = virtualPayment!.signData.replace('"goodsPrice":9900', '"goodsPrice":1');
    expect((await post('/sandbox/xpay/pay', { ...sheet, signData: tampered })).body).toMatchObject({ errCode: -15006 });
    xpay.rotateSessionKey(openid);
    expect((await post('/sandbox/xpay/pay', sheet)).body).toMatchObject({ errCode: -15005 });
    expect([...xpay.orders.values()].filter((o) => o.openid === openid)).toEqual([]);
  });

  test('a server API call with a wrong pay_sig answers 268490003; an expired token is renewed', async () => {
    const token = (
      await post('/sandbox/xpay/api/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: XPAY_SANDBOX_CONFIG.appId,
        secret: XPAY_SANDBOX_CONFIG.appSecret,
      })
    ).body.access_token as string;
    const body = { openid: 'o1', env: 1, order_id: 'CCnone' };
    const res = await post(
      `/sandbox/xpay/api/xpay/query_order?access_token=${token}&pay_sig=${hmac('wrong', 'x')}`,
      body,
    );
    expect(res.body).toEqual({ errcode: 268490003, errmsg: '签名错误' });
    expect(
      (
        await post('/sandbox/xpay/api/cgi-bin/stable_token', {
          grant_type: 'client_credential',
          appid: XPAY_SANDBOX_CONFIG.appId,
          secret: 'guess',
        })
      ).body,
    ).toMatchObject({ errcode: 40125 });

    const { openid, courseId } = await setting();
    const { order, virtualPayment } = await buy(openid, courseId);
    await post('/sandbox/xpay/pay', { openid, ...virtualPayment!, deliveries: 0 });
    xpay.expireTokens();
    expect(ok(await call<{ order: Order }>('order', openid, { action: 'get', orderId: order.id })).order.status).toBe(
      'paid',
    );
  });

  test('/sandbox/xpay/pay and /push validate their bodies; a late push of a paid order is acknowledged the same', async () => {
    expect((await post('/sandbox/xpay/pay', {})).status).toBe(400);
    expect((await post('/sandbox/xpay/push', { outTradeNo: 'CCnone' })).status).toBe(404);
    const { openid, courseId } = await setting();
    const { order, virtualPayment } = await buy(openid, courseId);
    const { outTradeNo } = await orderDoc(order.id);
    // The platform knows the order only once the learner opens the sheet with it.
    expect((await post('/sandbox/xpay/push', { outTradeNo })).status).toBe(404);
    expect((await post('/sandbox/xpay/pay', { openid, ...virtualPayment!, deliveries: -1 })).status).toBe(400);
    const paid = await post('/sandbox/xpay/pay', { openid, ...virtualPayment!, deliveries: 0 });
    expect(paid.body).toMatchObject({ status: 2, deliveries: [] });
    const late = await post('/sandbox/xpay/push', { outTradeNo, deliveries: 3 });
    const success = { result: { ErrCode: 0, ErrMsg: 'success' } };
    expect(late.body.deliveries).toEqual([success, success, success]);
    expect(await enrolled(openid, courseId)).toBe(true);
    expect(xpay.orders.get(outTradeNo)?.status).toBe(4);
  });
});

describe('xpayNotify', () => {
  test('invoked through the client gateway it refuses and does nothing', async () => {
    const { openid, courseId } = await setting();
    const { order } = await buy(openid, courseId);
    const { outTradeNo } = await orderDoc(order.id);
    const reply = await call('xpayNotify', openid, { Event: 'xpay_goods_deliver_notify', OutTradeNo: outTradeNo });
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await orderDoc(order.id)).status).toBe('pending');
  });

  test.each(['order.get', 'the sweep'])(
    'a payment in a sheet opened before we closed the order, its push lost, is found by %s',
    async (finder) => {
      const { openid, courseId } = await setting();
      const { order, virtualPayment } = await buy(openid, courseId);
      await db
        .collection(COLLECTIONS.orders)
        .doc(order.id)
        .update({ data: { expiresAt: new Date(Date.now() - 60_000).toISOString() } });
      expect((await post('/sandbox/timers/orderSweep', {})).status).toBe(200);
      expect((await orderDoc(order.id)).status).toBe('closed');
      // Virtual payment has no close API: the sheet the learner still has open takes the money.
      expect((await post('/sandbox/xpay/pay', { openid, ...virtualPayment!, deliveries: 0 })).status).toBe(200);
      if (finder === 'order.get') {
        const got = ok(await call<{ order: Order }>('order', openid, { action: 'get', orderId: order.id }));
        expect(got.order.status).toBe('paid');
      } else {
        expect((await post('/sandbox/timers/orderSweep', {})).status).toBe(200);
      }
      expect(await orderDoc(order.id)).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
      expect(await enrolled(openid, courseId)).toBe(true);
    },
  );

  test('a refund made outside the product (MP backend, or Apple) revokes the course', async () => {
    const { openid, courseId } = await setting();
    const { order, virtualPayment } = await buy(openid, courseId);
    await xpay.pay(openid, virtualPayment!);
    expect(await enrolled(openid, courseId)).toBe(true);
    const { outTradeNo } = await orderDoc(order.id);
    expect((await post('/sandbox/xpay/push', { outTradeNo, event: 'refundOutside' })).status).toBe(200);
    expect(await orderDoc(order.id)).toMatchObject({ status: 'refunded', refund: { by: 'platform' } });
    expect(await enrolled(openid, courseId)).toBe(false);
  });

  test('an Apple-paid order is not refunded by us: the learner is told how to ask Apple', async () => {
    const { openid, courseId } = await setting();
    const { order, virtualPayment } = await buy(openid, courseId);
    await xpay.pay(openid, virtualPayment!, { channel: 'apple' });
    expect(await orderDoc(order.id)).toMatchObject({ status: 'paid', payChannel: 'other' });
    const reply = await call('order', openid, { action: 'refund', orderId: order.id, reason: '买错了' });
    expect(reply).toEqual({ ok: false, error: { code: 'FAILED_PRECONDITION', message: IOS_REFUND_BLOCKER } });
    expect(await enrolled(openid, courseId)).toBe(true);
  });

  /** A virtual order closed by the sweep while its sheet stays open (virtual payment has no close at the platform). */
  async function closedWithOpenSheet(openid: string, courseId: string) {
    const bought = await buy(openid, courseId);
    await db
      .collection(COLLECTIONS.orders)
      .doc(bought.order.id)
      .update({ data: { expiresAt: new Date(Date.now() - 60_000).toISOString() } });
    expect((await post('/sandbox/timers/orderSweep', {})).status).toBe(200);
    expect((await orderDoc(bought.order.id)).status).toBe('closed');
    return bought;
  }

  test('a late Apple payment for a withdrawn course, which we cannot refund, still unlocks the course', async () => {
    const { openid, courseId } = await setting();
    const { order, virtualPayment } = await closedWithOpenSheet(openid, courseId);
    await db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { status: 'archived' } });
    await xpay.pay(openid, virtualPayment!, { channel: 'apple' });
    expect(await orderDoc(order.id)).toMatchObject({ status: 'paid', payChannel: 'other' });
    expect(await enrolled(openid, courseId)).toBe(true);
  });

  test('a duplicate Apple payment is not left "refunding" for ever: it stays paid and says where to ask', async () => {
    const { openid, courseId } = await setting();
    const stale = await closedWithOpenSheet(openid, courseId);
    const current = await buy(openid, courseId);
    await xpay.pay(openid, current.virtualPayment!);
    await xpay.pay(openid, stale.virtualPayment!, { channel: 'apple' });
    const duplicate = await orderDoc(stale.order.id);
    expect(duplicate).toMatchObject({ status: 'paid', payChannel: 'other', note: expect.stringContaining('苹果') });
    expect(duplicate.refund).toBeUndefined();
    const [kept] = await findMany<{ status: string; orderId: string }>(
      db,
      'grants',
      { _openid: openid, courseId },
      { limit: 1 },
    );
    expect(kept).toMatchObject({ status: 'active', orderId: current.order.id });
  });

  test("Apple's refund inquiry is answered from entitlement and progress", async () => {
    const { openid, courseId } = await setting();
    const { order, virtualPayment } = await buy(openid, courseId);
    await xpay.pay(openid, virtualPayment!, { channel: 'apple' });
    const { outTradeNo } = await orderDoc(order.id);

    const fresh = await post('/sandbox/xpay/push', { outTradeNo, event: 'iosRefundQuery' });
    expect((fresh.body.outcome as { result: unknown }).result).toEqual({
      result_code: 0,
      result_info: '建议退款',
      evidence: expect.stringContaining('学习进度 0%'),
    });

    await db.collection(COLLECTIONS.courseProgress).add({
      data: {
        _id: progressId(openid, courseId),
        _openid: openid,
        courseId,
        percent: 60,
        updatedAt: new Date().toISOString(),
      },
    });
    const used = await xpay.iosRefundQuery(outTradeNo);
    expect((used.outcome as { result: unknown }).result).toEqual({
      result_code: 1,
      result_info: '拒绝退款',
      evidence: expect.stringContaining('学习进度 60%'),
    });
    const history = (await orderDoc(order.id)).history.filter((h) => h.event === 'ios.refundQuery');
    expect(history).toHaveLength(2);
  });

  test("refund policy bypass: Apple's inquiry is refused at 0 % reported once the paid lessons were handed out", async () => {
    const { openid, courseId } = await setting();
    await db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { lessonCount: 3 } });
    for (const [order, free] of [
      [1, true],
      [2, false],
      [3, false],
    ] as const) {
      await db.collection('lessons').add({
        data: {
          _id: `${courseId}-${order}`,
          courseId,
          order,
          title: `第 ${order} 课`,
          kind: 'article',
          durationSec: 60,
          free,
          body: '正文',
        },
      });
    }
    const { order, virtualPayment } = await buy(openid, courseId);
    await xpay.pay(openid, virtualPayment!, { channel: 'apple' });
    const { outTradeNo } = await orderDoc(order.id);
    for (const lessonId of [`${courseId}-2`, `${courseId}-3`]) {
      expect((await call('learning', openid, { action: 'lesson', courseId, lessonId })).ok).toBe(true);
    }
    const answer = await xpay.iosRefundQuery(outTradeNo);
    expect((answer.outcome as { result: unknown }).result).toEqual({
      result_code: 1,
      result_info: '拒绝退款',
      evidence: expect.stringContaining(
        '学习进度 0%，支付后已打开付费课时《第 2 课》《第 3 课》（占全部付费课时的 100%）',
      ),
    });
  });
});
