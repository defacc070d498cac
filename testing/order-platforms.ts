/**
 * One test harness per payment rail, so that the orders tests (the property and model tests of shared/orders, the function tests in
 * cloudfunctions/order) run unchanged against cloudPay's sandbox and the virtual-payment sandbox: how a learner
 * creates and pays, what the platform says about a trade, and what its callback or push looks like.
 */
import { createHmac, randomBytes } from 'node:crypto';
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../local/cloud';
import { startTestCloud } from '../local/testing';
import { attachPaySandbox, SANDBOX_MCH_ID, type PaySandbox } from '../local/sandbox/pay';
import { attachXpaySandbox, XPAY_SANDBOX_CONFIG, type XpaySandbox } from '../local/sandbox/xpay';
import type { PayRail } from '../shared/contract';
import { DEFAULT_SETTINGS, type AppSettings } from '../shared/settings';
import type { OrderDoc } from '../shared/orders/model';
import { getById, type Database } from '../shared/db';
import type { Rails } from '../shared/orders/rail';
import { wxPayRail, type CloudPayApi } from '../shared/orders/wxpay/rail';
import { openApiShipping, type UploadShippingInfo } from '../shared/orders/wxpay/shipping';
import { configuredVirtualRail } from '../shared/orders/xpay/config';
import { handlePayNotification, handleXpayPush, XPAY_ACK, type OrderDeps } from '../shared/orders';
import { COLLECTIONS } from '../shared/collections';

export type PlatformState = 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'PAYERROR';
export type Outcome = { result?: unknown; error?: string };

export interface RailHarness {
  rail: PayRail;
  /** The function the platform calls back. */
  callbackFunction: string;
  /** What that function answers once a result is handled. */
  ack: unknown;
  /** The extra `order.create` params the mini-program sends on this rail (a fresh wx.login code for virtual). */
  createParams(openid: string): Record<string, unknown>;
  /** Whether the learner can still pay this order at the platform. */
  payable(order: OrderDoc): boolean;
  /** The learner pays; the platform calls back `deliveries` times (through the function). */
  /** `channel: 'apple'`: paid through Apple on iOS (virtual payment only), which the developer cannot refund. */
  pay(
    order: OrderDoc,
    options?: { deliveries?: number; concurrent?: boolean; amountFen?: number; channel?: 'wxpay' | 'apple' },
  ): Promise<Outcome[]>;
  /**
   * The learner's payment fails (cloudPay: the bank refuses, the trade is PAYERROR and can be paid again; virtual: the
   * learner cancels the sheet). The callback event the platform sends about it, if it sends one.
   */
  fail(order: OrderDoc): Promise<Record<string, unknown> | undefined>;
  /** The platform calls back again for a paid order (late or repeated). */
  redeliver(order: OrderDoc, deliveries: number): Promise<Outcome[]>;
  /** The callback event of a paid order, as the platform would send it now. */
  event(order: OrderDoc): Record<string, unknown>;
  /** A callback claiming a payment that never happened. */
  forged(order: OrderDoc): Record<string, unknown>;
  /** Handles `event` with the domain handler and `deps` (tests with a fake clock). */
  handle(deps: OrderDeps, event: Record<string, unknown>): Promise<unknown>;
  state(outTradeNo: string): PlatformState | undefined;
  /** The amount of a successful trade. */
  paid(outTradeNo: string): number | undefined;
  /** What the platform refunded of a trade, in all. */
  refunded(outTradeNo: string): number;
  /** Waits for pushes the platform started on its own. */
  idle(): Promise<void>;
}

/** The settings the sandboxes configure. */
export const SANDBOX_SETTINGS: AppSettings = {
  ...DEFAULT_SETTINGS,
  subMchId: SANDBOX_MCH_ID,
  virtualPayment: {
    ...DEFAULT_SETTINGS.virtualPayment,
    appId: XPAY_SANDBOX_CONFIG.appId,
    offerId: XPAY_SANDBOX_CONFIG.offerId,
    env: XPAY_SANDBOX_CONFIG.env,
  },
};

export interface Platforms {
  pay: PaySandbox;
  xpay: XpaySandbox;
  harness: Record<PayRail, RailHarness>;
  /** Both rails through this process's wx-server-sdk and the xpay sandbox, for domain-level deps. */
  rails(): Rails;
}

function xpayState(status: number | undefined): PlatformState | undefined {
  if (status === undefined) return undefined;
  if (status <= 1) return 'NOTPAY';
  if (status <= 4 || status === 7) return 'SUCCESS';
  if (status === 6) return 'CLOSED';
  return 'REFUND';
}

/** Attaches both sandboxes to a test cloud (pay first: it seeds the merchant into an empty settings/app). */
export function attachPlatforms(cloud: LocalCloud): Platforms {
  const pay = attachPaySandbox(cloud);
  const xpay = attachXpaySandbox(cloud);
  const wxpay: RailHarness = {
    rail: 'wxpay',
    callbackFunction: 'payNotify',
    ack: { errcode: 0, errmsg: 'OK' },
    createParams: () => ({}),
    payable: (order) => ['NOTPAY', 'PAYERROR'].includes(pay.trade(order.outTradeNo)?.state ?? ''),
    pay: (order, options = {}) =>
      pay.pay(order.outTradeNo, {
        deliveries: options.deliveries,
        concurrent: options.concurrent,
        totalFee: options.amountFen,
      }),
    fail: async (order) => {
      await pay.pay(order.outTradeNo, { result: 'FAIL', deliveries: 0 });
      return pay.callbackEvent(pay.trade(order.outTradeNo)!);
    },
    redeliver: (order, deliveries) => pay.pay(order.outTradeNo, { deliveries }),
    event: (order) => pay.callbackEvent(pay.trade(order.outTradeNo)!),
    forged: (order) => ({
      returnCode: 'SUCCESS',
      resultCode: 'SUCCESS',
      outTradeNo: order.outTradeNo,
      transactionId: '4200000000000000000000000000',
      totalFee: order.amountFen,
      subMchId: SANDBOX_MCH_ID,
      timeEnd: '20240101000000',
    }),
    handle: (deps, event) => handlePayNotification(deps, event),
    state: (outTradeNo) => pay.trade(outTradeNo)?.state,
    paid: (outTradeNo) => pay.trade(outTradeNo)?.paidFee,
    refunded: (outTradeNo) => (pay.trade(outTradeNo)?.refunds ?? []).reduce((sum, r) => sum + r.refundFee, 0),
    idle: async () => undefined,
  };
  const sheet = (order: OrderDoc) => {
    const offer = order.virtualPayment;
    const key = xpay.sessionKey(order._openid);
    if (!offer || !key) throw new Error(`order ${order._id} has no virtual offer or its learner never logged in`);
    // What the mini-program passes to wx.requestVirtualPayment; the signature computed here independently.
    return { ...offer, signature: createHmac('sha256', key).update(offer.signData).digest('hex') };
  };
  const virtual: RailHarness = {
    rail: 'virtual',
    callbackFunction: 'xpayNotify',
    ack: XPAY_ACK,
    createParams: (openid) => ({ rail: 'virtual', loginCode: xpay.login(openid) }),
    payable: (order) =>
      order.status === 'pending' &&
      !!order.virtualPayment &&
      xpayState(xpay.orders.get(order.outTradeNo)?.status) !== 'SUCCESS',
    pay: (order, options = {}) =>
      xpay.pay(order._openid, sheet(order), {
        deliveries: options.deliveries,
        concurrent: options.concurrent,
        orderFee: options.amountFen,
        channel: options.channel,
      }),
    fail: async (order) => {
      await xpay.pay(order._openid, sheet(order), { result: 'CANCEL' });
      return undefined;
    },
    redeliver: (order, deliveries) => xpay.push(order.outTradeNo, { deliveries }),
    event: (order) => xpay.deliverEvent(xpay.orders.get(order.outTradeNo)!),
    forged: (order) => ({
      MsgType: 'event',
      Event: 'xpay_goods_deliver_notify',
      OpenId: order._openid,
      OutTradeNo: order.outTradeNo,
      Env: XPAY_SANDBOX_CONFIG.env,
      WeChatPayInfo: { MchOrderNo: 'forged', TransactionId: '4200000000000000000000000000', PaidTime: 1704038400 },
      GoodsInfo: {
        ProductId: `course_${order.courseId}`,
        Quantity: 1,
        OrigPrice: order.amountFen,
        ActualPrice: order.amountFen,
        Attach: order._id,
      },
    }),
    handle: (deps, event) => handleXpayPush(deps, event),
    state: (outTradeNo) => xpayState(xpay.orders.get(outTradeNo)?.status),
    paid: (outTradeNo) => {
      const order = xpay.orders.get(outTradeNo);
      return order?.paidTime ? order.orderFee : undefined;
    },
    refunded: (outTradeNo) =>
      [...xpay.refunds.values()].filter((r) => r.outTradeNo === outTradeNo).reduce((sum, r) => sum + r.refundFee, 0),
    idle: () => xpay.idle(),
  };
  const apis = sdk as unknown as {
    cloudPay: CloudPayApi;
    openapi: { wxa: { sec: { order: { uploadShippingInfo: UploadShippingInfo } } } };
  };
  return {
    pay,
    xpay,
    harness: { wxpay, virtual },
    rails: () => ({
      wxpay: wxPayRail({
        cloudPay: apis.cloudPay,
        merchantId: SANDBOX_MCH_ID,
        envId: cloud.envId,
        callbackFunction: 'payNotify',
        nonce: () => randomBytes(8).toString('hex'),
        shipping: openApiShipping((params) => apis.openapi.wxa.sec.order.uploadShippingInfo(params)),
      }),
      virtual: configuredVirtualRail(SANDBOX_SETTINGS, process.env),
    }),
  };
}

/** Adds a published 99-yuan course with no learner yet, `id` as given; returns the id. */
export async function addCourse(db: Database, id: string): Promise<string> {
  await db.collection(COLLECTIONS.courses).add({
    data: { _id: id, status: 'published', title: id, priceFen: 9900, category: 'dev', learnerCount: 0 },
  });
  return id;
}

/** A test cloud with both pay sandboxes, and the orders domain's deps, all on one fake clock the test moves. */
export interface ClockedOrders {
  cloud: LocalCloud;
  platforms: Platforms;
  db: Database;
  deps: OrderDeps;
  /** Epoch ms that every clock reads; move it forward to let time pass. */
  clock: { now: number };
}

export async function startClockedOrders(): Promise<ClockedOrders> {
  const clock = { now: Date.now() };
  const cloud = await startTestCloud();
  const platforms = attachPlatforms(cloud);
  platforms.pay.clock = () => new Date(clock.now);
  platforms.xpay.clock = () => new Date(clock.now);
  sdk.init({ env: cloud.envId });
  const db = sdk.database();
  const deps: OrderDeps = {
    db,
    rails: platforms.rails(),
    settings: SANDBOX_SETTINGS,
    clock: () => new Date(clock.now),
    randomHex: (bytes) => randomBytes(bytes).toString('hex'),
    log: () => undefined,
  };
  return { cloud, platforms, db, deps, clock };
}

/** What the order tests share on top of a ClockedOrders. */
export interface OrderSuite extends ClockedOrders {
  /** Adds a new published 99-yuan course, `<prefix>-course-<n>`; returns its id. */
  course(): Promise<string>;
  /** The order as stored (the test knows it exists). */
  orderDoc(id: string): Promise<OrderDoc>;
}

/**
 * The test file's ClockedOrders, started before its tests and closed after them. Its fields are set once the
 * file's `beforeAll` ran: read them inside hooks and tests, not at the top level.
 */
export function useClockedOrders(prefix: string): OrderSuite {
  let made = 0;
  const suite = {
    course: () => {
      made += 1;
      return addCourse(suite.db, `${prefix}-course-${made}`);
    },
    orderDoc: async (id: string) => (await getById<OrderDoc>(suite.db, COLLECTIONS.orders, id)) as OrderDoc,
  } as OrderSuite;
  beforeAll(async () => {
    Object.assign(suite, await startClockedOrders());
  });
  afterAll(() => suite.cloud.close());
  return suite;
}
