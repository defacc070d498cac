/**
 * The bill before paying: `promo.quote` says what `order.create` would charge now for the course or bundle — the list
 * price, each discount (the limited-time price, the coupon) and the amount to pay — and which of the learner's
 * coupons would take something off, the best first. Every figure is the server's; choosing a coupon asks again.
 *
 * On opening, the best coupon is applied (the learner can pick another or 不使用优惠券). A coupon the server refuses
 * leaves the bill as it was and shows the server's reason.
 */
import type { PromoQuoteData } from '../../shared/contract';
import type { call } from '../services/call';
import { CallError, messageOf } from '../services/call';
import { priceText } from '../view/format';
import { myCouponView, type MyCouponView } from '../view/coupon';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

/** What is bought: a course or a bundle (membership or 专栏). */
export type SaleTarget = { courseId: string } | { bundleId: string };

export interface BillLine {
  /** The promotion's or the coupon's id. */
  id: string;
  label: string;
  /** `-¥20` */
  amount: string;
}

export interface CheckoutState {
  open: boolean;
  /** The first quote: `loading`, `ready` or `error` (with a retry). */
  status: LoadStatus;
  error: string;
  listPrice: string;
  lines: BillLine[];
  pay: string;
  /** The learner's coupons that apply, the best first, each coupon once. */
  coupons: MyCouponView[];
  /** The coupon the bill uses (`Coupon.id`), '' for none: what `order.create` gets as `couponId`. */
  couponId: string;
  /** Asking the server about another coupon; the bill cannot be confirmed meanwhile. */
  quoting: boolean;
  /** Why the coupon last chosen was refused, in the server's words. */
  couponError: string;
  /** Said above the bill, e.g. that a membership already opens the course. */
  notice: string;
}

export function initialCheckout(): CheckoutState {
  return {
    open: false,
    status: 'loading',
    error: '',
    listPrice: '',
    lines: [],
    pay: '',
    coupons: [],
    couponId: '',
    quoting: false,
    couponError: '',
    notice: '',
  };
}

/** A refusal of the coupon itself (used meanwhile, expired, not applicable), as opposed to a failed call. */
function refusesCoupon(error: unknown): boolean {
  return error instanceof CallError && (error.code === 'FAILED_PRECONDITION' || error.code === 'CONFLICT');
}

/** The server uses a learner's earliest claim of a coupon: two claims of one coupon are one choice. */
function uniqueCoupons(quote: PromoQuoteData): MyCouponView[] {
  const byCoupon = new Map<string, MyCouponView>();
  for (const mine of quote.usableCoupons) {
    if (!byCoupon.has(mine.coupon.id)) byCoupon.set(mine.coupon.id, myCouponView(mine));
  }
  return [...byCoupon.values()];
}

export class Checkout extends Store<CheckoutState> {
  private target: SaleTarget | undefined;
  /** Each quote's number: an answer to an older one is dropped. */
  private generation = 0;
  /** What the bill on screen charges, fen. */
  private quotedFen = 0;

  constructor(private readonly deps: { call: typeof call }) {
    super(initialCheckout());
  }

  /** Opens the bill for `target`; `couponId` first (e.g. the one a pending order holds), else the best one. */
  async open(target: SaleTarget, options: { couponId?: string; notice?: string } = {}): Promise<void> {
    this.target = target;
    this.update({ ...initialCheckout(), open: true, notice: options.notice ?? '' });
    await this.load(options.couponId ?? '', options.couponId === undefined);
  }

  /** The retry of a failed first quote, or a fresh bill after the page's prices changed. */
  async refresh(): Promise<void> {
    if (this.state.open) await this.load(this.state.couponId, false);
  }

  close(): void {
    this.generation++;
    this.update({ open: false, quoting: false });
  }

  /** Another coupon, or '' for 不使用优惠券. */
  async choose(couponId: string): Promise<void> {
    if (!this.state.open || this.state.status !== 'ready' || couponId === this.state.couponId) return;
    const generation = ++this.generation;
    this.update({ quoting: true, couponError: '' });
    try {
      const quote = await this.fetch(couponId);
      if (generation === this.generation) this.show(quote, couponId);
    } catch (error) {
      if (generation === this.generation) this.update({ quoting: false, couponError: messageOf(error) });
    }
  }

  /** What the bill on screen charges, fen. */
  get payFen(): number {
    return this.quotedFen;
  }

  /** The bill can be paid now: quoted, not asking again. */
  get confirmable(): boolean {
    return this.state.open && this.state.status === 'ready' && !this.state.quoting;
  }

  private async load(couponId: string, pickBest: boolean): Promise<void> {
    const generation = ++this.generation;
    this.update({ status: this.state.status === 'ready' ? 'ready' : 'loading', error: '', quoting: true });
    try {
      let quote: PromoQuoteData;
      let chosen = couponId;
      let couponError = '';
      try {
        quote = await this.fetch(couponId);
      } catch (error) {
        if (!couponId || !refusesCoupon(error)) throw error;
        // The coupon asked for is no longer usable: the bill without it, and why.
        couponError = messageOf(error);
        chosen = '';
        quote = await this.fetch('');
      }
      const best = quote.usableCoupons[0]?.coupon.id;
      if (pickBest && !chosen && best) {
        try {
          quote = await this.fetch(best);
          chosen = best;
        } catch (error) {
          couponError = messageOf(error);
        }
      }
      if (generation !== this.generation) return;
      this.show(quote, chosen);
      this.update({ couponError });
    } catch (error) {
      if (generation === this.generation) this.update({ status: 'error', error: messageOf(error), quoting: false });
    }
  }

  private fetch(couponId: string): Promise<PromoQuoteData> {
    if (!this.target) return Promise.reject(new CallError('INVALID_ARGUMENT', ''));
    return this.deps.call('promo', { action: 'quote', ...this.target, ...(couponId ? { couponId } : {}) });
  }

  private show(quote: PromoQuoteData, couponId: string): void {
    this.quotedFen = quote.payFen;
    this.update({
      status: 'ready',
      error: '',
      quoting: false,
      listPrice: priceText(quote.listPriceFen),
      lines: quote.discounts.map((d) => ({ id: d.id, label: d.label, amount: `-${priceText(d.amountFen)}` })),
      pay: priceText(quote.payFen),
      coupons: uniqueCoupons(quote),
      couponId,
    });
  }
}
