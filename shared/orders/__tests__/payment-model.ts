/**
 * The model of the payment flow that orders.model.test.ts checks the product against: what the learner, the pay
 * platform and the timer do, and what the product must answer, written from the product's rules (README, issue 11's
 * decisions) and the platforms' documented behaviour, never from the production code. Pure data and functions: a
 * state can be cloned and replayed, which is how a concurrent command is checked against every order its operations
 * could have run in.
 *
 * Times are epoch ms on the test's fake clock, always whole seconds (the platforms report payment times in seconds).
 */
import type { OrderStatus, PayRail } from '../../contract';

/**
 * Decided behaviours (issue 11) that other helpers are landing: each is the model's prediction for the decided
 * behaviour when true, for the code before it when false. Flip one when its commit lands.
 */
export const DECIDED = {
  /** Decision 3: a same-merchant payment of the wrong amount is refunded (the amount actually paid), not `failed`. */
  mismatchRefunds: true,
  /** Decision 3: a payment to another merchant leaves `attention` on the failed order for the operator. */
  wrongMerchantFlagged: true,
  /** Decision 4: a failed cloudPay payment (PAYERROR) keeps the order pending; only expiry or replacement closes it. */
  payErrorStaysPending: true,
  /** Decision 5: paid lessons handed out after the payment count as consumed for the refund policy. */
  consumptionCountsDeliveries: true,
  /** Decision 6: per-learner write limits (README): order.create 10 at once then one per 10 s; order.refund 6 then one a minute. */
  rateLimits: true,
};

export type Behaviour = typeof DECIDED;

/** The product's settings the model relies on (shared/settings DEFAULT_SETTINGS). */
export const RULES = {
  orderLifetimeMs: 30 * 60_000,
  reconcileWindowMs: 180 * 60_000,
  refundWindowMs: 7 * 86_400_000,
  maxProgressPercent: 20,
  /** The timer's backoff after the n-th consecutive failure: 5 min doubling, at most a day. */
  backoffMs: (failures: number) => Math.min(5 * 60_000 * 2 ** (failures - 1), 86_400_000),
  limits: { create: { burst: 10, everyMs: 10_000 }, refund: { burst: 6, everyMs: 60_000 } },
};

/** Paid (non-free) lessons of every course in the world; each course also has one free lesson. */
export const PAID_LESSONS = 6;

/**
 * A trade as the platform documents it: cloudPay's trade_state (NOTPAY, SUCCESS, REFUND, CLOSED, PAYERROR), or the
 * virtual-payment order of query_order (1 created = NOTPAY, 2 paid / 4 delivered = SUCCESS, 5 refunded = REFUND);
 * NONE while the platform has no such trade.
 */
export type TradeState = 'NONE' | 'NOTPAY' | 'PAYERROR' | 'SUCCESS' | 'REFUND' | 'CLOSED';

export interface ModelTrade {
  state: TradeState;
  /** What the platform took (set once paid). */
  paidFen?: number;
  /** The platform's payment time. */
  paidAt?: number;
  /** Paid to a merchant that is not the order's (cloudPay's sub_mch_id differs). */
  otherMerchant?: boolean;
  /** What the platform gave back. */
  refundedFen?: number;
  /** Virtual rail: the fee the platform recorded when the learner first opened the sheet (a cancel records it too). */
  recordedFen?: number;
}

export interface ModelOrder {
  learner: number;
  course: number;
  attempt: number;
  amountFen: number;
  createdAt: number;
  expiresAt: number;
  status: OrderStatus;
  /** The platform side is prepared (cloudPay's unifiedOrder succeeded; the virtual offer is signed at once). */
  prepared: boolean;
  /** The learner was handed the payment object (a sheet they can pay in, now or later). */
  sheet: boolean;
  trade: ModelTrade;
  /** The order's paidAt (the platform's payment time) once fulfilled. */
  paidAt?: number;
  refundBy?: 'learner' | 'system' | 'platform';
  /** What the refund gives back (the amount actually paid). */
  refundFen?: number;
  sweepFailures: number;
  sweepRetryAt?: number;
  refundFailures: number;
  refundRetryAt?: number;
}

export interface ModelState {
  rail: PayRail;
  behaviour: Behaviour;
  now: number;
  /** The pay platform's APIs answer a system error. */
  down: boolean;
  courses: { published: boolean; priceFen: number }[];
  /** Every order, in the order they were made. */
  orders: ModelOrder[];
  /** `learner:course` → index of the order whose enrollment is active. */
  enrolled: Record<string, number>;
  /** `learner:course` → the paid lessons handed out while the enrollment was paid for by order `order`. */
  delivered: Record<string, { order: number; lessons: number[] }>;
  /** `limit:learner` → the write limit's state: when the learner's calls would be used up at one per interval. */
  limits: Record<string, number>;
}

/** A refusal the product answers with (an AppError code), as the model predicts it. */
export class Refusal extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** The platform's APIs are down: the product's call fails (RailError inside the product). */
class Down extends Error {}

export const key = (learner: number, course: number) => `${learner}:${course}`;

export function initialState(rail: PayRail, behaviour: Behaviour, now: number, prices: number[]): ModelState {
  return {
    rail,
    behaviour,
    now,
    down: false,
    courses: prices.map((priceFen) => ({ published: true, priceFen })),
    orders: [],
    enrolled: {},
    delivered: {},
    limits: {},
  };
}

export function ordersOf(s: ModelState, learner: number, course: number): number[] {
  return s.orders.flatMap((o, i) => (o.learner === learner && o.course === course ? [i] : []));
}

export function latestOf(s: ModelState, learner: number, course: number): number | undefined {
  return ordersOf(s, learner, course).at(-1);
}

function isEnrolled(s: ModelState, o: ModelOrder): boolean {
  return s.enrolled[key(o.learner, o.course)] !== undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The platform as the product's calls meet it

function query(s: ModelState, o: ModelOrder): ModelTrade {
  if (s.down) throw new Down();
  return o.trade;
}

/** Asks the platform for the order's refund (the same refund number each time) and confirms it when done. */
function advanceRefund(s: ModelState, i: number): void {
  const o = s.orders[i]!;
  if (o.status !== 'refunding') return;
  if (s.down) {
    o.refundFailures += 1;
    o.refundRetryAt = s.now + RULES.backoffMs(o.refundFailures);
    return;
  }
  if (o.trade.state === 'SUCCESS') o.trade = { ...o.trade, state: 'REFUND', refundedFen: o.refundFen };
  o.status = 'refunded';
  const k = key(o.learner, o.course);
  // Only the enrollment this order paid for goes; a refunded duplicate leaves the learner's course alone.
  if (s.enrolled[k] === i) delete s.enrolled[k];
}

function startRefund(s: ModelState, i: number, by: ModelOrder['refundBy'], fen: number): void {
  const o = s.orders[i]!;
  o.status = 'refunding';
  o.refundBy = by;
  o.refundFen = fen;
  advanceRefund(s, i);
}

/** A payment the platform confirmed (trade SUCCESS): honoured, refunded by the system, or failed. */
function fulfil(s: ModelState, i: number): void {
  const o = s.orders[i]!;
  if (o.status !== 'pending' && o.status !== 'closed') return;
  const trade = o.trade;
  if (trade.otherMerchant) {
    o.status = 'failed';
    return;
  }
  if (trade.paidFen !== o.amountFen) {
    if (!s.behaviour.mismatchRefunds) {
      o.status = 'failed';
      return;
    }
    o.paidAt = trade.paidAt;
    startRefund(s, i, 'system', trade.paidFen!);
    return;
  }
  o.paidAt = trade.paidAt;
  const late = o.status === 'closed' || trade.paidAt! > o.expiresAt;
  if (isEnrolled(s, o) || (late && !s.courses[o.course]!.published)) {
    startRefund(s, i, 'system', trade.paidFen);
    return;
  }
  o.status = 'paid';
  s.enrolled[key(o.learner, o.course)] = i;
}

/** Settles a pending order with the platform; `close`: an unpaid one is closed (expired or replaced). */
function settle(s: ModelState, i: number, close: boolean): void {
  const o = s.orders[i]!;
  if (o.status !== 'pending') return;
  const state = query(s, o).state;
  const closeNow = s.behaviour.payErrorStaysPending
    ? close && ['NOTPAY', 'NONE', 'PAYERROR'].includes(state)
    : (close && ['NOTPAY', 'NONE'].includes(state)) || state === 'PAYERROR';
  if (closeNow) {
    // cloudPay closes the trade; the virtual rail has no close, its sheet stays payable.
    if (s.rail === 'wxpay' && state !== 'NONE') o.trade = { ...o.trade, state: 'CLOSED' };
    o.status = 'closed';
    return;
  }
  if (state === 'SUCCESS') fulfil(s, i);
  else if (state === 'CLOSED' || state === 'REFUND') o.status = 'closed';
}

/** A closed order whose sheet may still have been paid (virtual rail): a payment found is fulfilled. */
function settleClosed(s: ModelState, i: number): void {
  const o = s.orders[i]!;
  if (o.status === 'closed' && query(s, o).state === 'SUCCESS') fulfil(s, i);
}

function recentlyPayable(s: ModelState, o: ModelOrder): boolean {
  return o.expiresAt >= s.now - RULES.reconcileWindowMs;
}

// ---------------------------------------------------------------------------------------------------------------
// What the learner does

/** A burst of calls at once, then one per interval; beyond that RESOURCE_EXHAUSTED, and nothing is spent. */
function spendLimit(s: ModelState, name: keyof typeof RULES.limits, learner: number): void {
  if (!s.behaviour.rateLimits) return;
  const { burst, everyMs } = RULES.limits[name];
  const next = Math.max(s.limits[`${name}:${learner}`] ?? 0, s.now) + everyMs;
  if (next - s.now > burst * everyMs) throw new Refusal('RESOURCE_EXHAUSTED');
  s.limits[`${name}:${learner}`] = next;
}

export interface CreateReply {
  order: number;
  status: OrderStatus;
}

/** order.create; throws Refusal with the code the product answers. */
export function create(s: ModelState, learner: number, course: number): CreateReply {
  const c = s.courses[course]!;
  if (!c.published) throw new Refusal('NOT_FOUND');
  if (s.enrolled[key(learner, course)] !== undefined) throw new Refusal('CONFLICT');
  spendLimit(s, 'create', learner);
  const latest = latestOf(s, learner, course);
  if (latest !== undefined && s.orders[latest]!.status === 'pending') {
    const o = s.orders[latest]!;
    if (o.amountFen === c.priceFen && s.now < o.expiresAt) return pendingReply(s, latest);
    try {
      settle(s, latest, true);
    } catch (error) {
      if (error instanceof Down) throw new Refusal('UNAVAILABLE');
      throw error;
    }
    if (o.status === 'paid') throw new Refusal('CONFLICT');
  }
  const order: ModelOrder = {
    learner,
    course,
    attempt: (latest === undefined ? 0 : s.orders[latest]!.attempt) + 1,
    amountFen: c.priceFen,
    createdAt: s.now,
    expiresAt: s.now + RULES.orderLifetimeMs,
    status: 'pending',
    prepared: false,
    sheet: false,
    trade: { state: 'NONE' },
    sweepFailures: 0,
    refundFailures: 0,
  };
  s.orders.push(order);
  return pendingReply(s, s.orders.length - 1);
}

function pendingReply(s: ModelState, i: number): CreateReply {
  const o = s.orders[i]!;
  if (!o.prepared) {
    // cloudPay's unifiedOrder makes the trade; the virtual offer is signed locally, the platform order comes with the sheet.
    if (s.rail === 'wxpay') {
      if (s.down) throw new Refusal('UNAVAILABLE');
      o.trade = { state: 'NOTPAY' };
    }
    o.prepared = true;
  }
  o.sheet = true;
  return { order: i, status: o.status };
}

export type PayVariant = 'ok' | 'fail' | 'wrongAmount' | 'wrongMerchant';

/**
 * The learner pays in the sheet of order `i` (without the callback, which is `deliver`). Whether the platform takes
 * it is the platform's rule: cloudPay takes a NOTPAY or PAYERROR trade, the virtual sheet an order it has not seen
 * paid (a closed order's sheet included). Returns whether the sheet was accepted.
 */
export function pay(s: ModelState, i: number, variant: PayVariant): 'accepted' | 'refused' {
  const o = s.orders[i]!;
  const t = o.trade;
  if (s.rail === 'wxpay') {
    if (t.state === 'SUCCESS' && variant !== 'fail') return 'accepted'; // paying a paid trade again changes nothing
    if (t.state !== 'NOTPAY' && t.state !== 'PAYERROR') return 'refused';
    if (variant === 'fail') {
      o.trade = { state: 'PAYERROR' };
      return 'accepted';
    }
    const paidFen = variant === 'wrongAmount' ? o.amountFen + 1 : o.amountFen;
    o.trade = { state: 'SUCCESS', paidFen, paidAt: s.now, otherMerchant: variant === 'wrongMerchant' };
    return 'accepted';
  }
  if (t.state !== 'NONE' && t.state !== 'NOTPAY') return 'refused';
  const recordedFen = t.recordedFen ?? (variant === 'wrongAmount' ? o.amountFen + 1 : o.amountFen);
  if (variant === 'fail') {
    // The learner cancels the sheet: the platform order exists, unpaid.
    o.trade = { state: 'NOTPAY', recordedFen };
    return 'accepted';
  }
  o.trade = { state: 'SUCCESS', paidFen: recordedFen, paidAt: s.now, recordedFen };
  return 'accepted';
}

export type DeliveryReply = 'ack' | 'unconfirmed' | 'error';

/** Which trades the platform calls back about: paid ones (both rails) and failed cloudPay payments. */
export function deliverable(s: ModelState, i: number): boolean {
  const state = s.orders[i]!.trade.state;
  return state === 'SUCCESS' || state === 'REFUND' || (s.rail === 'wxpay' && state === 'PAYERROR');
}

/** One delivery of the platform's callback (cloudPay) or push (virtual) about order `i`'s trade. */
export function deliver(s: ModelState, i: number): DeliveryReply {
  const o = s.orders[i]!;
  if (o.status !== 'pending' && o.status !== 'closed') return 'ack';
  let state: TradeState;
  try {
    state = query(s, o).state;
  } catch (error) {
    if (error instanceof Down) return 'error';
    throw error;
  }
  if (state === 'SUCCESS') {
    fulfil(s, i);
    return 'ack';
  }
  const claimsPaid = s.rail === 'virtual' || state === 'REFUND';
  if (claimsPaid && (state === 'NOTPAY' || state === 'NONE')) return 'unconfirmed';
  if (o.status === 'pending') settle(s, i, false);
  return 'ack';
}

/** order.get: the order as it is, after settling what the platform knows (platform failures are swallowed). */
export function get(s: ModelState, i: number): OrderStatus {
  const o = s.orders[i]!;
  try {
    if (o.status === 'pending') settle(s, i, false);
    else if (o.status === 'closed' && recentlyPayable(s, o)) settleClosed(s, i);
    else if (o.status === 'refunding') advanceRefund(s, i);
  } catch (error) {
    if (!(error instanceof Down)) throw error;
  }
  return o.status;
}

/** The share of the course's paid lessons handed out while order `i` paid for the enrollment, in whole percent. */
export function consumedPercent(s: ModelState, i: number): number {
  if (!s.behaviour.consumptionCountsDeliveries) return 0;
  const record = s.delivered[key(s.orders[i]!.learner, s.orders[i]!.course)];
  return record?.order === i ? Math.floor((100 * record.lessons.length) / PAID_LESSONS) : 0;
}

/** order.refund by the learner. */
export function refund(s: ModelState, i: number): OrderStatus {
  const o = s.orders[i]!;
  if (o.status === 'refunding' || o.status === 'refunded') return o.status;
  if (o.status !== 'paid') throw new Refusal('FAILED_PRECONDITION');
  spendLimit(s, 'refund', o.learner);
  if (s.now - o.paidAt! > RULES.refundWindowMs) throw new Refusal('FAILED_PRECONDITION');
  if (consumedPercent(s, i) >= RULES.maxProgressPercent) throw new Refusal('FAILED_PRECONDITION');
  startRefund(s, i, 'learner', o.trade.paidFen!);
  return o.status;
}

/**
 * The learner opens paid lessons; FORBIDDEN without an active enrollment (an archived course stays open to it). The
 * server records what it handed out against the order that paid for the enrollment (decision 5).
 */
export function study(s: ModelState, learner: number, course: number, lessons: number[]): void {
  const k = key(learner, course);
  const order = s.enrolled[k];
  if (order === undefined) throw new Refusal('FORBIDDEN');
  if (s.delivered[k]?.order !== order) s.delivered[k] = { order, lessons: [] };
  const record = s.delivered[k]!;
  for (const lesson of lessons) if (!record.lessons.includes(lesson)) record.lessons.push(lesson);
}

/**
 * A refund made outside the product (the MP backend, or Apple): the platform refunds and pushes a refund event; a
 * paid order becomes refunded and its enrollment goes. Only while the platform is up (its push would fail otherwise).
 */
export function platformRefund(s: ModelState, i: number): void {
  const o = s.orders[i]!;
  o.trade = { ...o.trade, state: 'REFUND', refundedFen: o.trade.paidFen };
  if (o.status === 'paid') {
    o.status = 'refunding';
    o.refundBy = 'platform';
    o.refundFen = o.trade.paidFen;
    advanceRefund(s, i);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The timer

export interface SweepReply {
  errors: number;
}

/**
 * One run of the order timer: expired pending orders are settled and closed, recent pending ones reconciled, recently
 * closed ones checked for a late payment, refunds pushed on. An order whose settling fails waits out a backoff.
 */
export function sweep(s: ModelState): SweepReply {
  let errors = 0;
  const due = (at: number | undefined) => at === undefined || at <= s.now;
  const batch = (where: (o: ModelOrder) => boolean, dueAt: (o: ModelOrder) => number | undefined) =>
    s.orders
      .map((o, i) => ({ o, i }))
      .filter(({ o }) => where(o) && due(dueAt(o)))
      .sort((a, b) => (dueAt(a.o) ?? -Infinity) - (dueAt(b.o) ?? -Infinity) || a.o.expiresAt - b.o.expiresAt)
      .map(({ i }) => i);
  const each = (indices: number[], run: (i: number) => void) => {
    for (const i of indices) {
      try {
        run(i);
      } catch (error) {
        if (!(error instanceof Down)) throw error;
        errors += 1;
        const o = s.orders[i]!;
        o.sweepFailures += 1;
        o.sweepRetryAt = s.now + RULES.backoffMs(o.sweepFailures);
      }
    }
  };
  const since = s.now - RULES.reconcileWindowMs;
  each(
    batch(
      (o) => o.status === 'pending' && o.expiresAt <= s.now,
      (o) => o.sweepRetryAt,
    ),
    (i) => settle(s, i, true),
  );
  each(
    batch(
      (o) => o.status === 'pending' && o.expiresAt > s.now && o.createdAt >= since,
      (o) => o.sweepRetryAt,
    ),
    (i) => settle(s, i, false),
  );
  each(
    batch(
      (o) => o.status === 'closed' && o.expiresAt >= since,
      (o) => o.sweepRetryAt,
    ),
    (i) => settleClosed(s, i),
  );
  for (const i of batch(
    (o) => o.status === 'refunding',
    (o) => o.refundRetryAt,
  ))
    advanceRefund(s, i);
  return { errors };
}

// ---------------------------------------------------------------------------------------------------------------
// What the model says must hold at the end of a run

/**
 * A payment the product can no longer find: paid in the sheet of a closed virtual order, never pushed, and not
 * looked at by the timer or the learner before the order left the reconcile window. The model predicts the product
 * keeps this money without giving the course (a known gap, counted by the test, not hidden).
 */
export function stranded(s: ModelState, o: ModelOrder): boolean {
  return o.status === 'closed' && o.trade.state === 'SUCCESS' && !o.trade.otherMerchant && !recentlyPayable(s, o);
}

/** What the product must show of the model state: compared after every command. */
export function visible(s: ModelState): unknown {
  return {
    orders: s.orders.map((o) => ({ status: o.status, trade: o.trade.state })),
    enrolled: Object.entries(s.enrolled).sort(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Concurrent operations

export type Operation =
  | { kind: 'sweep' }
  | { kind: 'get'; order: number }
  | { kind: 'pay'; order: number; variant: PayVariant }
  | { kind: 'deliver'; order: number };

export function apply(s: ModelState, op: Operation): void {
  switch (op.kind) {
    case 'sweep':
      sweep(s);
      return;
    case 'get':
      get(s, op.order);
      return;
    case 'pay':
      pay(s, op.order, op.variant);
      return;
    case 'deliver':
      // The platform calls back only about a trade it took (a refused sheet has no callback).
      if (deliverable(s, op.order)) deliver(s, op.order);
      return;
  }
}

/**
 * Every state the operations can leave when run one at a time in some order, deliveries after the payment: a
 * concurrent run of them must end in one of these (linearizability), whatever the interleaving was.
 */
export function serializations(s: ModelState, ops: Operation[]): ModelState[] {
  const results = new Map<string, ModelState>();
  const walk = (state: ModelState, rest: Operation[]) => {
    if (rest.length === 0) {
      results.set(JSON.stringify(visible(state)), state);
      return;
    }
    const tried = new Set<string>();
    for (const [index, op] of rest.entries()) {
      const id = JSON.stringify(op);
      if (tried.has(id)) continue;
      tried.add(id);
      if (op.kind === 'deliver' && rest.some((other) => other.kind === 'pay')) continue;
      const next = structuredClone(state);
      apply(next, op);
      walk(
        next,
        rest.filter((_, j) => j !== index),
      );
    }
  };
  walk(s, ops);
  return [...results.values()];
}
