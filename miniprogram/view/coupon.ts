/** What every page shows of a coupon: its figure, its name, what it applies to and its window. Pure. */
import type { Coupon, MyCoupon, MyCouponStatus } from '../../shared/contract';
import { dateTimeText } from './format';

export interface CouponFace {
  /** The figure in words, from the server: `立减 ¥20`, `8.5 折`, `满 ¥100 减 ¥20`. */
  label: string;
  title: string;
  appliesTo: string;
  /** `有效期至 2024-06-01 00:00` (the window's end, exclusive). */
  validity: string;
}

export function couponFace(coupon: Coupon): CouponFace {
  return {
    label: coupon.label,
    title: coupon.title,
    appliesTo: coupon.appliesTo,
    validity: `有效期至 ${dateTimeText(coupon.endsAt)}`,
  };
}

export const MY_COUPON_STATUS_TEXT: Record<MyCouponStatus, string> = {
  usable: '',
  held: '待支付订单使用中',
  used: '已使用',
  paused: '已暂停使用',
  expired: '已过期',
};

/** A claimed coupon as a list shows it. */
export interface MyCouponView extends CouponFace {
  /** The claim's id (a learner may hold two claims of one coupon). */
  id: string;
  /** The coupon's id: what `order.create` and `promo.quote` take. */
  couponId: string;
  status: MyCouponStatus;
  statusText: string;
}

export function myCouponView(mine: MyCoupon): MyCouponView {
  return {
    ...couponFace(mine.coupon),
    id: mine.id,
    couponId: mine.coupon.id,
    status: mine.status,
    statusText: MY_COUPON_STATUS_TEXT[mine.status],
  };
}
