/**
 * WeChat's `<canvas type="2d">` for miniprogram-simulate, in the browser preview and in jsdom: the built-in renders a
 * real HTML canvas, and a selector query's `fields({ node: true })` on it answers that canvas as the node, as WeChat
 * answers its Canvas object (`getContext('2d')`, `width`/`height` of the backing store, `requestAnimationFrame`,
 * `createImage`, `createPath2D`). `size` is the laid-out CSS size, which simulate's query already answers.
 *
 * simulate's query (j-component's SelectorQuery) knows no `node` field: its `exec` is wrapped once, to add the node to
 * each result of a query that asked for it before the query's callbacks run.
 */

interface Loader {
  load(definition: Record<string, unknown>): string;
}

/** An element of simulate's tree: its HTML element, and its shadow root for `querySelector`. */
interface TreeNode {
  $$: HTMLElement;
  shadowRoot?: { querySelector(selector: string): TreeNode | null; querySelectorAll(selector: string): TreeNode[] };
}

interface QueuedField {
  selector: string;
  exparserNode: TreeNode | 0 | null;
  isSelectSingle: boolean;
  fields: { node?: boolean };
}

interface QueryInternals {
  _queue: QueuedField[];
  _queueCallback: (((this: unknown, result: unknown) => void) | null)[];
  exec(callback?: (results: unknown[]) => void): void;
}

/** What WeChat's Canvas node has beyond an HTML canvas. */
function asWechatCanvas(canvas: HTMLCanvasElement): HTMLCanvasElement {
  const extra = canvas as HTMLCanvasElement & Record<string, unknown>;
  const view = canvas.ownerDocument.defaultView;
  extra.requestAnimationFrame = (run: FrameRequestCallback) =>
    view?.requestAnimationFrame ? view.requestAnimationFrame(run) : setTimeout(() => run(Date.now()), 16);
  extra.cancelAnimationFrame = (id: number) =>
    view?.cancelAnimationFrame ? view.cancelAnimationFrame(id) : clearTimeout(id);
  extra.createImage = () => canvas.ownerDocument.createElement('img');
  extra.createPath2D = (path?: Path2D) => new Path2D(path);
  return canvas;
}

/** The node WeChat would answer for a matched element: the canvas of a `<canvas type="2d">`, else none. */
function nodeOf(match: TreeNode | null): HTMLCanvasElement | undefined {
  const host = match?.$$;
  if (!host || host.tagName.toLowerCase() !== 'wx-canvas') return undefined;
  return host.querySelector('canvas') ?? undefined;
}

const patched = new WeakSet<object>();

function addNodeField(proto: QueryInternals): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  const exec = proto.exec;
  proto.exec = function (this: QueryInternals, callback?: (results: unknown[]) => void): void {
    const nodes = this._queue.map((item) => {
      const root = item.fields.node && item.exparserNode ? item.exparserNode.shadowRoot : undefined;
      if (!root) return undefined;
      return item.isSelectSingle
        ? nodeOf(root.querySelector(item.selector))
        : Array.from(root.querySelectorAll(item.selector), nodeOf);
    });
    const add = (result: unknown, node: HTMLCanvasElement | (HTMLCanvasElement | undefined)[] | undefined): void => {
      if (Array.isArray(node) && Array.isArray(result))
        result.forEach((r: Record<string, unknown> | null, i) => {
          if (r) r.node = node[i];
        });
      else if (result && typeof result === 'object' && !Array.isArray(result) && node !== undefined)
        (result as Record<string, unknown>).node = node;
    };
    this._queueCallback = this._queue.map((_, i) => {
      const own = this._queueCallback[i];
      return function (this: unknown, result: unknown): void {
        add(result, nodes[i]);
        if (typeof own === 'function') own.call(this, result);
      };
    });
    exec.call(this, callback);
  };
}

/** Registers the `canvas` built-in with `simulate` (its browser build, or the jest one). */
export function registerCanvas(simulate: Loader): void {
  simulate.load({
    id: 'canvas',
    tagName: 'wx-canvas',
    properties: { type: { type: String, value: '' }, canvasId: { type: String, value: '' } },
    lifetimes: {
      attached(this: { _exparserNode?: { $$: HTMLElement }; createSelectorQuery(): object }) {
        addNodeField(Object.getPrototypeOf(this.createSelectorQuery()) as QueryInternals);
        const host = this._exparserNode?.$$;
        if (!host || host.querySelector('canvas')) return;
        const canvas = host.ownerDocument.createElement('canvas');
        canvas.style.cssText = 'display:block;width:100%;height:100%';
        host.appendChild(asWechatCanvas(canvas));
      },
    },
    template: '<slot/>',
  });
}

/** `wx.createOffscreenCanvas({ type: '2d' })`: a canvas outside the page (300 × 150 unless sized, as WeChat's). */
export function createOffscreenCanvas(options: { type?: '2d' | 'webgl'; width?: number; height?: number } = {}) {
  const canvas = document.createElement('canvas');
  canvas.width = options.width ?? 300;
  canvas.height = options.height ?? 150;
  return asWechatCanvas(canvas);
}
