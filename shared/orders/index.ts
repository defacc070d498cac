/**
 * The orders domain: create, get, list, refund, the pay callbacks and the timer's sweep, over one state machine
 * (model.ts) and any payment rail (rail.ts; one folder per provider, `wxpay/` and `xpay/`, each with its rail and its
 * notice reader). Everything the platform gives (database, rail, clock, randomness, settings) comes in as `OrderDeps`
 * (deps.ts), so the same code runs in the functions and in tests with a fake clock; cloud.ts builds it in a function.
 * One file per use case: checkout.ts (order.create), queries.ts (get, list), refunds.ts, settlement.ts (reconciling
 * with the platform, fulfilment), shipping.ts, notices.ts (callbacks and pushes) and sweep.ts (the timer), with
 * grants.ts for what a payment or refund does to the learner's grant.
 *
 * The rules these files keep:
 * - a payment is believed only when the rail's query says so, for our amount and merchant;
 * - fulfilment (order paid + grant) is one transaction that reads the order first, so any number of
 *   concurrent deliveries give one grant; it writes only the buyer's own documents, and the course's shared
 *   `learnerCount` moves after the commit (countLearner), so buyers of one course never conflict;
 * - a learner has at most one pending order per course: the n-th order's `_id` is fixed, so concurrent creates
 *   collide and all answer with the same order;
 * - a paid order that cannot be honoured (already enrolled by another payment, a late payment for a course no longer
 *   sold, or a payment of another amount than the order's) is refunded by the system, in full as the platform's query
 *   reports it; a payment that reached another merchant is not ours to refund: the order fails, flagged for the
 *   operator (`attention`), and its note tells the learner where to ask;
 * - one refund policy (refundVerdict), from which both the learner's refund and Apple's refund inquiry are answered.
 */
export { RETRY_CAP, type Caller, type EnrollmentSignals, type OrderDeps } from './deps';
export { createOrder } from './checkout';
export { getOrder, listOrders, PLATFORM_QUERY_INTERVAL_MS } from './queries';
export { requestRefund } from './refunds';
export { sweepOrders, SWEEP_BATCH, type SweepReport } from './sweep';
export { handlePayNotification, type NotifyReply } from './wxpay/notify';
export {
  answerIosRefundQuery,
  answerWithin,
  handleXpayPush,
  IOS_ANSWER_BUDGET_MS,
  IOS_UNDECIDED,
  XPAY_ACK,
  XPAY_EVENTS,
  type IosRefundAnswer,
  type XpayReply,
} from './xpay/notify';
