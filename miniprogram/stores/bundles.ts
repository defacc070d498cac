/** 会员与专栏: the published memberships and 专栏 (`catalog.bundles`), a page at a time as the learner scrolls. */
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { bundleView, type BundleView } from '../view/bundle';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

const PAGE_SIZE = 20;

/** `more`: another page can be loaded; `loading-more`: it is loading; `end`: everything is shown. */
export type MoreStatus = 'more' | 'loading-more' | 'end' | 'more-error';

export interface BundlesState {
  status: LoadStatus;
  error: string;
  items: BundleView[];
  page: number;
  more: MoreStatus;
}

export function initialBundles(): BundlesState {
  return { status: 'loading', error: '', items: [], page: 0, more: 'more' };
}

export class BundlesStore extends Store<BundlesState> {
  constructor(private readonly deps: { call: typeof call }) {
    super(initialBundles());
  }

  /** The first page; `quiet` keeps the list on screen (a price changed). */
  async load(quiet = false): Promise<void> {
    if (!quiet || this.state.status !== 'ready') this.update({ ...initialBundles() });
    try {
      const { items, total } = await this.deps.call('catalog', { action: 'bundles', page: 1, pageSize: PAGE_SIZE });
      this.update({
        status: items.length ? 'ready' : 'empty',
        error: '',
        items: items.map(bundleView),
        page: 1,
        more: items.length < total ? 'more' : 'end',
      });
    } catch (error) {
      if (!quiet || this.state.status !== 'ready') this.update({ status: 'error', error: messageOf(error) });
    }
  }

  async loadMore(): Promise<void> {
    const { status, more, page } = this.state;
    if (status !== 'ready' || (more !== 'more' && more !== 'more-error')) return;
    this.update({ more: 'loading-more' });
    try {
      const data = await this.deps.call('catalog', { action: 'bundles', page: page + 1, pageSize: PAGE_SIZE });
      const items = this.state.items.concat(data.items.map(bundleView));
      this.update({
        items,
        page: page + 1,
        more: items.length < data.total && data.items.length > 0 ? 'more' : 'end',
      });
    } catch {
      this.update({ more: 'more-error' });
    }
  }
}
