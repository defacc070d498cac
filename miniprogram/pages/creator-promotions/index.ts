/** 优惠管理 of one course: binds CreatorPromotionsStore; revoking is confirmed with wx.showModal. */
import type { CouponKind, PromotionKind } from '../../../shared/contract';
import { call } from '../../services/call';
import { queryParam } from '../../services/nav';
import { showModal, toast } from '../../services/wx-api';
import { CreatorPromotionsStore, initialCreatorPromotions, type PromotionForm } from '../../stores/creator-promotions';
import { definePage } from '../../core/define-page';

type ItemTap = WechatMiniprogram.TouchEvent<
  Record<string, never>,
  Record<string, never>,
  { kind: PromotionKind; id: string }
>;
type KeyTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { key: string }>;
type FieldInput = WechatMiniprogram.Input & { currentTarget: { dataset: { field: keyof PromotionForm } } };

definePage({
  initial: initialCreatorPromotions('', ''),
  createStore: (query) =>
    new CreatorPromotionsStore(queryParam(query, 'courseId'), queryParam(query, 'title'), {
      call,
      confirm: async (title, content) => (await showModal({ title, content, confirmText: '撤销' })).confirm,
      toast: (text) => toast(text),
      now: () => new Date(),
    }),
  load() {
    void this.store.load();
  },
  methods: {
    onKind(event: KeyTap): void {
      this.store.edit({ kind: event.currentTarget.dataset.key as PromotionKind });
    },
    onCouponKind(event: KeyTap): void {
      this.store.edit({ couponKind: event.currentTarget.dataset.key as CouponKind });
    },
    onField(event: FieldInput): void {
      this.store.edit({ [event.currentTarget.dataset.field]: event.detail.value });
    },
    onCreate(): void {
      void this.store.create();
    },
    onToggle(event: ItemTap): void {
      void this.store.toggle(event.currentTarget.dataset.kind, event.currentTarget.dataset.id);
    },
    onRevoke(event: ItemTap): void {
      void this.store.revoke(event.currentTarget.dataset.kind, event.currentTarget.dataset.id);
    },
    onCopyCodes(): void {
      wx.setClipboardData({ data: this.store.state.newCodes.join('\n') });
    },
  },
});
