/**
 * The cloudPay result callback (wxpay/notify.ts) through the real wx-server-sdk against the local cloud and its pay
 * sandbox: what it answers the platform (`errcode: 0` only once the outcome is recorded, otherwise a retry), and the
 * few fields of each delivery it keeps in `payEvents` for the operator, never the learner's openid or the rest.
 */
import { findMany, getById, type Database } from '../../db';
import { COLLECTIONS } from '../../collections';
import type { OrderDoc } from '../model';
import { createOrder, handlePayNotification, type OrderDeps } from '..';
import { addCourse, startClockedOrders, type ClockedOrders, type Platforms } from '../../../testing/order-platforms';

let world: ClockedOrders;
let platforms: Platforms;
let db: Database;
let deps: OrderDeps;

beforeAll(async () => {
  world = await startClockedOrders();
  ({ platforms, db, deps } = world);
});
afterAll(() => world.cloud.close());

let made = 0;

/** A new learner's pending cloudPay order for a new course. */
async function pendingOrder(): Promise<OrderDoc> {
  made += 1;
  const courseId = await addCourse(db, `wxpay-notify-${made}`);
  const { order } = await createOrder(deps, { openid: `oNotify${made}`, clientIp: '10.0.0.1' }, { courseId });
  return orderDoc(order.id);
}

async function orderDoc(id: string): Promise<OrderDoc> {
  return (await getById<OrderDoc>(db, COLLECTIONS.orders, id)) as OrderDoc;
}

/** The `event` of every delivery recorded for the trade. */
async function recordedEvents(outTradeNo: string): Promise<unknown[]> {
  const docs = await findMany<{ event: unknown }>(db, COLLECTIONS.payEvents, { outTradeNo }, { limit: 10 });
  return docs.map((doc) => doc.event);
}

test('a paid trade’s callback is acknowledged, and only its payment fields are kept', async () => {
  const order = await pendingOrder();
  await platforms.pay.pay(order.outTradeNo, { deliveries: 0 });
  const event = platforms.harness.wxpay.event(order);
  // The platform's event also carries the learner's openid, app ids, a nonce and more, none of which is kept.
  expect(Object.keys(event)).toEqual(expect.arrayContaining(['openid', 'appid', 'mchId', 'nonceStr', 'cashFee']));

  expect(await handlePayNotification(deps, event)).toEqual({ errcode: 0, errmsg: 'OK' });
  expect((await orderDoc(order._id)).status).toBe('paid');
  const trade = platforms.pay.trade(order.outTradeNo)!;
  expect(await recordedEvents(order.outTradeNo)).toEqual([
    {
      returnCode: 'SUCCESS',
      resultCode: 'SUCCESS',
      outTradeNo: order.outTradeNo,
      transactionId: trade.transactionId,
      totalFee: order.amountFen,
      subMchId: order.merchantId,
      timeEnd: trade.timeEnd,
    },
  ]);
});

test('a callback claiming a payment the platform does not confirm asks to be told again, and is kept', async () => {
  const order = await pendingOrder();
  const forged = platforms.harness.wxpay.forged(order);

  expect(await handlePayNotification(deps, forged)).toEqual({
    errcode: 1,
    errmsg: 'payment not confirmed by queryOrder yet',
  });
  expect((await orderDoc(order._id)).status).toBe('pending');
  expect(await recordedEvents(order.outTradeNo)).toEqual([forged]);
});

test('a failed attempt’s callback is acknowledged and the order stays payable; its error fields are not kept', async () => {
  const order = await pendingOrder();
  const event = (await platforms.harness.wxpay.fail(order))!;
  expect(event).toMatchObject({ resultCode: 'FAIL', errCode: 'PAYERROR' });

  expect(await handlePayNotification(deps, event)).toEqual({ errcode: 0, errmsg: 'OK' });
  expect((await orderDoc(order._id)).status).toBe('pending');
  expect(await recordedEvents(order.outTradeNo)).toEqual([
    {
      returnCode: 'SUCCESS',
      resultCode: 'FAIL',
      outTradeNo: order.outTradeNo,
      totalFee: order.amountFen,
      subMchId: order.merchantId,
    },
  ]);
});
