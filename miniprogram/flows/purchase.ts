/**
 * Buying a course: `order.create` → the payment sheet of the order's rail → `order.get` polled with backoff until the
 * server says `paid`. The course is unlocked only by the server's answer, never because the sheet reported success.
 *
 * A failed attempt (the bank refused, the balance was short) or a cancelled sheet leaves the order pending and payable
 * (the server closes it only when it expires), so the learner can pay again at once: `retryable` offers 重新支付, which
 * runs `buy` again; `order.create` answers with the same pending order and the same payment object, so it is the same
 * sheet, and on the virtual rail a fresh `wx.login` code signs it for the learner's current session.
 *
 * Rails: a `payment` object goes to `wx.requestPayment` (cloudPay), a `virtualPayment` object to
 * `wx.requestVirtualPayment` (小程序虚拟支付, issue 8). On iOS WeChat Pay may not be used for virtual goods, so the
 * flow asks for the `virtual` rail there and, when the backend cannot offer it, explains the rule instead of paying.
 * Every create carries a fresh `wx.login` code: the virtual rail (chosen here on iOS, or by the backend's default)
 * signs the payment with the session key the server gets for it; cloudPay ignores it.
 */
import type { OrderCreateData, VirtualPayment, WxPayment } from '../../shared/contract';
import type { SaleTarget } from './checkout';
import type { call } from '../services/call';
import { CallError, messageOf } from '../services/call';
import type { Platform } from '../services/platform';
import { WxApiError } from '../services/wx-api';
import { Store } from '../core/store';

export type PurchasePhase =
  'idle' | 'creating' | 'paying' | 'confirming' | 'paid' | 'cancelled' | 'failed' | 'unconfirmed' | 'ios-blocked';

export interface PurchaseState {
  phase: PurchasePhase;
  /** What the learner reads about the current phase. */
  message: string;
  /** The order being paid, once created. */
  orderId: string;
  /** When that order closes unpaid (ISO-8601), '' before it is created. */
  orderExpiresAt: string;
  /** The phase blocks the buy button (work in progress). */
  busy: boolean;
  /** The attempt ended without payment but the order can still be paid: offer to pay again. */
  retryable: boolean;
}

/** Waits between `order.get` polls, in ms: quick at first (the server reconciles on `get`), ~30 s in all. */
export const POLL_DELAYS_MS: readonly number[] = [0, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 8000];

export const IOS_RULE =
  '根据微信平台规定，iOS 设备上不能使用微信支付购买虚拟课程。你可以在安卓手机或电脑版微信中购买，购买后用同一微信在 iPhone 上即可学习。';

const MESSAGES: Record<PurchasePhase, string> = {
  idle: '',
  creating: '正在创建订单…',
  paying: '请在支付窗口中完成付款',
  confirming: '正在确认支付结果…',
  paid: '购买成功，课程已解锁',
  cancelled: '你已取消支付，订单未付款，可随时重新购买',
  failed: '支付失败，请稍后重试',
  unconfirmed: '支付结果还在确认中。如已付款，请稍后刷新，确认后课程会自动解锁，不会重复扣款',
  'ios-blocked': IOS_RULE,
};

/** The buy button's label while an attempt is under way. */
export const BUSY_LABEL: Partial<Record<PurchasePhase, string>> = {
  creating: '正在下单…',
  paying: '支付中…',
  confirming: '确认支付结果…',
};

/** A failed attempt whose order is still payable. */
const RETRY_MESSAGE = '支付未成功，订单仍可支付。可以重新支付，或在支付窗口中换一种付款方式';

const VIRTUAL_MODES: readonly string[] = ['short_series_goods', 'short_series_coin'];

export interface PurchaseDeps {
  call: typeof call;
  platform(): Platform;
  /** A fresh `wx.login` code. */
  login(): Promise<string>;
  requestPayment(payment: WxPayment): Promise<unknown>;
  requestVirtualPayment(payment: VirtualPayment): Promise<unknown>;
  sleep(ms: number): Promise<void>;
  pollDelaysMs?: readonly number[];
}

export function initialPurchase(): PurchaseState {
  return { phase: 'idle', message: '', orderId: '', orderExpiresAt: '', busy: false, retryable: false };
}

/** The details of a refusal that names the coupon or the price (shared/promo), not the rail. */
function refusesSale(details: unknown): boolean {
  if (typeof details !== 'object' || details === null) return false;
  const { field, reason } = details as { field?: unknown; reason?: unknown };
  return field === 'couponId' || typeof reason === 'string';
}

export class Purchase extends Store<PurchaseState> {
  /** The attempt buys a bundle (the message on payment says 已开通, not 课程已解锁). */
  private bundle = false;

  constructor(private readonly deps: PurchaseDeps) {
    super(initialPurchase());
  }

  private enter(phase: PurchasePhase, message = MESSAGES[phase], retryable = false): PurchasePhase {
    const busy = phase === 'creating' || phase === 'paying' || phase === 'confirming';
    this.update({ phase, message, busy, retryable });
    return phase;
  }

  /**
   * Runs the whole flow for the course or bundle, with the coupon the bill used (`Coupon.id`), and returns the phase
   * it ended in.
   */
  async buy(target: SaleTarget, couponId = ''): Promise<PurchasePhase> {
    if (this.state.busy) return this.state.phase;
    this.bundle = 'bundleId' in target;
    const ios = this.deps.platform() === 'ios';
    this.update({ orderId: '', orderExpiresAt: '' });
    this.enter('creating');
    let created: OrderCreateData;
    try {
      // Without a code the order can still be paid with cloudPay; the virtual rail then answers with the reason.
      const loginCode = await this.deps.login().catch(() => undefined);
      created = await this.deps.call('order', {
        action: 'create',
        ...target,
        ...(couponId ? { couponId } : {}),
        ...(ios ? { rail: 'virtual' as const } : {}),
        ...(loginCode ? { loginCode } : {}),
      });
    } catch (error) {
      // A backend without the virtual rail refuses it; on iOS that means there is no compliant way to pay here. A
      // refusal of the coupon or the price (its details say which) is not about the rail: the server's words.
      if (ios && error instanceof CallError && ['INVALID_ARGUMENT', 'FAILED_PRECONDITION'].includes(error.code)) {
        if (!refusesSale(error.details)) return this.enter('ios-blocked');
      }
      return this.enter('failed', messageOf(error));
    }
    const { order } = created;
    this.update({ orderId: order.id, orderExpiresAt: order.expiresAt });
    if (order.status === 'paid')
      return this.enter('paid', order.amountFen > 0 ? this.paidMessage() : '报名成功，开始学习吧');

    this.enter('paying');
    try {
      if (created.virtualPayment) {
        if (!VIRTUAL_MODES.includes(created.virtualPayment.mode))
          return this.enter('failed', '支付参数有误，请稍后重试');
        await this.deps.requestVirtualPayment(created.virtualPayment);
      } else if (created.payment && !ios) {
        await this.deps.requestPayment(created.payment);
      } else if (ios) {
        return this.enter('ios-blocked');
      } else {
        return this.enter('failed', '订单缺少支付信息，请稍后重试');
      }
    } catch (error) {
      if (error instanceof WxApiError && error.cancelled) return this.enter('cancelled', MESSAGES.cancelled, true);
      // The sheet failed, but a payment may still have gone through: ask the server once before saying so.
      return this.confirm(order.id, [0], 'failed');
    }
    return this.confirm(order.id);
  }

  private paidMessage(): string {
    return this.bundle ? '购买成功，已开通' : MESSAGES.paid;
  }

  /** Asks the server again about the current order (the "刷新支付结果" button). */
  async recheck(): Promise<PurchasePhase> {
    if (!this.state.orderId || this.state.busy) return this.state.phase;
    return this.confirm(this.state.orderId);
  }

  private async confirm(
    orderId: string,
    delays: readonly number[] = this.deps.pollDelaysMs ?? POLL_DELAYS_MS,
    otherwise: PurchasePhase = 'unconfirmed',
  ): Promise<PurchasePhase> {
    this.enter('confirming');
    for (const delay of delays) {
      await this.deps.sleep(delay);
      try {
        const { order } = await this.deps.call('order', { action: 'get', orderId });
        if (order.status === 'paid') return this.enter('paid', this.paidMessage());
        if (order.status === 'failed' || order.status === 'closed') {
          return this.enter('failed', order.note ? `支付未成功：${order.note}` : MESSAGES.failed);
        }
      } catch {
        // A lost poll is retried at the next delay; the last word is `otherwise`.
      }
    }
    // A failed sheet whose order the server did not end: still pending, so it can be paid again.
    if (otherwise === 'failed') return this.enter('failed', RETRY_MESSAGE, true);
    return this.enter(otherwise);
  }

  /** Back to the buy button (the learner closed the result). */
  reset(): void {
    if (!this.state.busy) this.update(initialPurchase());
  }
}
