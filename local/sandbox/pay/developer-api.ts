/**
 * The pay sandbox's developer endpoint, which the platform does not have: `POST /sandbox/pay` plays the learner
 * paying (API.md §2) and delivers the result callback any number of times, concurrently or in sequence.
 */
import { Type } from '@sinclair/typebox';
import type { LocalCloud } from '../../cloud';
import type { LocalDatabase } from '../../db/database';
import { HttpError, sendJson } from '../../server/http';
import { Concurrent, Deliveries, readDeveloperBody } from '../developer-body';
import type { PaySandbox } from '.';
import { SandboxError } from './state';

const NAME_THE_TRADE = 'outTradeNo or orderId is required';

const PayBody = Type.Object({
  outTradeNo: Type.Optional(Type.String({ refusal: NAME_THE_TRADE })),
  orderId: Type.Optional(Type.String({ minLength: 1, refusal: NAME_THE_TRADE })),
  result: Type.Optional(
    Type.Union([Type.Literal('SUCCESS'), Type.Literal('FAIL')], { refusal: 'result must be SUCCESS or FAIL' }),
  ),
  deliveries: Deliveries,
  concurrent: Concurrent,
});

export function servePayDeveloperApi(cloud: LocalCloud, sandbox: PaySandbox, db: LocalDatabase): void {
  cloud.routes.add('POST', /^\/sandbox\/pay$/, async (req, res) => {
    const body = await readDeveloperBody(req, PayBody);
    const { result, deliveries, concurrent } = body;
    const trade = tradeNumberOf(db, body);
    try {
      const outcomes = await sandbox.pay(trade, { result, deliveries, concurrent });
      sendJson(res, 200, { tradeState: sandbox.trade(trade)?.state, deliveries: outcomes });
    } catch (error) {
      if (error instanceof SandboxError) return sendJson(res, error.status, { errMsg: error.message });
      throw error;
    }
  });
}

/**
 * The trade `/sandbox/pay` pays: `outTradeNo`, or the current payment's trade of the order `orderId` (what a person
 * testing by hand sees in the mini-program).
 */
function tradeNumberOf(db: LocalDatabase, body: { outTradeNo?: string; orderId?: string }): string {
  const { outTradeNo, orderId } = body;
  if (outTradeNo !== undefined && orderId !== undefined) {
    throw new HttpError(400, 'give outTradeNo or orderId, not both');
  }
  if (outTradeNo !== undefined) return outTradeNo;
  if (orderId === undefined) throw new HttpError(400, NAME_THE_TRADE);
  const [order] = db.collectionNames().includes('orders') ? db.find('orders', { _id: orderId }) : [];
  if (typeof order?.outTradeNo !== 'string') throw new HttpError(404, `no order ${orderId}`);
  return order.outTradeNo;
}
