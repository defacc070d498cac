/** @jest-environment jsdom */
/** 创作者中心: the overview, a course's screen with its price actions, 评价管理, and the 我的 entry. */
import {
  CreatorCourseData,
  CreatorOverviewData,
  CreatorPromotionsData,
  CreatorReviewsData,
  validate,
  type CreatorFigures,
  type CreatorReview,
} from '../../shared/contract';
import type { TSchema } from '@sinclair/typebox';
import { emptyForm, promotionRequest } from '../stores/creator-promotions';
import { courseCharts, moneyText, overviewView } from '../view/creator';
import { allText, find, installWx, openPage, settle, StubError, tap, textOf } from './helpers/simulate';

/** Fixtures are checked against the contract, so the pages are tested on answers the server can give. */
function valid<T>(schema: TSchema, value: T): T {
  const checked = validate(schema, value);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return value;
}

const figures = (patch: Partial<CreatorFigures> = {}): CreatorFigures => ({
  learners: 120,
  paidOrders: 80,
  revenueFen: 552_000,
  refunds: 3,
  refundsFen: 20_700,
  netRevenueFen: 531_300,
  ...patch,
});

const zeros = figures({ learners: 0, paidOrders: 0, revenueFen: 0, refunds: 0, refundsFen: 0, netRevenueFen: 0 });

function overview(patch: Partial<CreatorOverviewData['creators'][number]> = {}): CreatorOverviewData {
  return valid(CreatorOverviewData, {
    period: 'day',
    from: '2026-11-06',
    to: '2026-12-05',
    creators: [
      {
        creator: { id: 'he-shan', name: '何珊' },
        totals: figures(),
        last30: figures({ learners: 20, paidOrders: 12, netRevenueFen: 82_800 }),
        series: [
          { start: '2026-12-04', paidOrders: 2, revenueFen: 13_800, refunds: 0, refundedFen: 0 },
          { start: '2026-12-05', paidOrders: 1, revenueFen: 6900, refunds: 1, refundedFen: 6900 },
        ],
        courses: [
          {
            id: 'python-automation',
            title: 'Python 办公自动化实战',
            status: 'published',
            moderation: { state: 'reviewing', version: 3, reason: '等待创作者管理员', at: '2026-12-05T00:00:00.000Z' },
            priceFen: 6900,
            learners: 96,
            revenueFen: 552_000,
            netRevenueFen: 531_300,
            rating: { avg: 4.6, count: 31 },
            qualityScore: 78,
          },
          {
            id: 'demo-rejected',
            title: '被驳回的课程',
            status: 'rejected',
            moderation: {
              state: 'rejected',
              version: 1,
              field: 'lessons[1].title',
              reason: '含有平台禁用词',
              at: '2026-12-01T00:00:00.000Z',
            },
            priceFen: 9900,
            learners: 0,
            revenueFen: null,
            netRevenueFen: null,
            rating: { avg: 0, count: 0 },
            qualityScore: null,
          },
        ],
        pendingFirstNight: false,
        computedAt: '2026-12-06T18:30:00.000Z',
        ...patch,
      },
    ],
  });
}

function courseData(patch: Partial<CreatorCourseData> = {}): CreatorCourseData {
  const week = (w: string, paidOrders: number) => ({
    week: w,
    paidOrders,
    revenueFen: paidOrders * 6900,
    refunds: 0,
    refundedFen: 0,
    detailViews: paidOrders * 20,
    checkouts: paidOrders * 2,
  });
  return valid(CreatorCourseData, {
    course: {
      id: 'python-automation',
      title: 'Python 办公自动化实战',
      status: 'published',
      creatorId: 'he-shan',
      priceFen: 6900,
      lessonCount: 3,
    },
    pendingFirstNight: false,
    statsComputedAt: '2026-12-06T18:30:00.000Z',
    insightsComputedAt: '2026-12-06T19:00:00.000Z',
    figures: { allTime: figures(), last7: figures(), last30: figures() },
    history: [week('2026-11-23', 5), week('2026-11-30', 7)],
    forecast: {
      method: 'pooled',
      weeks: [
        { week: '2026-12-07', mean: 6.4, lower: 3, upper: 10 },
        { week: '2026-12-14', mean: 6.1, lower: 2, upper: 10 },
      ],
    },
    funnel: {
      from: '2026-11-06',
      to: '2026-12-05',
      impressions: 3000,
      detailViews: 600,
      freeLessonStarts: 200,
      checkouts: 40,
      paid: 30,
      refunded: 1,
    },
    completion: {
      learners: 96,
      completions: 30,
      completionRate: 0.3125,
      avgProgress: 54.2,
      stopped: 40,
      dropOff: [
        { lessonId: 'l1', order: 1, title: '准备环境', stopped: 5, passed: 70 },
        { lessonId: 'l2', order: 2, title: '读写 Excel', stopped: 28, passed: 42 },
        { lessonId: 'l3', order: 3, title: '批量生成报告', stopped: 7, passed: 30 },
      ],
    },
    rating: { avg: 4.6, count: 31, histogram: [1, 0, 2, 6, 22] },
    quality: {
      score: 78,
      components: {
        rating: { value: 4.5, points: 34.2, max: 40 },
        completion: { value: 0.31, points: 16.5, max: 30, advice: '第 2 课流失最多' },
        refunds: { value: 0.03, points: 18, max: 20 },
        reports: { value: 0, points: 10, max: 10 },
      },
      advice: ['第 2 课「读写 Excel」流失最多，看看这一课是否太难或太长'],
    },
    priceAdvice: {
      action: 'raise',
      currentPriceFen: 6900,
      advisedPriceFen: 7900,
      bestPriceFen: 7900,
      expectedChange: 0.12,
      expectedWeeklyNetFen: { current: 41_000, best: 45_920 },
      confidence: 0.71,
      reason: '同类课程的学员对价格不太敏感，适当提价预计收入更高',
    },
    insightsMissing: null,
    priceTest: null,
    moderation: null,
    ...patch,
  });
}

function review(id: string, patch: Partial<CreatorReview> = {}): CreatorReview {
  return {
    id,
    courseId: 'python-automation',
    courseTitle: 'Python 办公自动化实战',
    rating: 2,
    text: '内容和介绍不符',
    status: 'hidden',
    author: '学员 7K3M',
    createdAt: '2026-12-01T02:00:00.000Z',
    updatedAt: '2026-12-01T02:00:00.000Z',
    check: 'pass',
    reports: { count: 3, reasons: { misleading: 3 }, hiddenAt: '2026-12-02T00:00:00.000Z' },
    ...patch,
  };
}

describe('overviewView and courseCharts', () => {
  it('writes money for a creator: thousands separated, cents only when there are some', () => {
    expect([moneyText(531_300), moneyText(990), moneyText(0), moneyText(-6900)]).toEqual([
      '¥5,313',
      '¥9.90',
      '¥0',
      '-¥69',
    ]);
  });

  it('charts net revenue by bucket, and says why nothing shows before the first night or sale', () => {
    const view = overviewView(overview().creators[0]!, 'day');
    expect(view.charts.revenue.categories).toEqual(['12/4', '12/5']);
    expect(view.charts.revenue.series[0]?.values).toEqual([138, 0]);
    expect(view.charts.orders.series[0]?.values).toEqual([2, 1]);
    expect(view.emptyNote).toBe('');
    expect(overviewView(overview({ pendingFirstNight: true, series: [] }).creators[0]!, 'day').emptyNote).toContain(
      '今晚统计后',
    );
    expect(overviewView(overview({ courses: [] }).creators[0]!, 'week').emptyNote).toContain('course:import');
  });

  it('joins the forecast to the last week sold, with its band only ahead', () => {
    const { sales } = courseCharts(courseData());
    expect(sales.categories).toEqual(['11/23', '11/30', '12/7', '12/14']);
    expect(sales.series).toEqual([
      { name: '付费订单', values: [5, 7, null, null] },
      { name: '预测', dashed: true, values: [null, 7, 6.4, 6.1] },
    ]);
    expect(sales.band).toEqual({ series: '预测', lower: [null, null, 3, 2], upper: [null, null, 10, 10] });
  });
});

describe('创作者中心', () => {
  it('shows the totals, the sales and every course with its review state; a row opens the course', async () => {
    const cloud = installWx();
    cloud.on('creator.overview', () => overview());
    const page = openPage('creator');
    await settle();
    expect(cloud.callsOf('creator.overview')).toEqual([{ action: 'overview', period: 'day' }]);
    const text = allText(page);
    expect(text).toContain('¥5,313');
    expect(text).toContain('近 30 天：¥828 净收入 · 12 单');
    expect(text).toContain('版本 3 审核中：等待创作者管理员');
    expect(text).toContain('版本 1 未通过：lessons[1].title 含有平台禁用词');
    expect(text).toContain('质量分 78');
    expect(text).toContain('今晚统计后显示收入');
    expect(find(page, '.revenue-chart')).toBeTruthy();
    await tap(page, '.course-row');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/creator-course/index?courseId=python-automation' });
  });

  it('asks for the period tapped', async () => {
    const cloud = installWx();
    cloud.on('creator.overview', (data) => ({ ...overview(), period: data.period }));
    const page = openPage('creator');
    await settle();
    const tabs = page.querySelectorAll('.period');
    tabs[2]?.dispatchEvent('tap');
    await settle();
    expect(cloud.callsOf('creator.overview').map((c) => c.period)).toEqual(['day', 'month']);
  });

  it('teaches a new creator what will appear, with no chart', async () => {
    const cloud = installWx();
    cloud.on('creator.overview', () =>
      overview({ totals: zeros, last30: zeros, series: [], courses: [], pendingFirstNight: true, computedAt: null }),
    );
    const page = openPage('creator');
    await settle();
    expect(textOf(page, '.empty-note')).toContain('还没有课程');
    expect(find(page, '.revenue-chart')).toBeFalsy();
  });

  it('shows a learner the refusal', async () => {
    const cloud = installWx();
    cloud.on('creator.overview', () => {
      throw new StubError('FORBIDDEN', '你还不是创作者，无法进入创作者中心');
    });
    const page = openPage('creator');
    await settle();
    expect(allText(page)).toContain('你还不是创作者，无法进入创作者中心');
    expect(find(page, '.course-row')).toBeFalsy();
  });
});

describe('课程数据', () => {
  it('shows sales with the forecast, the funnel, where learners stop, the quality score and the price advice', async () => {
    const cloud = installWx();
    cloud.on('creator.course', () => courseData());
    const page = openPage('creator-course', { courseId: 'python-automation' });
    await settle();
    expect(cloud.callsOf('creator.course')).toEqual([{ action: 'course', courseId: 'python-automation' }]);
    const text = allText(page);
    expect(text).toContain('未来 2 周预计 13 单');
    expect(text).toContain('30 / 96 名学员学完（31%）');
    expect(text).toContain('第 2 课「读写 Excel」流失最多：28 人停在这里');
    expect(textOf(page, '.quality-score')).toBe('78');
    expect(text).toContain('34 / 40');
    expect(text).toContain('建议 ¥79 · 预计每周净收入 +12%（¥410 → ¥459.20） · 把握 71%');
    for (const chart of ['.sales-chart', '.revenue-chart', '.funnel-chart', '.drop-off-chart', '.ratings-chart']) {
      expect(find(page, chart)).toBeTruthy();
    }
  });

  it('applies the advised price only after the creator read what learners will see', async () => {
    const confirm = jest.fn().mockReturnValueOnce(false).mockReturnValue(true);
    const showModal = jest.fn((o: { title: string; content: string; success: (r: object) => void }) =>
      o.success({ confirm: confirm(o.title, o.content), cancel: false }),
    );
    const cloud = installWx({ showModal });
    cloud
      .on('creator.course', () => courseData())
      .on('creator.applyPrice', (data) => ({
        applied: !data.dryRun,
        courseId: 'python-automation',
        priceFen: 7900,
        previousPriceFen: 6900,
        learnersSee: '所有学员立即看到 ¥79（原价 ¥69）；已下的订单按下单时的价格',
        virtualItem: { productId: 'course_python-automation_7900', priceFen: 7900, registered: false },
      }));
    const page = openPage('creator-course', { courseId: 'python-automation' });
    await settle();
    await tap(page, '.apply-advice');
    await settle();
    // Cancelled: only the dry run was asked.
    expect(cloud.callsOf('creator.applyPrice')).toEqual([
      { action: 'applyPrice', courseId: 'python-automation', priceFen: 7900, dryRun: true },
    ]);
    expect(confirm).toHaveBeenCalledWith(
      '改为 ¥79？',
      '所有学员立即看到 ¥79（原价 ¥69）；已下的订单按下单时的价格\n需先在虚拟支付后台登记道具 course_python-automation_7900（¥79）。',
    );
    await tap(page, '.apply-advice');
    await settle();
    expect(cloud.callsOf('creator.applyPrice').at(-1)).toEqual({
      action: 'applyPrice',
      courseId: 'python-automation',
      priceFen: 7900,
    });
    expect(cloud.callsOf('creator.course')).toHaveLength(2);
  });

  it('switches a price test on after the confirmation; while it runs, no advice to apply', async () => {
    const showModal = jest.fn((o: { success: (r: object) => void }) => o.success({ confirm: true, cancel: false }));
    const cloud = installWx({ showModal });
    let running = false;
    const test = {
      status: 'running' as const,
      minPriceFen: 4830,
      maxPriceFen: 10350,
      priceFen: null,
      periods: [],
      startedAt: '2026-12-06T00:00:00.000Z',
    };
    cloud
      .on('creator.course', () => courseData(running ? { priceTest: test } : {}))
      .on('creator.priceTest', (data) => {
        if (!data.dryRun) running = true;
        return { applied: !data.dryRun, test, pricesFen: [4900, 6900, 9900], learnersSee: '从下周一起每周一个价格' };
      });
    const page = openPage('creator-course', { courseId: 'python-automation' });
    await settle();
    expect(textOf(page, '.price-test-toggle')).toBe('开启价格测试');
    await tap(page, '.price-test-toggle');
    await settle();
    expect(cloud.callsOf('creator.priceTest')).toEqual([
      { action: 'priceTest', courseId: 'python-automation', on: true, dryRun: true },
      { action: 'priceTest', courseId: 'python-automation', on: true },
    ]);
    expect(textOf(page, '.price-test-toggle')).toBe('停止价格测试');
    expect(textOf(page, '.price-test')).toContain('价格测试进行中（¥48.30 – ¥103.50）：下周一开始第一周');
    expect(find(page, '.apply-advice')).toBeFalsy();
  });

  it('before the first night and under review, says so instead of showing numbers', async () => {
    const cloud = installWx();
    cloud.on('creator.course', () =>
      courseData({
        course: { id: 'new', title: '新课', status: 'reviewing', creatorId: 'he-shan', priceFen: 9900, lessonCount: 2 },
        pendingFirstNight: true,
        statsComputedAt: null,
        insightsComputedAt: null,
        figures: null,
        history: [],
        forecast: null,
        completion: null,
        rating: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] },
        quality: null,
        priceAdvice: null,
        insightsMissing: 'notPublished',
        moderation: { state: 'reviewing', version: 1, reason: '图片和音频检查中', at: '2026-12-06T00:00:00.000Z' },
      }),
    );
    const page = openPage('creator-course', { courseId: 'new' });
    await settle();
    const text = allText(page);
    expect(text).toContain('版本 1 审核中：图片和音频检查中');
    expect(text).toContain('课程上架后才有需求预测和价格建议');
    expect(text).toContain('还没有付费订单');
    expect(find(page, '.sales-chart')).toBeFalsy();
    expect(find(page, '.price-test-toggle')).toBeFalsy();
  });
});

describe('评价管理', () => {
  it('lists reviews in any status with their reports; replies and decides', async () => {
    const showActionSheet = jest.fn((o: { success: (r: object) => void }) => o.success({ tapIndex: 1 }));
    const cloud = installWx({ showActionSheet });
    const items = [
      review('r1', { check: 'review' }),
      review('r2', { status: 'visible', rating: 5, text: '很实用', reports: { count: 0, reasons: {} } }),
    ];
    cloud
      .on('creator.reviews', () => valid(CreatorReviewsData, { items, total: 2, page: 1, pageSize: 50 }))
      .on('creator.reply', (data) => ({
        review: {
          ...items[1]!,
          reply: {
            text: data.text,
            status: 'visible',
            check: 'pass',
            creatorName: '何珊',
            createdAt: items[1]!.createdAt,
            updatedAt: items[1]!.createdAt,
          },
        },
      }))
      .on('creator.moderate', () => ({ review: items[0]! }));
    const page = openPage('creator-reviews');
    await settle();
    const text = allText(page);
    expect(text).toContain('3 人举报：虚假不实 3');
    expect(text).toContain('内容检查：平台不确定，等你决定是否显示');
    expect(text).toContain('已隐藏');
    await tap(page, '.decide');
    await settle();
    expect(cloud.callsOf('creator.moderate')).toEqual([
      { action: 'moderate', targetType: 'review', targetId: 'r1', decision: 'hide' },
    ]);
    page.querySelectorAll('.reply-button')[1]?.dispatchEvent('tap');
    await settle();
    find(page, '.draft')?.dispatchEvent('input', { detail: { value: '谢谢支持' } });
    await tap(page, '.send-reply');
    await settle();
    expect(cloud.callsOf('creator.reply')).toEqual([{ action: 'reply', reviewId: 'r2', text: '谢谢支持' }]);
  });

  it('teaches what will appear when there is no review yet', async () => {
    const cloud = installWx();
    cloud.on('creator.reviews', () => ({ items: [], total: 0, page: 1, pageSize: 50 }));
    const page = openPage('creator-reviews');
    await settle();
    expect(allText(page)).toContain('学员购买并学习后写下的评价会出现在这里');
  });
});

describe('优惠管理', () => {
  const now = new Date('2026-12-06T12:00:00.000Z');
  const promotions = () =>
    valid(CreatorPromotionsData, {
      coupons: [
        {
          id: 'c1',
          title: '新人立减',
          kind: 'amount',
          label: '立减 ¥20',
          amountFen: 2000,
          courseIds: ['python-automation'],
          startsAt: '2026-12-01T00:00:00.000Z',
          endsAt: '2026-12-31T00:00:00.000Z',
          status: 'active',
          stock: 100,
          perLearner: 1,
          claimed: 12,
          remaining: 88,
          held: 1,
          used: 7,
          createdAt: '2026-12-01T00:00:00.000Z',
        },
      ],
      discounts: [],
      batches: [
        {
          id: 'b1',
          courseId: 'python-automation',
          count: 50,
          used: 3,
          status: 'paused',
          createdAt: '2026-12-02T00:00:00.000Z',
        },
        {
          id: 'b0',
          courseId: 'python-automation',
          count: 20,
          used: 20,
          expiresAt: '2026-08-16T16:00:00.000Z',
          status: 'active',
          createdAt: '2026-06-02T00:00:00.000Z',
        },
      ],
    });

  it('is reached from the course and lists each kind with its usage', async () => {
    const cloud = installWx();
    cloud.on('creator.course', () => courseData());
    const course = openPage('creator-course', { courseId: 'python-automation' });
    await settle();
    await tap(course, '.promotions-link');
    expect(wx.navigateTo).toHaveBeenCalledWith({
      url: `/pages/creator-promotions/index?courseId=python-automation&title=${encodeURIComponent('Python 办公自动化实战')}`,
    });

    cloud.on('creator.promotions', () => promotions());
    const page = openPage('creator-promotions', { courseId: 'python-automation', title: 'Python 办公自动化实战' });
    await settle();
    expect(cloud.callsOf('creator.promotions')).toEqual([{ action: 'promotions', courseId: 'python-automation' }]);
    const text = allText(page);
    expect(text).toContain('新人立减（立减 ¥20）');
    expect(text).toContain('已领 12 / 100 · 已用 7 · 待支付占用 1 · 每人限 1 张');
    expect(text).toContain('兑换码 50 个');
    expect(text).toContain('已兑换 3 / 50');
    expect(text).toContain('还没有限时价');
    // An expired batch redeems nothing: 已过期, nothing to pause.
    expect(text).toContain('已过期');
    expect(page.querySelectorAll('.toggle').map((n) => n.dom?.textContent?.trim())).toEqual(['暂停', '恢复']);
  });

  it('makes the request the form says, in fen, for this course only; shows new codes once', async () => {
    expect(
      promotionRequest(
        {
          ...emptyForm(),
          couponKind: 'threshold',
          title: '满减',
          amount: '20',
          threshold: '99.9',
          stock: '50',
          days: '3',
        },
        'py',
        now,
      ),
    ).toEqual({
      kind: 'coupon',
      coupon: {
        title: '满减',
        kind: 'threshold',
        amountFen: 2000,
        thresholdFen: 9990,
        stock: 50,
        appliesTo: { courseIds: ['py'] },
        endsAt: '2026-12-09T12:00:00.000Z',
      },
    });
    expect(promotionRequest({ ...emptyForm(), kind: 'discount', price: '49', days: '7' }, 'py', now)).toEqual({
      kind: 'discount',
      discount: {
        target: { kind: 'course', id: 'py' },
        priceFen: 4900,
        label: '限时特惠',
        endsAt: '2026-12-13T12:00:00.000Z',
      },
    });

    const cloud = installWx();
    cloud
      .on('creator.promotions', () => promotions())
      .on('creator.createPromotion', () => ({ kind: 'codes', codes: ['7K3M-Q9XD-2HWT-B8NE', 'AAAA-BBBB-CCCC-DDDD'] }));
    const page = openPage('creator-promotions', { courseId: 'python-automation' });
    await settle();
    page.querySelectorAll('.kind')[2]?.dispatchEvent('tap');
    await settle();
    await tap(page, '.create-button');
    await settle();
    expect(cloud.callsOf('creator.createPromotion')).toEqual([
      {
        action: 'createPromotion',
        kind: 'codes',
        codes: { target: { kind: 'course', id: 'python-automation' }, count: 50 },
      },
    ]);
    expect(allText(page)).toContain('7K3M-Q9XD-2HWT-B8NE');
  });

  it('pauses at once, and revokes only once the creator confirmed', async () => {
    const showModal = jest
      .fn()
      .mockImplementationOnce((o: { success: (r: object) => void }) => o.success({ confirm: false, cancel: true }))
      .mockImplementation((o: { success: (r: object) => void }) => o.success({ confirm: true, cancel: false }));
    const cloud = installWx({ showModal });
    cloud
      .on('creator.promotions', () => promotions())
      .on('creator.updatePromotionStatus', (data) => ({
        kind: data.kind,
        id: data.id,
        status: data.status,
        previousStatus: 'active',
        changed: true,
      }));
    const page = openPage('creator-promotions', { courseId: 'python-automation' });
    await settle();
    await tap(page, '.toggle');
    await settle();
    await tap(page, '.revoke');
    await settle();
    await tap(page, '.revoke');
    await settle();
    expect(cloud.callsOf('creator.updatePromotionStatus')).toEqual([
      { action: 'updatePromotionStatus', kind: 'coupon', id: 'c1', status: 'paused' },
      { action: 'updatePromotionStatus', kind: 'coupon', id: 'c1', status: 'revoked' },
    ]);
  });
});

describe('我的', () => {
  const privacy = {
    getPrivacySetting: (o: { success: (r: object) => void }) => o.success({ needAuthorization: false }),
  };

  it.each([
    [[{ id: 'he-shan', name: '何珊' }], true],
    [[], false],
  ])('shows 创作者中心 only to a creator admin (%j)', async (creators, shown) => {
    const cloud = installWx(privacy);
    cloud
      .on('creator.access', () => ({ creators }))
      .on('catalog.categories', () => ({ items: [] }))
      .on('recommend.interests', () => ({ categories: [] }));
    const page = openPage('me');
    await settle();
    expect(Boolean(find(page, '.creator'))).toBe(shown);
    if (shown) {
      await tap(page, '.creator');
      expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/creator/index' });
    }
  });
});
