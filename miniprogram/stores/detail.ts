/**
 * 课程详情: the course, the learner's state in it (visitor, pending payment, enrolled and how), reviews, similar
 * courses, the coupons to claim, the bill before paying and the purchase flow. The buy button is derived from the
 * server's answers only: enrolled comes from `catalog.detail`, which is read again once the order is confirmed paid.
 */
import type { CatalogDetailData, Coupon, Order, ReportReason } from '../../shared/contract';
import type { call } from '../services/call';
import { CallError, messageOf } from '../services/call';
import { cardView, lessonRows } from '../view/format';
import type { CardView, LessonRow } from '../view/format';
import { accessText, membershipUntil } from '../view/access';
import { REPORT_THANKS } from '../view/report';
import { courseAction, courseView, reviewView } from '../view/course';
import type { CourseAction, CourseView, ReviewView } from '../view/course';
import { initialCheckout } from '../flows/checkout';
import type { Checkout, CheckoutState } from '../flows/checkout';
import { initialPurchase } from '../flows/purchase';
import type { Purchase, PurchaseDeps, PurchasePhase, PurchaseState } from '../flows/purchase';
import { Sale } from '../flows/sale';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export interface CourseState {
  status: LoadStatus;
  error: string;
  course: CourseView | null;
  lessons: LessonRow[];
  enrolled: boolean;
  /** Where the access comes from (`已购买`, `会员·至 2025-05-01`, …), '' without access. */
  access: string;
  /** A membership opens the course until this date (`2025-05-01`): buying it keeps it for good. */
  membershipUntil: string;
  percent: number;
  /** Where 继续学习 goes. */
  resumeLessonId: string;
  pendingOrderId: string;
  action: CourseAction;
  /** The coupons of this course the learner may claim now, in brief (`立减 ¥20 · 8.5 折`), '' for none. */
  couponHint: string;
  reviews: ReviewView[];
  reviewTotal: number;
  similar: CardView[];
  purchase: PurchaseState;
  checkout: CheckoutState;
}

export function initialCourse(): CourseState {
  return {
    status: 'loading',
    error: '',
    course: null,
    lessons: [],
    enrolled: false,
    access: '',
    membershipUntil: '',
    percent: 0,
    resumeLessonId: '',
    pendingOrderId: '',
    action: { kind: 'busy', label: '加载中' },
    couponHint: '',
    reviews: [],
    reviewTotal: 0,
    similar: [],
    purchase: initialPurchase(),
    checkout: initialCheckout(),
  };
}

function couponHint(coupons: readonly Coupon[]): string {
  return coupons
    .slice(0, 3)
    .map((c) => c.label)
    .join(' · ');
}

export class CourseStore extends Store<CourseState> {
  private readonly sale: Sale;
  private detail: CatalogDetailData | undefined;

  constructor(
    private readonly courseId: string,
    private readonly deps: { call: typeof call; purchase: PurchaseDeps },
  ) {
    super(initialCourse());
    this.sale = new Sale({ courseId }, deps.purchase);
    this.purchase.subscribe(() => {
      const purchase = this.purchase.state;
      // An attempt that left its order payable: the main button continues that order (Sale keeps it).
      this.update({ purchase, pendingOrderId: this.sale.pending?.id ?? '', action: this.actionNow(purchase.phase) });
    });
    this.checkout.subscribe(() => this.update({ checkout: this.checkout.state }));
  }

  get purchase(): Purchase {
    return this.sale.purchase;
  }

  get checkout(): Checkout {
    return this.sale.checkout;
  }

  private actionNow(phase: PurchasePhase): CourseAction {
    return this.detail ? courseAction(this.detail, this.sale.pending?.amountFen, phase) : this.state.action;
  }

  /** Everything on the page; `quiet` keeps the content on screen while refreshing (coming back to the page). */
  async load(quiet = false): Promise<void> {
    if (!this.courseId) {
      this.update({ status: 'error', error: '没有指定课程' });
      return;
    }
    if (!quiet) this.update({ status: 'loading', error: '' });
    const { call } = this.deps;
    const courseId = this.courseId;
    try {
      const [detail, reviews, similar, pending, coupons] = await Promise.all([
        call('catalog', { action: 'detail', courseId }),
        call('review', { action: 'list', courseId, pageSize: 3 }).catch(() => null),
        call('recommend', { action: 'similar', courseId, limit: 4 }).catch(() => ({ items: [] })),
        this.sale.readPending(),
        call('promo', { action: 'coupons', courseId }).catch(() => ({ items: [] as Coupon[] })),
      ]);
      this.show(detail, pending);
      if (reviews) this.update({ reviews: reviews.items.map(reviewView), reviewTotal: reviews.total });
      this.update({
        similar: similar.items.map((item) => cardView(item.course)),
        couponHint: this.buyable ? couponHint(coupons.items) : '',
      });
    } catch (error) {
      // A course that is gone is no error to retry: the empty state leads back to the catalog.
      if (error instanceof CallError && error.code === 'NOT_FOUND') this.update({ status: 'empty', error: '' });
      else if (!quiet || !this.detail) this.update({ status: 'error', error: messageOf(error) });
    }
  }

  /** `pending`: the learner's pending order of this course, if any (an enrolled learner has none to pay). */
  private show(detail: CatalogDetailData, pending: Order | undefined): void {
    this.detail = detail;
    this.sale.hold(detail.enrolled ? undefined : pending);
    const { course, progress } = detail;
    this.update({
      status: 'ready',
      error: '',
      course: courseView(course),
      lessons: lessonRows(course.lessons, progress?.completedLessonIds, progress?.lastLessonId),
      enrolled: detail.enrolled,
      access: detail.enrolled && detail.access ? accessText(detail.access) : '',
      membershipUntil: detail.enrolled ? membershipUntil(detail.access) : '',
      percent: progress?.percent ?? 0,
      resumeLessonId: progress?.lastLessonId ?? course.lessons[0]?.id ?? '',
      pendingOrderId: this.sale.pending?.id ?? '',
    });
    this.update({ action: this.actionNow(this.purchase.state.phase) });
  }

  /** The learner may pay for the course: not enrolled, or enrolled only through a membership for a while. */
  private get buyable(): boolean {
    return !!this.detail && this.detail.course.priceFen > 0 && (!this.detail.enrolled || !!this.state.membershipUntil);
  }

  /** The buy button: a free course is enrolled at once; a paid one opens the bill first. */
  async buy(): Promise<PurchasePhase | undefined> {
    if (!this.detail || this.purchase.state.busy) return undefined;
    if (this.detail.course.priceFen <= 0 && !this.detail.enrolled) return this.settled(await this.sale.payNow());
    if (!this.buyable) return undefined;
    const until = this.state.membershipUntil;
    // A pending order that has expired meanwhile is no longer offered: the bill is a new checkout.
    this.update({ pendingOrderId: this.sale.pending?.id ?? '', action: this.actionNow(this.purchase.state.phase) });
    await this.sale.openBill({
      notice: until ? `你的会员已可学习本课程至 ${until}；单独购买后永久有效，会员到期后也能继续学习。` : '',
    });
    return undefined;
  }

  /** 举报 another learner's review (`reviewId`) or the course; answers what to tell the learner. */
  async report(reason: ReportReason, reviewId?: string): Promise<string> {
    try {
      if (reviewId) await this.deps.call('review', { action: 'report', reviewId, reason });
      else await this.deps.call('catalog', { action: 'report', courseId: this.courseId, reason });
      return REPORT_THANKS;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** 确认支付 on the bill. */
  async confirm(): Promise<PurchasePhase | undefined> {
    return this.settled(await this.sale.confirm());
  }

  /** 重新支付 after a failed attempt. */
  async payAgain(): Promise<PurchasePhase | undefined> {
    return this.settled(await this.sale.payAgain());
  }

  /** Once the server confirms the payment: the course as it reads now. */
  private async settled(phase: PurchasePhase | undefined): Promise<PurchasePhase | undefined> {
    if (phase === 'paid') await this.load(true);
    return phase;
  }

  async recheck(): Promise<PurchasePhase> {
    const phase = await this.purchase.recheck();
    if (phase === 'paid') await this.load(true);
    return phase;
  }

  /** A countdown reached its end: the prices as the server has them now, and the bill again if it is open. */
  async promotionEnded(): Promise<void> {
    await this.load(true);
    await this.checkout.refresh();
  }

  /** Whether the learner may open `lessonId` (enrolled, or a 试看 lesson). */
  canOpen(lessonId: string): boolean {
    return this.state.enrolled || this.state.lessons.some((l) => l.id === lessonId && l.free);
  }
}
