/** 领券 (`?courseId=` for one course's coupons, none for all): binds CouponsStore; a tap claims. */
import { call } from '../../services/call';
import { navigate, queryParam } from '../../services/nav';
import { CouponsStore, initialCoupons } from '../../stores/coupons';
import { definePage } from '../../core/define-page';

type IdTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;

definePage({
  initial: initialCoupons(),
  createStore: (query) => new CouponsStore(queryParam(query, 'courseId'), { call }),
  load() {
    void this.store.load();
  },
  methods: {
    onClaim(event: IdTap): void {
      void this.store.claim(event.currentTarget.dataset.id);
    },
    onMine(): void {
      navigate('my-coupons');
    },
  },
});
