/**
 * 课程详情: the course, the learner's state in it (visitor, pending payment, enrolled), reviews, similar courses, and
 * the purchase flow. The buy button is derived from the server's answers only: enrolled comes from `catalog.detail`,
 * which is read again once the order is confirmed paid.
 */
import type { CatalogDetailData, Order, Review } from '../../shared/contract';
import type { call } from '../services/call';
import { CallError, messageOf } from '../services/call';
import { cardView, dateTimeText, durationText, LEVEL_TEXT, lessonRows, priceText, ratingText } from '../view/format';
import type { CardView, LessonRow } from '../view/format';
import { initialPurchase, Purchase } from '../flows/purchase';
import type { PurchaseDeps, PurchasePhase, PurchaseState } from '../flows/purchase';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export type ActionKind = 'learn' | 'buy' | 'enroll' | 'busy';

export interface CourseAction {
  kind: ActionKind;
  label: string;
}

export interface ReviewView {
  id: string;
  author: string;
  rating: number;
  text: string;
  date: string;
  /** The learner's own review that is not public (yet): `审核中` or `未通过审核`. */
  badge: string;
}

export interface CourseView {
  id: string;
  title: string;
  subtitle: string;
  cover: string;
  description: string;
  creator: string;
  price: string;
  free: boolean;
  meta: string;
  rating: string;
  ratingCount: number;
  ratingAvg: number;
  tags: string[];
}

export interface CourseState {
  status: LoadStatus;
  error: string;
  course: CourseView | null;
  lessons: LessonRow[];
  enrolled: boolean;
  percent: number;
  /** Where 继续学习 goes. */
  resumeLessonId: string;
  pendingOrderId: string;
  action: CourseAction;
  reviews: ReviewView[];
  reviewTotal: number;
  similar: CardView[];
  purchase: PurchaseState;
}

export function initialCourse(): CourseState {
  return {
    status: 'loading',
    error: '',
    course: null,
    lessons: [],
    enrolled: false,
    percent: 0,
    resumeLessonId: '',
    pendingOrderId: '',
    action: { kind: 'busy', label: '加载中' },
    reviews: [],
    reviewTotal: 0,
    similar: [],
    purchase: initialPurchase(),
  };
}

const BUSY_LABEL: Partial<Record<PurchasePhase, string>> = {
  creating: '正在下单…',
  paying: '支付中…',
  confirming: '确认支付结果…',
};

/** The main button, from the server's view of the learner and the purchase in progress. */
export function courseAction(
  detail: Pick<CatalogDetailData, 'enrolled' | 'progress'> & { course: { priceFen: number } },
  pendingOrderId: string,
  phase: PurchasePhase,
): CourseAction {
  if (detail.enrolled) return { kind: 'learn', label: detail.progress?.lastLessonId ? '继续学习' : '开始学习' };
  const busy = BUSY_LABEL[phase];
  if (busy) return { kind: 'busy', label: busy };
  if (detail.course.priceFen <= 0) return { kind: 'enroll', label: '免费报名' };
  const price = priceText(detail.course.priceFen);
  return { kind: 'buy', label: pendingOrderId ? `继续支付 ${price}` : `立即购买 ${price}` };
}

function reviewView(review: Review): ReviewView {
  const badge = review.status === 'pending' ? '审核中' : review.status === 'rejected' ? '未通过审核' : '';
  return {
    id: review.id,
    author: review.mine ? '我' : review.author,
    rating: review.rating,
    text: review.text,
    date: dateTimeText(review.updatedAt).slice(0, 10),
    badge,
  };
}

export class CourseStore extends Store<CourseState> {
  readonly purchase: Purchase;
  private detail: CatalogDetailData | undefined;

  constructor(
    private readonly courseId: string,
    private readonly deps: { call: typeof call; purchase: PurchaseDeps },
  ) {
    super(initialCourse());
    this.purchase = new Purchase(deps.purchase);
    this.purchase.subscribe(() => {
      const purchase = this.purchase.state;
      // An attempt that left its order payable: the main button continues that order.
      if (purchase.retryable && purchase.orderId) this.update({ pendingOrderId: purchase.orderId });
      this.update({ purchase, action: this.actionNow(purchase.phase) });
    });
  }

  private actionNow(phase: PurchasePhase): CourseAction {
    return this.detail ? courseAction(this.detail, this.state.pendingOrderId, phase) : this.state.action;
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
      const [detail, reviews, similar, orders] = await Promise.all([
        call('catalog', { action: 'detail', courseId }),
        call('review', { action: 'list', courseId, pageSize: 3 }).catch(() => null),
        call('recommend', { action: 'similar', courseId, limit: 4 }).catch(() => ({ items: [] })),
        call('order', { action: 'list', courseId, status: 'pending', pageSize: 1 }).catch(() => ({
          items: [] as Order[],
        })),
      ]);
      this.show(detail, orders.items[0]);
      if (reviews) this.update({ reviews: reviews.items.map(reviewView), reviewTotal: reviews.total });
      this.update({ similar: similar.items.map((item) => cardView(item.course)) });
    } catch (error) {
      // A course that is gone is no error to retry: the empty state leads back to the catalog.
      if (error instanceof CallError && error.code === 'NOT_FOUND') this.update({ status: 'empty', error: '' });
      else if (!quiet || !this.detail) this.update({ status: 'error', error: messageOf(error) });
    }
  }

  /** `pending`: the learner's pending order of this course, if any (`order.list` filtered by the server). */
  private show(detail: CatalogDetailData, pending: Order | undefined): void {
    this.detail = detail;
    const { course, progress } = detail;
    const payable = pending !== undefined && new Date(pending.expiresAt).getTime() > Date.now();
    const pendingOrderId = detail.enrolled || !payable ? '' : pending.id;
    const totalSec = course.lessons.reduce((sum, lesson) => sum + lesson.durationSec, 0);
    this.update({
      status: 'ready',
      error: '',
      course: {
        id: course.id,
        title: course.title,
        subtitle: course.subtitle,
        cover: course.cover,
        description: course.description,
        creator: course.creator.title ? `${course.creator.name} · ${course.creator.title}` : course.creator.name,
        price: priceText(course.priceFen),
        free: course.priceFen <= 0,
        meta: `${LEVEL_TEXT[course.level]} · ${course.lessons.length} 课 · 共 ${durationText(totalSec)} · ${course.learnerCount} 人在学`,
        rating: ratingText(course.rating.avg, course.rating.count),
        ratingAvg: course.rating.avg,
        ratingCount: course.rating.count,
        tags: course.tags,
      },
      lessons: lessonRows(course.lessons, progress?.completedLessonIds, progress?.lastLessonId),
      enrolled: detail.enrolled,
      percent: progress?.percent ?? 0,
      resumeLessonId: progress?.lastLessonId ?? course.lessons[0]?.id ?? '',
      pendingOrderId,
    });
    this.update({ action: courseAction(detail, pendingOrderId, this.purchase.state.phase) });
  }

  /** The main button: buy or enrol through the purchase flow; on a server-confirmed payment, read the course again. */
  async buy(): Promise<PurchasePhase> {
    const phase = await this.purchase.buy(this.courseId);
    if (phase === 'paid') await this.load(true);
    return phase;
  }

  async recheck(): Promise<PurchasePhase> {
    const phase = await this.purchase.recheck();
    if (phase === 'paid') await this.load(true);
    return phase;
  }

  /** Whether the learner may open `lessonId` (enrolled, or a 试看 lesson). */
  canOpen(lessonId: string): boolean {
    return this.state.enrolled || this.state.lessons.some((l) => l.id === lessonId && l.free);
  }
}
