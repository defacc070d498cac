/**
 * 我的: privacy agreement, interests, and the way to orders, courses, coupons, memberships and redemption codes; for
 * a creator admin, to the creator center.
 */
import { call } from '../../services/call';
import { navigate } from '../../services/nav';
import { getPrivacySetting } from '../../services/wx-api';
import { initialMe, MeStore } from '../../stores/me';
import { definePage } from '../../core/define-page';

type IdTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;

definePage({
  initial: initialMe(),
  createStore: () =>
    new MeStore({
      call,
      privacySetting: () => getPrivacySetting({}),
    }),
  load() {
    void this.store.load();
  },
  onShow() {
    void this.store.refreshPrivacy();
  },
  methods: {
    onAgreePrivacy(): void {
      void this.store.agreed();
    },
    onOpenPrivacy(): void {
      wx.openPrivacyContract({});
    },
    onInterest(event: IdTap): void {
      void this.store.toggleInterest(event.currentTarget.dataset.id);
    },
    onOrders(): void {
      navigate('orders');
    },
    onMyCourses(): void {
      navigate('my-courses');
    },
    onMyCoupons(): void {
      navigate('my-coupons');
    },
    onRedeem(): void {
      navigate('redeem');
    },
    onBundles(): void {
      navigate('bundles');
    },
    onCreator(): void {
      navigate('creator');
    },
  },
});
