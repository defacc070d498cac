/**
 * `POST /sandbox/pay` as a person testing by hand calls it: by the trade number, or by the order id the mini-program
 * shows (API.md §2), which pays the trade of that order's current payment.
 */
import type { LocalCloud } from '../../../cloud';
import { startTestCloud } from '../../../testing';
import { attachPaySandbox, SANDBOX_MCH_ID, type PaySandbox, type SandboxTrade } from '..';

import * as sdk from 'wx-server-sdk';

let cloud: LocalCloud;
let sandbox: PaySandbox;

beforeAll(async () => {
  cloud = await startTestCloud();
  sandbox = attachPaySandbox(cloud);
  sdk.init({ env: cloud.envId });
});
afterAll(() => cloud.close());

/** A trade the learner has not paid yet, and the order whose current payment it is. */
async function unpaidOrder(orderId: string, outTradeNo: string): Promise<void> {
  const trade: SandboxTrade = {
    outTradeNo,
    subMchId: SANDBOX_MCH_ID,
    envId: cloud.envId,
    // deliveries: 0 below, so no callback function is called.
    functionName: 'payNotify',
    totalFee: 9900,
    body: '课程',
    spbillCreateIp: '127.0.0.1',
    openid: 'o-hand',
    prepayId: `wx-${outTradeNo}`,
    state: 'NOTPAY',
    refunds: [],
  };
  sandbox.trades.set(outTradeNo, trade);
  await sdk
    .database()
    .collection('orders')
    .add({ data: { _id: orderId, _openid: 'o-hand', outTradeNo, status: 'pending' } });
}

async function pay(body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${cloud.url}/sandbox/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it('/sandbox/pay takes orderId: it pays the trade of that order', async () => {
  await unpaidOrder('order-by-id', 'CCbyid0001');
  await unpaidOrder('order-other', 'CCother001');
  expect(await pay({ orderId: 'order-by-id', deliveries: 0 })).toEqual({
    status: 200,
    body: { tradeState: 'SUCCESS', deliveries: [] },
  });
  expect(sandbox.trade('CCbyid0001')?.state).toBe('SUCCESS');
  expect(sandbox.trade('CCother001')?.state).toBe('NOTPAY');
  // By trade number as before.
  expect((await pay({ outTradeNo: 'CCother001', deliveries: 0 })).body.tradeState).toBe('SUCCESS');
});

it('/sandbox/pay refuses an unknown order, neither or both ways of naming the trade', async () => {
  expect(await pay({ orderId: 'no-such-order' })).toEqual({ status: 404, body: { errMsg: 'no order no-such-order' } });
  expect((await pay({})).status).toBe(400);
  expect((await pay({ orderId: '' })).status).toBe(400);
  expect((await pay({ orderId: 'order-by-id', outTradeNo: 'CCbyid0001' })).status).toBe(400);
});
