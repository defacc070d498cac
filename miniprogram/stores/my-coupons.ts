/** 我的优惠券: the learner's claimed coupons by tab (可用, 已使用, 已过期), from `promo.mine`. */
import type { MyCouponFilter } from '../../shared/contract';
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { myCouponView, type MyCouponView } from '../view/coupon';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export interface CouponTab {
  key: MyCouponFilter;
  label: string;
  active: boolean;
}

export interface MyCouponsState {
  status: LoadStatus;
  error: string;
  tab: MyCouponFilter;
  tabs: CouponTab[];
  items: MyCouponView[];
  emptyText: string;
}

const TABS: readonly { key: MyCouponFilter; label: string; empty: string }[] = [
  { key: 'usable', label: '可用', empty: '没有可用的优惠券' },
  { key: 'used', label: '已使用', empty: '还没有使用过优惠券' },
  { key: 'expired', label: '已过期', empty: '没有过期的优惠券' },
];

function tabsFor(tab: MyCouponFilter): CouponTab[] {
  return TABS.map((t) => ({ key: t.key, label: t.label, active: t.key === tab }));
}

export function initialMyCoupons(): MyCouponsState {
  return { status: 'loading', error: '', tab: 'usable', tabs: tabsFor('usable'), items: [], emptyText: '' };
}

export class MyCouponsStore extends Store<MyCouponsState> {
  /** An answer for a tab the learner has left is dropped. */
  private generation = 0;

  constructor(private readonly deps: { call: typeof call }) {
    super(initialMyCoupons());
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    const tab = this.state.tab;
    this.update({ status: 'loading', error: '', items: [] });
    try {
      const { items } = await this.deps.call('promo', { action: 'mine', status: tab });
      if (generation !== this.generation) return;
      this.update({
        status: items.length ? 'ready' : 'empty',
        items: items.map(myCouponView),
        emptyText: TABS.find((t) => t.key === tab)?.empty ?? '',
      });
    } catch (error) {
      if (generation === this.generation) this.update({ status: 'error', error: messageOf(error) });
    }
  }

  switchTab(tab: MyCouponFilter): Promise<void> {
    if (tab === this.state.tab && this.state.status !== 'error') return Promise.resolve();
    this.update({ tab, tabs: tabsFor(tab) });
    return this.load();
  }
}
