/** What every `promo` action is given: the database, the clock, the configured rail and the code key. */
import type { PayRail } from '../contract';
import type { Database } from '../db';
import type { GrantTarget } from '../grants';
import type { PriceQuote } from './pricing';

export interface PromoDeps {
  db: Database;
  now: () => Date;
  /** The rail `order.create` uses when the client names none (settings `payRail`): the rail a quote prices for. */
  defaultRail: () => Promise<PayRail>;
  /** Key of the redemption codes' hashes (./code-key.ts). */
  codeKey: () => Promise<string>;
  /**
   * The price `order.create` would charge by paying the learner's pending order again (shared/orders
   * pending-price.ts), when it would; the function entry supplies it, so promo reads no orders itself.
   */
  pendingOrderPrice?: (
    openid: string,
    target: GrantTarget,
    asked: { listPriceFen: number; payFen: number; couponId?: string },
    rail: PayRail,
  ) => Promise<PriceQuote | undefined>;
  /** Where a failure that does not fail the call is reported (a learner count left to the nightly recount). */
  log: (message: string, error?: unknown) => void;
}
