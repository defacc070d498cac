/**
 * What the chart component (components/chart) draws, as plain data: the records, the shared value axis and the
 * colours, from the series a page gives. Pure, so the tests check the chart's content without a canvas; the component
 * only maps this onto the charting library's elements (F2).
 *
 * Labels (categories, series names) come from the caller, in Chinese; nothing here is user-facing text.
 */

export type ChartKind = 'line' | 'bar';

export interface ChartSeries {
  /** Shown in the legend when there are two series or more. */
  name: string;
  /** One value per category; `null` is a gap (a line breaks there, a bar is left out). */
  values: (number | null)[];
  /** Drawn as a dashed line (a forecast). Lines only. */
  dashed?: boolean;
}

/** A range around one series, e.g. a forecast's 80 % interval, filled in that series' colour. Lines only. */
export interface ChartBand {
  /** The `name` of the series the band belongs to. */
  series: string;
  lower: (number | null)[];
  upper: (number | null)[];
}

export interface ChartInput {
  kind: ChartKind;
  categories: string[];
  series: ChartSeries[];
  band?: ChartBand | null;
  /** Bars run left to right, categories down the side (a funnel of stages with long names). Bars only. */
  horizontal?: boolean;
}

/**
 * One point of one series. Every point of the band's series has `band`: its bounds, or `[null, null]` where they are
 * not known (F2 fills a range only for a series whose points all hold a pair; a null pair is a gap).
 */
export interface ChartRecord {
  x: string;
  series: string;
  value: number | null;
  band?: [number, number] | [null, null];
}

/** The value axis every geometry shares: `value` and `band` map through the same scale. */
export interface ChartDomain {
  min: number;
  max: number;
  tickCount: number;
}

export interface ChartSpec {
  kind: ChartKind;
  horizontal: boolean;
  /**
   * The category axis in drawing order: the caller's order, upside down for horizontal bars (the axis then runs
   * bottom to top), so the first category is on top.
   */
  categories: string[];
  /** How many category labels fit under a 390 px wide chart: every one up to `MAX_LABELS`, else that many. */
  labelCount: number;
  records: ChartRecord[];
  domain: ChartDomain;
  /** The series names in order, and their colours (the palette repeats after six). */
  seriesNames: string[];
  colors: string[];
  /** The line shape of each series in `seriesNames` order: `dash` for a dashed series. */
  shapes: ('line' | 'dash')[];
  /** Whether the band has at least one point to fill. */
  hasBand: boolean;
  legend: boolean;
  /** No value at all: the component draws nothing and the page shows its own empty state. */
  empty: boolean;
}

/** The mini-program's green first (styles/), then colours that stay apart from it and from each other. */
export const CHART_COLORS = ['#07c160', '#1890ff', '#fa9d3b', '#9a60b4', '#ee6666', '#73c0de'];

const MAX_TICKS = 5;
const MAX_LABELS = 6;

function finite(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `values` fitted to `n` categories: missing values are gaps, values beyond the last category are dropped. */
function fitted(values: readonly (number | null)[], n: number): (number | null)[] {
  return Array.from({ length: n }, (_, i) => {
    const value = values[i];
    return finite(value) ? value : null;
  });
}

/** Without the float noise of a product of steps (0.30000000000000004). */
function round(value: number): number {
  return Number(value.toPrecision(12));
}

/** The smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw * (1 - 1e-9)) ?? 10;
  return step * power;
}

/**
 * An axis from 0 (or below, for negative values) to the first round value at or above the largest, in steps of 1, 2,
 * 2.5 or 5 × 10^k, at most `MAX_TICKS - 1` of them, so that the grid lines fall on round values. All zeros or no
 * values: 0 to 1.
 */
export function valueDomain(values: readonly number[]): ChartDomain {
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  if (high === low) return { min: 0, max: 1, tickCount: 2 };
  const step = niceStep((high - low) / (MAX_TICKS - 1));
  const min = Math.floor(low / step + 1e-9) * step;
  const max = Math.ceil(high / step - 1e-9) * step;
  return { min: round(min), max: round(max), tickCount: Math.round((max - min) / step) + 1 };
}

export function chartSpec(input: ChartInput): ChartSpec {
  const { kind, categories } = input;
  const n = categories.length;
  const series = input.series.map((s) => ({ ...s, values: fitted(s.values, n) }));
  const band = kind === 'line' && input.band && series.some((s) => s.name === input.band?.series) ? input.band : null;
  const lower = band ? fitted(band.lower, n) : [];
  const upper = band ? fitted(band.upper, n) : [];

  const records: ChartRecord[] = [];
  const seen: number[] = [];
  let hasBand = false;
  for (const s of series) {
    s.values.forEach((value, i) => {
      const record: ChartRecord = { x: categories[i] ?? '', series: s.name, value };
      const lo = lower[i];
      const hi = upper[i];
      if (band && s.name === band.series) {
        const known = finite(lo) && finite(hi);
        record.band = known ? [Math.min(lo, hi), Math.max(lo, hi)] : [null, null];
        if (known) seen.push(lo, hi);
        hasBand ||= known;
      }
      if (finite(value)) seen.push(value);
      records.push(record);
    });
  }
  const seriesNames = series.map((s) => s.name);
  const horizontal = kind === 'bar' && Boolean(input.horizontal);
  return {
    kind,
    horizontal,
    categories: horizontal ? [...categories].reverse() : [...categories],
    labelCount: horizontal || n <= MAX_LABELS ? n : MAX_LABELS - 1,
    records,
    domain: valueDomain(seen),
    seriesNames,
    colors: seriesNames.map((_, i) => CHART_COLORS[i % CHART_COLORS.length] as string),
    shapes: series.map((s) => (kind === 'line' && s.dashed ? 'dash' : 'line')),
    hasBand,
    legend: series.length > 1,
    empty: !records.some((r) => finite(r.value)) && !hasBand,
  };
}
