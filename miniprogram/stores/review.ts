/** 写评价: the learner's rating and text for one course, and what moderation made of it. */
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export const REVIEW_MAX = 500;

/** What the learner is told after submitting, from the review's moderation status. */
export const MODERATION_TEXT = {
  visible: '评价已发布，感谢你的分享！',
  pending: '评价已提交，正在审核中，通过后将公开显示',
  rejected: '评价未通过内容审核，请修改后重新提交',
  // Only ever read back: an edit is a new version, checked again.
  hidden: '评价被多位学员举报，已暂时隐藏，等待讲师处理；修改后将重新审核',
} as const;

export interface ReviewState {
  /** Labels the page (from the link); the course is identified by its id. */
  courseTitle: string;
  status: LoadStatus;
  error: string;
  rating: number;
  text: string;
  count: number;
  submitting: boolean;
  /** '' before submitting; then the moderation status of the saved review. */
  outcome: '' | keyof typeof MODERATION_TEXT;
  outcomeText: string;
  formError: string;
}

export function initialReview(courseTitle = ''): ReviewState {
  return {
    courseTitle,
    status: 'loading',
    error: '',
    rating: 0,
    text: '',
    count: 0,
    submitting: false,
    outcome: '',
    outcomeText: '',
    formError: '',
  };
}

export class ReviewStore extends Store<ReviewState> {
  constructor(
    private readonly courseId: string,
    courseTitle: string,
    private readonly deps: { call: typeof call },
  ) {
    super(initialReview(courseTitle));
  }

  /** Loads the learner's existing review (if any) so that submitting edits it. */
  async load(): Promise<void> {
    this.update({ status: 'loading', error: '' });
    try {
      const { items } = await this.deps.call('review', { action: 'list', courseId: this.courseId, pageSize: 20 });
      const mine = items.find((r) => r.mine);
      this.update({ status: 'ready' });
      if (mine) {
        this.update({ rating: mine.rating, text: mine.text, count: mine.text.length });
        if (mine.status !== 'visible') this.update({ outcome: mine.status, outcomeText: MODERATION_TEXT[mine.status] });
      }
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }

  setRating(rating: number): void {
    this.update({ rating, formError: '' });
  }

  setText(text: string): void {
    const clipped = text.slice(0, REVIEW_MAX);
    this.update({ text: clipped, count: clipped.length });
  }

  async submit(): Promise<boolean> {
    const { rating, text, submitting } = this.state;
    if (submitting) return false;
    if (rating < 1) {
      this.update({ formError: '请先选择评分' });
      return false;
    }
    this.update({ submitting: true, formError: '', outcome: '', outcomeText: '' });
    try {
      const { review } = await this.deps.call('review', {
        action: 'submit',
        courseId: this.courseId,
        rating,
        text: text.trim(),
      });
      this.update({ submitting: false, outcome: review.status, outcomeText: MODERATION_TEXT[review.status] });
      return true;
    } catch (error) {
      this.update({ submitting: false, formError: messageOf(error) });
      return false;
    }
  }
}
