/**
 * The chart component (miniprogram/components/chart) with the three charts the creator center needs, for the
 * screenshots (`?page=chart-gallery` in the preview): sales with a forecast and its 80 % band, a rating histogram and
 * a funnel. A preview-only page, not part of the mini-program; the creator pages will show these with real numbers.
 */
import type { ChartBand, ChartSeries } from '../../../../../miniprogram/view/chart';

declare const Component: (options: { data: Record<string, unknown> }) => void;

const WEEKS = ['10/6', '10/13', '10/20', '10/27', '11/3', '11/10', '11/17', '11/24', '12/1', '12/8'];
const SOLD = [12, 18, 15, 22, 27, 24, 31, null, null, null];
const FORECAST = [null, null, null, null, null, null, 31, 33, 34, 36];
const LOWER = [null, null, null, null, null, null, 31, 26, 24, 23];
const UPPER = [null, null, null, null, null, null, 31, 40, 44, 49];

const forecastSeries: ChartSeries[] = [
  { name: '销量', values: SOLD },
  { name: '预测', values: FORECAST, dashed: true },
];
const band: ChartBand = { series: '预测', lower: LOWER, upper: UPPER };

Component({
  data: {
    forecast: { categories: WEEKS, series: forecastSeries, band },
    rating: {
      categories: ['1 星', '2 星', '3 星', '4 星', '5 星'],
      series: [{ name: '评价数', values: [2, 3, 9, 41, 87] }] satisfies ChartSeries[],
    },
    funnel: {
      categories: ['曝光', '详情页', '试听', '下单', '支付', '退款'],
      series: [{ name: '人数', values: [5200, 1830, 640, 212, 168, 9] }] satisfies ChartSeries[],
    },
  },
});
