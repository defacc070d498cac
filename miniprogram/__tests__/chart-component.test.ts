/**
 * @jest-environment jsdom
 *
 * The chart component rendered by miniprogram-simulate with the preview's `<canvas type="2d">`
 * (scripts/screenshots/browser/canvas.ts): jsdom has no 2D context, so each canvas gets a recording one, and the test
 * reads what F2 drew on it — the labels, the lines, the band and the bars. How it looks is the screenshots' part.
 */
import simulate from 'miniprogram-simulate';
import { createOffscreenCanvas, registerCanvas } from '../../scripts/screenshots/browser/canvas';
import { installWx, renderComponent, settle, type Rendered } from './helpers/simulate';

interface Call {
  name: string;
  args: unknown[];
}

/** A 2D context that records every call, with a text width of 6 px a character. */
function recordingContext(canvas: HTMLCanvasElement): { context: object; calls: Call[] } {
  const calls: Call[] = [];
  const state: Record<string | symbol, unknown> = { canvas, font: '10px sans-serif' };
  const context = new Proxy(state, {
    get(target, key) {
      if (key in target) return target[key];
      if (typeof key === 'symbol') return undefined;
      return (...args: unknown[]) => {
        calls.push({ name: key, args });
        if (key === 'measureText') return { width: String(args[0]).length * 6 };
        if (key === 'getImageData')
          return { data: new Uint8ClampedArray(Math.max(1, Number(args[2]) * Number(args[3])) * 4) };
        if (key === 'createLinearGradient' || key === 'createPattern') return { addColorStop: () => undefined };
        return undefined;
      };
    },
    set(target, key, value) {
      target[key] = value;
      calls.push({ name: `set ${String(key)}`, args: [value] });
      return true;
    },
  });
  return { context, calls };
}

const drawn = new Map<HTMLCanvasElement, Call[]>();

beforeAll(() => registerCanvas(simulate as unknown as Parameters<typeof registerCanvas>[0]));

beforeEach(() => {
  drawn.clear();
  installWx({ getWindowInfo: () => ({ pixelRatio: 2, windowWidth: 390, windowHeight: 844 }), createOffscreenCanvas });
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
    const { context, calls } = recordingContext(this);
    drawn.set(this, calls);
    return context as CanvasRenderingContext2D;
  });
  // jsdom lays nothing out: a canvas host is as wide as a phone's card and as high as its style says.
  jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const canvas = this.tagName.toLowerCase() === 'wx-canvas';
    const height = canvas ? parseFloat(this.style.height) || 150 : 0;
    return { x: 0, y: 0, left: 0, top: 0, width: canvas ? 350 : 0, height, right: 350, bottom: height } as DOMRect;
  });
});

afterEach(() => jest.restoreAllMocks());

function canvasOf(comp: Rendered): HTMLCanvasElement {
  const canvas = comp.dom?.querySelector('wx-canvas canvas');
  if (!(canvas instanceof HTMLCanvasElement)) throw new Error('no canvas rendered');
  return canvas;
}

function texts(calls: Call[]): string[] {
  return calls.filter((c) => c.name === 'fillText').map((c) => String(c.args[0]));
}

/** Each `fill` and `stroke`, with the colour and opacity it painted in: `fill #1890ff 0.18`. */
function paints(calls: Call[]): string[] {
  const now: Record<string, unknown> = { fillStyle: '', strokeStyle: '', globalAlpha: 1 };
  const out: string[] = [];
  for (const { name, args } of calls) {
    if (name.startsWith('set ')) now[name.slice(4)] = args[0];
    if (name === 'fill') out.push(`fill ${String(now.fillStyle)} ${String(now.globalAlpha)}`);
    if (name === 'stroke') out.push(`stroke ${String(now.strokeStyle)} ${String(now.globalAlpha)}`);
  }
  return out;
}

describe('chart', () => {
  it('a forecast line with its band: axes labelled, both lines stroked, the band filled, at the device pixel ratio', async () => {
    const comp = renderComponent('components/chart', {
      kind: 'line',
      categories: ['第1周', '第2周', '第3周', '第4周'],
      series: [
        { name: '销量', values: [10, 12, null, null] },
        { name: '预测', values: [null, 12, 14, 15], dashed: true },
      ],
      band: { series: '预测', lower: [null, 12, 9, 8], upper: [null, 12, 19, 23] },
      height: 220,
    });
    await settle(12);
    const canvas = canvasOf(comp);
    expect([canvas.width, canvas.height]).toEqual([700, 440]);
    const calls = drawn.get(canvas) ?? [];
    expect(texts(calls)).toEqual(expect.arrayContaining(['第1周', '第4周', '0', '30', '销量', '预测']));
    // 销量 green, 预测 blue and dashed, its band blue at 18 %.
    expect(paints(calls)).toEqual(
      expect.arrayContaining(['stroke #07c160 1', 'stroke #1890ff 1', 'fill #1890ff 0.18']),
    );
    expect(calls.some((c) => c.name === 'setLineDash' && (c.args[0] as number[]).length > 0)).toBe(true);
  });

  it('a rating histogram: one bar per star, no legend', async () => {
    const comp = renderComponent('components/chart', {
      kind: 'bar',
      categories: ['1 星', '2 星', '3 星', '4 星', '5 星'],
      series: [{ name: '评价数', values: [2, 3, 9, 41, 87] }],
      height: 180,
    });
    await settle(12);
    const calls = drawn.get(canvasOf(comp)) ?? [];
    expect(texts(calls)).toEqual(expect.arrayContaining(['1 星', '5 星', '100']));
    expect(texts(calls)).not.toContain('评价数');
    expect(paints(calls).filter((p) => p === 'fill #07c160 1')).toHaveLength(5);
  });

  it('draws the new series when the page sets them', async () => {
    const comp = renderComponent('components/chart', {
      kind: 'bar',
      categories: ['曝光', '支付'],
      series: [{ name: '人数', values: [100, 5] }],
    });
    await settle(12);
    const calls = drawn.get(canvasOf(comp)) ?? [];
    calls.length = 0;
    comp.setData({ categories: ['曝光', '退款'], series: [{ name: '人数', values: [100, 1] }] });
    await settle(12);
    expect(texts(calls)).toContain('退款');
  });

  it('with no 2d context (an old base library) nothing is drawn and nothing throws', async () => {
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    const comp = renderComponent('components/chart', { kind: 'line', categories: ['A'], series: [] });
    await settle(12);
    expect(canvasOf(comp).width).toBe(300);
  });
});
