/** Pure formatting of contract values into what the pages show. No wx calls here. */
import type {
  CourseCard,
  CourseLevel,
  LessonKind,
  LessonOutline,
  Order,
  OrderStatus,
  PromotionBrief,
} from '../../shared/contract';

/** `免费`, `¥99`, `¥9.90`. */
export function priceText(fen: number): string {
  if (fen <= 0) return '免费';
  const yuan = Math.floor(fen / 100);
  const cents = fen % 100;
  return cents === 0 ? `¥${yuan}` : `¥${yuan}.${String(cents).padStart(2, '0')}`;
}

/** `4.8`, or `暂无评分` with no ratings. */
export function ratingText(avg: number, count: number): string {
  return count > 0 ? avg.toFixed(1) : '暂无评分';
}

/** `mm:ss`, or `h:mm:ss` from an hour on. */
export function clockText(totalSec: number): string {
  const sec = Math.max(0, Math.floor(totalSec));
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** `45 分钟`, `1 小时 20 分钟`; under a minute is `1 分钟`. */
export function durationText(totalSec: number): string {
  const minutes = Math.max(1, Math.round(totalSec / 60));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} 分钟`;
  return m === 0 ? `${h} 小时` : `${h} 小时 ${m} 分钟`;
}

export const LEVEL_TEXT: Record<CourseLevel, string> = { beginner: '入门', intermediate: '进阶', advanced: '高级' };

export const KIND_TEXT: Record<LessonKind, string> = { video: '视频', audio: '音频', article: '图文' };

export const ORDER_STATUS_TEXT: Record<OrderStatus, string> = {
  pending: '待支付',
  paid: '已支付',
  closed: '已关闭',
  refunding: '退款中',
  refunded: '已退款',
  failed: '支付失败',
};

/** `2024-05-01 14:03` in the learner's local time. */
export function dateTimeText(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** What a course card shows. */
export interface CardView {
  id: string;
  title: string;
  subtitle: string;
  cover: string;
  /** The list price; the card shows it through `price-tag` with the promotion. */
  priceFen: number;
  promotion: PromotionBrief | null;
  rating: string;
  meta: string;
}

export function cardView(card: CourseCard): CardView {
  return {
    id: card.id,
    title: card.title,
    subtitle: card.subtitle,
    cover: card.cover,
    priceFen: card.priceFen,
    promotion: card.promotion ?? null,
    rating: ratingText(card.rating.avg, card.rating.count),
    meta: `${LEVEL_TEXT[card.level]} · ${card.lessonCount} 课 · ${card.learnerCount} 人在学`,
  };
}

/** A line of the course outline. */
export interface LessonRow {
  id: string;
  index: number;
  title: string;
  kind: string;
  duration: string;
  free: boolean;
  done: boolean;
  current: boolean;
}

export function lessonRows(lessons: LessonOutline[], completed: readonly string[] = [], current?: string): LessonRow[] {
  const done = new Set(completed);
  return lessons.map((lesson, i) => ({
    id: lesson.id,
    index: i + 1,
    title: lesson.title,
    kind: KIND_TEXT[lesson.kind],
    duration: lesson.kind === 'article' ? `约 ${durationText(lesson.durationSec)}` : clockText(lesson.durationSec),
    free: lesson.free,
    done: done.has(lesson.id),
    current: lesson.id === current,
  }));
}

/** An order as the orders page lists it. */
export interface OrderView {
  id: string;
  /** What was bought: a course, or else a bundle. */
  courseId: string;
  bundleId: string;
  title: string;
  amount: string;
  /** `原价 ¥199，已优惠 ¥120（限时特惠、新人专享）`, or '' without a discount. */
  saving: string;
  status: OrderStatus;
  statusText: string;
  createdAt: string;
  note: string;
  canRefund: boolean;
}

export function orderView(order: Order): OrderView {
  return {
    id: order.id,
    courseId: order.courseId ?? '',
    bundleId: order.bundleId ?? '',
    title: order.courseTitle,
    amount: priceText(order.amountFen),
    saving: savingText(order),
    status: order.status,
    statusText: ORDER_STATUS_TEXT[order.status],
    createdAt: dateTimeText(order.createdAt),
    note: order.note ?? '',
    canRefund: order.status === 'paid' && order.amountFen > 0,
  };
}

function savingText(order: Pick<Order, 'listPriceFen' | 'discounts'>): string {
  const off = order.discounts.reduce((sum, d) => sum + d.amountFen, 0);
  if (off <= 0) return '';
  const labels = order.discounts.map((d) => d.label).join('、');
  return `原价 ${priceText(order.listPriceFen)}，已优惠 ${priceText(off)}（${labels}）`;
}
