/** The WeChat Pay sandbox's records: the trades cloudPay made, their refunds and shipping uploads, and its faults. */

/** The merchant number the sandbox seeds into `settings/app`. */
export const SANDBOX_MCH_ID = '1900000109';
/** The service provider's merchant number cloudPay puts in `mch_id`. */
export const PROVIDER_MCH_ID = '1230000109';

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

export interface ShippingUpload {
  params: Record<string, unknown>;
  accepted: boolean;
}

export interface PaySandboxOptions {
  /** When a refund settles. @default 'immediately' */
  refunds?: 'immediately' | 'manual';
  clock?: () => Date;
}

/** A refusal of the learner's payment, with the HTTP status `/sandbox/pay` answers. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function yyyymmddhhmmss(time: Date): string {
  return new Date(time.getTime() + 8 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export class PayState {
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

  constructor(options: PaySandboxOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.refundMode = options.refunds ?? 'immediately';
  }

  trade(outTradeNo: string): SandboxTrade | undefined {
    return this.trades.get(outTradeNo);
  }

  /** Settles every refund still processing (with `refunds: 'manual'`). */
  settleRefunds(): void {
    for (const trade of this.trades.values()) {
      for (const refund of trade.refunds) if (refund.status === 'PROCESSING') refund.status = 'SUCCESS';
    }
  }

  /** The learner pays (or fails to): the trade's new state, before its callback is delivered. */
  protected settlePayment(outTradeNo: string, options: PayOptions): SandboxTrade {
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
    return trade;
  }
}
