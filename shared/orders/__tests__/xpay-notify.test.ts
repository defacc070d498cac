/**
 * The virtual-payment pushes (xpay/notify.ts) through the real wx-server-sdk against the local cloud's database and
 * the xpay sandbox, on one fake clock: what each push is answered and what it writes (the kept event, the order's
 * history), and the answer to Apple's refund inquiry word for word, in every state an order and its grant can be in.
 * `answerWithin`, the 3-second budget of that answer, is pure and runs on jest's fake timers.
 */
import { randomBytes } from 'node:crypto';
import { countWhere, findMany, getById, type Database } from '../../db';
import { COLLECTIONS } from '../../collections';
import { progressId } from '../../learning/progress';
import type { OrderDoc } from '../model';
import { orderGrantId } from '../grants';
import { createOrder } from '..';
import {
  answerIosRefundQuery,
  answerWithin,
  handleXpayPush,
  IOS_UNDECIDED,
  XPAY_ACK,
  XPAY_EVENTS,
  type IosRefundAnswer,
} from '../xpay/notify';
import { addCourse, startClockedOrders, type ClockedOrders } from '../../../testing/order-platforms';

/** 2024-03-05 09:02:07 in Beijing: every part of a time differs from the others, so a wrong one shows. */
const PAID_AT = Date.UTC(2024, 2, 5, 1, 2, 7);
const HOUR = 3600_000;

let world: ClockedOrders;
let db: Database;

beforeAll(async () => {
  world = await startClockedOrders();
  ({ db } = world);
});
afterAll(() => world.cloud.close());
beforeEach(() => {
  world.clock.now = PAID_AT;
});

let made = 0;

/** A new learner's pending virtual-payment order for a new 99-yuan course titled "虚拟课程 n". */
async function pendingOrder(): Promise<OrderDoc> {
  made += 1;
  const courseId = await addCourse(db, `xpay-notify-${made}`);
  await db
    .collection(COLLECTIONS.courses)
    .doc(courseId)
    .update({ data: { title: `虚拟课程 ${made}` } });
  const openid = `oXpayNotify${made}`;
  const { xpay } = world.platforms;
  const { order } = await createOrder(
    world.deps,
    { openid, clientIp: '10.0.0.1' },
    { courseId, rail: 'virtual', loginCode: xpay.login(openid) },
  );
  return orderDoc(order.id);
}

async function orderDoc(id: string): Promise<OrderDoc> {
  return (await getById<OrderDoc>(db, COLLECTIONS.orders, id)) as OrderDoc;
}

/** The learner pays at the platform; the sandbox pushes nothing (the test pushes). */
async function payAtPlatform(order: OrderDoc): Promise<Record<string, unknown>> {
  await world.platforms.harness.virtual.pay(order, { deliveries: 0 });
  return world.platforms.xpay.deliverEvent(world.platforms.xpay.orders.get(order.outTradeNo)!);
}

/** A pending order paid and fulfilled through its delivery push. */
async function paidOrder(): Promise<OrderDoc> {
  const order = await pendingOrder();
  expect(await handleXpayPush(world.deps, await payAtPlatform(order))).toEqual(XPAY_ACK);
  const paid = await orderDoc(order._id);
  expect(paid.status).toBe('paid');
  return paid;
}

async function keptEvents(outTradeNo: string): Promise<Record<string, unknown>[]> {
  const events = await findMany<{ event: Record<string, unknown> }>(
    db,
    COLLECTIONS.payEvents,
    { outTradeNo },
    { limit: 100 },
  );
  return events.map((kept) => kept.event);
}

async function payEventCount(): Promise<number> {
  return countWhere(db, COLLECTIONS.payEvents, {});
}

describe('delivery and refund pushes', () => {
  test('a paid order’s delivery is confirmed with query_order, fulfilled by xpayNotify and acknowledged', async () => {
    const order = await pendingOrder();
    const event = await payAtPlatform(order);
    expect(await handleXpayPush(world.deps, event)).toEqual({ ErrCode: 0, ErrMsg: 'success' });
    const paid = await orderDoc(order._id);
    expect(paid.status).toBe('paid');
    const transaction = world.platforms.xpay.orders.get(order.outTradeNo)?.wxOrderId;
    expect(paid.history.slice(1).map(({ source, event: what, detail }) => [source, what, detail])).toEqual([
      ['xpayNotify', 'pending→paid', `交易号 ${transaction}`],
      ['xpayNotify', 'shipping.uploaded', undefined],
    ]);
    // Only what identifies the push is kept (no routing fields, no WeChatPayInfo).
    expect(await keptEvents(order.outTradeNo)).toEqual([
      {
        Event: 'xpay_goods_deliver_notify',
        OpenId: order._openid,
        OutTradeNo: order.outTradeNo,
        Env: 1,
        GoodsInfo: event.GoodsInfo,
      },
    ]);
  });

  test('a delivery the platform does not confirm yet asks to be pushed again', async () => {
    const order = await pendingOrder();
    const forged = world.platforms.harness.virtual.forged(order);
    expect(await handleXpayPush(world.deps, forged)).toEqual({
      ErrCode: 1,
      ErrMsg: 'payment not confirmed by query_order yet',
    });
    expect((await orderDoc(order._id)).status).toBe('pending');
  });

  test('a refund push keeps the refund’s identifiers and outcome, and is acknowledged', async () => {
    const before = await payEventCount();
    const event = {
      ToUserName: 'gh_localcloud0001',
      CreateTime: 1709600527,
      MsgType: 'event',
      Event: XPAY_EVENTS.refund,
      OpenId: 'oSomeone',
      WxRefundId: 'wxr1',
      MchRefundId: 'RF-not-ours',
      WxOrderId: 'wxo1',
      MchOrderId: 'CC-not-ours-1',
      RefundFee: 9900,
      RetCode: 0,
      RetMsg: '',
      RetryTimes: 0,
    };
    expect(await handleXpayPush(world.deps, event)).toEqual(XPAY_ACK);
    expect(await payEventCount()).toBe(before + 1);
    expect(await keptEvents('CC-not-ours-1')).toEqual([
      {
        Event: 'xpay_refund_notify',
        OpenId: 'oSomeone',
        MchOrderId: 'CC-not-ours-1',
        MchRefundId: 'RF-not-ours',
        RefundFee: 9900,
        RetCode: 0,
        RetMsg: '',
      },
    ]);
  });

  test.each([
    ['an event this product does not subscribe to', { MsgType: 'event', Event: 'xpay_coin_pay_notify' }],
    ['no event at all', {}],
  ])('%s is acknowledged so that it is not pushed again, and nothing is written', async (_name, event) => {
    const before = await payEventCount();
    expect(await handleXpayPush(world.deps, event)).toEqual(XPAY_ACK);
    expect(await payEventCount()).toBe(before);
  });
});

describe("Apple's refund inquiry", () => {
  const policy = '（支付后 7 天内且进度低于 20%）';

  /** Apple's inquiry about `outTradeNo`, as the platform pushes it. */
  const inquiry = (outTradeNo: string) => ({
    Event: XPAY_EVENTS.iosRefundQuery,
    MsgType: 'event',
    pay_order_id: outTradeNo,
    refund_request_reason: 'UNINTENDED_PURCHASE',
  });

  async function answer(event: Record<string, unknown>): Promise<IosRefundAnswer> {
    return answerIosRefundQuery(world.deps, event);
  }

  async function inquiriesOf(order: OrderDoc) {
    return (await orderDoc(order._id)).history.filter((entry) => entry.event === 'ios.refundQuery');
  }

  test('an order paid a moment ago, not studied: refund, with when it was unlocked; kept in its history', async () => {
    const order = await paidOrder();
    world.clock.now = PAID_AT + HOUR;
    const evidence = `课程《${order.courseTitle}》已于 2024-03-05 09:02（北京时间）解锁，学习进度 0%，在本平台退款规则内${policy}`;
    expect(await answer(inquiry(order.outTradeNo))).toEqual({ result_code: 0, result_info: '建议退款', evidence });
    expect(await inquiriesOf(order)).toEqual([
      {
        at: new Date(PAID_AT + HOUR).toISOString(),
        source: 'xpayNotify',
        event: 'ios.refundQuery',
        detail: `建议退款：${evidence}`,
      },
    ]);
  });

  test('the order may be named by OutTradeNo instead of pay_order_id', async () => {
    const order = await paidOrder();
    const { result_code, evidence } = await answer({ Event: XPAY_EVENTS.iosRefundQuery, OutTradeNo: order.outTradeNo });
    expect(result_code).toBe(0);
    expect(evidence).toContain(`课程《${order.courseTitle}》已于 2024-03-05 09:02（北京时间）解锁`);
  });

  test('a course studied beyond the policy: refuse, with the progress and the last time studied', async () => {
    const order = await paidOrder();
    await db.collection(COLLECTIONS.courseProgress).add({
      data: {
        _id: progressId(order._openid, order.courseId!),
        _openid: order._openid,
        courseId: order.courseId,
        percent: 60,
        // 2024-03-06 18:11 in Beijing.
        updatedAt: '2024-03-06T10:11:00.000Z',
      },
    });
    world.clock.now = PAID_AT + 2 * 24 * HOUR;
    const evidence =
      `课程《${order.courseTitle}》已于 2024-03-05 09:02（北京时间）解锁，学习进度 60%，` +
      `最近一次学习 2024-03-06 18:11，已超出本平台退款规则${policy}`;
    expect(await answer(inquiry(order.outTradeNo))).toEqual({ result_code: 1, result_info: '拒绝退款', evidence });
    expect((await inquiriesOf(order)).map((entry) => entry.detail)).toEqual([`拒绝退款：${evidence}`]);
  });

  test('paid lessons handed out after the payment are named, with their share of the paid lessons', async () => {
    const order = await paidOrder();
    const courseId = order.courseId!;
    for (const [n, free] of [
      [1, true],
      [2, false],
      [3, false],
    ] as const) {
      await db.collection(COLLECTIONS.lessons).add({
        data: { _id: `${courseId}-${n}`, courseId, order: n, title: `第 ${n} 课`, kind: 'article', free },
      });
    }
    await db.collection(COLLECTIONS.courseProgress).add({
      data: {
        _id: progressId(order._openid, courseId),
        _openid: order._openid,
        courseId,
        percent: 0,
        delivered: { orderId: order._id, lessons: { [`${courseId}-2`]: PAID_AT + 60_000 } },
      },
    });
    const evidence =
      `课程《${order.courseTitle}》已于 2024-03-05 09:02（北京时间）解锁，学习进度 0%，` +
      `支付后已打开付费课时《第 2 课》（占全部付费课时的 50%），已超出本平台退款规则${policy}`;
    expect(await answer(inquiry(order.outTradeNo))).toEqual({ result_code: 1, result_info: '拒绝退款', evidence });
  });

  test.each([
    ['an order id we do not know', inquiry('CC-unknown-order')],
    ['no order id', { Event: XPAY_EVENTS.iosRefundQuery, pay_order_id: '' }],
  ])('%s: refund, the course was never unlocked here', async (_name, event) => {
    expect(await answer(event)).toEqual({
      result_code: 0,
      result_info: '建议退款',
      evidence: '未找到该支付订单对应的课程订单，课程未发放',
    });
  });

  test('an order never paid here: refund, with its status; kept in its history', async () => {
    const order = await pendingOrder();
    const evidence = '课程订单状态为 pending，课程未发放或已收回';
    expect(await answer(inquiry(order.outTradeNo))).toEqual({ result_code: 0, result_info: '建议退款', evidence });
    expect((await inquiriesOf(order)).map((entry) => entry.detail)).toEqual([`建议退款：${evidence}`]);
  });

  test('an order already refunded: refund, the course was taken back', async () => {
    const order = await paidOrder();
    await db
      .collection(COLLECTIONS.orders)
      .doc(order._id)
      .update({ data: { status: 'refunded' } });
    expect((await answer(inquiry(order.outTradeNo))).evidence).toBe('课程订单状态为 refunded，课程未发放或已收回');
  });

  test('a paid order without its payment time (edited by hand) is not taken as unlocked', async () => {
    const order = await paidOrder();
    await db
      .collection(COLLECTIONS.orders)
      .doc(order._id)
      .update({ data: { paidAt: db.command.remove() } });
    expect((await answer(inquiry(order.outTradeNo))).evidence).toBe('课程订单状态为 paid，课程未发放或已收回');
  });

  const notInForce = { result_code: 0, result_info: '建议退款', evidence: '该订单对应的课程权益未生效' };

  test('a paid order whose grant was revoked: refund, the entitlement is not in force', async () => {
    const order = await paidOrder();
    await db
      .collection(COLLECTIONS.grants)
      .doc(orderGrantId(order))
      .update({ data: { status: 'revoked' } });
    expect(await answer(inquiry(order.outTradeNo))).toEqual(notInForce);
  });

  test('a paid order whose grant is gone: the same', async () => {
    const order = await paidOrder();
    await db.collection(COLLECTIONS.grants).doc(orderGrantId(order)).remove();
    expect(await answer(inquiry(order.outTradeNo))).toEqual(notInForce);
  });

  test('a paid order whose course is held through another order: the same', async () => {
    const order = await paidOrder();
    await db
      .collection(COLLECTIONS.grants)
      .doc(orderGrantId(order))
      .update({ data: { orderId: `other-${randomBytes(4).toString('hex')}` } });
    expect(await answer(inquiry(order.outTradeNo))).toEqual(notInForce);
  });

  test('the answer when undecided in time is a valid "refund" with evidence, as Apple requires', () => {
    expect(IOS_UNDECIDED).toEqual({
      result_code: 0,
      result_info: '建议退款',
      evidence: expect.stringMatching(/\S/),
    });
  });
});

describe('answerWithin', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** What `promise` has settled with after every pending callback ran, or "pending". */
  async function state<T>(promise: Promise<T>): Promise<{ value: T } | 'pending'> {
    let result: { value: T } | 'pending' = 'pending';
    void promise.then((value) => {
      result = { value };
    });
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
    return result;
  }

  test('an answer in time is the answer, and no timer is left behind', async () => {
    const answer = answerWithin(2500, async () => 'decided', 'fallback');
    expect(await state(answer)).toEqual({ value: 'decided' });
    expect(jest.getTimerCount()).toBe(0);
  });

  test('work that takes longer than the budget is answered with the fallback when the budget is spent', async () => {
    const answer = answerWithin(2500, () => new Promise<string>(() => undefined), 'fallback');
    jest.advanceTimersByTime(2499);
    expect(await state(answer)).toBe('pending');
    jest.advanceTimersByTime(1);
    expect(await state(answer)).toEqual({ value: 'fallback' });
  });

  test('work that fails is answered with the fallback at once, and the failure is logged', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const failure = new Error('database unreachable');
      const answer = answerWithin(2500, () => Promise.reject(failure), 'fallback');
      expect(await state(answer)).toEqual({ value: 'fallback' });
      expect(logged).toHaveBeenCalledWith(expect.any(String), failure);
    } finally {
      logged.mockRestore();
    }
  });
});
