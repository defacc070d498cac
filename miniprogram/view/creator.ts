/**
 * The creator center's numbers as the pages show them, from `creator.overview` and `creator.course`: texts, the
 * rows of the course list and the charts' inputs (components/chart draws them). Pure.
 */
import type {
  CourseModerationView,
  CreatorCourseData,
  CreatorCourseRow,
  CreatorFigures,
  CreatorOverview,
  OverviewPeriod,
  SalesPoint,
} from '../../shared/contract';
import type { ChartInput } from './chart';
import { priceText } from './format';

export const COURSE_STATUS_TEXT: Record<CreatorCourseRow['status'], string> = {
  draft: '草稿',
  reviewing: '审核中',
  published: '已上架',
  rejected: '未通过',
  archived: '已下架',
};

export const PERIOD_TABS: readonly { key: OverviewPeriod; label: string }[] = [
  { key: 'day', label: '按日' },
  { key: 'week', label: '按周' },
  { key: 'month', label: '按月' },
];

/** Money the creator reads: `¥1,234`, `¥9.90`, `¥0` (never 免费: a sum of nothing is not a price). */
export function moneyText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  const cents = abs % 100;
  return `${sign}¥${yuan}${cents === 0 ? '' : `.${String(cents).padStart(2, '0')}`}`;
}

/** `12/6` of a day, `12月` of a month (`YYYY-MM-DD`, the bucket's first day). */
export function bucketLabel(start: string, period: OverviewPeriod): string {
  const [, month = '', day = ''] = start.split('-');
  return period === 'month' ? `${Number(month)}月` : `${Number(month)}/${Number(day)}`;
}

export interface FigureTile {
  label: string;
  value: string;
}

export function figureTiles(figures: CreatorFigures): FigureTile[] {
  return [
    { label: '净收入', value: moneyText(figures.netRevenueFen) },
    { label: '付费订单', value: String(figures.paidOrders) },
    { label: '学员', value: String(figures.learners) },
    { label: '退款', value: `${figures.refunds} 笔 · ${moneyText(figures.refundsFen)}` },
  ];
}

/** Revenue (yuan) and paid orders of each bucket: two bar charts, since their scales differ. */
export function salesCharts(
  series: readonly SalesPoint[],
  period: OverviewPeriod,
): { revenue: ChartInput; orders: ChartInput } {
  const categories = series.map((point) => bucketLabel(point.start, period));
  return {
    revenue: {
      kind: 'bar',
      categories,
      series: [{ name: '收入（元）', values: series.map((point) => (point.revenueFen - point.refundedFen) / 100) }],
    },
    orders: {
      kind: 'bar',
      categories,
      series: [{ name: '付费订单', values: series.map((point) => point.paidOrders) }],
    },
  };
}

/** What is under review or rejected, in a sentence. */
export function moderationText(moderation: CourseModerationView | null): string {
  if (!moderation) return '';
  if (moderation.state === 'rejected') {
    return `版本 ${moderation.version} 未通过：${moderation.field ? `${moderation.field} ` : ''}${moderation.reason ?? ''}`;
  }
  return `版本 ${moderation.version} 审核中${moderation.reason ? `：${moderation.reason}` : ''}`;
}

export interface CourseRowView {
  id: string;
  title: string;
  statusText: string;
  status: CreatorCourseRow['status'];
  moderationText: string;
  rejected: boolean;
  /** Price, learners, revenue, rating and quality in one line. */
  figuresText: string;
}

export function courseRowView(row: CreatorCourseRow): CourseRowView {
  const figures = [
    priceText(row.priceFen),
    `${row.learners} 名学员`,
    row.netRevenueFen === null ? '今晚统计后显示收入' : `净收入 ${moneyText(row.netRevenueFen)}`,
    row.rating.count > 0 ? `${row.rating.avg.toFixed(1)} 分（${row.rating.count}）` : '暂无评分',
    row.qualityScore === null ? '' : `质量分 ${row.qualityScore}`,
  ];
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    statusText: COURSE_STATUS_TEXT[row.status],
    moderationText: moderationText(row.moderation),
    rejected: row.moderation?.state === 'rejected',
    figuresText: figures.filter((part) => part !== '').join(' · '),
  };
}

export interface OverviewView {
  id: string;
  name: string;
  tiles: FigureTile[];
  last30Tiles: FigureTile[];
  charts: { revenue: ChartInput; orders: ChartInput };
  hasSales: boolean;
  courses: CourseRowView[];
  /** What the creator is told while there is nothing to show yet. */
  emptyNote: string;
  computedText: string;
}

export function overviewView(creator: CreatorOverview, period: OverviewPeriod): OverviewView {
  const hasSales = creator.series.some((point) => point.paidOrders > 0 || point.refunds > 0);
  let emptyNote = '';
  if (creator.courses.length === 0) {
    emptyNote =
      '还没有课程。用 npm run course:import 导入第一门课程，内容检查通过后上架；有了销售，这里会显示收入、订单和学员的变化。';
  } else if (creator.pendingFirstNight) {
    emptyNote = '每晚统计一次：今晚统计后，这里会显示收入、订单、学员和每门课的质量分。';
  } else if (!hasSales) {
    emptyNote = '这段时间还没有付费订单。课程有了销售，第二天就会出现在图表里。';
  }
  return {
    id: creator.creator.id,
    name: creator.creator.name,
    tiles: figureTiles(creator.totals),
    last30Tiles: figureTiles(creator.last30),
    charts: salesCharts(creator.series, period),
    hasSales,
    courses: creator.courses.map(courseRowView),
    emptyNote,
    computedText: creator.computedAt === null ? '' : `统计于 ${creator.computedAt.slice(0, 10)}`,
  };
}

/** A percentage for the creator: `37%`. */
export function percentText(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/** The course screen's charts: weekly paid orders with the forecast and its 80 % band ahead, the funnel, the drop-off and the ratings. */
export function courseCharts(data: CreatorCourseData): {
  sales: ChartInput;
  revenue: ChartInput;
  funnel: ChartInput;
  dropOff: ChartInput | null;
  ratings: ChartInput;
} {
  const weeks = data.history.map((point) => point.week);
  const ahead = data.forecast?.weeks ?? [];
  const categories = [...weeks, ...ahead.map((week) => week.week)].map((week) => bucketLabel(week, 'week'));
  const gap = (n: number): null[] => Array.from({ length: n }, () => null);
  // The forecast line starts at the last week sold, so the two lines meet.
  const last = data.history[data.history.length - 1]?.paidOrders ?? null;
  const sales: ChartInput = {
    kind: 'line',
    categories,
    series: [
      { name: '付费订单', values: [...data.history.map((point) => point.paidOrders), ...gap(ahead.length)] },
      ...(ahead.length > 0
        ? [
            {
              name: '预测',
              dashed: true,
              values: [...gap(weeks.length - 1), last, ...ahead.map((week) => round1(week.mean))],
            },
          ]
        : []),
    ],
    band:
      ahead.length > 0
        ? {
            series: '预测',
            lower: [...gap(weeks.length), ...ahead.map((week) => round1(week.lower))],
            upper: [...gap(weeks.length), ...ahead.map((week) => round1(week.upper))],
          }
        : null,
  };
  const revenue: ChartInput = {
    kind: 'bar',
    categories: weeks.map((week) => bucketLabel(week, 'week')),
    series: [
      { name: '净收入（元）', values: data.history.map((point) => (point.revenueFen - point.refundedFen) / 100) },
    ],
  };
  const { funnel } = data;
  const funnelChart: ChartInput = {
    kind: 'bar',
    horizontal: true,
    categories: ['曝光', '详情页', '试学', '下单', '付费', '退款'],
    series: [
      {
        name: '人次',
        values: [
          funnel.impressions,
          funnel.detailViews,
          funnel.freeLessonStarts,
          funnel.checkouts,
          funnel.paid,
          funnel.refunded,
        ],
      },
    ],
  };
  const dropOff: ChartInput | null =
    data.completion && data.completion.dropOff.some((lesson) => lesson.stopped > 0)
      ? {
          kind: 'bar',
          categories: data.completion.dropOff.map((lesson) => `第${lesson.order}课`),
          series: [{ name: '停在这一课', values: data.completion.dropOff.map((lesson) => lesson.stopped) }],
        }
      : null;
  const ratings: ChartInput = {
    kind: 'bar',
    categories: ['1★', '2★', '3★', '4★', '5★'],
    series: [{ name: '评价数', values: [...data.rating.histogram] }],
  };
  return { sales, revenue, funnel: funnelChart, dropOff, ratings };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
