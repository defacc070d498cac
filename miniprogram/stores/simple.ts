/** Stores of the short pages: 我的课程, 订单 (with refunds) and 写评价. */
import type { Order, RefundPolicy } from '../../shared/contract';
import type { call } from '../services/call';
import { CallError, messageOf } from '../services/call';
import { dateTimeText, orderView } from './format';
import type { OrderView } from './format';
import type { LoadStatus } from './store';
import { Store } from './store';

export interface MyCourseView {
  courseId: string;
  title: string;
  cover: string;
  percent: number;
  lessonId: string;
  updatedAt: string;
}

export interface MyCoursesState {
  status: LoadStatus;
  error: string;
  items: MyCourseView[];
}

export function initialMyCourses(): MyCoursesState {
  return { status: 'loading', error: '', items: [] };
}

export class MyCoursesStore extends Store<MyCoursesState> {
  constructor(private readonly deps: { call: typeof call }) {
    super(initialMyCourses());
  }

  async load(quiet = false): Promise<void> {
    if (!quiet) this.update({ status: 'loading', error: '' });
    try {
      const { items } = await this.deps.call('learning', { action: 'myCourses' });
      this.update({
        status: items.length ? 'ready' : 'empty',
        error: '',
        items: items.map((item) => ({
          courseId: item.course.id,
          title: item.course.title,
          cover: item.course.cover,
          percent: item.percent,
          lessonId: item.lastLessonId ?? '',
          // Never studied: the date is the enrollment's.
          updatedAt: `${item.lastLessonId ? '最近学习' : '加入于'} ${dateTimeText(item.updatedAt).slice(0, 10)}`,
        })),
      });
    } catch (error) {
      if (!quiet || this.state.status !== 'ready') this.update({ status: 'error', error: messageOf(error) });
    }
  }
}

/**
 * The refund rule as the server is configured (`order.list` → `policy`, or the details of a refusal). The server
 * decides every request; its refusal message is shown as it is.
 */
export function policyText(policy: ShownPolicy): string {
  return `退款规则：支付后 ${policy.refundDays} 天内、且课程学习进度未达到 ${policy.maxProgressPercent}% 时可申请退款，款项原路退回，退款后课程将无法继续学习。${policy.consumptionText ?? ''}是否符合条件以服务端审核为准。`;
}

/** What the policy text shows; how consumption is counted is said by the server (`consumptionText`). */
type ShownPolicy = Pick<RefundPolicy, 'refundDays' | 'maxProgressPercent'> & { consumptionText?: string };

/** The policy in the details of a refused refund, if the server sent one. */
function refusalPolicy(error: unknown): ShownPolicy | undefined {
  if (!(error instanceof CallError)) return undefined;
  const policy = (error.details as { policy?: Partial<RefundPolicy> } | null | undefined)?.policy;
  if (typeof policy?.refundDays !== 'number' || typeof policy.maxProgressPercent !== 'number') return undefined;
  const shown: ShownPolicy = { refundDays: policy.refundDays, maxProgressPercent: policy.maxProgressPercent };
  if (typeof policy.consumptionText === 'string') shown.consumptionText = policy.consumptionText;
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

export const REVIEW_MAX = 500;

/** What the learner is told after submitting, from the review's moderation status. */
export const MODERATION_TEXT = {
  visible: '评价已发布，感谢你的分享！',
  pending: '评价已提交，正在审核中，通过后将公开显示',
  rejected: '评价未通过内容审核，请修改后重新提交',
} as const;

export interface ReviewState {
  /** Labels the page (from the link); the course is identified by its id. */
  courseTitle: string;
  status: LoadStatus;
  error: string;
  rating: number;
  text: string;
  count: number;
  submitting: boolean;
  /** '' before submitting; then the moderation status of the saved review. */
  outcome: '' | keyof typeof MODERATION_TEXT;
  outcomeText: string;
  formError: string;
}

export function initialReview(courseTitle = ''): ReviewState {
  return {
    courseTitle,
    status: 'loading',
    error: '',
    rating: 0,
    text: '',
    count: 0,
    submitting: false,
    outcome: '',
    outcomeText: '',
    formError: '',
  };
}

export class ReviewStore extends Store<ReviewState> {
  constructor(
    private readonly courseId: string,
    courseTitle: string,
    private readonly deps: { call: typeof call },
  ) {
    super(initialReview(courseTitle));
  }

  /** Loads the learner's existing review (if any) so that submitting edits it. */
  async load(): Promise<void> {
    this.update({ status: 'loading', error: '' });
    try {
      const { items } = await this.deps.call('review', { action: 'list', courseId: this.courseId, pageSize: 20 });
      const mine = items.find((r) => r.mine);
      this.update({ status: 'ready' });
      if (mine) {
        this.update({ rating: mine.rating, text: mine.text, count: mine.text.length });
        if (mine.status !== 'visible') this.update({ outcome: mine.status, outcomeText: MODERATION_TEXT[mine.status] });
      }
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }

  setRating(rating: number): void {
    this.update({ rating, formError: '' });
  }

  setText(text: string): void {
    const clipped = text.slice(0, REVIEW_MAX);
    this.update({ text: clipped, count: clipped.length });
  }

  async submit(): Promise<boolean> {
    const { rating, text, submitting } = this.state;
    if (submitting) return false;
    if (rating < 1) {
      this.update({ formError: '请先选择评分' });
      return false;
    }
    this.update({ submitting: true, formError: '', outcome: '', outcomeText: '' });
    try {
      const { review } = await this.deps.call('review', {
        action: 'submit',
        courseId: this.courseId,
        rating,
        text: text.trim(),
      });
      this.update({ submitting: false, outcome: review.status, outcomeText: MODERATION_TEXT[review.status] });
      return true;
    } catch (error) {
      this.update({ submitting: false, formError: messageOf(error) });
      return false;
    }
  }
}
