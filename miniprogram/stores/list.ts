/** 课程列表/搜索: filters (category, tag, keyword, sort) and pages loaded as the learner scrolls. */
import type { CatalogSort, CategoryItem } from '../../shared/contract';
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { cardView, type CardView } from '../view/format';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export const SORTS: readonly { value: CatalogSort; label: string }[] = [
  { value: 'popular', label: '最热' },
  { value: 'newest', label: '最新' },
  { value: 'rating', label: '好评' },
  { value: 'priceAsc', label: '价格↑' },
  { value: 'priceDesc', label: '价格↓' },
];

export const PAGE_SIZE = 10;

export interface Filters {
  category: string;
  tag: string;
  keyword: string;
  sort: CatalogSort;
}

/** `more`: another page can be loaded; `loading-more`: it is loading; `end`: everything is shown. */
export type MoreStatus = 'more' | 'loading-more' | 'end' | 'more-error';

export interface ListState extends Filters {
  status: LoadStatus;
  error: string;
  items: CardView[];
  total: number;
  page: number;
  more: MoreStatus;
  categories: CategoryItem[];
  sorts: typeof SORTS;
}

export function initialList(filters: Partial<Filters> = {}): ListState {
  return {
    category: filters.category ?? '',
    tag: filters.tag ?? '',
    keyword: filters.keyword ?? '',
    sort: filters.sort ?? 'popular',
    status: 'loading',
    error: '',
    items: [],
    total: 0,
    page: 0,
    more: 'more',
    categories: [],
    sorts: SORTS,
  };
}

export class ListStore extends Store<ListState> {
  /** Answers of an older query are dropped when the filters changed meanwhile. */
  private generation = 0;

  constructor(
    private readonly deps: { call: typeof call },
    filters: Partial<Filters> = {},
  ) {
    super(initialList(filters));
  }

  async loadCategories(): Promise<void> {
    try {
      const { items } = await this.deps.call('catalog', { action: 'categories' });
      this.update({ categories: items });
    } catch {
      // The chips are a shortcut; the list itself reports its own errors.
    }
  }

  /** First page for the current filters. */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    this.update({ status: 'loading', error: '', items: [], page: 0, more: 'more' });
    try {
      const data = await this.fetch(1);
      if (generation !== this.generation) return;
      this.update({
        status: data.items.length ? 'ready' : 'empty',
        items: data.items.map(cardView),
        total: data.total,
        page: 1,
        more: data.items.length < data.total ? 'more' : 'end',
      });
    } catch (error) {
      if (generation === this.generation) this.update({ status: 'error', error: messageOf(error) });
    }
  }

  /** The next page (scrolled to the bottom, or the retry under a failed page). */
  async loadMore(): Promise<void> {
    const { status, more, page } = this.state;
    if (status !== 'ready' || (more !== 'more' && more !== 'more-error')) return;
    const generation = this.generation;
    this.update({ more: 'loading-more' });
    try {
      const data = await this.fetch(page + 1);
      if (generation !== this.generation) return;
      const items = this.state.items.concat(data.items.map(cardView));
      this.update({
        items,
        total: data.total,
        page: page + 1,
        more: items.length < data.total && data.items.length > 0 ? 'more' : 'end',
      });
    } catch {
      if (generation === this.generation) this.update({ more: 'more-error' });
    }
  }

  /** The search box as typed; applied by `setFilters` (search button or the keyboard's search key). */
  setKeywordDraft(keyword: string): void {
    this.update({ keyword });
  }

  setFilters(patch: Partial<Filters>): Promise<void> {
    this.update(patch);
    return this.reload();
  }

  private fetch(page: number) {
    const { category, tag, keyword, sort } = this.state;
    return this.deps.call('catalog', {
      action: 'list',
      sort,
      page,
      pageSize: PAGE_SIZE,
      ...(category ? { category } : {}),
      ...(tag ? { tag } : {}),
      ...(keyword.trim() ? { keyword: keyword.trim() } : {}),
    });
  }
}
