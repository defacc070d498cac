/** 会员与专栏: binds BundlesStore; scrolling loads more, a tap opens a bundle. */
import { call } from '../../services/call';
import { navigate } from '../../services/nav';
import { BundlesStore, initialBundles } from '../../stores/bundles';
import { definePage } from '../../core/define-page';

definePage({
  initial: initialBundles(),
  createStore: () => new BundlesStore({ call }),
  load() {
    void this.store.load();
  },
  onReachBottom() {
    void this.store.loadMore();
  },
  methods: {
    onLoadMore(): void {
      void this.store.loadMore();
    },
    /** A limited-time price on a card ended: the list as the server prices it now. */
    onPromotionEnd(): void {
      void this.store.load(true);
    },
    onBrowse(): void {
      navigate('list');
    },
  },
});
