/** 会员 / 专栏 (`?bundleId=`): binds BundleStore; buying (through the bill) is forwarded to it. */
import { call } from '../../services/call';
import { navigate, queryParam } from '../../services/nav';
import { purchaseDeps } from '../../services/payment';
import { BundleStore, initialBundle } from '../../stores/bundle';
import { saleEvents } from '../../flows/sale-events';
import { definePage } from '../../core/define-page';

definePage({
  initial: initialBundle(),
  createStore: (query) => new BundleStore(queryParam(query, 'bundleId'), { call, purchase: purchaseDeps() }),
  load() {
    void this.store.load();
  },
  methods: {
    ...saleEvents,
    onMainAction(): void {
      void this.store.buy();
    },
    onAll(): void {
      navigate('bundles');
    },
  },
});
