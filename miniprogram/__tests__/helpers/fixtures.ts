/** Contract-typed answers for the cloud stub. */
import type {
  Bundle,
  CatalogDetailData,
  Coupon,
  CourseCard,
  CourseDetail,
  LessonContent,
  MyCoupon,
  MyCourseItem,
  Order,
  PromoQuoteData,
  Review,
} from '../../../shared/contract';

export function card(id: string, patch: Partial<CourseCard> = {}): CourseCard {
  return {
    id,
    title: `课程 ${id}`,
    subtitle: `${id} 的副标题`,
    cover: `cloud://env.bucket/covers/${id}.png`,
    priceFen: 9900,
    category: 'programming',
    tags: ['Python'],
    level: 'beginner',
    lessonCount: 3,
    rating: { avg: 4.6, count: 12 },
    learnerCount: 120,
    creatorName: '王老师',
    ...patch,
  };
}

export function detail(id: string, patch: Partial<CourseDetail> = {}): CourseDetail {
  return {
    ...card(id),
    description: '从零开始，循序渐进。',
    creator: { id: 'c1', name: '王老师', title: '资深工程师' },
    lessons: [
      { id: 'l1', title: '第一课：环境准备', kind: 'video', durationSec: 300, free: true },
      { id: 'l2', title: '第二课：变量与类型', kind: 'audio', durationSec: 600, free: false },
      { id: 'l3', title: '第三课：读一篇文章', kind: 'article', durationSec: 240, free: false },
    ],
    rating: { avg: 4.6, count: 12, histogram: [0, 1, 1, 3, 7] },
    updatedAt: '2024-05-01T00:00:00.000Z',
    ...patch,
  };
}

export function detailData(id: string, patch: Partial<CatalogDetailData> = {}): CatalogDetailData {
  return { course: detail(id), enrolled: false, ...patch };
}

export function order(id: string, patch: Partial<Order> = {}): Order {
  return {
    id,
    courseId: 'py',
    courseTitle: '课程 py',
    listPriceFen: 9900,
    discounts: [],
    amountFen: 9900,
    status: 'pending',
    rail: 'wxpay',
    createdAt: '2024-05-01T10:00:00.000Z',
    expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    ...patch,
  };
}

export function review(id: string, patch: Partial<Review> = {}): Review {
  return {
    id,
    courseId: 'py',
    rating: 5,
    text: '讲得很清楚',
    status: 'visible',
    author: '学员 A3F',
    mine: false,
    createdAt: '2024-05-02T10:00:00.000Z',
    updatedAt: '2024-05-02T10:00:00.000Z',
    ...patch,
  };
}

export function lesson(id: string, patch: Partial<LessonContent> = {}): LessonContent {
  return {
    id,
    title: '第一课：环境准备',
    kind: 'video',
    durationSec: 300,
    free: true,
    mediaUrl: 'https://example.test/v.mp4',
    watermark: '学员 A3F·0427',
    ...patch,
  };
}

export function myCourse(id: string, patch: Partial<MyCourseItem> = {}): MyCourseItem {
  return {
    course: card(id),
    percent: 40,
    lastLessonId: 'l2',
    access: { via: 'purchase' },
    updatedAt: '2024-05-03T10:00:00.000Z',
    ...patch,
  };
}

export const payment = {
  timeStamp: '1714550000',
  nonceStr: 'n',
  package: 'prepay_id=wx1',
  signType: 'MD5',
  paySign: 's',
};

export function coupon(id: string, patch: Partial<Coupon> = {}): Coupon {
  return {
    id,
    title: `券 ${id}`,
    label: '立减 ¥20',
    kind: 'amount',
    amountFen: 2000,
    startsAt: '2024-05-01T00:00:00.000Z',
    endsAt: '2099-06-01T00:00:00.000Z',
    appliesTo: '全部课程和会员',
    remaining: 10,
    perLearner: 1,
    ...patch,
  };
}

/** A claim `id` of the coupon `couponId`. */
export function myCoupon(id: string, couponId: string, patch: Partial<MyCoupon> = {}): MyCoupon {
  return {
    id,
    status: 'usable',
    claimedAt: '2024-05-02T00:00:00.000Z',
    coupon: coupon(couponId),
    ...patch,
  };
}

/** A bill at `listPriceFen` with each discount taken off. */
export function quote(
  listPriceFen: number,
  discounts: PromoQuoteData['discounts'] = [],
  usableCoupons: MyCoupon[] = [],
): PromoQuoteData {
  const off = discounts.reduce((sum, d) => sum + d.amountFen, 0);
  return { listPriceFen, discounts, payFen: listPriceFen - off, usableCoupons };
}

export function bundle(id: string, patch: Partial<Bundle> = {}): Bundle {
  return {
    id,
    title: `会员 ${id}`,
    subtitle: `${id} 的介绍`,
    cover: `cloud://env.bucket/covers/${id}.png`,
    priceFen: 39900,
    kind: 'membership',
    termDays: 365,
    courseCount: 2,
    courseIds: ['py', 'js'],
    ...patch,
  };
}
