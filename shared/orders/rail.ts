/**
 * A payment rail as the order state machine sees it: the port every provider implements, `wxpay/rail.ts` (cloudPay,
 * WeChat Pay v2) and `xpay/rail.ts` (virtual payment), so the state machine does not change with the rail.
 */
import type { OrderCreateData, PayRail } from '../contract';
import type { OrderDoc, PreparedPayment, RefundInfo } from './model';

/** The platform could not be reached or refused in a way worth retrying later. */
export class RailError extends Error {
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(`${operation}: ${message}`);
    this.name = 'RailError';
  }
}

export type TradeState =
  | 'SUCCESS'
  | 'REFUND'
  | 'NOTPAY'
  | 'CLOSED'
  | 'REVOKED'
  | 'USERPAYING'
  | 'PAYERROR'
  /** The platform has no such trade. */
  | 'NOTFOUND';

/** What the platform says about one trade. */
export interface TradeStatus {
  state: TradeState;
  amountFen?: number;
  merchantId?: string;
  transactionId?: string;
  paidAt?: Date;
  /** How the learner paid, when the rail can tell: through WeChat Pay, or another channel (Apple on iOS). */
  channel?: 'wxpay' | 'other';
}

export type RefundState = 'SUCCESS' | 'PROCESSING' | 'FAILED' | 'NOTFOUND';

/** Who is about to pay, as the client call tells it. */
export interface Payer {
  openid: string;
  /** A fresh `wx.login` code, for rails that sign per learner. */
  loginCode?: string;
}

/** What the client gets to open the payment sheet. */
export type ClientPayment = Pick<OrderCreateData, 'payment' | 'virtualPayment'>;

export interface PaymentRail {
  readonly name: PayRail;
  /** Whom the money goes to (merchant number, or offer and environment); recorded on the order and checked. */
  readonly merchantId: string;
  /**
   * Creates (or, with the same order, repeats) the platform order and returns what is stored on the order for it;
   * `paid` if the platform says it is already paid. The same order gives the same result.
   */
  prepay(order: OrderDoc): Promise<{ kind: 'payment'; prepared: PreparedPayment } | { kind: 'paid' }>;
  /** The client's payment object for a prepared order, adding what belongs to this payer (a user signature). */
  checkout(prepared: PreparedPayment, payer: Payer): Promise<ClientPayment>;
  query(order: OrderDoc): Promise<TradeStatus>;
  /** `paid`: too late to close, the learner has paid. */
  close(order: OrderDoc): Promise<'closed' | 'paid'>;
  /**
   * Asks for a full refund of what was paid (`refund.amountFen ?? order.amountFen`); idempotent per
   * `refund.outRefundNo`.
   */
  refund(order: OrderDoc, refund: RefundInfo): Promise<void>;
  queryRefund(order: OrderDoc, refund: RefundInfo): Promise<RefundState>;
  /** Why the platform cannot refund this paid order, in words for the learner; undefined when it can. */
  refundBlocker(order: OrderDoc): string | undefined;
  /** Tells the platform the course was delivered (rejects with the platform's reason). */
  ship(order: OrderDoc, itemDesc: string, at: Date): Promise<void>;
}

/** The rails a deployment offers: cloudPay always exists in CloudBase; virtual payment only once configured. */
export interface Rails {
  wxpay: PaymentRail;
  virtual?: PaymentRail;
}
