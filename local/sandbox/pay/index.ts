/**
 * The WeChat Pay sandbox of the local cloud: cloudPay's `unifiedOrder`, `queryOrder`, `closeOrder`, `refund` and
 * `queryRefund` over its own trade records, the order-shipping open API, and `POST /sandbox/pay`, which plays the
 * learner paying and delivers the result callback (API.md §2) any number of times, concurrently or in sequence.
 *
 * Platform faults: `openApisOf(cloud).payApi.setFault(name, { unavailable, delayMs })` (and `.openApi` for the
 * shipping upload). Modelled behaviour worth knowing:
 * - repeating unifiedOrder for an out_trade_no with the same amount, merchant and callback returns the same prepay
 *   order; different parameters are refused (`INVALID_REQUEST`), a paid one answers `ORDERPAID`;
 * - time_expire is recorded but not enforced: a trade can be paid until it is closed, which is what makes "paid after
 *   our expiry" testable;
 * - refunds settle at once unless `refunds: 'manual'` (then `settleRefunds()`).
 */
import { randomBytes } from 'node:crypto';
import type { LocalCloud } from '../../cloud';
import type { LocalDatabase } from '../../db/database';
import { FunctionInvocationError, type FunctionHost } from '../../functions';
import type { PayApiCall, PayApiReply, OpenApiCall } from '../../openapi';
import type { CloudPart } from '../../parts';
import { parseJsonObject, readBody, sendJson } from '../../server/http';

/** `TCB_SOURCE` of a pay-result callback invocation (docs/cloudbase-protocol.md §5.6). */
export const PAY_CALLBACK_SOURCE = 'wx_paycallback';
/** The merchant number the sandbox seeds into `settings/app`. */
export const SANDBOX_MCH_ID = '1900000109';
/** The service provider's merchant number cloudPay puts in `mch_id`. */
const PROVIDER_MCH_ID = '1230000109';
export const SHIPPING_API = 'wxa.sec.order.uploadShippingInfo';

export type SandboxTradeState = 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'PAYERROR';

export interface SandboxRefund {
  outRefundNo: string;
  refundFee: number;
  /** `CHANGE` (退款异常): the money could not go back the way it came (a cancelled card); the merchant handles it. */
  status: 'PROCESSING' | 'SUCCESS' | 'CHANGE';
}

export interface SandboxTrade {
  outTradeNo: string;
  subMchId: string;
  envId: string;
  functionName: string;
  /** What unifiedOrder asked for. */
  totalFee: number;
  body: string;
  spbillCreateIp: string;
  timeExpire?: string;
  openid: string;
  prepayId: string;
  state: SandboxTradeState;
  /** What was paid, once paid (a test may make it differ from `totalFee`). */
  paidFee?: number;
  paidMchId?: string;
  transactionId?: string;
  timeEnd?: string;
  refunds: SandboxRefund[];
}

export interface PayOptions {
  /** @default 'SUCCESS' */
  result?: 'SUCCESS' | 'FAIL';
  /** Callback deliveries after the state change. @default 1 */
  deliveries?: number;
  /** Deliver all at once instead of one after another. @default false */
  concurrent?: boolean;
  /** Tamper: the amount the platform records as paid. @default the ordered amount */
  totalFee?: number;
  /** Tamper: the merchant the platform records as paid. @default the ordered merchant */
  subMchId?: string;
}

/** What one delivery of the callback returned: the function's result, or why the invocation failed. */
export type DeliveryOutcome = { result: unknown } | { error: string };

export interface ShippingUpload {
  params: Record<string, unknown>;
  accepted: boolean;
}

export interface PaySandboxOptions {
  /** When a refund settles. @default 'immediately' */
  refunds?: 'immediately' | 'manual';
  clock?: () => Date;
}

function yyyymmddhhmmss(time: Date): string {
  return new Date(time.getTime() + 8 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

const OK = { return_code: 'SUCCESS', return_msg: 'OK' };

function fail(errCode: string, des: string): PayApiReply {
  return { ...OK, result_code: 'FAIL', err_code: errCode, err_code_des: des };
}

export class PaySandbox {
  readonly trades = new Map<string, SandboxTrade>();
  readonly shippingUploads: ShippingUpload[] = [];
  /** Make the next n shipping uploads fail with errcode 10060004 (支付单处于不可发货的状态). */
  rejectShipping = 0;
  /** Make the next n new refund requests fail with NOTENOUGH (基本账户余额不足), as a merchant short of funds sees. */
  rejectRefunds = 0;
  /** Make the next n new refunds end `CHANGE` (退款异常) instead of settling. */
  abnormalRefunds = 0;
  /** When a refund settles: at once, or when `settleRefunds()` is called. */
  refundMode: 'immediately' | 'manual';
  /** The platform's clock (payment times, prepay timestamps); tests may replace it with their fake clock. */
  clock: () => Date;
  /** How many times each cloudPay API was called (`queryOrder`, …), for tests that count platform traffic. */
  readonly calls = new Map<string, number>();
  private sequence = 0;

  constructor(
    private readonly host: FunctionHost,
    options: PaySandboxOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.refundMode = options.refunds ?? 'immediately';
  }

  trade(outTradeNo: string): SandboxTrade | undefined {
    return this.trades.get(outTradeNo);
  }

  /** The learner pays (or fails to): the trade's state changes, then the callback is delivered. */
  async pay(outTradeNo: string, options: PayOptions = {}): Promise<DeliveryOutcome[]> {
    const trade = this.trades.get(outTradeNo);
    if (!trade) throw new SandboxError(404, `no sandbox trade ${outTradeNo}`);
    const result = options.result ?? 'SUCCESS';
    if (trade.state === 'NOTPAY' || trade.state === 'PAYERROR') {
      if (result === 'SUCCESS') {
        trade.state = 'SUCCESS';
        trade.paidFee = options.totalFee ?? trade.totalFee;
        trade.paidMchId = options.subMchId ?? trade.subMchId;
        trade.transactionId = `4200${yyyymmddhhmmss(this.clock()).slice(0, 8)}${String(++this.sequence).padStart(18, '0')}`;
        trade.timeEnd = yyyymmddhhmmss(this.clock());
      } else {
        trade.state = 'PAYERROR';
      }
    } else if (!(trade.state === 'SUCCESS' && result === 'SUCCESS')) {
      // Paying a closed or refunded trade is impossible; re-paying a paid one only re-delivers its callback.
      throw new SandboxError(409, `sandbox trade ${outTradeNo} is ${trade.state} and cannot be paid`);
    }
    const deliveries = options.deliveries ?? 1;
    if (options.concurrent) {
      return Promise.all(
        Array.from({ length: deliveries }, () => this.deliver(trade.functionName, this.callbackEvent(trade))),
      );
    }
    const outcomes: DeliveryOutcome[] = [];
    for (let i = 0; i < deliveries; i += 1)
      outcomes.push(await this.deliver(trade.functionName, this.callbackEvent(trade)));
    return outcomes;
  }

  /** The camelCase WeChat Pay v2 result event for the trade as it stands. */
  callbackEvent(trade: SandboxTrade): Record<string, unknown> {
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

  /** Invokes the callback function as the platform does; any event, so tests can forge one. */
  async deliver(functionName: string, event: Record<string, unknown>): Promise<DeliveryOutcome> {
    try {
      return { result: await this.host.invoke(functionName, event, { source: PAY_CALLBACK_SOURCE }) };
    } catch (error) {
      if (error instanceof FunctionInvocationError) return { error: error.message };
      throw error;
    }
  }

  /** Settles every refund still processing (with `refunds: 'manual'`). */
  settleRefunds(): void {
    for (const trade of this.trades.values()) {
      for (const refund of trade.refunds) if (refund.status === 'PROCESSING') refund.status = 'SUCCESS';
    }
  }

  handlePay(call: PayApiCall): PayApiReply {
    const p = call.params;
    this.calls.set(call.apiName, (this.calls.get(call.apiName) ?? 0) + 1);
    switch (call.apiName) {
      case 'unifiedOrder':
        return this.unifiedOrder(call);
      case 'queryOrder': {
        const trade = this.trades.get(str(p.out_trade_no));
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
        const trade = this.trades.get(str(p.out_trade_no));
        if (!trade || trade.subMchId !== str(p.sub_mch_id)) return fail('ORDERNOTEXIST', '订单不存在');
        if (trade.state === 'SUCCESS' || trade.state === 'REFUND') return fail('ORDERPAID', '订单已支付');
        trade.state = 'CLOSED';
        return { ...OK, result_code: 'SUCCESS' };
      }
      case 'refund': {
        const trade = this.trades.get(str(p.out_trade_no));
        if (!trade || trade.subMchId !== str(p.sub_mch_id)) return fail('ORDERNOTEXIST', '订单不存在');
        const outRefundNo = str(p.out_refund_no);
        const existing = trade.refunds.find((r) => r.outRefundNo === outRefundNo);
        if (existing)
          return { ...OK, result_code: 'SUCCESS', out_refund_no: outRefundNo, refund_fee: existing.refundFee };
        if (this.rejectRefunds > 0) {
          this.rejectRefunds -= 1;
          return fail('NOTENOUGH', '基本账户余额不足，请充值后重新发起');
        }
        if (trade.state !== 'SUCCESS') return fail('TRADE_STATE_ERROR', '订单状态错误');
        const refundFee = Number(p.refund_fee);
        if (Number(p.total_fee) !== trade.paidFee || !(refundFee > 0 && refundFee <= (trade.paidFee ?? 0))) {
          return fail('INVALID_REQUEST', '退款金额错误');
        }
        const abnormal = this.abnormalRefunds > 0;
        if (abnormal) this.abnormalRefunds -= 1;
        trade.refunds.push({
          outRefundNo,
          refundFee,
          status: abnormal ? 'CHANGE' : this.refundMode === 'manual' ? 'PROCESSING' : 'SUCCESS',
        });
        trade.state = 'REFUND';
        return { ...OK, result_code: 'SUCCESS', out_refund_no: outRefundNo, refund_fee: refundFee };
      }
      case 'queryRefund': {
        const outRefundNo = str(p.out_refund_no);
        for (const trade of this.trades.values()) {
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

  private unifiedOrder(call: PayApiCall): PayApiReply {
    const p = call.params;
    const outTradeNo = str(p.out_trade_no);
    const totalFee = Number(p.total_fee);
    const missing = ['body', 'out_trade_no', 'sub_mch_id', 'spbill_create_ip', 'env_id', 'function_name', 'nonce_str'];
    const absent = missing.find((key) => str(p[key]) === '');
    if (absent) return { return_code: 'FAIL', return_msg: `${absent} is required` };
    if (!/^[0-9A-Za-z_-]{1,32}$/.test(outTradeNo)) return fail('INVALID_REQUEST', 'out_trade_no 格式错误');
    if (!Number.isInteger(totalFee) || totalFee < 1) return fail('INVALID_REQUEST', 'total_fee 必须为正整数');
    if (str(p.body).length > 128) return fail('INVALID_REQUEST', 'body 超长');
    const existing = this.trades.get(outTradeNo);
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return fail('ORDERPAID', '该订单已支付');
      if (existing.state === 'CLOSED') return fail('ORDERCLOSED', '该订单已关闭');
      const same =
        existing.totalFee === totalFee &&
        existing.subMchId === str(p.sub_mch_id) &&
        existing.functionName === str(p.function_name) &&
        existing.envId === str(p.env_id);
      if (!same) return fail('INVALID_REQUEST', '201 商户订单号重复');
      return this.prepayReply(existing);
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
      openid: (call.apiToken && this.host.caller(call.apiToken)?.openid) || '',
      prepayId: `wx${yyyymmddhhmmss(this.clock())}${randomBytes(10).toString('hex')}`,
      state: 'NOTPAY',
      refunds: [],
    };
    this.trades.set(outTradeNo, trade);
    return this.prepayReply(trade);
  }

  private prepayReply(trade: SandboxTrade): PayApiReply {
    const timeStamp = String(Math.floor(this.clock().getTime() / 1000));
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

  handleShipping(call: OpenApiCall): Record<string, unknown> {
    const params = call.params;
    const orderKey = params.order_key as { transaction_id?: unknown } | undefined;
    const paid = [...this.trades.values()].some(
      (trade) => trade.transactionId !== undefined && trade.transactionId === orderKey?.transaction_id,
    );
    const accepted = paid && params.logistics_type === 3 && this.rejectShipping === 0;
    if (this.rejectShipping > 0) this.rejectShipping -= 1;
    this.shippingUploads.push({ params, accepted });
    return accepted ? { errcode: 0, errmsg: 'ok' } : { errcode: 10060004, errmsg: '支付单处于不可发货的状态' };
  }
}

class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The trade `/sandbox/pay` pays: `outTradeNo`, or the current payment's trade of the order `orderId` (what a person
 * testing by hand sees in the mini-program), or the HTTP error to answer.
 */
function tradeNumberOf(
  db: LocalDatabase,
  body: Record<string, unknown>,
): { outTradeNo: string } | { status: number; errMsg: string } {
  const { outTradeNo, orderId } = body;
  if (outTradeNo !== undefined && orderId !== undefined) {
    return { status: 400, errMsg: 'give outTradeNo or orderId, not both' };
  }
  if (typeof outTradeNo === 'string') return { outTradeNo };
  if (typeof orderId !== 'string' || orderId === '')
    return { status: 400, errMsg: 'outTradeNo or orderId is required' };
  const [order] = db.collectionNames().includes('orders') ? db.find('orders', { _id: orderId }) : [];
  if (typeof order?.outTradeNo !== 'string') return { status: 404, errMsg: `no order ${orderId}` };
  return { outTradeNo: order.outTradeNo };
}

/**
 * The pay sandbox part: the platform's APIs on the cloud's open-API transports, `POST /sandbox/pay`, and
 * `settings/app` seeded with the sandbox merchant when the database has no settings yet.
 */
export function paySandboxPart(options: PaySandboxOptions = {}): CloudPart<'pay'> {
  return {
    name: 'pay',
    attach(cloud) {
      const db = cloud.parts.get('database');
      const sandbox = new PaySandbox(cloud.parts.get('functions'), options);
      const apis = cloud.parts.get('openApi');
      for (const name of ['unifiedOrder', 'queryOrder', 'closeOrder', 'refund', 'queryRefund']) {
        apis.payApi.register(name, (call) => sandbox.handlePay(call));
      }
      apis.openApi.register(SHIPPING_API, (call) => sandbox.handleShipping(call));

      if (db.collectionNames().includes('settings') && db.find('settings', { _id: 'app' }).length === 0) {
        db.insert('settings', [{ _id: 'app', subMchId: SANDBOX_MCH_ID }]);
      }

      cloud.routes.add('POST', /^\/sandbox\/pay$/, async (req, res) => {
        const body = parseJsonObject(await readBody(req));
        const { result, deliveries, concurrent } = body;
        const trade = tradeNumberOf(db, body);
        if ('status' in trade) return sendJson(res, trade.status, { errMsg: trade.errMsg });
        const { outTradeNo } = trade;
        if (result !== undefined && result !== 'SUCCESS' && result !== 'FAIL') {
          return sendJson(res, 400, { errMsg: 'result must be SUCCESS or FAIL' });
        }
        if (deliveries !== undefined && !(Number.isInteger(deliveries) && (deliveries as number) >= 0)) {
          return sendJson(res, 400, { errMsg: 'deliveries must be an integer >= 0' });
        }
        if (concurrent !== undefined && typeof concurrent !== 'boolean') {
          return sendJson(res, 400, { errMsg: 'concurrent must be true or false' });
        }
        try {
          const outcomes = await sandbox.pay(outTradeNo, {
            result,
            deliveries: deliveries as number | undefined,
            concurrent,
          });
          sendJson(res, 200, { tradeState: sandbox.trade(outTradeNo)?.state, deliveries: outcomes });
        } catch (error) {
          if (error instanceof SandboxError) return sendJson(res, error.status, { errMsg: error.message });
          throw error;
        }
      });
      return sandbox;
    },
  };
}

/** Attaches the pay sandbox to a started cloud (tests of the product; `npm start` runs it from the start). */
export function attachPaySandbox(cloud: LocalCloud, options: PaySandboxOptions = {}): PaySandbox {
  return cloud.parts.add(paySandboxPart(options));
}
