/**
 * Fulfilment, refunds and notices against a payment rail that answers as each test scripts it, through the real
 * wx-server-sdk against the local cloud's database with one fake clock. The pay sandboxes answer as the platforms do
 * for a learner who pays; this rail also gives the answers they rarely or never give (a trade without an amount, a
 * refund the platform ended, a close that comes too late, an error that is not the platform's), so that every branch
 * of settlement.ts, refunds.ts and notices.ts is decided by a test (the mutation run, stryker.config.mjs, proved which
 * were not).
 */
import { AppError, type OrderCreateParams, type WxPayment } from '../../contract';
import { courseGrantId, type GrantDoc } from '../../grants';
import { progressId } from '../../learning/progress';
import { getById, type Database } from '../../db';
import { COLLECTIONS } from '../../collections';
import type { OrderDoc, OrderSource, RefundInfo } from '../model';
import { RailError, type PaymentRail, type RefundState, type TradeState, type TradeStatus } from '../rail';
import { describeError, ownOrder, type EnrollmentSignals, type OrderDeps } from '../deps';
import { handleNotice, type Notice } from '../notices';
import { advanceRefund, applyPlatformRefund } from '../refunds';
import { fulfil, reconcileClosed, reconcileOrUnavailable, reconcilePending } from '../settlement';
import { createOrder, requestRefund } from '..';
import { addCourse, startClockedOrders, type ClockedOrders } from '../../../testing/order-platforms';

const MERCHANT = 'mch-scripted';
const MINUTE = 60_000;
const DAY = 86_400_000;

/** What the scripted rail was asked, in order. */
type Call = 'prepay' | 'query' | 'close' | 'refund' | 'queryRefund' | 'ship';

/** A rail whose answers the test sets; it records every call. */
class ScriptedRail implements PaymentRail {
  readonly name = 'wxpay' as const;
  readonly merchantId = MERCHANT;
  calls: Call[] = [];
  /** The answers of query(), first to last; the last one repeats. */
  trades: (TradeStatus | Error)[] = [{ state: 'NOTPAY' }];
  closeAnswer: 'closed' | 'paid' = 'closed';
  /** The answers of queryRefund(), first to last; the last one repeats. */
  refundStates: (RefundState | Error)[] = ['NOTFOUND', 'SUCCESS'];
  blocker: string | undefined;
  refunds: RefundInfo[] = [];

  async prepay(): Promise<{ kind: 'payment'; prepared: { payment: WxPayment } }> {
    this.calls.push('prepay');
    const payment = { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=p', signType: 'MD5', paySign: 's' };
    return { kind: 'payment', prepared: { payment: payment as WxPayment } };
  }
  async checkout(): Promise<object> {
    return {};
  }
  async query(): Promise<TradeStatus> {
    this.calls.push('query');
    return answer(this.trades);
  }
  async close(): Promise<'closed' | 'paid'> {
    this.calls.push('close');
    return this.closeAnswer;
  }
  async refund(_order: OrderDoc, refund: RefundInfo): Promise<void> {
    this.calls.push('refund');
    this.refunds.push(refund);
  }
  async queryRefund(): Promise<RefundState> {
    this.calls.push('queryRefund');
    return answer(this.refundStates);
  }
  refundBlocker(): string | undefined {
    return this.blocker;
  }
  async ship(): Promise<void> {
    this.calls.push('ship');
  }
}

function answer<T>(answers: (T | Error)[]): T {
  const next = answers.length > 1 ? answers.shift() : answers[0];
  if (next instanceof Error) throw next;
  return next as T;
}

let world: ClockedOrders;
let db: Database;
let clock: ClockedOrders['clock'];
let rail: ScriptedRail;
let deps: OrderDeps;
const logged: string[] = [];
const sent: unknown[][] = [];
const signals: EnrollmentSignals = {
  enrolled: async (openid, signal) => void sent.push(['enrolled', openid, signal]),
  refunded: async (openid, courseId) => void sent.push(['refunded', openid, courseId]),
};

beforeAll(async () => {
  world = await startClockedOrders();
  ({ db, clock } = world);
});
afterAll(() => world.cloud.close());
beforeEach(() => {
  rail = new ScriptedRail();
  deps = {
    ...world.deps,
    rails: { wxpay: rail },
    settings: { ...world.deps.settings, payRail: 'wxpay' },
    signals,
    log: (message) => void logged.push(message),
  };
  logged.length = 0;
  sent.length = 0;
});

let made = 0;

/** A new learner's pending order for a new 99-yuan course, made through createOrder. */
async function pendingOrder(): Promise<OrderDoc> {
  made += 1;
  const courseId = await addCourse(db, `scripted-${made}`);
  const openid = `oScripted${made}`;
  const params: OrderCreateParams = { courseId, rail: 'wxpay' };
  const { order } = await createOrder(deps, { openid, clientIp: '10.0.0.1' }, params);
  rail.calls.length = 0;
  return orderDoc(order.id);
}

async function orderDoc(id: string): Promise<OrderDoc> {
  return (await getById<OrderDoc>(db, COLLECTIONS.orders, id)) as OrderDoc;
}

async function enrollmentOf(order: OrderDoc): Promise<GrantDoc | null> {
  return getById<GrantDoc>(db, COLLECTIONS.grants, courseGrantId(order._openid, order.courseId!));
}

/** What the platform says of a trade paid in full to our merchant. */
function paid(order: OrderDoc, extra: Partial<TradeStatus> = {}): TradeStatus {
  return { state: 'SUCCESS', amountFen: order.amountFen, merchantId: MERCHANT, transactionId: 'T42', ...extra };
}

/** A pending order paid in full and fulfilled (shipped too: the scripted ship only records the call). */
async function paidOrder(): Promise<OrderDoc> {
  const order = await pendingOrder();
  await fulfil(deps, order, paid(order), 'payNotify');
  rail.calls.length = 0;
  return orderDoc(order._id);
}

async function takeDown(courseId: string): Promise<void> {
  await db
    .collection(COLLECTIONS.courses)
    .doc(courseId)
    .update({ data: { status: 'archived' } });
}

async function removeCourse(courseId: string): Promise<void> {
  await db.collection(COLLECTIONS.courses).doc(courseId).remove();
}

function historyEvents(order: OrderDoc): string[] {
  return order.history.map((entry) => entry.event);
}

describe('reconciling a pending order', () => {
  test('an order no longer pending is returned as it is, without asking the platform', async () => {
    const order = await paidOrder();
    expect(await reconcilePending(deps, order, 'order.get', true)).toBe(order);
    expect(rail.calls).toEqual([]);
  });

  test.each(['NOTPAY', 'NOTFOUND', 'PAYERROR'] as TradeState[])(
    'closing an expired %s order closes it at the platform first',
    async (state) => {
      const order = await pendingOrder();
      rail.trades = [{ state }];
      const closed = await reconcilePending(deps, order, 'orderSweep', true);
      expect(rail.calls).toEqual(['query', 'close']);
      expect(closed.status).toBe('closed');
    },
  );

  test('a trade being paid (USERPAYING) is not closed even when asked to close', async () => {
    const order = await pendingOrder();
    rail.trades = [{ state: 'USERPAYING' }];
    expect((await reconcilePending(deps, order, 'orderSweep', true)).status).toBe('pending');
    expect(rail.calls).toEqual(['query']);
  });

  test('without close, an unpaid order stays pending and open at the platform', async () => {
    const order = await pendingOrder();
    rail.trades = [{ state: 'NOTPAY' }];
    expect((await reconcilePending(deps, order, 'order.get', false)).status).toBe('pending');
    expect(rail.calls).toEqual(['query']);
  });

  test('a close that comes too late (the learner has just paid) fulfils the payment instead', async () => {
    const order = await pendingOrder();
    rail.trades = [{ state: 'NOTPAY' }, paid(order)];
    rail.closeAnswer = 'paid';
    const settled = await reconcilePending(deps, order, 'orderSweep', true);
    expect(rail.calls).toEqual(['query', 'close', 'query', 'ship']);
    expect(settled.status).toBe('paid');
    expect(await enrollmentOf(order)).toMatchObject({ status: 'active', orderId: order._id });
  });

  test.each(['CLOSED', 'REVOKED', 'REFUND'] as TradeState[])(
    'an order the platform reports %s is closed here, saying so in its history',
    async (state) => {
      const order = await pendingOrder();
      rail.trades = [{ state }];
      const closed = await reconcilePending(deps, order, 'order.get', false);
      expect(closed).toMatchObject({ status: 'closed', closedAt: new Date(clock.now).toISOString() });
      expect(closed.history.at(-1)).toMatchObject({ event: 'pending→closed', detail: `支付平台状态 ${state}` });
    },
  );

  test('a platform failure is UNAVAILABLE for the client, and logged with the order', async () => {
    const order = await pendingOrder();
    rail.trades = [new RailError('query', 'timeout')];
    const failure = reconcileOrUnavailable(deps, order, 'order.get', false);
    await expect(failure).rejects.toMatchObject({ code: 'UNAVAILABLE', message: '支付平台暂时无法访问，请稍后再试' });
    expect(logged).toEqual([`[orders] settling ${order._id} failed`]);
  });

  test('an error that is not the platform’s is not hidden as UNAVAILABLE', async () => {
    const order = await pendingOrder();
    const bug = new TypeError('a bug');
    rail.trades = [bug];
    await expect(reconcileOrUnavailable(deps, order, 'order.get', false)).rejects.toBe(bug);
    expect(logged).toEqual([]);
  });

  test('a closed order is asked about again only by reconcileClosed, and only while closed', async () => {
    const order = await paidOrder();
    expect(await reconcileClosed(deps, order, 'orderSweep')).toBe(order);
    expect(rail.calls).toEqual([]);
  });
});

describe('fulfilment', () => {
  test('records the platform’s transaction, the time it says the learner paid, and enrols the learner', async () => {
    const order = await pendingOrder();
    const paidAt = new Date(clock.now - MINUTE);
    const done = await fulfil(deps, order, paid(order, { paidAt, channel: 'wxpay' }), 'payNotify');
    expect(done).toMatchObject({
      status: 'paid',
      transactionId: 'T42',
      paidAt: paidAt.toISOString(),
      payChannel: 'wxpay',
      shipping: { status: 'uploaded' },
    });
    expect(done.history.find((entry) => entry.event === 'pending→paid')).toMatchObject({ detail: '交易号 T42' });
    expect(sent).toEqual([['enrolled', order._openid, { courseId: order.courseId, category: 'dev', paid: true }]]);
    expect(rail.calls).toEqual(['ship']);
  });

  test('a trade without a transaction id leaves none on the order', async () => {
    const order = await pendingOrder();
    const done = await fulfil(deps, order, paid(order, { transactionId: undefined }), 'payNotify');
    expect(done.status).toBe('paid');
    expect('transactionId' in done).toBe(false);
  });

  test('an order that vanished is an error, not a payment', async () => {
    const order = await pendingOrder();
    await db.collection(COLLECTIONS.orders).doc(order._id).remove();
    await expect(fulfil(deps, order, paid(order), 'payNotify')).rejects.toThrow(`order ${order._id} vanished`);
  });

  test('a second delivery of a paid order changes nothing and uploads no second shipment', async () => {
    // The first upload was refused: the order is paid with its shipping still pending, for the timer.
    const order = await pendingOrder();
    await fulfil(deps, order, paid(order), 'payNotify');
    await db
      .collection(COLLECTIONS.orders)
      .doc(order._id)
      .update({ data: { shipping: { status: 'pending', attempts: 1 } } });
    const before = await orderDoc(order._id);
    rail.calls.length = 0;
    sent.length = 0;
    const again = await fulfil(deps, before, paid(order), 'payNotify');
    expect(again).toEqual(before);
    expect(rail.calls).toEqual([]);
    expect(sent).toEqual([]);
  });

  test('without shipping uploads, a payment is fulfilled and nothing is shipped', async () => {
    const order = await pendingOrder();
    const quiet = { ...deps, settings: { ...deps.settings, shipping: { ...deps.settings.shipping, upload: false } } };
    const done = await fulfil(quiet, order, paid(order), 'payNotify');
    expect(done.status).toBe('paid');
    expect(done.shipping).toBeUndefined();
    expect(rail.calls).toEqual([]);
  });

  test('a payment at the very second the order expires is on time: a course taken down since is still given', async () => {
    const order = await pendingOrder();
    await takeDown(order.courseId!);
    const done = await fulfil(deps, order, paid(order, { paidAt: new Date(order.expiresAt) }), 'orderSweep');
    expect(done.status).toBe('paid');
  });

  test('a late payment for a course taken down is refunded by the system', async () => {
    const order = await pendingOrder();
    await takeDown(order.courseId!);
    const late = new Date(new Date(order.expiresAt).getTime() + 1000);
    const done = await fulfil(deps, order, paid(order, { paidAt: late }), 'orderSweep');
    expect(done).toMatchObject({ status: 'refunded', note: '课程已下架，已自动退款', refund: { by: 'system' } });
  });

  test('a late payment for a course deleted since is refunded by the system', async () => {
    const order = await pendingOrder();
    await removeCourse(order.courseId!);
    const late = new Date(new Date(order.expiresAt).getTime() + 1000);
    const done = await fulfil(deps, order, paid(order, { paidAt: late }), 'orderSweep');
    expect(done).toMatchObject({ status: 'refunded', note: '课程已下架，已自动退款' });
  });

  test('an on-time payment for a course deleted since is honoured, with no category to signal', async () => {
    const order = await pendingOrder();
    await removeCourse(order.courseId!);
    const done = await fulfil(deps, order, paid(order), 'payNotify');
    expect(done.status).toBe('paid');
    expect(sent).toEqual([['enrolled', order._openid, { courseId: order.courseId, category: '', paid: true }]]);
  });

  test('a payment to another merchant fails for the operator; the note gives the transaction to ask about', async () => {
    const order = await pendingOrder();
    const done = await fulfil(deps, order, paid(order, { merchantId: 'mch-other' }), 'payNotify');
    expect(done).toMatchObject({ status: 'failed', attention: { at: new Date(clock.now).toISOString() } });
    expect(done.attention?.reason).toBe(`收款商户 mch-other 与订单商户 ${MERCHANT} 不符，款项未进入本平台`);
    expect(done.note).toContain('交易单号 T42 联系收款商户');
    expect(await enrollmentOf(order)).toBeNull();
  });

  test('a payment to another merchant without a transaction id names none', async () => {
    const order = await pendingOrder();
    const trade = paid(order, { merchantId: 'mch-other', transactionId: undefined });
    const done = await fulfil(deps, order, trade, 'payNotify');
    expect(done.note).toContain('请凭微信支付账单中的交易单号联系收款商户');
  });

  test('a wrong amount is refunded in full, as much as the platform says was paid', async () => {
    const order = await pendingOrder();
    const done = await fulfil(deps, order, paid(order, { amountFen: 100 }), 'payNotify');
    expect(done).toMatchObject({
      status: 'refunded',
      note: '实付 ¥1.00 与订单金额 ¥99.00 不符，已按实付金额自动退款',
      refund: { amountFen: 100, outRefundNo: `R${order.outTradeNo}`, by: 'system' },
    });
    expect(await enrollmentOf(order)).toBeNull();
  });

  test('a wrong amount the platform does not let us refund fails for the operator, with the rail’s words', async () => {
    const order = await pendingOrder();
    rail.blocker = '该笔款项通过苹果支付，请向苹果申请退款';
    const done = await fulfil(deps, order, paid(order, { amountFen: 100 }), 'xpayNotify');
    expect(done).toMatchObject({ status: 'failed', note: rail.blocker });
    expect(done.attention?.reason).toBe('实付 ¥1.00，与订单金额 ¥99.00 不符，无法自动退款');
    expect(rail.calls).toEqual([]);
  });

  test('a payment whose amount the platform does not say fails for the operator', async () => {
    const order = await pendingOrder();
    const done = await fulfil(deps, order, paid(order, { amountFen: undefined }), 'payNotify');
    expect(done).toMatchObject({ status: 'failed', note: '支付金额与订单不符，平台已记录，客服会联系你处理退款。' });
    expect(done.attention?.reason).toBe('支付平台未返回实付金额，与订单金额 ¥99.00 不符，无法自动退款');
  });

  test('a duplicate payment the platform does not let us refund stays paid, saying where to ask', async () => {
    // The first order expires and is closed; a second one enrols the learner; the first sheet is paid after all.
    const first = await pendingOrder();
    clock.now += 31 * MINUTE;
    expect((await reconcilePending(deps, first, 'orderSweep', true)).status).toBe('closed');
    const { order } = await createOrder(
      deps,
      { openid: first._openid, clientIp: '10.0.0.1' },
      {
        courseId: first.courseId,
        rail: 'wxpay',
      },
    );
    const second = await orderDoc(order.id);
    await fulfil(deps, second, paid(second), 'payNotify');
    rail.blocker = '苹果支付的款项请向苹果申请退款';
    const done = await fulfil(deps, await orderDoc(first._id), paid(first), 'xpayNotify');
    expect(done.status).toBe('paid');
    expect(done.note).toBe('重复支付：这笔款项平台无法退回，请向付款渠道（如苹果 App Store）申请退款');
    expect(await enrollmentOf(first)).toMatchObject({ status: 'active', orderId: second._id });
  });
});

describe('what is counted after the commit', () => {
  test('a learner count that cannot be written is logged and does not fail the payment', async () => {
    const order = await pendingOrder();
    const broken = coursesUpdateFails(db);
    const done = await fulfil({ ...deps, db: broken }, order, paid(order), 'payNotify');
    expect(done.status).toBe('paid');
    expect(logged).toEqual([
      `[orders] learnerCount of ${order.courseId} not updated (the nightly recount corrects it)`,
    ]);
  });

  test('a recommender signal that fails is logged and does not fail the payment', async () => {
    const order = await pendingOrder();
    const failing: EnrollmentSignals = { ...signals, enrolled: () => Promise.reject(new Error('down')) };
    const done = await fulfil({ ...deps, signals: failing }, order, paid(order), 'payNotify');
    expect(done.status).toBe('paid');
    expect(logged).toEqual(['[orders] recommender signal failed']);
  });
});

/** The database, except that updating a course fails (an outage between the commit and the count). */
function coursesUpdateFails(real: Database): Database {
  return new Proxy(real, {
    get(target, key, receiver) {
      if (key !== 'collection') return Reflect.get(target, key, receiver);
      return (name: string) => {
        const collection = target.collection(name);
        if (name !== COLLECTIONS.courses) return collection;
        return new Proxy(collection, {
          get(c, k, r) {
            if (k !== 'doc') return Reflect.get(c, k, r);
            return (id: string) => {
              const doc = c.doc(id);
              return new Proxy(doc, {
                get(d, dk, dr) {
                  if (dk === 'update') return () => Promise.reject(new Error('database unavailable'));
                  return Reflect.get(d, dk, dr);
                },
              });
            };
          },
        });
      };
    },
  });
}

describe('the learner’s refund request', () => {
  test('someone else’s order is not found, in the learner’s words', async () => {
    const order = await paidOrder();
    await expect(ownOrder(deps, 'oSomeoneElse', order._id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: '订单不存在',
    });
  });

  test('asking again while the refund is under way answers the refund, not an error', async () => {
    const order = await paidOrder();
    rail.refundStates = ['NOTFOUND', 'PROCESSING'];
    expect((await requestRefund(deps, order._openid, { orderId: order._id, reason: '不想学了' })).status).toBe(
      'refunding',
    );
    const again = await requestRefund(deps, order._openid, { orderId: order._id, reason: '不想学了' });
    expect(again.status).toBe('refunding');
  });

  test('an unpaid order has nothing to refund', async () => {
    const order = await pendingOrder();
    await expect(requestRefund(deps, order._openid, { orderId: order._id, reason: 'x' })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: '该订单未支付，无需退款',
    });
  });

  test('a free order has nothing to refund, and the answer carries the policy', async () => {
    const order = await paidOrder();
    await db
      .collection(COLLECTIONS.orders)
      .doc(order._id)
      .update({ data: { amountFen: 0 } });
    const refusal = requestRefund(deps, order._openid, { orderId: order._id, reason: 'x' });
    await expect(refusal).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: '免费课程无需退款',
      details: { policy: { refundDays: 7, maxProgressPercent: 20 } },
    });
  });

  test('the last second of the refund window is inside it', async () => {
    const order = await paidOrder();
    const saved = clock.now;
    clock.now = new Date(order.paidAt as string).getTime() + 7 * DAY;
    try {
      const refund = await requestRefund(deps, order._openid, { orderId: order._id, reason: 'x' });
      expect(refund.status).toBe('refunded');
    } finally {
      clock.now = saved;
    }
  });

  test('past the window the refusal says so and carries no consumption', async () => {
    const order = await paidOrder();
    const saved = clock.now;
    clock.now = new Date(order.paidAt as string).getTime() + 7 * DAY + 1000;
    try {
      const error = await requestRefund(deps, order._openid, { orderId: order._id, reason: 'x' }).catch((e) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error.message).toBe('已超过支付后 7 天的退款期限');
      expect(error.details.consumption).toBeUndefined();
    } finally {
      clock.now = saved;
    }
  });

  test('when the lessons opened count as much as the progress reported, the refusal names the lessons', async () => {
    const order = await paidOrder();
    await addLessons(order.courseId!, ['变量', '函数']);
    await db
      .collection(COLLECTIONS.courseProgress)
      .doc(progressId(order._openid, order.courseId!))
      .set({
        data: {
          _openid: order._openid,
          courseId: order.courseId,
          percent: 50,
          delivered: { orderId: order._id, lessons: { [`${order.courseId}-l1`]: clock.now } },
        },
      });
    const error = await requestRefund(deps, order._openid, { orderId: order._id, reason: 'x' }).catch((e) => e);
    expect(error.message).toBe('支付后已打开付费课时《变量》，占全部付费课时的 50%，达到 20% 后不支持退款');
    expect(error.details.consumption).toMatchObject({ percent: 50, openedLessons: [{ title: '变量' }] });
  });
});

async function addLessons(courseId: string, titles: string[]): Promise<void> {
  for (const [index, title] of titles.entries()) {
    await db.collection(COLLECTIONS.lessons).add({
      data: { _id: `${courseId}-l${index + 1}`, courseId, title, order: index + 1, free: false },
    });
  }
}

describe('moving a refund on', () => {
  async function refunding(): Promise<OrderDoc> {
    const order = await paidOrder();
    rail.refundStates = ['NOTFOUND', 'PROCESSING'];
    await requestRefund(deps, order._openid, { orderId: order._id, reason: 'x' });
    rail.calls.length = 0;
    return orderDoc(order._id);
  }

  test('an order not refunding is left alone, without asking the platform', async () => {
    const order = await paidOrder();
    expect(await advanceRefund(deps, order, 'orderSweep')).toBe(order);
    const done = await refunding();
    rail.refundStates = ['SUCCESS'];
    const refunded = await advanceRefund(deps, done, 'orderSweep');
    rail.calls.length = 0;
    expect(await advanceRefund(deps, refunded, 'orderSweep')).toBe(refunded);
    expect(rail.calls).toEqual([]);
  });

  test('a refund still processing is not asked for again', async () => {
    const order = await refunding();
    rail.refundStates = ['PROCESSING'];
    expect((await advanceRefund(deps, order, 'orderSweep')).status).toBe('refunding');
    expect(rail.calls).toEqual(['queryRefund']);
  });

  test('a refund the platform lost is asked for again with the same number', async () => {
    const order = await refunding();
    rail.refundStates = ['NOTFOUND', 'SUCCESS'];
    rail.refunds.length = 0;
    expect((await advanceRefund(deps, order, 'orderSweep')).status).toBe('refunded');
    expect(rail.calls).toEqual(['queryRefund', 'refund', 'queryRefund']);
    expect(rail.refunds.map((refund) => refund.outRefundNo)).toEqual([`R${order.outTradeNo}`]);
  });

  test('a refund the platform ended is asked for again, and flagged at once when it stays ended', async () => {
    const order = await refunding();
    rail.refundStates = ['FAILED', 'FAILED'];
    const flagged = await advanceRefund(deps, order, 'orderSweep');
    expect(rail.calls).toEqual(['queryRefund', 'refund', 'queryRefund']);
    expect(flagged).toMatchObject({ status: 'refunding', refund: { needsAttention: true, failures: 1 } });
  });

  test('a refund the platform ended and restarted when asked again completes', async () => {
    const order = await refunding();
    rail.refundStates = ['FAILED', 'SUCCESS'];
    expect((await advanceRefund(deps, order, 'orderSweep')).status).toBe('refunded');
  });

  test('an error that is not the platform’s is thrown, not recorded as a refund failure', async () => {
    const order = await refunding();
    const bug = new TypeError('a bug');
    rail.refundStates = [bug];
    await expect(advanceRefund(deps, order, 'orderSweep')).rejects.toBe(bug);
    expect((await orderDoc(order._id)).refund?.failures).toBeUndefined();
  });

  test('a refund confirmed twice (two timers racing) is recorded, revoked and counted once', async () => {
    const order = await refunding();
    rail.refundStates = ['SUCCESS'];
    sent.length = 0;
    await advanceRefund(deps, order, 'orderSweep');
    const first = await orderDoc(order._id);
    await advanceRefund(deps, order, 'orderSweep');
    const second = await orderDoc(order._id);
    expect(second.refundedAt).toBe(first.refundedAt);
    expect(historyEvents(second).filter((event) => event === 'refunding→refunded')).toHaveLength(1);
    expect(sent).toEqual([['refunded', order._openid, order.courseId]]);
  });
});

describe('a refund the platform made on its own', () => {
  test('an unknown trade is no order', async () => {
    expect(await applyPlatformRefund(deps, 'CCnotOurs', undefined, 'payNotify')).toBeUndefined();
  });

  test('confirmed by the query, the order is refunded with the platform’s refund number', async () => {
    const order = await paidOrder();
    rail.trades = [{ state: 'REFUND' }];
    rail.refundStates = ['SUCCESS'];
    const done = await applyPlatformRefund(deps, order.outTradeNo, 'RF-platform', 'payNotify');
    expect(done).toMatchObject({
      status: 'refunded',
      note: '已在支付平台退款',
      refund: { outRefundNo: 'RF-platform', by: 'platform', reason: '已在支付平台退款' },
    });
    expect(await enrollmentOf(order)).toMatchObject({ status: 'revoked' });
  });

  test('without the platform’s refund number the order’s own is used', async () => {
    const order = await paidOrder();
    rail.trades = [{ state: 'REFUND' }];
    const done = await applyPlatformRefund(deps, order.outTradeNo, undefined, 'payNotify');
    expect(done?.refund?.outRefundNo).toBe(`R${order.outTradeNo}`);
  });

  test('a paid order the query does not confirm refunded stays paid', async () => {
    const order = await paidOrder();
    rail.trades = [paid(order)];
    expect((await applyPlatformRefund(deps, order.outTradeNo, undefined, 'payNotify'))?.status).toBe('paid');
  });

  test('an order that is not paid is not refunded, whatever the query says', async () => {
    const order = await pendingOrder();
    rail.trades = [{ state: 'REFUND' }];
    expect((await applyPlatformRefund(deps, order.outTradeNo, undefined, 'payNotify'))?.status).toBe('pending');
    expect(rail.calls).toEqual([]);
  });

  test('a refund the product started is moved on', async () => {
    const order = await paidOrder();
    rail.refundStates = ['NOTFOUND', 'PROCESSING'];
    await requestRefund(deps, order._openid, { orderId: order._id, reason: 'x' });
    rail.refundStates = ['SUCCESS'];
    const done = await applyPlatformRefund(deps, order.outTradeNo, undefined, 'payNotify');
    expect(done).toMatchObject({ status: 'refunded', refund: { by: 'learner' } });
  });
});

describe('notices', () => {
  const replies = { ack: 'ack', retry: 'retry' };
  const source: OrderSource = 'payNotify';

  function payment(outTradeNo: string | undefined, claimsPaid: boolean): Notice {
    return { kind: 'payment', outTradeNo, claimsPaid, summary: {} };
  }

  test('a payment notice without an order number, or for an order not ours, is acknowledged', async () => {
    expect(await handleNotice(deps, payment(undefined, true), source, replies)).toBe('ack');
    expect(await handleNotice(deps, payment('CCnotOurs', true), source, replies)).toBe('ack');
    expect(rail.calls).toEqual([]);
  });

  test.each(['NOTPAY', 'USERPAYING', 'NOTFOUND'] as TradeState[])(
    'a claimed payment the platform reports %s is asked again, and the order stays pending',
    async (state) => {
      const order = await pendingOrder();
      rail.trades = [{ state }];
      expect(await handleNotice(deps, payment(order.outTradeNo, true), source, replies)).toBe('retry');
      expect((await orderDoc(order._id)).status).toBe('pending');
    },
  );

  test('a notice that claims no payment (a failed attempt) is acknowledged while the trade is unpaid', async () => {
    const order = await pendingOrder();
    rail.trades = [{ state: 'NOTPAY' }];
    expect(await handleNotice(deps, payment(order.outTradeNo, false), source, replies)).toBe('ack');
    expect((await orderDoc(order._id)).status).toBe('pending');
  });

  test('a notice about a pending order the platform closed closes it here', async () => {
    const order = await pendingOrder();
    rail.trades = [{ state: 'CLOSED' }];
    expect(await handleNotice(deps, payment(order.outTradeNo, false), source, replies)).toBe('ack');
    expect((await orderDoc(order._id)).status).toBe('closed');
  });

  test('a refund notice without an order number is acknowledged and changes nothing', async () => {
    const order = await paidOrder();
    rail.trades = [{ state: 'REFUND' }];
    const notice: Notice = { kind: 'refund', summary: {} };
    expect(await handleNotice(deps, notice, source, replies)).toBe('ack');
    expect(rail.calls).toEqual([]);
    expect((await orderDoc(order._id)).status).toBe('paid');
  });
});

describe('describeError', () => {
  test.each([
    [{ errCode: -501001, errMsg: 'resource not found' }, '-501001 resource not found'],
    [{ errCode: 40001 }, '40001'],
    [new Error('socket hang up'), 'socket hang up'],
    [{ errCode: 1, errMsg: 'first', message: 'second' }, '1 first'],
    ['plain words', 'plain words'],
    [null, 'null'],
    [{ errMsg: 'x'.repeat(400) }, 'x'.repeat(300)],
  ])('%p → %p', (error, text) => {
    expect(describeError(error)).toBe(text);
  });
});
