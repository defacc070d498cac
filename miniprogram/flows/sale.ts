/**
 * Selling one course or bundle on its page: the bill (flows/checkout.ts) and the purchase (flows/purchase.ts) of the
 * same target, and what passes between them — the coupon of the bill the learner confirmed goes to `order.create`,
 * and 重新支付 after a failed attempt pays that same order again.
 *
 * The learner's pending order of the target is offered as 继续支付 at the price it was made at: the one the server
 * lists (`order.list` filtered by the target), or the one an attempt on this page left payable. The bill then opens
 * with the coupon that order holds, and `order.create` answers with that order while its price still applies (the
 * server decides; a limited-time price that has ended since is kept until the order expires). Once the order is
 * paid, closed or past its expiry there is none: buying starts a new checkout.
 */
import type { Order } from '../../shared/contract';
import type { SaleTarget } from './checkout';
import { Checkout } from './checkout';
import type { PurchaseDeps, PurchasePhase } from './purchase';
import { Purchase } from './purchase';

/** A pending order of the target that can still be paid. */
export interface PendingOrder {
  id: string;
  /** What it charges, fen. */
  amountFen: number;
  /** The coupon it holds, '' for none: the bill opens with it. */
  couponId: string;
  /** ISO-8601: from then on the server closes it. */
  expiresAt: string;
}

function pendingOf(order: Order): PendingOrder | undefined {
  if (order.status !== 'pending') return undefined;
  const coupon = order.discounts.find((d) => d.kind === 'coupon');
  return { id: order.id, amountFen: order.amountFen, couponId: coupon?.id ?? '', expiresAt: order.expiresAt };
}

export class Sale {
  readonly checkout: Checkout;
  readonly purchase: Purchase;
  /** The bill last confirmed: what its order charges (fen) and its coupon ('' for none). */
  private bill = { payFen: 0, couponId: '' };
  private held: PendingOrder | undefined;

  constructor(
    private readonly target: SaleTarget,
    private readonly deps: PurchaseDeps,
  ) {
    this.checkout = new Checkout(deps);
    this.purchase = new Purchase(deps);
    // Subscribed before the page's store subscribes (it builds its Sale first): its listener reads `pending` updated.
    this.purchase.subscribe(() => this.followPurchase());
  }

  /** The pending order 继续支付 pays, if there is one and it has not expired. */
  get pending(): PendingOrder | undefined {
    return this.held && Date.parse(this.held.expiresAt) > Date.now() ? this.held : undefined;
  }

  /** The learner's pending order of the target as the server lists it; none when the list cannot be read. */
  async readPending(): Promise<Order | undefined> {
    const list = await this.deps
      .call('order', { action: 'list', ...this.target, status: 'pending', pageSize: 1 })
      .catch(() => ({ items: [] as Order[] }));
    return list.items[0];
  }

  /** The page's pending order from `readPending`, or none (`undefined`) when the learner has nothing left to pay. */
  hold(order: Order | undefined): void {
    this.held = order ? pendingOf(order) : undefined;
  }

  /** Opens the bill: with `couponId` first (else the pending order's), else the best coupon. */
  openBill(options: { couponId?: string; notice?: string } = {}): Promise<void> {
    const couponId = options.couponId ?? this.pending?.couponId;
    return this.checkout.open(this.target, { ...options, ...(couponId !== undefined ? { couponId } : {}) });
  }

  /** 确认支付 on the bill: the order with the bill's coupon; undefined when there is no bill to confirm. */
  async confirm(): Promise<PurchasePhase | undefined> {
    if (!this.checkout.confirmable || this.purchase.state.busy) return undefined;
    this.bill = { payFen: this.checkout.payFen, couponId: this.checkout.state.couponId };
    this.checkout.close();
    return this.purchase.buy(this.target, this.bill.couponId);
  }

  /** Without a bill: a free course or bundle. */
  payNow(): Promise<PurchasePhase> {
    this.bill = { payFen: 0, couponId: '' };
    return this.purchase.buy(this.target);
  }

  /** 重新支付: the same order (`order.create` answers with it), in the same sheet. */
  payAgain(): Promise<PurchasePhase> {
    return this.purchase.buy(this.target, this.bill.couponId);
  }

  private followPurchase(): void {
    const { phase, orderId, orderExpiresAt, retryable } = this.purchase.state;
    if (retryable && orderId) {
      // The attempt left its order payable, at the price of the bill that was confirmed.
      this.held = { id: orderId, amountFen: this.bill.payFen, couponId: this.bill.couponId, expiresAt: orderExpiresAt };
    } else if (phase === 'paid' || (phase === 'failed' && orderId === this.held?.id)) {
      // Paid, or ended by the server (failed or closed): nothing is left to continue.
      this.held = undefined;
    }
  }
}
