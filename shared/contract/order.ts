/**
 * The `order` function: what each action takes and answers (API.md §1). Prices, order numbers, expiry and states come
 * from the server; the client only names the course, the payment rail it can use and, for the virtual rail, a fresh
 * `wx.login` code (the server exchanges it for the learner's session key, which never leaves the server).
 */
import { Type, type Static } from '@sinclair/typebox';
import { DocId } from './catalog';
import type { RequestOf } from './handler';
import { Discount } from './promo';
import { exactlyOneOf, Line, StringEnum, Text } from './validation';

/** Payment rails: `wxpay` = cloudPay (WeChat Pay v2 through CloudBase), `virtual` = 小程序虚拟支付 (issue 8). */
export const PAY_RAILS = ['wxpay', 'virtual'] as const;
export type PayRail = (typeof PAY_RAILS)[number];

/**
 * The order state machine, the same for every rail:
 * `pending → paid | closed | failed`, `closed → paid` (a payment confirmed after we closed it locally),
 * `paid → refunding → refunded` (a refund the platform rejects stays `refunding` and is retried).
 */
export const ORDER_STATUSES = ['pending', 'paid', 'closed', 'refunding', 'refunded', 'failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** @default values the `list` action applies when the param is absent. */
export const ORDER_LIST_DEFAULTS = { page: 1, pageSize: 20 } as const;

export const orderActions = {
  create: Type.Object(
    {
      /** Exactly one of `courseId` and `bundleId`: what is bought. */
      courseId: Type.Optional(DocId),
      /** A membership or 专栏 (catalog.bundles). */
      bundleId: Type.Optional(DocId),
      /** A coupon the learner claimed (`Coupon.id`); their earliest usable claim of it is used (promo.quote). */
      couponId: Type.Optional(DocId),
      /** The rail the client can pay with; absent = the configured default. iOS must ask for `virtual`. */
      rail: Type.Optional(StringEnum(PAY_RAILS)),
      /**
       * A fresh `wx.login` code. Needed when the order is paid on the `virtual` rail: the server exchanges it
       * (jscode2session) for the session key that signs the payment for this learner; ignored on `wxpay`.
       */
      loginCode: Type.Optional(Line({ minLength: 1, maxLength: 128 })),
    },
    { additionalProperties: false, ...exactlyOneOf(['courseId', 'bundleId']) },
  ),
  get: Type.Object({ orderId: DocId }, { additionalProperties: false }),
  list: Type.Object(
    {
      /** 1-based. */
      page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
      /** Only the orders of this course (e.g. the pending one on the course page). */
      courseId: Type.Optional(DocId),
      /** Only the orders of this membership or 专栏 (the pending one on the bundle page). */
      bundleId: Type.Optional(DocId),
      /** Only orders in this state. */
      status: Type.Optional(StringEnum(ORDER_STATUSES)),
    },
    { additionalProperties: false },
  ),
  refund: Type.Object(
    {
      orderId: DocId,
      /** The learner's words, kept on the order for the creator. */
      reason: Text({ minLength: 1, maxLength: 200 }),
    },
    { additionalProperties: false },
  ),
};

export type OrderRequest = RequestOf<typeof orderActions>;
export type OrderCreateParams = Static<typeof orderActions.create>;
export type OrderGetParams = Static<typeof orderActions.get>;
export type OrderListParams = Static<typeof orderActions.list>;
export type OrderRefundParams = Static<typeof orderActions.refund>;

/** An order as the learner sees it. Times are ISO-8601. */
export const Order = Type.Object({
  id: Type.String(),
  /** A course order's course. */
  courseId: Type.Optional(Type.String()),
  /** A membership or 专栏 order's bundle. */
  bundleId: Type.Optional(Type.String()),
  /** Snapshot of the course's (or bundle's) title when the order was made. */
  courseTitle: Type.String(),
  /** The list price when the order was made, fen. */
  listPriceFen: Type.Integer({ minimum: 0 }),
  /** The limited-time price and the coupon, each with what it took off: `amountFen = listPriceFen − Σ`. */
  discounts: Type.Array(Discount),
  /** What is paid, fen. */
  amountFen: Type.Integer({ minimum: 0 }),
  status: StringEnum(ORDER_STATUSES),
  rail: StringEnum(PAY_RAILS),
  createdAt: Type.String(),
  /** After this a pending order is closed; a payment made later is still honoured. */
  expiresAt: Type.String(),
  paidAt: Type.Optional(Type.String()),
  closedAt: Type.Optional(Type.String()),
  refundRequestedAt: Type.Optional(Type.String()),
  refundedAt: Type.Optional(Type.String()),
  /** Why a `failed` order failed, or why a refund was made by the system; safe to show. */
  note: Type.Optional(Type.String()),
});
export type Order = Static<typeof Order>;

/** The object to spread into `wx.requestPayment` (cloudPay's `payment`). */
export const WxPayment = Type.Object({
  appId: Type.Optional(Type.String()),
  timeStamp: Type.String(),
  nonceStr: Type.String(),
  package: Type.String(),
  signType: Type.String(),
  paySign: Type.String(),
});
export type WxPayment = Static<typeof WxPayment>;

/** The `mode` of a one-off item purchase (道具直购) in `wx.requestVirtualPayment`. */
export const VIRTUAL_PAYMENT_MODE = 'short_series_goods';

/**
 * What `wx.requestVirtualPayment` takes: `signData` is the exact JSON text the server signed (pass it on unchanged),
 * `paySig` its signature with the AppKey, `signature` its signature with the learner's session key.
 */
export const VirtualPayment = Type.Object({
  signData: Type.String(),
  paySig: Type.String(),
  signature: Type.String(),
  mode: Type.String(),
});
export type VirtualPayment = Static<typeof VirtualPayment>;

export interface OrderCreateData {
  order: Order;
  /** Present for a pending `wxpay` order; a free course is enrolled at once and has none. */
  payment?: WxPayment;
  /** Present for a pending `virtual` order. */
  virtualPayment?: VirtualPayment;
}

export interface OrderGetData {
  order: Order;
}

/** How the refund policy counts a learner's consumption of a course (shared/learning/consumption.ts). */
export const REFUND_CONSUMPTION_RULE = 'max(reported progress, share of paid lessons opened after payment)';

/** The same rule in words the mini-program shows beside the policy. */
export const REFUND_CONSUMPTION_TEXT =
  '学习进度按两者中较高的计算：课程的学习进度，以及支付后已打开（获取了视频、音频或正文）的付费课时占全部付费课时的比例；试看课时不计入。会员和专栏按其包含的全部课程合并计算。';

/** What a refund does to the coupon the order used, in words the mini-program shows beside the policy. */
export const REFUND_COUPON_TEXT = '使用了优惠券的订单退款后，优惠券仍在有效期内的退回你的账户，已过期的不再退回。';

/** The refund policy as configured (shared/settings `refund`), to show the learner before they ask. */
export interface RefundPolicy {
  /** A refund can be asked for this many days after payment. */
  refundDays: number;
  /** A refund is refused once the learner's consumption of the course (`consumption`) reaches this percent. */
  maxProgressPercent: number;
  /** How consumption is counted, machine-readable. */
  consumption: typeof REFUND_CONSUMPTION_RULE;
  /** The same in a sentence for the learner. */
  consumptionText: string;
  /** What a refund does to the order's coupon (REFUND_COUPON_TEXT). */
  couponText: string;
}

/** A learner's consumption of a course since the payment, as the policy counted it for a refusal. */
export interface RefundConsumption {
  /** max(reportedPercent, openedPercent). */
  percent: number;
  reportedPercent: number;
  /** Paid lessons opened after the payment over all paid lessons of the course. */
  openedPercent: number;
  /** Those lessons, in course order. */
  openedLessons: { id: string; title: string }[];
}

export interface OrderListData {
  /** Newest first. */
  items: Order[];
  /** Matching orders (with the filters), over all pages. */
  total: number;
  policy: RefundPolicy;
}

/** `details` of the FAILED_PRECONDITION by which the policy refuses an `order.refund` (the message says why). */
export interface RefundRefusalDetails {
  policy: RefundPolicy;
  /** Present when the course was consumed beyond the policy (not for a refusal by the refund window). */
  consumption?: RefundConsumption;
}

export interface OrderRefundData {
  order: Order;
}

export interface OrderResponses {
  create: OrderCreateData;
  get: OrderGetData;
  list: OrderListData;
  refund: OrderRefundData;
}
