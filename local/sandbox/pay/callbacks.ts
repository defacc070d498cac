/** The pay-result callback: the event the platform invokes the trade's `function_name` with, and its delivery. */
import { randomBytes } from 'node:crypto';
import { FunctionInvocationError, type FunctionHost } from '../../functions';
import { PROVIDER_MCH_ID, type SandboxTrade } from './state';

/** `TCB_SOURCE` of a pay-result callback invocation (docs/cloudbase-protocol.md §5.6). */
export const PAY_CALLBACK_SOURCE = 'wx_paycallback';

/** What one delivery of the callback returned: the function's result, or why the invocation failed. */
export type DeliveryOutcome = { result: unknown } | { error: string };

/** The camelCase WeChat Pay v2 result event for the trade as it stands. */
export function callbackEvent(trade: SandboxTrade): Record<string, unknown> {
  const paid = trade.state === 'SUCCESS' || trade.state === 'REFUND';
  const event: Record<string, unknown> = {
    returnCode: 'SUCCESS',
    appid: 'wxd678efh567hg6787',
    mchId: PROVIDER_MCH_ID,
    subAppid: 'wxlocalcloudapp00',
    subMchId: trade.paidMchId ?? trade.subMchId,
    nonceStr: randomBytes(16).toString('hex'),
    resultCode: paid ? 'SUCCESS' : 'FAIL',
    openid: trade.openid,
    subOpenid: trade.openid,
    isSubscribe: 'N',
    subIsSubscribe: 'N',
    tradeType: 'JSAPI',
    bankType: 'OTHERS',
    totalFee: trade.paidFee ?? trade.totalFee,
    cashFee: trade.paidFee ?? trade.totalFee,
    feeType: 'CNY',
    outTradeNo: trade.outTradeNo,
  };
  if (paid) Object.assign(event, { transactionId: trade.transactionId, timeEnd: trade.timeEnd });
  else Object.assign(event, { errCode: 'PAYERROR', errCodeDes: '支付失败' });
  return event;
}

/** Invokes the callback function as the platform does. */
export async function deliverCallback(
  host: FunctionHost,
  functionName: string,
  event: Record<string, unknown>,
): Promise<DeliveryOutcome> {
  try {
    return { result: await host.invoke(functionName, event, { source: PAY_CALLBACK_SOURCE }) };
  } catch (error) {
    if (error instanceof FunctionInvocationError) return { error: error.message };
    throw error;
  }
}
