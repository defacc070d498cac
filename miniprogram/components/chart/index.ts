/**
 * A chart drawn by F2 (@antv/f2) on a `<canvas type="2d">`: a line chart (with a dashed series and a filled band,
 * e.g. a forecast and its 80 % interval) or a bar chart (a histogram, a funnel with `horizontal`). What is drawn is
 * `chartSpec` (view/chart.ts); this component only maps it onto F2's elements and owns the canvas. Labels come from
 * the page; no touch interaction (no tooltip).
 */
import { Area, Axis, Canvas, Chart, Interval, Legend, Line, jsx, type CanvasProps } from '@antv/f2';
import {
  chartSpec,
  type ChartBand,
  type ChartInput,
  type ChartKind,
  type ChartSeries,
  type ChartSpec,
} from '../../view/chart';
import { pixelRatio } from '../../services/platform';

/**
 * F2's `jsx` as a plain call: its types are written for TSX, where the props are checked against each generic
 * component; called directly they cannot be inferred. The props below follow F2's documented props.
 */
const element = jsx as unknown as (type: unknown, props: Record<string, unknown>) => unknown;

/** How often, and how long apart, a chart not laid out yet is asked again (2 s in all). */
const LAYOUT_ATTEMPTS = 20;
const LAYOUT_RETRY_MS = 100;

const AXIS_STYLE = { label: { fontSize: 11, fill: '#8f959e' } };

/** F2's element tree for a spec. */
function elements(spec: ChartSpec): unknown {
  const { domain } = spec;
  const color = { field: 'series', range: spec.colors };
  const valueScale = { type: 'linear', min: domain.min, max: domain.max, tickCount: domain.tickCount, nice: false };
  const geometries =
    spec.kind === 'bar'
      ? [
          element(Interval, {
            x: 'x',
            y: 'value',
            color,
            adjust: spec.seriesNames.length > 1 ? 'dodge' : undefined,
          }),
        ]
      : [
          spec.hasBand
            ? element(Area, { x: 'x', y: 'band', color, startOnZero: false, style: { fillOpacity: 0.18 } })
            : null,
          element(Line, { x: 'x', y: 'value', color, shape: { field: 'series', range: spec.shapes } }),
        ];
  return element(Chart, {
    data: spec.records,
    coord: spec.horizontal ? { transposed: true } : undefined,
    scale: {
      x: { type: 'cat', values: spec.categories, tickCount: spec.labelCount },
      value: valueScale,
      band: valueScale,
    },
    children: [
      element(Axis, { field: 'x', style: AXIS_STYLE }),
      element(Axis, { field: 'value', style: AXIS_STYLE }),
      ...geometries,
      spec.legend ? element(Legend, { position: 'top', style: { justifyContent: 'flex-start' } }) : null,
    ],
  });
}

/**
 * WeChat's offscreen 2d canvas, as F2's `offscreenCanvas`: typed as a DOM canvas there, of which F2 (g-lite's
 * OffscreenCanvasCreator) only calls `getContext('2d')` and sets the size.
 */
function offscreenCanvas(): CanvasProps['offscreenCanvas'] {
  if (typeof wx.createOffscreenCanvas !== 'function') return undefined;
  return wx.createOffscreenCanvas({ type: '2d' }) as unknown as CanvasProps['offscreenCanvas'];
}

interface Drawn {
  canvas: InstanceType<typeof Canvas>;
}

/** The F2 canvas of each mounted chart, once its node is known. */
const drawn = new WeakMap<object, Drawn>();

Component({
  properties: {
    /** `line` or `bar`. */
    kind: { type: String, value: 'line' },
    /** The labels along the category axis. */
    categories: { type: Array, value: [] as string[] },
    /** `ChartSeries[]`: one value per category each. */
    series: { type: Array, value: [] as ChartSeries[] },
    /** A `ChartBand` around one line series, or null. */
    band: { type: Object, value: null as unknown as ChartBand },
    /** Bars left to right, categories down the side. */
    horizontal: { type: Boolean, value: false },
    /** The canvas height, CSS px (the width is the container's). */
    height: { type: Number, value: 200 },
    /** What the chart shows, for screen readers. */
    label: { type: String, value: '' },
  },
  observers: {
    'kind, categories, series, band, horizontal'(): void {
      const chart = drawn.get(this);
      if (chart) void chart.canvas.update({ children: elements(this.spec()) });
    },
  },
  lifetimes: {
    // `ready` is WeChat's moment for a canvas query; a chart added later by a `wx:if` is also drawn from `attached`
    // (the preview does not call `ready` on components created after the page's first render).
    attached(): void {
      setTimeout(() => this.draw(0), 0);
    },
    ready(): void {
      this.draw(0);
    },
    detached(): void {
      drawn.get(this)?.canvas.destroy();
      drawn.delete(this);
    },
  },
  methods: {
    /**
     * Draws on the canvas once it is laid out. A chart that a `wx:if` adds with the page's data can be ready before
     * its canvas has a size (the preview lays it out a frame later): it is asked again, a few times.
     */
    draw(attempt: number): void {
      this.createSelectorQuery()
        .select('#chart')
        .fields({ node: true, size: true })
        .exec((results: { node?: WechatMiniprogram.Canvas; width: number; height: number }[]) => {
          if (drawn.has(this)) return;
          const found = results[0];
          const context = found?.node?.getContext('2d');
          if (!found?.node || !context) return; // no 2d canvas here
          if (!found.width) {
            if (attempt < LAYOUT_ATTEMPTS) setTimeout(() => this.draw(attempt + 1), LAYOUT_RETRY_MS);
            return;
          }
          const { node } = found;
          const ratio = pixelRatio();
          node.width = found.width * ratio;
          node.height = found.height * ratio;
          const canvas = new Canvas({
            context,
            pixelRatio: ratio,
            width: found.width,
            height: found.height,
            animate: false,
            // A mini-program has no window or document: F2 measures text on WeChat's offscreen canvas (base
            // library 2.16.1), and takes frames and images from the canvas node.
            offscreenCanvas: offscreenCanvas(),
            requestAnimationFrame: (run: () => void) => node.requestAnimationFrame(run),
            cancelAnimationFrame: (id: number) => node.cancelAnimationFrame(id),
            createImage: () => node.createImage(),
            children: elements(this.spec()),
          });
          drawn.set(this, { canvas });
          void canvas.render();
        });
    },
    spec(): ChartSpec {
      const { kind, categories, series, band, horizontal } = this.data;
      const input: ChartInput = { kind: kind as ChartKind, categories, series, band, horizontal };
      return chartSpec(input);
    },
  },
});
