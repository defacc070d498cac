/**
 * The bill before paying (flows/checkout.ts), as a sheet over the page: the list price, each discount and the amount
 * to pay as the server quoted them, the coupon picker (不使用优惠券 first, then the learner's coupons, the best first)
 * and 确认支付. It only shows the state and reports the learner's choices: `choose` ({ couponId }, '' for none),
 * `confirm`, `close` and `retry`.
 */
import type { CheckoutState } from '../../flows/checkout';

type IdTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;

Component({
  properties: {
    /** A `CheckoutState`. */
    checkout: { type: Object, value: {} as CheckoutState },
  },
  methods: {
    onChoose(event: IdTap): void {
      this.triggerEvent('choose', { couponId: event.currentTarget.dataset.id ?? '' });
    },
    onConfirm(): void {
      this.triggerEvent('confirm');
    },
    onClose(): void {
      this.triggerEvent('close');
    },
    onRetry(): void {
      this.triggerEvent('retry');
    },
    /** Taps inside the sheet stay there (the mask behind it closes it). */
    onStay(): void {},
  },
});
