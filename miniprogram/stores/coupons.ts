/**
 * 领券: the coupons the learner may claim now (`promo.coupons`, for one course or all) and claiming them
 * (`promo.claim`). The server decides every claim: none left (`soldOut`), the learner's limit reached (CONFLICT) or
 * the window closed are shown in its words on the coupon.
 */
import type { ClaimRefusalReason, Coupon } from '../../shared/contract';
import type { call } from '../services/call';
import { CallError, messageOf } from '../services/call';
import { couponFace, type CouponFace } from '../view/coupon';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export interface ClaimView extends CouponFace {
  id: string;
  /** `剩余 12 张` */
  remaining: string;
  /** `每人限领 2 张`, '' for one. */
  limit: string;
  claiming: boolean;
  /** Claims this visit made. */
  claimed: number;
  /** The outcome of the last claim: 领取成功…, or the server's reason. */
  note: string;
  refused: boolean;
  /** The button: `领取`, `再领一张`, `已领取`, `已领完`, `已达上限`. */
  button: string;
  /** No claim can succeed any more (as far as the page knows). */
  done: boolean;
}

export interface CouponsState {
  status: LoadStatus;
  error: string;
  items: ClaimView[];
}

export function initialCoupons(): CouponsState {
  return { status: 'loading', error: '', items: [] };
}

function claimView(coupon: Coupon): ClaimView {
  return {
    ...couponFace(coupon),
    id: coupon.id,
    remaining: `剩余 ${coupon.remaining} 张`,
    limit: coupon.perLearner > 1 ? `每人限领 ${coupon.perLearner} 张` : '',
    claiming: false,
    claimed: 0,
    note: '',
    refused: false,
    button: coupon.remaining > 0 ? '领取' : '已领完',
    done: coupon.remaining <= 0,
  };
}

/** What a refusal leaves of the coupon: none left and the learner's limit end it; the other reasons say so. */
const REFUSAL_BUTTON: Partial<Record<ClaimRefusalReason, string>> = {
  soldOut: '已领完',
  limit: '已达上限',
  ended: '已结束',
  revoked: '已失效',
};

function refusalReason(error: unknown): ClaimRefusalReason | undefined {
  if (!(error instanceof CallError)) return undefined;
  if (error.code === 'CONFLICT') return 'limit';
  const reason = (error.details as { reason?: unknown } | null | undefined)?.reason;
  return typeof reason === 'string' ? (reason as ClaimRefusalReason) : undefined;
}

export class CouponsStore extends Store<CouponsState> {
  constructor(
    private readonly courseId: string,
    private readonly deps: { call: typeof call },
  ) {
    super(initialCoupons());
  }

  async load(): Promise<void> {
    this.update({ status: 'loading', error: '' });
    try {
      const { items } = await this.deps.call('promo', {
        action: 'coupons',
        ...(this.courseId ? { courseId: this.courseId } : {}),
      });
      this.update({ status: items.length ? 'ready' : 'empty', items: items.map(claimView) });
    } catch (error) {
      this.update({ status: 'error', error: messageOf(error) });
    }
  }

  async claim(couponId: string): Promise<boolean> {
    const item = this.state.items.find((c) => c.id === couponId);
    if (!item || item.claiming || item.done) return false;
    this.patch(couponId, { claiming: true, note: '', refused: false });
    try {
      const { coupon: mine } = await this.deps.call('promo', { action: 'claim', couponId });
      const claimed = item.claimed + 1;
      const left = mine.coupon.remaining;
      const done = left <= 0 || claimed >= mine.coupon.perLearner;
      this.patch(couponId, {
        claiming: false,
        claimed,
        remaining: `剩余 ${left} 张`,
        note: `已领取${claimed > 1 ? ` ${claimed} 张` : ''}，下单时可用`,
        button: done ? '已领取' : '再领一张',
        done,
      });
      return true;
    } catch (error) {
      const reason = refusalReason(error);
      const button = reason ? REFUSAL_BUTTON[reason] : undefined;
      this.patch(couponId, {
        claiming: false,
        note: messageOf(error),
        refused: true,
        ...(button ? { button, done: true } : {}),
      });
      return false;
    }
  }

  private patch(couponId: string, patch: Partial<ClaimView>): void {
    this.update({ items: this.state.items.map((c) => (c.id === couponId ? { ...c, ...patch } : c)) });
  }
}
