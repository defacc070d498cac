/** 课程列表/搜索 (`?category=&tag=&keyword=`): binds ListStore; filters and scrolling are forwarded to it. */
import type { CatalogSort } from '../../../shared/contract';
import { call } from '../../services/call';
import { queryParam } from '../../services/nav';
import { initialList, ListStore } from '../../stores/list';
import { definePage } from '../../core/define-page';

type DataTap<D extends WechatMiniprogram.IAnyObject> = WechatMiniprogram.TouchEvent<
  Record<string, never>,
  Record<string, never>,
  D
>;

definePage({
  initial: initialList(),
  createStore: (query) =>
    new ListStore(
      { call },
      {
        category: queryParam(query, 'category'),
        tag: queryParam(query, 'tag'),
        keyword: queryParam(query, 'keyword'),
      },
    ),
  load() {
    void this.store.reload();
  },
  onLoad() {
    void this.store.loadCategories();
  },
  onReachBottom() {
    void this.store.loadMore();
  },
  methods: {
    /** A limited-time price on a card ended: the list as the server prices it now. */
    onPromotionEnd(): void {
      void this.store.reload();
    },
    onLoadMore(): void {
      void this.store.loadMore();
    },
    onKeywordInput(event: WechatMiniprogram.Input): void {
      this.store.setKeywordDraft(event.detail.value);
    },
    onSearch(): void {
      void this.store.setFilters({});
    },
    onCategory(event: DataTap<{ id: string }>): void {
      const id = event.currentTarget.dataset.id;
      void this.store.setFilters({ category: this.store.state.category === id ? '' : id });
    },
    onClearTag(): void {
      void this.store.setFilters({ tag: '' });
    },
    onSort(event: DataTap<{ sort: CatalogSort }>): void {
      void this.store.setFilters({ sort: event.currentTarget.dataset.sort });
    },
  },
});
