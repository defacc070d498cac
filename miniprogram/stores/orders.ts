/** 订单: the learner's orders, and the refund form under the server's policy. */
import type { Order, RefundPolicy } from '../../shared/contract';
import type { call } from '../services/call';
import { CallError, messageOf } from '../services/call';
import { orderView } from '../view/format';
import type { OrderView } from '../view/format';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

/**
 * The refund rule as the server is configured (`order.list` → `policy`, or the details of a refusal). The server
 * decides every request; its refusal message is shown as it is.
 */
export function policyText(policy: ShownPolicy): string {
  return `退款规则：支付后 ${policy.refundDays} 天内、且课程学习进度未达到 ${policy.maxProgressPercent}% 时可申请退款，款项原路退回，退款后课程将无法继续学习。${policy.consumptionText ?? ''}${policy.couponText ?? ''}是否符合条件以服务端审核为准。`;
}

/** The sentences of the policy the server words itself: how consumption is counted, what becomes of the coupon. */
const POLICY_TEXTS = ['consumptionText', 'couponText'] as const;

/** What the policy text shows. */
type ShownPolicy = Pick<RefundPolicy, 'refundDays' | 'maxProgressPercent'> &
  Partial<Pick<RefundPolicy, (typeof POLICY_TEXTS)[number]>>;

/** The policy in the details of a refused refund, if the server sent one. */
function refusalPolicy(error: unknown): ShownPolicy | undefined {
  if (!(error instanceof CallError)) return undefined;
  const policy = (error.details as { policy?: Partial<RefundPolicy> } | null | undefined)?.policy;
  if (typeof policy?.refundDays !== 'number' || typeof policy.maxProgressPercent !== 'number') return undefined;
  const shown: ShownPolicy = { refundDays: policy.refundDays, maxProgressPercent: policy.maxProgressPercent };
  for (const key of POLICY_TEXTS) {
    const text = policy[key];
    if (typeof text === 'string') shown[key] = text;
  }
  return shown;
}

export interface OrdersState {
  status: LoadStatus;
  error: string;
  items: OrderView[];
  /** The order whose refund form is open, or ''. */
  refundingId: string;
  refundReason: string;
  refundError: string;
  submitting: boolean;
  /** The refund rule from the server; '' until the list is loaded. */
  policy: string;
}

export function initialOrders(): OrdersState {
  return {
    status: 'loading',
    error: '',
    items: [],
    refundingId: '',
    refundReason: '',
    refundError: '',
    submitting: false,
    policy: '',
  };
}

export class OrdersStore extends Store<OrdersState> {
  constructor(private readonly deps: { call: typeof call }) {
    super(initialOrders());
  }

  async load(): Promise<void> {
    this.update({ status: 'loading', error: '' });
    try {
      const { items, policy } = await this.deps.call('order', { action: 'list', pageSize: 50 });
      this.update({
        status: items.length ? 'ready' : 'empty',
        items: items.map(orderView),
        policy: policyText(policy),
      });
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }

  openRefund(orderId: string): void {
    this.update({ refundingId: orderId, refundReason: '', refundError: '' });
  }

  closeRefund(): void {
    if (!this.state.submitting) this.update({ refundingId: '', refundError: '' });
  }

  setReason(reason: string): void {
    this.update({ refundReason: reason });
  }

  /** Asks for the refund; the order comes back `refunding` (or the server explains why not). */
  async submitRefund(): Promise<boolean> {
    const { refundingId, refundReason, submitting } = this.state;
    const reason = refundReason.trim();
    if (!refundingId || submitting) return false;
    if (!reason) {
      this.update({ refundError: '请填写退款原因' });
      return false;
    }
    this.update({ submitting: true, refundError: '' });
    try {
      const { order } = await this.deps.call('order', { action: 'refund', orderId: refundingId, reason });
      this.replace(order);
      this.update({ submitting: false, refundingId: '' });
      return true;
    } catch (error) {
      const policy = refusalPolicy(error);
      this.update({
        submitting: false,
        refundError: messageOf(error),
        ...(policy ? { policy: policyText(policy) } : {}),
      });
      return false;
    }
  }

  private replace(order: Order): void {
    this.update({ items: this.state.items.map((item) => (item.id === order.id ? orderView(order) : item)) });
  }
}
