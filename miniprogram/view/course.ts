/** What the course page shows of a course, its reviews and its main button. Pure. */
import type { CatalogDetailData, CourseDetail, PromotionBrief, Review } from '../../shared/contract';
import { BUSY_LABEL } from '../flows/purchase';
import type { PurchasePhase } from '../flows/purchase';
import { dateTimeText, durationText, LEVEL_TEXT, priceText, ratingText } from './format';
import { priceInForceFen } from './price';

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
  /** The learner's own review that is not public (yet): `审核中`, `未通过审核` or `已隐藏`. */
  badge: string;
  /** The author's purchase was refunded: shown as 已退款. */
  refunded: boolean;
  /** Another learner's public review: it has a 举报 entry. */
  reportable: boolean;
  /** The creator's reply under it (only one that passed the content check reaches learners), '' for none. */
  replyText: string;
}

export interface CourseView {
  id: string;
  title: string;
  subtitle: string;
  cover: string;
  description: string;
  creator: string;
  /** The list price and a running promotion, as `price-tag` shows them. */
  priceFen: number;
  promotion: PromotionBrief | null;
  free: boolean;
  meta: string;
  rating: string;
  ratingCount: number;
  ratingAvg: number;
  tags: string[];
}

export function courseView(course: CourseDetail): CourseView {
  const totalSec = course.lessons.reduce((sum, lesson) => sum + lesson.durationSec, 0);
  return {
    id: course.id,
    title: course.title,
    subtitle: course.subtitle,
    cover: course.cover,
    description: course.description,
    creator: course.creator.title ? `${course.creator.name} · ${course.creator.title}` : course.creator.name,
    priceFen: course.priceFen,
    promotion: course.promotion ?? null,
    free: course.priceFen <= 0,
    meta: `${LEVEL_TEXT[course.level]} · ${course.lessons.length} 课 · 共 ${durationText(totalSec)} · ${course.learnerCount} 人在学`,
    rating: ratingText(course.rating.avg, course.rating.count),
    ratingAvg: course.rating.avg,
    ratingCount: course.rating.count,
    tags: course.tags,
  };
}

const STATUS_BADGE: Record<Review['status'], string> = {
  visible: '',
  pending: '审核中',
  rejected: '未通过审核',
  hidden: '已隐藏',
};

export function reviewView(review: Review): ReviewView {
  const badge = STATUS_BADGE[review.status];
  return {
    id: review.id,
    author: review.mine ? '我' : review.author,
    rating: review.rating,
    text: review.text,
    date: dateTimeText(review.updatedAt).slice(0, 10),
    badge,
    refunded: review.refunded === true,
    reportable: !review.mine && review.status === 'visible',
    replyText: review.reply ? `${review.reply.creatorName} 回复：${review.reply.text}` : '',
  };
}

/**
 * The main button, from the server's view of the learner and the purchase in progress. `pendingFen`: what the
 * learner's pending order of the course charges, when there is one to continue.
 */
export function courseAction(
  detail: Pick<CatalogDetailData, 'enrolled' | 'progress'> & {
    course: { priceFen: number; promotion?: PromotionBrief | undefined };
  },
  pendingFen: number | undefined,
  phase: PurchasePhase,
): CourseAction {
  if (detail.enrolled) return { kind: 'learn', label: detail.progress?.lastLessonId ? '继续学习' : '开始学习' };
  const busy = BUSY_LABEL[phase];
  if (busy) return { kind: 'busy', label: busy };
  if (detail.course.priceFen <= 0) return { kind: 'enroll', label: '免费报名' };
  if (pendingFen !== undefined) return { kind: 'buy', label: `继续支付 ${priceText(pendingFen)}` };
  return {
    kind: 'buy',
    label: `立即购买 ${priceText(priceInForceFen(detail.course.priceFen, detail.course.promotion))}`,
  };
}
