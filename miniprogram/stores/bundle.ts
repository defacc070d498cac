/**
 * 会员 / 专栏 (one bundle): what it is, its courses, the learner's access to it, and buying it through the bill. A
 * membership can be bought again to extend it; a 专栏 the learner holds is theirs for good. Access comes from
 * `catalog.bundle` only, read again once the server confirms the payment. A pending order of the bundle is offered
 * as 继续支付 at its own price, as on the course page (flows/sale.ts).
 */
import type { CatalogBundleData, Order } from '../../shared/contract';
import type { call } from '../services/call';
import { CallError, messageOf } from '../services/call';
import { cardView, priceText } from '../view/format';
import type { CardView } from '../view/format';
import { bundleView, ownedText, renewText } from '../view/bundle';
import type { BundleView } from '../view/bundle';
import { priceInForceFen } from '../view/price';
import { initialCheckout } from '../flows/checkout';
import type { Checkout, CheckoutState } from '../flows/checkout';
import { BUSY_LABEL, initialPurchase } from '../flows/purchase';
import type { Purchase, PurchaseDeps, PurchasePhase, PurchaseState } from '../flows/purchase';
import { Sale } from '../flows/sale';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export interface BundleAction {
  kind: 'buy' | 'owned' | 'busy';
  label: string;
}

export interface BundleState {
  status: LoadStatus;
  error: string;
  bundle: BundleView | null;
  courses: CardView[];
  /** `已开通 · 有效期至 2025-05-01`, `已开通 · 永久有效`, or '' without access. */
  owned: string;
  /** How buying a membership again extends it, or ''. */
  renew: string;
  /** The learner's pending order of the bundle that 继续支付 pays, or ''. */
  pendingOrderId: string;
  action: BundleAction;
  purchase: PurchaseState;
  checkout: CheckoutState;
}

export function initialBundle(): BundleState {
  return {
    status: 'loading',
    error: '',
    bundle: null,
    courses: [],
    owned: '',
    renew: '',
    pendingOrderId: '',
    action: { kind: 'busy', label: '加载中' },
    purchase: initialPurchase(),
    checkout: initialCheckout(),
  };
}

/** `pendingFen`: what the learner's pending order of the bundle charges, if there is one to continue. */
export function bundleAction(
  data: CatalogBundleData,
  pendingFen: number | undefined,
  phase: PurchasePhase,
): BundleAction {
  const { bundle, access } = data;
  const busy = BUSY_LABEL[phase];
  if (busy) return { kind: 'busy', label: busy };
  if (access && bundle.kind === 'column') return { kind: 'owned', label: '已开通' };
  const price = priceInForceFen(bundle.priceFen, bundle.promotion);
  if (price <= 0) return access ? { kind: 'owned', label: '已开通' } : { kind: 'buy', label: '免费开通' };
  if (pendingFen !== undefined) return { kind: 'buy', label: `继续支付 ${priceText(pendingFen)}` };
  return { kind: 'buy', label: `${access ? '续费' : '立即购买'} ${priceText(price)}` };
}

export class BundleStore extends Store<BundleState> {
  private readonly sale: Sale;
  private data: CatalogBundleData | undefined;

  constructor(
    private readonly bundleId: string,
    private readonly deps: { call: typeof call; purchase: PurchaseDeps },
  ) {
    super(initialBundle());
    this.sale = new Sale({ bundleId }, deps.purchase);
    this.purchase.subscribe(() => {
      // An attempt that left its order payable: the main button continues that order (Sale keeps it).
      this.update({ purchase: this.purchase.state, ...this.pendingNow() });
    });
    this.checkout.subscribe(() => this.update({ checkout: this.checkout.state }));
  }

  get purchase(): Purchase {
    return this.sale.purchase;
  }

  get checkout(): Checkout {
    return this.sale.checkout;
  }

  /** The pending order and the main button as they are now (a pending order may have expired meanwhile). */
  private pendingNow(): Pick<BundleState, 'pendingOrderId' | 'action'> {
    const pending = this.sale.pending;
    return {
      pendingOrderId: pending?.id ?? '',
      action: this.data ? bundleAction(this.data, pending?.amountFen, this.purchase.state.phase) : this.state.action,
    };
  }

  /** `quiet` keeps the page on screen while reading it again (after a payment, a price change). */
  async load(quiet = false): Promise<void> {
    if (!this.bundleId) {
      this.update({ status: 'error', error: '没有指定会员或专栏' });
      return;
    }
    if (!quiet) this.update({ status: 'loading', error: '' });
    try {
      const [data, pending] = await Promise.all([
        this.deps.call('catalog', { action: 'bundle', bundleId: this.bundleId }),
        this.sale.readPending(),
      ]);
      this.show(data, pending);
    } catch (error) {
      // A bundle that is gone is no error to retry: the empty state leads back to the list.
      if (error instanceof CallError && error.code === 'NOT_FOUND') this.update({ status: 'empty', error: '' });
      else if (!quiet || !this.data) this.update({ status: 'error', error: messageOf(error) });
    }
  }

  /** `pending`: the learner's pending order of the bundle, if any (none to pay for a 专栏 already held). */
  private show(data: CatalogBundleData, pending: Order | undefined): void {
    this.data = data;
    this.sale.hold(data.access && data.bundle.kind === 'column' ? undefined : pending);
    this.update({
      status: 'ready',
      error: '',
      bundle: bundleView(data.bundle),
      courses: data.bundle.courses.map(cardView),
      owned: data.access ? ownedText(data.access) : '',
      renew: renewText(data.bundle, data.access),
      ...this.pendingNow(),
    });
  }

  /** The buy button: the bill first (a free bundle opens at once). */
  async buy(): Promise<PurchasePhase | undefined> {
    if (!this.data || this.state.action.kind !== 'buy') return undefined;
    const { bundle } = this.data;
    if (priceInForceFen(bundle.priceFen, bundle.promotion) <= 0) return this.settled(await this.sale.payNow());
    // A pending order that has expired meanwhile is no longer offered: the bill is a new checkout.
    this.update(this.pendingNow());
    await this.sale.openBill({ notice: this.state.renew });
    return undefined;
  }

  async confirm(): Promise<PurchasePhase | undefined> {
    return this.settled(await this.sale.confirm());
  }

  async payAgain(): Promise<PurchasePhase | undefined> {
    return this.settled(await this.sale.payAgain());
  }

  async recheck(): Promise<PurchasePhase> {
    const phase = await this.purchase.recheck();
    await this.settled(phase);
    return phase;
  }

  /** A countdown reached its end: the price as the server has it now, and the bill again if it is open. */
  async promotionEnded(): Promise<void> {
    await this.load(true);
    await this.checkout.refresh();
  }

  private async settled(phase: PurchasePhase | undefined): Promise<PurchasePhase | undefined> {
    if (phase === 'paid') await this.load(true);
    return phase;
  }
}
