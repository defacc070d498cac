/** 评价管理: binds CreatorReviewsStore; a decision is picked from an action sheet. */
import type { ReviewStatus } from '../../../shared/contract';
import { call } from '../../services/call';
import { showActionSheet, toast } from '../../services/wx-api';
import { CreatorReviewsStore, initialCreatorReviews } from '../../stores/creator-reviews';
import { definePage } from '../../core/define-page';

type IdTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;
type KeyTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { key: ReviewStatus | '' }>;
type Input = WechatMiniprogram.Input;

definePage({
  initial: initialCreatorReviews(),
  createStore: () =>
    new CreatorReviewsStore({
      call,
      chooseDecision: async (labels) => (await showActionSheet({ itemList: labels })).tapIndex,
      toast: (text) => toast(text),
    }),
  load() {
    void this.store.load();
  },
  methods: {
    onFilter(event: KeyTap): void {
      void this.store.switchFilter(event.currentTarget.dataset.key);
    },
    onReply(event: IdTap): void {
      this.store.startReply(event.currentTarget.dataset.id);
    },
    onDraft(event: Input): void {
      this.store.editDraft(event.detail.value);
    },
    onSendReply(): void {
      void this.store.sendReply();
    },
    onCancelReply(): void {
      this.store.cancelReply();
    },
    onDecide(event: IdTap): void {
      void this.store.decide(event.currentTarget.dataset.id);
    },
  },
});
