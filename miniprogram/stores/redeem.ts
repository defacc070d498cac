/**
 * 兑换码: the learner types a code, `promo.redeem` opens what it is for; the page then says what opened (its title,
 * read from the catalog) and until when, and links to it. A used, unknown or expired code, and too many attempts
 * (RESOURCE_EXHAUSTED), are refused in the server's words.
 */
import type { PromoRedeemData } from '../../shared/contract';
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { dateText } from '../view/access';
import { Store } from '../core/store';

export type RedeemPhase = 'idle' | 'submitting' | 'done' | 'refused';

export interface OpenedView {
  kind: 'course' | 'bundle';
  id: string;
  /** `《Python 入门》`, or '' when the title could not be read. */
  title: string;
  /** `永久有效` or `有效期至 2025-05-01`. */
  term: string;
}

export interface RedeemState {
  code: string;
  phase: RedeemPhase;
  error: string;
  opened: OpenedView | null;
}

export function initialRedeem(): RedeemState {
  return { code: '', phase: 'idle', error: '', opened: null };
}

export class RedeemStore extends Store<RedeemState> {
  constructor(private readonly deps: { call: typeof call }) {
    super(initialRedeem());
  }

  setCode(code: string): void {
    this.update({ code, ...(this.state.phase === 'refused' ? { phase: 'idle' as const, error: '' } : {}) });
  }

  async submit(): Promise<boolean> {
    if (this.state.phase === 'submitting') return false;
    const code = this.state.code.trim();
    if (!code) {
      this.update({ phase: 'refused', error: '请输入兑换码' });
      return false;
    }
    this.update({ phase: 'submitting', error: '' });
    try {
      const { access } = await this.deps.call('promo', { action: 'redeem', code });
      this.update({ phase: 'done', opened: await this.opened(access) });
      return true;
    } catch (error) {
      this.update({ phase: 'refused', error: messageOf(error) });
      return false;
    }
  }

  /** Another code. */
  reset(): void {
    if (this.state.phase !== 'submitting') this.update(initialRedeem());
  }

  private async opened(access: PromoRedeemData['access']): Promise<OpenedView> {
    const term = access.until ? `有效期至 ${dateText(access.until)}` : '永久有效';
    const { call } = this.deps;
    if (access.bundleId) {
      const bundleId = access.bundleId;
      const title = await call('catalog', { action: 'bundle', bundleId }).then(
        ({ bundle }) => bundle.title,
        () => '',
      );
      return { kind: 'bundle', id: bundleId, title: title && `《${title}》`, term };
    }
    const courseId = access.courseId ?? '';
    const title = courseId
      ? await call('catalog', { action: 'detail', courseId }).then(
          ({ course }) => course.title,
          () => '',
        )
      : '';
    return { kind: 'course', id: courseId, title: title && `《${title}》`, term };
  }
}
