/** 我的优惠券: binds MyCouponsStore; the tabs filter, the empty 可用 tab leads to 领券. */
import type { MyCouponFilter } from '../../../shared/contract';
import { call } from '../../services/call';
import { navigate } from '../../services/nav';
import { initialMyCoupons, MyCouponsStore } from '../../stores/my-coupons';
import { definePage } from '../../core/define-page';

type TabTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { key: MyCouponFilter }>;

definePage({
  initial: initialMyCoupons(),
  createStore: () => new MyCouponsStore({ call }),
  load() {
    void this.store.load();
  },
  onShow() {
    // Back from 领券 or a purchase: the coupons as they are now.
    if (this.store.state.status !== 'loading') void this.store.load();
  },
  methods: {
    onTab(event: TabTap): void {
      void this.store.switchTab(event.currentTarget.dataset.key);
    },
    onClaimMore(): void {
      navigate('coupons', {});
    },
  },
});
