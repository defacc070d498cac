/**
 * Selling one course or bundle on its page: the bill (flows/checkout.ts) and the purchase (flows/purchase.ts) of the
 * same target, and what passes between them — the coupon of the bill the learner confirmed goes to `order.create`,
 * and 重新支付 after a failed attempt pays that same order again.
 */
import type { SaleTarget } from './checkout';
import { Checkout } from './checkout';
import type { PurchaseDeps, PurchasePhase } from './purchase';
import { Purchase } from './purchase';

export class Sale {
  readonly checkout: Checkout;
  readonly purchase: Purchase;
  /** The bill last confirmed: what its order charges (fen) and its coupon ('' for none). */
  private bill = { payFen: 0, couponId: '' };

  constructor(
    private readonly target: SaleTarget,
    deps: PurchaseDeps,
  ) {
    this.checkout = new Checkout(deps);
    this.purchase = new Purchase(deps);
  }

  /** The bill last confirmed: what its order charges (fen) and its coupon. */
  get confirmed(): Readonly<{ payFen: number; couponId: string }> {
    return this.bill;
  }

  /** Opens the bill: with `couponId` first (a pending order's), else the best coupon. */
  openBill(options: { couponId?: string; notice?: string } = {}): Promise<void> {
    return this.checkout.open(this.target, options);
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
}
