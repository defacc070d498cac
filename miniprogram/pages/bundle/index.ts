/** 会员 / 专栏 (`?bundleId=`): binds BundleStore; buying (through the bill) is forwarded to it. */
import { call } from '../../services/call';
import { navigate, queryParam } from '../../services/nav';
import { purchaseDeps } from '../../services/payment';
import { BundleStore, initialBundle } from '../../stores/bundle';
import { definePage } from '../../core/define-page';

type ChooseEvent = WechatMiniprogram.CustomEvent<{ couponId: string }>;

definePage({
  initial: initialBundle(),
  createStore: (query) => new BundleStore(queryParam(query, 'bundleId'), { call, purchase: purchaseDeps() }),
  load() {
    void this.store.load();
  },
  methods: {
    onMainAction(): void {
      void this.store.buy();
    },
    onChooseCoupon(event: ChooseEvent): void {
      void this.store.checkout.choose(event.detail.couponId);
    },
    onConfirm(): void {
      void this.store.confirm();
    },
    onCloseCheckout(): void {
      this.store.checkout.close();
    },
    onRetryQuote(): void {
      void this.store.checkout.refresh();
    },
    onPromotionEnd(): void {
      void this.store.promotionEnded();
    },
    onRecheck(): void {
      void this.store.recheck();
    },
    onPayAgain(): void {
      void this.store.payAgain();
    },
    onClosePurchase(): void {
      this.store.purchase.reset();
    },
    onOrders(): void {
      navigate('orders');
    },
    onAll(): void {
      navigate('bundles');
    },
  },
});
