/**
 * 评价管理: the reviews of a creator's courses, newest first, in any status (`creator.reviews`), with their content
 * check and reports; the creator replies (through the same content check as reviews) and decides on a review
 * (保留, 隐藏, 驳回: final for that version of it).
 */
import type { CreatorReview, ReportDecision, ReportReason, ReviewStatus } from '../../shared/contract';
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { dateTimeText } from '../view/format';
import { REPORT_REASON_TEXT } from '../view/report';
import type { LoadStatus } from '../core/store';
import { ActionStore } from '../core/action-store';

export const STATUS_TEXT: Record<ReviewStatus, string> = {
  visible: '已显示',
  pending: '待审核',
  hidden: '已隐藏',
  rejected: '已驳回',
};

/** The content check's verdict as the creator reads it; a pass says nothing. */
export const CHECK_TEXT: Record<CreatorReview['check'], string> = {
  pass: '',
  review: '内容检查：平台不确定，等你决定是否显示',
  risky: '内容检查：未通过，未向学员显示',
  unavailable: '内容检查：暂时无法检查，稍后自动重试',
};

export const DECISIONS: readonly { key: ReportDecision; label: string }[] = [
  { key: 'keep', label: '保留' },
  { key: 'hide', label: '隐藏' },
  { key: 'reject', label: '驳回' },
];

const FILTERS: readonly { key: ReviewStatus | ''; label: string }[] = [
  { key: '', label: '全部' },
  { key: 'pending', label: '待审核' },
  { key: 'hidden', label: '已隐藏' },
  { key: 'visible', label: '已显示' },
  { key: 'rejected', label: '已驳回' },
];

export interface ReviewItemView {
  id: string;
  courseTitle: string;
  stars: string;
  text: string;
  meta: string;
  status: ReviewStatus;
  statusText: string;
  /** What the content check said, when it is not a plain pass. */
  checkText: string;
  reportText: string;
  decidedText: string;
  replyText: string;
  replyPending: boolean;
  /** A decision is final for this version of the review. */
  decided: boolean;
}

export function reviewItemView(review: CreatorReview): ReviewItemView {
  const reasons = Object.entries(review.reports.reasons)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${REPORT_REASON_TEXT[reason as ReportReason] ?? reason} ${n}`);
  const decision = DECISIONS.find((d) => d.key === review.reports.decision)?.label;
  return {
    id: review.id,
    courseTitle: review.courseTitle,
    stars: '★'.repeat(review.rating) + '☆'.repeat(5 - review.rating),
    text: review.text,
    meta: `${review.author} · ${dateTimeText(review.createdAt)}${review.refunded ? ' · 已退款' : ''}`,
    status: review.status,
    statusText: STATUS_TEXT[review.status],
    checkText: CHECK_TEXT[review.check],
    reportText: review.reports.count > 0 ? `${review.reports.count} 人举报：${reasons.join('、')}` : '',
    decidedText: review.reports.decidedAt && decision ? `你已决定：${decision}` : '',
    replyText: review.reply ? `创作者回复：${review.reply.text}` : '',
    replyPending: review.reply?.status === 'pending',
    decided: review.reports.decidedAt !== undefined,
  };
}

export interface CreatorReviewsState {
  status: LoadStatus;
  error: string;
  filters: { key: string; label: string; active: boolean }[];
  filter: ReviewStatus | '';
  items: ReviewItemView[];
  total: number;
  /** The review being replied to, '' for none. */
  replyingId: string;
  draft: string;
  busy: boolean;
}

export interface CreatorReviewsDeps {
  call: typeof call;
  /** Which decision the creator picked; rejects (or resolves null) when they dismissed the choice. */
  chooseDecision(labels: string[]): Promise<number | null>;
  toast(text: string): void;
}

function filterTabs(filter: string): CreatorReviewsState['filters'] {
  return FILTERS.map((f) => ({ key: f.key, label: f.label, active: f.key === filter }));
}

export function initialCreatorReviews(): CreatorReviewsState {
  return {
    status: 'loading',
    error: '',
    filters: filterTabs(''),
    filter: '',
    items: [],
    total: 0,
    replyingId: '',
    draft: '',
    busy: false,
  };
}

export class CreatorReviewsStore extends ActionStore<CreatorReviewsState> {
  private generation = 0;

  constructor(private readonly deps: CreatorReviewsDeps) {
    super(initialCreatorReviews());
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    const { filter } = this.state;
    this.update({ status: this.state.items.length ? this.state.status : 'loading', error: '' });
    try {
      const data = await this.deps.call('creator', {
        action: 'reviews',
        ...(filter ? { status: filter } : {}),
        pageSize: 50,
      });
      if (generation !== this.generation) return;
      this.update({
        status: data.items.length ? 'ready' : 'empty',
        items: data.items.map(reviewItemView),
        total: data.total,
      });
    } catch (error) {
      if (generation === this.generation) this.update({ status: 'error', error: messageOf(error) });
    }
  }

  switchFilter(filter: ReviewStatus | ''): Promise<void> {
    if (filter === this.state.filter) return Promise.resolve();
    this.update({ filter, filters: filterTabs(filter), items: [] });
    return this.load();
  }

  startReply(id: string): void {
    const item = this.state.items.find((i) => i.id === id);
    this.update({ replyingId: id, draft: item?.replyText.replace(/^创作者回复：/, '') ?? '' });
  }

  editDraft(text: string): void {
    this.update({ draft: text });
  }

  cancelReply(): void {
    this.update({ replyingId: '', draft: '' });
  }

  async sendReply(): Promise<void> {
    const { replyingId, draft, busy } = this.state;
    if (!replyingId || busy) return;
    await this.act(async () => {
      const { review } = await this.deps.call('creator', { action: 'reply', reviewId: replyingId, text: draft });
      this.update({ replyingId: '', draft: '' });
      this.deps.toast(
        review.reply?.status === 'pending' ? '回复待审核，通过后显示' : draft.trim() ? '已回复' : '已删除回复',
      );
    }, this.deps.toast);
  }

  async decide(id: string): Promise<void> {
    if (this.state.busy) return;
    const picked = await this.deps.chooseDecision(DECISIONS.map((d) => d.label)).catch(() => null);
    const decision = picked === null ? undefined : DECISIONS[picked];
    if (!decision) return;
    await this.act(async () => {
      await this.deps.call('creator', {
        action: 'moderate',
        targetType: 'review',
        targetId: id,
        decision: decision.key,
      });
      this.deps.toast(`已${decision.label}`);
    }, this.deps.toast);
  }
}
