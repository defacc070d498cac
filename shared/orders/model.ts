/**
 * The order document and its state machine, the same for every payment rail. Every change of state is appended to
 * the order's `history` with its time and source, so a creator can read in the console what happened to a payment.
 */
import { createHash } from 'node:crypto';
import type { BundleKind, Discount, Order, OrderStatus, PayRail, VirtualPayment, WxPayment } from '../contract';
import type { GrantTarget } from '../grants';

/** Who changed an order: a client action, a pay callback or push, or the timer. */
export type OrderSource = 'order.create' | 'order.get' | 'order.refund' | 'payNotify' | 'xpayNotify' | 'orderSweep';

export interface HistoryEntry {
  /** ISO-8601. */
  at: string;
  source: OrderSource;
  /** What happened: a transition (`pending→paid`) or an event (`shipping.uploaded`, `refund.requested`, …). */
  event: string;
  detail?: string;
}

export type ShippingStatus = 'pending' | 'uploaded' | 'failed';

/** The per-order, per-learner-independent part of a virtual payment; the user signature is added per request. */
export type VirtualOffer = Omit<VirtualPayment, 'signature'>;

/** What a rail's prepay leaves on the order for the client: cloudPay's payment, or the signed virtual offer. */
export interface PreparedPayment {
  payment?: WxPayment;
  virtualPayment?: VirtualOffer;
}

export interface RefundInfo {
  /** Our refund number at the platform (≤ 64 chars), fixed once, so a retried refund is the same refund. */
  outRefundNo: string;
  reason: string;
  /** `platform`: refunded outside the product (the MP backend, or Apple on iOS) and learned from the platform. */
  by: 'learner' | 'system' | 'platform';
  /**
   * What is refunded, fen, when it is not the order's amount: a payment of another amount than the order's is refunded
   * in full, as the platform's query reported it. Rails refund `amountFen ?? order.amountFen`.
   */
  amountFen?: number;
  /** ISO-8601. */
  requestedAt: string;
  /** The platform's last answer when it refused or could not be reached. */
  lastError?: string;
  /** Consecutive times the platform refused or could not be reached. */
  failures?: number;
  /** ISO-8601: after a failure, when the timer tries again (backoff); absent = as soon as it can. */
  nextAttemptAt?: string;
  /** The platform kept refusing (RETRY_CAP failures): still retried with backoff, but a creator should look. */
  needsAttention?: boolean;
}

/**
 * The shipping upload: `pending` until accepted (`uploaded`); `failed` once RETRY_CAP attempts were refused, after
 * which the timer no longer retries it (the last error is in `lastError` and the history).
 */
export interface ShippingInfo {
  status: ShippingStatus;
  attempts: number;
  uploadedAt?: string;
  lastError?: string;
  /** ISO-8601: after a refused upload, when the timer tries again (backoff); absent = as soon as it can. */
  nextAttemptAt?: string;
}

/** `orders` documents. Written only by functions; readable by their owner (`_openid`). */
export interface OrderDoc {
  _id: string;
  _openid: string;
  /** What is bought: exactly one of a course and a bundle. */
  courseId?: string;
  bundleId?: string;
  /** A bundle order: the bundle's kind and, for a membership, the days one payment buys (fixed at creation). */
  bundle?: { kind: BundleKind; termDays?: number };
  /** The title of the course or bundle at creation. */
  courseTitle: string;
  /** The list price at creation (absent on orders made before discounts existed: `amountFen`). */
  listPriceFen?: number;
  /** What the promotion and the coupon took off (absent on orders made before: none). */
  discounts?: Discount[];
  /** What is paid. */
  amountFen: number;
  /** The learner's coupon claim (`userCoupons`) the order holds while pending and uses once paid. */
  couponClaimId?: string;
  /** The virtual-payment item sold, when not the course's own item at its list price. */
  productId?: string;
  rail: PayRail;
  status: OrderStatus;
  /** The learner's n-th order for this course or bundle; with openid and target it makes `_id`. */
  attempt: number;
  /** Merchant order number at the pay platform: ≤ 32 of [0-9A-Za-z_-]. */
  outTradeNo: string;
  /** The merchant the order was made for (from settings at creation). */
  merchantId: string;
  /** Description the platform shows on the bill (≤ 128). */
  body: string;
  /** The caller's IP when the order was made (unifiedOrder's spbillCreateIp). */
  clientIp: string;
  createdAt: string;
  expiresAt: string;
  paidAt?: string;
  closedAt?: string;
  refundedAt?: string;
  transactionId?: string;
  /** Why a `failed` order failed, or why the system refunded it; shown to the learner. */
  note?: string;
  /** What `wx.requestPayment` needs, once the platform has a prepay order (`wxpay`). */
  payment?: WxPayment;
  /** signData, paySig and mode for `wx.requestVirtualPayment` (`virtual`). */
  virtualPayment?: VirtualOffer;
  /** How the learner paid (`other`: not WeChat Pay, e.g. Apple on iOS, which the developer cannot refund). */
  payChannel?: 'wxpay' | 'other';
  refund?: RefundInfo;
  shipping?: ShippingInfo;
  /**
   * Set when an operator has to look at the order (e.g. a payment that reached another merchant, which the product
   * cannot refund): why, in words for the operator, and when (ISO-8601).
   */
  attention?: { reason: string; at: string };
  /** Consecutive times the timer could not settle this pending or closed order (platform down, rail not offered). */
  sweepFailures?: number;
  /** ISO-8601: after such a failure, when the timer looks at the order again (backoff); absent = at once. */
  nextAttemptAt?: string;
  /** ISO-8601: when `order.get` last asked the platform about it (at most every PLATFORM_QUERY_INTERVAL_MS). */
  platformQueriedAt?: string;
  history: HistoryEntry[];
}

/**
 * The order id of a learner's n-th order for a course or bundle: concurrent creates of the same attempt collide on
 * `_id`. A course's keeps the form it had before bundles existed.
 */
export function orderId(openid: string, target: GrantTarget, attempt: number): string {
  const key = target.kind === 'course' ? target.id : `bundle:${target.id}`;
  const slot = createHash('sha256').update(`${openid}\u0000${key}`).digest('hex').slice(0, 24);
  return `${slot}-${attempt}`;
}

/** What the order buys. */
export function orderTarget(order: Pick<OrderDoc, 'courseId' | 'bundleId' | '_id'>): GrantTarget {
  if (order.courseId !== undefined) return { kind: 'course', id: order.courseId };
  if (order.bundleId !== undefined) return { kind: 'bundle', id: order.bundleId };
  throw new Error(`order ${order._id} names neither a course nor a bundle`);
}

/** `CC` + yyMMddHHmmss (UTC+8) + 14 random hex: 28 characters, unique per merchant. */
export function newOutTradeNo(now: Date, randomHex: string): string {
  return `CC${beijingStamp(now).slice(2)}${randomHex.slice(0, 14)}`;
}

/** yyyyMMddHHmmss in UTC+8, the pay platform's time format. */
export function beijingStamp(time: Date): string {
  return new Date(time.getTime() + 8 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The inverse of beijingStamp; undefined when `stamp` is not one. */
export function parseBeijingStamp(stamp: unknown): Date | undefined {
  if (typeof stamp !== 'string' || !/^\d{14}$/.test(stamp)) return undefined;
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:${stamp.slice(12, 14)}+08:00`;
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/** The allowed transitions; anything else is a bug and is refused. */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['paid', 'closed', 'failed'],
  closed: ['paid', 'failed'],
  paid: ['refunding'],
  refunding: ['refunded'],
  refunded: [],
  failed: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function transitionEntry(
  from: OrderStatus,
  to: OrderStatus,
  at: string,
  source: OrderSource,
  detail?: string,
): HistoryEntry {
  if (!canTransition(from, to)) throw new Error(`order transition ${from}→${to} is not allowed`);
  return detail === undefined ? { at, source, event: `${from}→${to}` } : { at, source, event: `${from}→${to}`, detail };
}

/** What the learner sees of an order. */
export function toOrder(doc: OrderDoc): Order {
  const order: Order = {
    id: doc._id,
    courseTitle: doc.courseTitle,
    listPriceFen: doc.listPriceFen ?? doc.amountFen,
    discounts: doc.discounts ?? [],
    amountFen: doc.amountFen,
    status: doc.status,
    rail: doc.rail,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
  };
  if (doc.courseId !== undefined) order.courseId = doc.courseId;
  if (doc.bundleId !== undefined) order.bundleId = doc.bundleId;
  if (doc.paidAt) order.paidAt = doc.paidAt;
  if (doc.closedAt) order.closedAt = doc.closedAt;
  if (doc.refund) order.refundRequestedAt = doc.refund.requestedAt;
  if (doc.refundedAt) order.refundedAt = doc.refundedAt;
  if (doc.note) order.note = doc.note;
  return order;
}

/** A bill description of at most `max` characters. */
export function billBody(courseTitle: string, max = 128): string {
  const body = `课程-${courseTitle}`;
  return body.length <= max ? body : `${body.slice(0, max - 1)}…`;
}
