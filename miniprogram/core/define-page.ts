/**
 * `definePage`: a page written with the `Component` constructor (which WeChat allows for pages, and which
 * miniprogram-simulate can render), bound to one store. The store is created on load, its state is mirrored into
 * `data`, and `this` in every method is typed: `this.store`, `this.data` and the page's own methods.
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

export function definePage<T extends Store<object>, M extends Record<string, Handler>>(spec: PageSpec<T, M>): void {
  const lifecycle = {
    onLoad(this: Internal, query: Query = {}): void {
      const store = spec.createStore(query);
      this.store = store;
      this.unsubscribe = store.subscribe((patch) => this.setData(patch));
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
