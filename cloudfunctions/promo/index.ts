import * as sdk from 'wx-server-sdk';
import { promoActions, type PromoResponses } from '../../shared/contract';
import { clientFunction, initCloud } from '../../shared/entry';
import { claimCoupon } from '../../shared/promo/claim';
import { redeemCodeKey } from '../../shared/promo/code-key';
import type { PromoDeps } from '../../shared/promo/deps';
import { redeemCode } from '../../shared/promo/redeem';
import { claimableCoupons, myCoupons, quotePrice } from '../../shared/promo/service';
import { readSettings } from '../../shared/settings';
import { pendingOrderPrice } from '../../shared/orders/pending-price';

const cloud = initCloud(sdk);
const db = cloud.database();

const deps: PromoDeps = {
  db,
  now: () => new Date(),
  defaultRail: async () => (await readSettings(db)).payRail,
  // REDEEM_CODE_SECRET (云开发控制台 → 云函数 → 配置) when set, else the environment's own generated key.
  codeKey: redeemCodeKey(db, process.env),
  pendingOrderPrice: (openid, target, asked, rail) => pendingOrderPrice(db, openid, target, asked, rail, new Date()),
  log: (message, error) => console.error(message, error ?? ''),
};

/** The `promo` function (issue 14): `quote`, `coupons`, `claim`, `mine`, `redeem`. */
export const main = clientFunction<typeof promoActions, PromoResponses>(cloud, promoActions, () => ({
  quote: (params, call) => quotePrice(deps, call.openid, params),
  coupons: (params, call) => claimableCoupons(deps, call.openid, params),
  claim: async (params, call) => ({ coupon: await claimCoupon(deps, call.openid, params.couponId) }),
  mine: (params, call) => myCoupons(deps, call.openid, params),
  redeem: (params, call) => redeemCode(deps, call.openid, params.code),
}));
