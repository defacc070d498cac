/**
 * The events of the bill (`checkout-sheet`) and the purchase panel (`purchase-panel`) and of a countdown's end, as a
 * page's methods: the course page and the bundle page spread them into theirs and forward them to their store.
 */
import type { Checkout } from './checkout';
import type { Purchase } from './purchase';
import { navigate } from '../services/nav';

/** What a page's store offers for selling its course or bundle (CourseStore, BundleStore). */
export interface SellingStore {
  readonly checkout: Checkout;
  readonly purchase: Purchase;
  confirm(): Promise<unknown>;
  payAgain(): Promise<unknown>;
  recheck(): Promise<unknown>;
  promotionEnded(): Promise<void>;
}

type ChooseEvent = WechatMiniprogram.CustomEvent<{ couponId: string }>;
type Self = { readonly store: SellingStore };

export const saleEvents = {
  onChooseCoupon(this: Self, event: ChooseEvent): void {
    void this.store.checkout.choose(event.detail.couponId);
  },
  onConfirm(this: Self): void {
    void this.store.confirm();
  },
  onCloseCheckout(this: Self): void {
    this.store.checkout.close();
  },
  onRetryQuote(this: Self): void {
    void this.store.checkout.refresh();
  },
  onPromotionEnd(this: Self): void {
    void this.store.promotionEnded();
  },
  onRecheck(this: Self): void {
    void this.store.recheck();
  },
  /** The same pending order, in the same payment sheet. */
  onPayAgain(this: Self): void {
    void this.store.payAgain();
  },
  onClosePurchase(this: Self): void {
    this.store.purchase.reset();
  },
  onOrders(): void {
    navigate('orders');
  },
};
