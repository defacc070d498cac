/**
 * The pay platform as the functions reach it: cloudPay's `unifiedOrder`, `queryOrder`, `closeOrder`, `refund` and
 * `queryRefund` on the `wx.wxPayApi` transport, and the order-shipping upload on `wx.openApi`, over the sandbox's
 * trade records. Repeating unifiedOrder for an out_trade_no with the same amount, merchant and callback returns the
 * same prepay order; different parameters are refused (`INVALID_REQUEST`), a paid one answers `ORDERPAID`.
 */
import { randomBytes } from 'node:crypto';
import type { FunctionHost } from '../../functions';
import type { OpenApiCall, OpenApiReply, OpenApis, PayApiCall, PayApiReply } from '../../openapi';
import { PROVIDER_MCH_ID, yyyymmddhhmmss, type PayState, type SandboxTrade } from './state';

export const SHIPPING_API = 'wxa.sec.order.uploadShippingInfo';
const PAY_APIS = ['unifiedOrder', 'queryOrder', 'closeOrder', 'refund', 'queryRefund'];

/** Serves the platform's APIs from `state` on the cloud's open-API transports. */
export function servePayPlatformApi(apis: OpenApis, state: PayState, host: FunctionHost): void {
  for (const name of PAY_APIS) apis.payApi.register(name, (call) => handlePay(state, host, call));
  apis.openApi.register(SHIPPING_API, (call) => handleShipping(state, call));
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

const OK = { return_code: 'SUCCESS', return_msg: 'OK' };

function fail(errCode: string, des: string): PayApiReply {
  return { ...OK, result_code: 'FAIL', err_code: errCode, err_code_des: des };
}

function handlePay(state: PayState, host: FunctionHost, call: PayApiCall): PayApiReply {
  const p = call.params;
  state.calls.set(call.apiName, (state.calls.get(call.apiName) ?? 0) + 1);
  switch (call.apiName) {
    case 'unifiedOrder':
      return unifiedOrder(state, host, call);
    case 'queryOrder': {
      const trade = state.trades.get(str(p.out_trade_no));
      if (!trade || trade.subMchId !== str(p.sub_mch_id)) return fail('ORDERNOTEXIST', '此交易订单号不存在');
      const reply: PayApiReply = {
        ...OK,
        result_code: 'SUCCESS',
        mch_id: PROVIDER_MCH_ID,
        sub_mch_id: trade.paidMchId ?? trade.subMchId,
        out_trade_no: trade.outTradeNo,
        trade_state: trade.state,
        total_fee: trade.paidFee ?? trade.totalFee,
      };
      if (trade.transactionId) Object.assign(reply, { transaction_id: trade.transactionId, time_end: trade.timeEnd });
      return reply;
    }
    case 'closeOrder': {
      const trade = state.trades.get(str(p.out_trade_no));
      if (!trade || trade.subMchId !== str(p.sub_mch_id)) return fail('ORDERNOTEXIST', '订单不存在');
      if (trade.state === 'SUCCESS' || trade.state === 'REFUND') return fail('ORDERPAID', '订单已支付');
      trade.state = 'CLOSED';
      return { ...OK, result_code: 'SUCCESS' };
    }
    case 'refund': {
      const trade = state.trades.get(str(p.out_trade_no));
      if (!trade || trade.subMchId !== str(p.sub_mch_id)) return fail('ORDERNOTEXIST', '订单不存在');
      const outRefundNo = str(p.out_refund_no);
      const existing = trade.refunds.find((r) => r.outRefundNo === outRefundNo);
      if (existing)
        return { ...OK, result_code: 'SUCCESS', out_refund_no: outRefundNo, refund_fee: existing.refundFee };
      if (state.rejectRefunds > 0) {
        state.rejectRefunds -= 1;
        return fail('NOTENOUGH', '基本账户余额不足，请充值后重新发起');
      }
      if (trade.state !== 'SUCCESS') return fail('TRADE_STATE_ERROR', '订单状态错误');
      const refundFee = Number(p.refund_fee);
      if (Number(p.total_fee) !== trade.paidFee || !(refundFee > 0 && refundFee <= (trade.paidFee ?? 0))) {
        return fail('INVALID_REQUEST', '退款金额错误');
      }
      const abnormal = state.abnormalRefunds > 0;
      if (abnormal) state.abnormalRefunds -= 1;
      trade.refunds.push({
        outRefundNo,
        refundFee,
        status: abnormal ? 'CHANGE' : state.refundMode === 'manual' ? 'PROCESSING' : 'SUCCESS',
      });
      trade.state = 'REFUND';
      return { ...OK, result_code: 'SUCCESS', out_refund_no: outRefundNo, refund_fee: refundFee };
    }
    case 'queryRefund': {
      const outRefundNo = str(p.out_refund_no);
      for (const trade of state.trades.values()) {
        const refund = trade.refunds.find((r) => r.outRefundNo === outRefundNo);
        if (!refund || trade.subMchId !== str(p.sub_mch_id)) continue;
        return {
          ...OK,
          result_code: 'SUCCESS',
          out_trade_no: trade.outTradeNo,
          refund_count: 1,
          out_refund_no_0: refund.outRefundNo,
          refund_fee_0: refund.refundFee,
          refund_status_0: refund.status,
        };
      }
      return fail('REFUNDNOTEXIST', '退款订单查询失败');
    }
    default:
      return { return_code: 'FAIL', return_msg: `cloudPay API ${call.apiName} is not available` };
  }
}

function unifiedOrder(state: PayState, host: FunctionHost, call: PayApiCall): PayApiReply {
  const p = call.params;
  const outTradeNo = str(p.out_trade_no);
  const totalFee = Number(p.total_fee);
  const missing = ['body', 'out_trade_no', 'sub_mch_id', 'spbill_create_ip', 'env_id', 'function_name', 'nonce_str'];
  const absent = missing.find((key) => str(p[key]) === '');
  if (absent) return { return_code: 'FAIL', return_msg: `${absent} is required` };
  if (!/^[0-9A-Za-z_-]{1,32}$/.test(outTradeNo)) return fail('INVALID_REQUEST', 'out_trade_no 格式错误');
  if (!Number.isInteger(totalFee) || totalFee < 1) return fail('INVALID_REQUEST', 'total_fee 必须为正整数');
  if (str(p.body).length > 128) return fail('INVALID_REQUEST', 'body 超长');
  const existing = state.trades.get(outTradeNo);
  if (existing) {
    if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return fail('ORDERPAID', '该订单已支付');
    if (existing.state === 'CLOSED') return fail('ORDERCLOSED', '该订单已关闭');
    const same =
      existing.totalFee === totalFee &&
      existing.subMchId === str(p.sub_mch_id) &&
      existing.functionName === str(p.function_name) &&
      existing.envId === str(p.env_id);
    if (!same) return fail('INVALID_REQUEST', '201 商户订单号重复');
    return prepayReply(state, existing);
  }
  const trade: SandboxTrade = {
    outTradeNo,
    subMchId: str(p.sub_mch_id),
    envId: str(p.env_id),
    functionName: str(p.function_name),
    totalFee,
    body: str(p.body),
    spbillCreateIp: str(p.spbill_create_ip),
    timeExpire: str(p.time_expire) || undefined,
    openid: (call.apiToken && host.caller(call.apiToken)?.openid) || '',
    prepayId: `wx${yyyymmddhhmmss(state.clock())}${randomBytes(10).toString('hex')}`,
    state: 'NOTPAY',
    refunds: [],
  };
  state.trades.set(outTradeNo, trade);
  return prepayReply(state, trade);
}

function prepayReply(state: PayState, trade: SandboxTrade): PayApiReply {
  const timeStamp = String(Math.floor(state.clock().getTime() / 1000));
  return {
    ...OK,
    result_code: 'SUCCESS',
    prepay_id: trade.prepayId,
    trade_type: 'JSAPI',
    payment: {
      app_id: 'wxlocalcloudapp00',
      time_stamp: timeStamp,
      nonce_str: randomBytes(16).toString('hex'),
      package: `prepay_id=${trade.prepayId}`,
      sign_type: 'MD5',
      pay_sign: randomBytes(16).toString('hex').toUpperCase(),
    },
  };
}

function handleShipping(state: PayState, call: OpenApiCall): OpenApiReply {
  const params = call.params;
  const orderKey = params.order_key as { transaction_id?: unknown } | undefined;
  const paid = [...state.trades.values()].some(
    (trade) => trade.transactionId !== undefined && trade.transactionId === orderKey?.transaction_id,
  );
  const accepted = paid && params.logistics_type === 3 && state.rejectShipping === 0;
  if (state.rejectShipping > 0) state.rejectShipping -= 1;
  state.shippingUploads.push({ params, accepted });
  return accepted ? { errcode: 0, errmsg: 'ok' } : { errcode: 10060004, errmsg: '支付单处于不可发货的状态' };
}
