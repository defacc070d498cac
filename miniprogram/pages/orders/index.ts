/** 订单: every order with its status; a paid order can ask for a refund under the policy shown beside the form. */
import { call } from '../../services/call';
import { navigate } from '../../services/nav';
import { requirePrivacyAuthorize, toast } from '../../services/wx-api';
import { definePage } from '../../core/define-page';
import { initialOrders, OrdersStore } from '../../stores/orders';

type IdTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;
type ItemTap = WechatMiniprogram.TouchEvent<
  Record<string, never>,
  Record<string, never>,
  { course: string; bundle: string }
>;

definePage({
  initial: initialOrders(),
  createStore: () => new OrdersStore({ call }),
  load() {
    void this.store.load();
  },
  methods: {
    onBrowse(): void {
      navigate('list');
    },
    /** What the order bought: its course, or its membership or 专栏. */
    onItem(event: ItemTap): void {
      const { course, bundle } = event.currentTarget.dataset;
      if (course) navigate('detail', { courseId: course });
      else if (bundle) navigate('bundle', { bundleId: bundle });
    },
    onRefund(event: IdTap): void {
      this.store.openRefund(event.currentTarget.dataset.id);
    },
    onReasonInput(event: WechatMiniprogram.TextareaInput): void {
      this.store.setReason(event.detail.value);
    },
    onCancelRefund(): void {
      this.store.closeRefund();
    },
    async onSubmitRefund(): Promise<void> {
      if (await this.store.submitRefund()) toast('退款申请已提交', 'success');
    },
    /** Copying to the clipboard is a privacy API: ask for the learner's agreement first. */
    async onCopy(event: IdTap): Promise<void> {
      try {
        await requirePrivacyAuthorize({});
        wx.setClipboardData({ data: event.currentTarget.dataset.id });
      } catch {
        toast('需要同意隐私保护指引后才能复制');
      }
    },
  },
});
