import { CHART_COLORS, chartSpec, niceStep, valueDomain, type ChartInput } from '../view/chart';

describe('valueDomain: a value axis from 0 to a round value, at most 5 ticks', () => {
  it.each([
    [[87, 41, 9], { min: 0, max: 100, tickCount: 5 }],
    [[80], { min: 0, max: 80, tickCount: 5 }],
    [[101], { min: 0, max: 150, tickCount: 4 }],
    [[5200, 9], { min: 0, max: 6000, tickCount: 4 }],
    [[0.3, 0.1], { min: 0, max: 0.3, tickCount: 4 }],
    [[-12, 30], { min: -20, max: 40, tickCount: 4 }],
    [[], { min: 0, max: 1, tickCount: 2 }],
    [[0, 0], { min: 0, max: 1, tickCount: 2 }],
  ])('%j → %j', (values, domain) => expect(valueDomain(values)).toEqual(domain));

  it('never cuts the largest value off, and keeps to 1, 2, 2.5, 5 × 10^k steps', () => {
    for (let high = 1; high < 20_000; high = Math.ceil(high * 1.37)) {
      const { min, max, tickCount } = valueDomain([high]);
      expect(max).toBeGreaterThanOrEqual(high);
      expect(tickCount).toBeLessThanOrEqual(5);
      const step = (max - min) / (tickCount - 1);
      expect(niceStep(step)).toBeCloseTo(step, 9);
    }
  });
});

const WEEKS = ['W1', 'W2', 'W3', 'W4'];

function forecast(overrides: Partial<ChartInput> = {}): ChartInput {
  return {
    kind: 'line',
    categories: WEEKS,
    series: [
      { name: '销量', values: [10, 12, null, null] },
      { name: '预测', values: [null, 12, 14, 15], dashed: true },
    ],
    band: { series: '预测', lower: [null, 12, 9, 8], upper: [null, 12, 19, 23] },
    ...overrides,
  };
}

describe('chartSpec', () => {
  it('a forecast: one record per series and category, the band on the forecast series, gaps as null', () => {
    const spec = chartSpec(forecast());
    expect(spec.records).toEqual([
      { x: 'W1', series: '销量', value: 10 },
      { x: 'W2', series: '销量', value: 12 },
      { x: 'W3', series: '销量', value: null },
      { x: 'W4', series: '销量', value: null },
      { x: 'W1', series: '预测', value: null, band: [null, null] },
      { x: 'W2', series: '预测', value: 12, band: [12, 12] },
      { x: 'W3', series: '预测', value: 14, band: [9, 19] },
      { x: 'W4', series: '预测', value: 15, band: [8, 23] },
    ]);
    expect(spec.hasBand).toBe(true);
    expect(spec.shapes).toEqual(['line', 'dash']);
    expect(spec.legend).toBe(true);
    expect(spec.colors).toEqual([CHART_COLORS[0], CHART_COLORS[1]]);
    expect(spec.empty).toBe(false);
  });

  it('the axis covers the band, not only the values', () => {
    expect(chartSpec(forecast()).domain).toEqual({ min: 0, max: 30, tickCount: 4 }); // the band reaches 23, the values 15
  });

  it('a band given upside down, or for a series that is not there, or on bars', () => {
    const flipped = chartSpec(
      forecast({ band: { series: '预测', lower: [null, 12, 19, 23], upper: [null, 12, 9, 8] } }),
    );
    expect(flipped.records.map((r) => r.band).filter(Boolean)).toEqual([
      [null, null],
      [12, 12],
      [9, 19],
      [8, 23],
    ]);
    const elsewhere = chartSpec(forecast({ band: { series: '其他', lower: [1, 1, 1, 1], upper: [2, 2, 2, 2] } }));
    expect(elsewhere.hasBand).toBe(false);
    expect(elsewhere.records.some((r) => 'band' in r)).toBe(false);
    expect(chartSpec(forecast({ kind: 'bar' })).hasBand).toBe(false);
  });

  it('values fitted to the categories: missing ones are gaps, extra ones dropped, NaN a gap', () => {
    const spec = chartSpec({ kind: 'bar', categories: ['A', 'B', 'C'], series: [{ name: 'n', values: [1, NaN] }] });
    expect(spec.records.map((r) => r.value)).toEqual([1, null, null]);
    const long = chartSpec({ kind: 'bar', categories: ['A'], series: [{ name: 'n', values: [1, 2, 3] }] });
    expect(long.records).toEqual([{ x: 'A', series: 'n', value: 1 }]);
  });

  it('a rating histogram: one series, no legend, every label, solid bars', () => {
    const spec = chartSpec({
      kind: 'bar',
      categories: ['1 星', '2 星', '3 星', '4 星', '5 星'],
      series: [{ name: '评价数', values: [2, 3, 9, 41, 87], dashed: true }],
    });
    expect(spec.legend).toBe(false);
    expect(spec.labelCount).toBe(5);
    expect(spec.shapes).toEqual(['line']);
    expect(spec.domain).toEqual({ min: 0, max: 100, tickCount: 5 });
  });

  it('a funnel on its side: the first stage on top, every stage labelled', () => {
    const stages = ['曝光', '详情页', '试听', '下单', '支付', '退款', '复购'];
    const spec = chartSpec({
      kind: 'bar',
      horizontal: true,
      categories: stages,
      series: [{ name: '人数', values: [700, 600, 500, 400, 300, 200, 100] }],
    });
    expect(spec.horizontal).toBe(true);
    expect(spec.categories).toEqual([...stages].reverse());
    expect(spec.labelCount).toBe(7);
    expect(stages[0]).toBe('曝光'); // the caller's array is left as it was
  });

  it('many categories along the bottom: five labels; a line is never horizontal', () => {
    const days = Array.from({ length: 30 }, (_, i) => `${i + 1}日`);
    const spec = chartSpec({ kind: 'line', horizontal: true, categories: days, series: [{ name: 's', values: [] }] });
    expect(spec.labelCount).toBe(5);
    expect(spec.horizontal).toBe(false);
    expect(spec.categories).toEqual(days);
  });

  it('no value at all is empty (the page shows its own empty state)', () => {
    expect(chartSpec({ kind: 'line', categories: ['A'], series: [{ name: 's', values: [null] }] }).empty).toBe(true);
    expect(chartSpec({ kind: 'bar', categories: [], series: [] }).empty).toBe(true);
    expect(chartSpec({ kind: 'bar', categories: ['A'], series: [{ name: 's', values: [0] }] }).empty).toBe(false);
  });

  it('colours repeat after the palette', () => {
    const series = Array.from({ length: CHART_COLORS.length + 1 }, (_, i) => ({ name: `s${i}`, values: [i] }));
    expect(chartSpec({ kind: 'bar', categories: ['A'], series }).colors.at(-1)).toBe(CHART_COLORS[0]);
  });
});
