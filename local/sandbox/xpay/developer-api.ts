/**
 * The xpay sandbox's developer endpoints, which the platform does not have: `POST /sandbox/xpay/login` gives a
 * `wx.login` code for an openid (what the mini-program would get); `POST /sandbox/xpay/pay` is the payment sheet
 * (what `wx.requestVirtualPayment` takes), then pushes the delivery; `POST /sandbox/xpay/push` sends late or repeated
 * pushes, a refund made outside the product, or Apple's iOS refund inquiry.
 */
import { Type } from '@sinclair/typebox';
import type { LocalCloud } from '../../cloud';
import { sendJson } from '../../server/http';
import { Concurrent, Deliveries, readDeveloperBody } from '../developer-body';
import type { XpaySandbox } from '.';
import { XpaySheetError, type Json } from './state';

const LoginBody = Type.Object({ openid: Type.String({ minLength: 1 }) });

const PayBody = Type.Object({
  openid: Type.String(),
  signData: Type.String(),
  paySig: Type.String(),
  signature: Type.String(),
  mode: Type.String(),
  result: Type.Optional(
    Type.Union([Type.Literal('SUCCESS'), Type.Literal('CANCEL')], { refusal: 'result must be SUCCESS or CANCEL' }),
  ),
  channel: Type.Optional(
    Type.Union([Type.Literal('wxpay'), Type.Literal('apple')], { refusal: 'channel must be wxpay or apple' }),
  ),
  deliveries: Deliveries,
  concurrent: Concurrent,
});

const PushBody = Type.Object({
  outTradeNo: Type.String(),
  deliveries: Deliveries,
  event: Type.Optional(
    Type.Union([Type.Literal('deliver'), Type.Literal('refundOutside'), Type.Literal('iosRefundQuery')], {
      refusal: 'event must be deliver, refundOutside or iosRefundQuery',
    }),
  ),
  // Any value but `true` pushes one after another.
  concurrent: Type.Optional(Type.Unknown()),
});

export function serveXpayDeveloperApi(cloud: LocalCloud, sandbox: XpaySandbox): void {
  cloud.routes.add('POST', /^\/sandbox\/xpay\/login$/, async (req, res) => {
    const { openid } = await readDeveloperBody(req, LoginBody);
    sendJson(res, 200, { code: sandbox.login(openid) });
  });

  cloud.routes.add('POST', /^\/sandbox\/xpay\/pay$/, async (req, res) => {
    const body = await readDeveloperBody(req, PayBody);
    const { openid, signData, paySig, signature, mode, result, channel, deliveries, concurrent } = body;
    try {
      const outcomes = await sandbox.pay(
        openid,
        { signData, paySig, signature, mode },
        { result, channel, deliveries, concurrent },
      );
      const outTradeNo = String((JSON.parse(signData) as Json).outTradeNo);
      sendJson(res, 200, { status: sandbox.orders.get(outTradeNo)?.status, deliveries: outcomes });
    } catch (error) {
      if (error instanceof XpaySheetError) return sendJson(res, 400, { errCode: error.errCode, errMsg: error.errMsg });
      throw error;
    }
  });

  cloud.routes.add('POST', /^\/sandbox\/xpay\/push$/, async (req, res) => {
    const { outTradeNo, event = 'deliver', deliveries, concurrent } = await readDeveloperBody(req, PushBody);
    if (event === 'deliver') {
      const outcomes = await sandbox.push(outTradeNo, { deliveries, concurrent: concurrent === true });
      return sendJson(res, 200, { deliveries: outcomes });
    }
    if (event === 'refundOutside') {
      const refund = sandbox.refundOutside(outTradeNo);
      await sandbox.idle();
      return sendJson(res, 200, { refundOrderId: refund.refundOrderId });
    }
    sendJson(res, 200, await sandbox.iosRefundQuery(outTradeNo));
  });
}
