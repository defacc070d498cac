/**
 * `definePage`: a page written with the `Component` constructor (which WeChat allows for pages, and which
 * miniprogram-simulate can render), bound to one store. The store is created on load, its state is mirrored into
 * `data`, and `this` in every method is typed: `this.store`, `this.data` and the page's own methods.
 *
 * The store's patches are merged and set once per tick, as mobx-miniprogram-bindings does: a load that updates the
 * store several times costs one `setData`. `this.data` may lag the store until then; methods read `this.store.state`.
 */
import type { Store } from './store';

export type Query = Record<string, string | undefined>;

type StateOf<T> = T extends Store<infer S> ? S : never;

export interface PageContext<T extends Store<object>> {
  readonly store: T;
  readonly data: StateOf<T>;
}

type Handler = (...args: never[]) => unknown;

export interface PageSpec<T extends Store<object>, M extends Record<string, Handler>> {
  /** The state the page renders before `onLoad` (a fresh store's state). */
  initial: StateOf<T>;
  createStore(query: Query): T;
  /**
   * (Re)loads what the page shows: run when the page loads (after `onLoad`), by the state view's retry (`onRetry`)
   * and on pull-down refresh (unless `onPullDownRefresh` is given).
   */
  load?(this: PageContext<T> & M): void;
  /** After the store exists, before `load`. */
  onLoad?(this: PageContext<T> & M, query: Query): void;
  onShow?(this: PageContext<T> & M): void;
  onHide?(this: PageContext<T> & M): void;
  /** Before the store is dropped (e.g. the lesson page's last progress report). */
  onUnload?(this: PageContext<T> & M): void;
  onReachBottom?(this: PageContext<T> & M): void;
  onPullDownRefresh?(this: PageContext<T> & M): void;
  methods: M & ThisType<PageContext<T> & M>;
}

interface Internal {
  store?: Store<object>;
  unsubscribe?: () => void;
  setData(patch: object): void;
}

/** Where `wx.nextTick` is missing (an old base library), the flush runs as a microtask. */
function nextTick(run: () => void): void {
  if (typeof wx !== 'undefined' && typeof wx.nextTick === 'function') wx.nextTick(run);
  else void Promise.resolve().then(run);
}

/**
 * Mirrors `store` into the page's data with one `setData` per tick of patches; the returned function unsubscribes
 * and drops a patch not yet set (the page is gone).
 */
function bind(page: Internal, store: Store<object>): () => void {
  let pending: Record<string, unknown> | null = null;
  const flush = (): void => {
    if (pending === null) return;
    const patch = pending;
    pending = null;
    page.setData(patch);
  };
  const unsubscribe = store.subscribe((patch) => {
    if (pending === null) {
      pending = {};
      nextTick(flush);
    }
    Object.assign(pending, patch);
  });
  return () => {
    unsubscribe();
    pending = null;
  };
}

export function definePage<T extends Store<object>, M extends Record<string, Handler>>(spec: PageSpec<T, M>): void {
  const lifecycle = {
    onLoad(this: Internal, query: Query = {}): void {
      const store = spec.createStore(query);
      this.store = store;
      this.unsubscribe = bind(this, store);
      spec.onLoad?.call(this as unknown as PageContext<T> & M, query);
      spec.load?.call(this as unknown as PageContext<T> & M);
    },
    onRetry(this: Internal): void {
      if (this.store) spec.load?.call(this as unknown as PageContext<T> & M);
    },
    onShow(this: Internal): void {
      if (this.store) spec.onShow?.call(this as unknown as PageContext<T> & M);
    },
    onHide(this: Internal): void {
      if (this.store) spec.onHide?.call(this as unknown as PageContext<T> & M);
    },
    onUnload(this: Internal): void {
      if (this.store) spec.onUnload?.call(this as unknown as PageContext<T> & M);
      this.unsubscribe?.();
    },
    onReachBottom(this: Internal): void {
      if (this.store) spec.onReachBottom?.call(this as unknown as PageContext<T> & M);
    },
    onPullDownRefresh(this: Internal): void {
      if (this.store) (spec.onPullDownRefresh ?? spec.load)?.call(this as unknown as PageContext<T> & M);
      wx.stopPullDownRefresh();
    },
  };
  Component({
    data: spec.initial as WechatMiniprogram.Component.DataOption,
    methods: { ...spec.methods, ...lifecycle } as unknown as WechatMiniprogram.Component.MethodOption,
  });
}
