/**
 * A course in the creator center (`creator.course`, one call): sales with the demand forecast and its 80 % band,
 * the funnel, completion and where learners stop, ratings, the quality score with what to improve, the price advice
 * and the price test. The price actions ask the server first with `dryRun`, so the confirmation says exactly what
 * learners will see (and, on the virtual rail, which item must be registered), then act and reload.
 */
import type { CreatorCourseData, DropOffLesson, PriceAdviceView } from '../../shared/contract';
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { courseCharts, moderationText, moneyText, percentText, COURSE_STATUS_TEXT } from '../view/creator';
import { dateTimeText, priceText } from '../view/format';
import type { LoadStatus } from '../core/store';
import { ActionStore } from '../core/action-store';

export interface QualityRow {
  label: string;
  pointsText: string;
}

export interface CreatorCourseState {
  status: LoadStatus;
  error: string;
  courseId: string;
  title: string;
  statusText: string;
  priceText: string;
  moderationText: string;
  rejected: boolean;
  /** Why figures or insights are missing, in a sentence; '' when they are there. */
  pendingNote: string;
  insightsNote: string;
  figures: { label: string; value: string }[];
  charts: ReturnType<typeof courseCharts> | null;
  hasSales: boolean;
  /** The funnel and the ratings have something to draw. */
  hasFunnel: boolean;
  hasRatings: boolean;
  forecastText: string;
  completionText: string;
  stopText: string;
  qualityScore: string;
  quality: QualityRow[];
  advice: string[];
  priceAdvice: { reason: string; priceText: string; changeText: string; confidenceText: string; apply: boolean } | null;
  priceTestText: string;
  testRunning: boolean;
  canTest: boolean;
  /** A price action waiting for the server. */
  busy: boolean;
}

export function initialCreatorCourse(courseId: string): CreatorCourseState {
  return {
    status: 'loading',
    error: '',
    courseId,
    title: '',
    statusText: '',
    priceText: '',
    moderationText: '',
    rejected: false,
    pendingNote: '',
    insightsNote: '',
    figures: [],
    charts: null,
    hasSales: false,
    hasFunnel: false,
    hasRatings: false,
    forecastText: '',
    completionText: '',
    stopText: '',
    qualityScore: '',
    quality: [],
    advice: [],
    priceAdvice: null,
    priceTestText: '',
    testRunning: false,
    canTest: false,
    busy: false,
  };
}

export interface CreatorCourseDeps {
  call: typeof call;
  /** Asks the creator to confirm; resolves whether they did. */
  confirm(title: string, content: string): Promise<boolean>;
  toast(text: string): void;
}

const INSIGHTS_NOTE = {
  firstNight: '需求预测和价格建议每晚计算，今晚之后显示。',
  free: '免费课程没有价格建议和销量预测。',
  notPublished: '课程上架后才有需求预测和价格建议。',
} as const;

const QUALITY_LABELS = { rating: '评分', completion: '完课率', refunds: '退款', reports: '举报' } as const;

function adviceView(advice: PriceAdviceView | null): CreatorCourseState['priceAdvice'] {
  if (!advice) return null;
  const change = advice.expectedChange;
  return {
    reason: advice.reason,
    priceText: priceText(advice.advisedPriceFen),
    changeText:
      advice.action === 'keep'
        ? '保持现价'
        : `预计每周净收入 ${change >= 0 ? '+' : ''}${percentText(change)}（${moneyText(advice.expectedWeeklyNetFen.current)} → ${moneyText(advice.expectedWeeklyNetFen.best)}）`,
    confidenceText: `把握 ${percentText(advice.confidence)}`,
    apply: advice.action !== 'keep' && advice.advisedPriceFen !== advice.currentPriceFen,
  };
}

function stateOf(data: CreatorCourseData): Partial<CreatorCourseState> {
  const charts = courseCharts(data);
  const { completion, quality, priceTest } = data;
  const worst = completion?.dropOff.reduce<DropOffLesson | undefined>(
    (a, b) => (a === undefined || b.stopped > a.stopped ? b : a),
    undefined,
  );
  const hasSales = data.history.some((week) => week.paidOrders > 0);
  const forecast = data.forecast?.weeks ?? [];
  const all = data.figures?.allTime;
  return {
    title: data.course.title,
    statusText: COURSE_STATUS_TEXT[data.course.status],
    priceText: priceText(data.course.priceFen),
    moderationText: moderationText(data.moderation),
    rejected: data.moderation?.state === 'rejected',
    pendingNote: data.pendingFirstNight ? '课程数据每晚统计一次，今晚统计后显示学员、收入和完课情况。' : '',
    insightsNote: data.insightsMissing ? INSIGHTS_NOTE[data.insightsMissing] : '',
    figures: all
      ? [
          { label: '学员', value: String(all.learners) },
          { label: '付费订单', value: String(all.paidOrders) },
          { label: '净收入', value: moneyText(all.netRevenueFen) },
          { label: '退款', value: `${all.refunds} 笔` },
        ]
      : [],
    charts,
    hasSales,
    hasFunnel: charts.funnel.series.some((series) => series.values.some((value) => (value ?? 0) > 0)),
    hasRatings: data.rating.count > 0,
    forecastText:
      forecast.length > 0
        ? `未来 ${forecast.length} 周预计 ${Math.round(forecast.reduce((sum, w) => sum + w.mean, 0))} 单（虚线为预测，阴影为 80% 区间）`
        : '',
    completionText: !completion
      ? ''
      : completion.learners === 0
        ? '还没有学员：有了学员，这里会显示学完的比例和大家停在哪一课。'
        : `${completion.completions} / ${completion.learners} 名学员学完（${percentText(completion.completionRate)}），平均进度 ${Math.round(completion.avgProgress)}%`,
    stopText:
      worst && worst.stopped > 0 ? `第 ${worst.order} 课「${worst.title}」流失最多：${worst.stopped} 人停在这里` : '',
    qualityScore: quality ? String(quality.score) : '',
    quality: quality
      ? (Object.keys(QUALITY_LABELS) as (keyof typeof QUALITY_LABELS)[]).map((key) => ({
          label: QUALITY_LABELS[key],
          pointsText: `${Math.round(quality.components[key].points)} / ${quality.components[key].max}`,
        }))
      : [],
    advice: quality?.advice ?? [],
    priceAdvice: priceTest?.status === 'running' ? null : adviceView(data.priceAdvice),
    priceTestText: priceTest ? testText(priceTest) : '',
    testRunning: priceTest?.status === 'running',
    canTest: data.course.status === 'published' && data.course.priceFen > 0,
  };
}

function testText(test: NonNullable<CreatorCourseData['priceTest']>): string {
  const range = `${priceText(test.minPriceFen)} – ${priceText(test.maxPriceFen)}`;
  if (test.status === 'running') {
    const now = test.priceFen === null ? '下周一开始第一周' : `本周 ${priceText(test.priceFen)}`;
    const leader = test.leader
      ? `；目前最好的价格 ${priceText(test.leader.priceFen)}（把握 ${percentText(test.leader.probabilityBest)}）`
      : '';
    return `价格测试进行中（${range}）：${now}，已测 ${test.periods.length} 周${leader}`;
  }
  if (test.status === 'settled') {
    return `价格测试已定价 ${priceText(test.settledPriceFen ?? 0)}（${test.settledAt ? dateTimeText(test.settledAt) : ''}）`;
  }
  return `价格测试已停止（${test.stoppedAt ? dateTimeText(test.stoppedAt) : ''}），测了 ${test.periods.length} 周`;
}

export class CreatorCourseStore extends ActionStore<CreatorCourseState> {
  private data: CreatorCourseData | null = null;

  constructor(
    courseId: string,
    private readonly deps: CreatorCourseDeps,
  ) {
    super(initialCreatorCourse(courseId));
  }

  async load(): Promise<void> {
    if (!this.data) this.update({ status: 'loading', error: '' });
    try {
      this.data = await this.deps.call('creator', { action: 'course', courseId: this.state.courseId });
      this.update({ status: 'ready', error: '', ...stateOf(this.data) });
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }

  /** 采用建议价: what learners will see, then the price. */
  async applyAdvice(): Promise<void> {
    const advice = this.data?.priceAdvice;
    if (!advice || this.state.busy) return;
    const courseId = this.state.courseId;
    const priceFen = advice.advisedPriceFen;
    await this.act(async () => {
      const preview = await this.deps.call('creator', { action: 'applyPrice', courseId, priceFen, dryRun: true });
      const item = preview.virtualItem;
      const needs =
        item && !item.registered
          ? `\n需先在虚拟支付后台登记道具 ${item.productId}（${priceText(item.priceFen)}）。`
          : '';
      if (!(await this.deps.confirm(`改为 ${priceText(priceFen)}？`, `${preview.learnersSee}${needs}`))) return false;
      await this.deps.call('creator', { action: 'applyPrice', courseId, priceFen });
      this.deps.toast('价格已更新');
      return true;
    }, this.deps.toast);
  }

  /** 开启 / 停止价格测试, after the confirmation. */
  async togglePriceTest(): Promise<void> {
    if (this.state.busy) return;
    const courseId = this.state.courseId;
    const on = !this.state.testRunning;
    await this.act(async () => {
      const preview = await this.deps.call('creator', { action: 'priceTest', courseId, on, dryRun: true });
      if (!(await this.deps.confirm(on ? '开启价格测试？' : '停止价格测试？', preview.learnersSee))) return false;
      await this.deps.call('creator', { action: 'priceTest', courseId, on });
      this.deps.toast(on ? '价格测试已开启' : '价格测试已停止');
      return true;
    }, this.deps.toast);
  }
}
