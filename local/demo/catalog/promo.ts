/**
 * The demo's selling documents, so a first `npm start` shows every way of selling (issue 14): coupons to claim, a
 * running limited-time price on a course and on a 专栏, a membership of a year over six courses and a 专栏 of four.
 * Windows are around `now`, the time of the load (from a day before, for 30 days); everything else is fixed. A bundle
 * shows its first course's cover, so the demo ships no extra file.
 */
import type { CourseDoc } from '../../../shared/catalog';
import type { BundleDoc, CouponDoc, PromotionDoc } from '../../../shared/promo/documents';

export interface DemoPromo {
  coupons: CouponDoc[];
  promotions: PromotionDoc[];
  bundles: BundleDoc[];
}

const DAY_MS = 86_400_000;
/** How long the demo's coupons and limited-time prices run from the load. */
export const DEMO_PROMO_DAYS = 30;

export const DEMO_MEMBERSHIP_ID = 'demo-vip';
export const DEMO_COLUMN_ID = 'demo-frontend-column';

const MEMBERSHIP_COURSES = [
  'python-automation',
  'python-crawler',
  'python-web-fastapi',
  'python-advanced',
  'python-testing',
  'pandas-analysis',
];
const COLUMN_COURSES = ['typescript-practice', 'vue3-in-action', 'react-hooks', 'frontend-performance'];

export function buildDemoPromo(courses: readonly CourseDoc[], now: Date): DemoPromo {
  const at = now.toISOString();
  const window = {
    startsAt: new Date(now.getTime() - DAY_MS).toISOString(),
    endsAt: new Date(now.getTime() + DEMO_PROMO_DAYS * DAY_MS).toISOString(),
  };
  const cover = (ids: readonly string[]): string => {
    const course = courses.find((c) => c._id === ids[0]);
    if (!course) throw new Error(`demo bundle: unknown course ${ids[0]}`);
    return course.cover;
  };
  const bundle = (fields: Pick<BundleDoc, '_id' | 'title' | 'subtitle' | 'priceFen' | 'kind' | 'courseIds'>) => ({
    ...fields,
    cover: cover(fields.courseIds),
    status: 'published' as const,
    createdAt: at,
    updatedAt: at,
  });
  const base = { claimed: 0, perLearner: 1, status: 'active' as const, createdAt: at, ...window };
  return {
    coupons: [
      {
        _id: 'demo-welcome',
        title: '新人专享',
        kind: 'amount',
        amountFen: 2000,
        stock: 1000,
        appliesTo: { all: true },
        ...base,
      },
      {
        _id: 'demo-python-20off',
        title: 'Python 课程 8 折',
        kind: 'percent',
        percentOff: 20,
        maxOffFen: 5000,
        stock: 200,
        appliesTo: { categories: ['python'] },
        ...base,
      },
      {
        _id: 'demo-vip-100',
        title: '会员满减',
        kind: 'threshold',
        thresholdFen: 30000,
        amountFen: 10000,
        stock: 100,
        appliesTo: { bundleIds: [DEMO_MEMBERSHIP_ID] },
        ...base,
      },
    ],
    promotions: [
      {
        _id: 'demo-crawler-sale',
        target: { kind: 'course', id: 'python-crawler' },
        priceFen: 7900,
        label: '限时特惠',
        status: 'active',
        createdAt: at,
        ...window,
      },
      {
        _id: 'demo-column-launch',
        target: { kind: 'bundle', id: DEMO_COLUMN_ID },
        priceFen: 14900,
        label: '专栏首发价',
        status: 'active',
        createdAt: at,
        ...window,
      },
    ],
    bundles: [
      {
        ...bundle({
          _id: DEMO_MEMBERSHIP_ID,
          title: 'Python 年度会员',
          subtitle: '一年畅学 6 门 Python 与数据分析课程，新课上线自动加入',
          priceFen: 39900,
          kind: 'membership',
          courseIds: MEMBERSHIP_COURSES,
        }),
        termDays: 365,
      },
      bundle({
        _id: DEMO_COLUMN_ID,
        title: '前端进阶专栏',
        subtitle: 'TypeScript、Vue 3、React 与性能优化，一次购买永久学习',
        priceFen: 19900,
        kind: 'column',
        courseIds: COLUMN_COURSES,
      }),
    ],
  };
}
