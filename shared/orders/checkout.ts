/**
 * `order.create`: one pending order per learner and course or bundle, at the price `promo.quote` shows (list price,
 * limited-time price, at most one coupon: shared/promo/offer.ts), with the payment object the mini-program opens the
 * sheet with; a free course is granted at once.
 */
import { AppError, type OrderCreateData, type OrderCreateParams } from '../contract';
import { courseAccess, grantId, isActive, type GrantDoc, type GrantTarget, type GrantVia } from '../grants';
import { spendLimit } from '../limits';
import { getById, inTransaction, txGet } from '../db';
import { nextCouponState } from '../promo/coupons';
import type { BundleDoc, UserCouponDoc } from '../promo/documents';
import { readOffer, type Offer } from '../promo/offer';
import type { PriceQuote, PricedTarget } from '../promo/pricing';
import { pricedProductId, virtualItemFor } from '../promo/virtual-items';
import {
  billBody,
  newOutTradeNo,
  orderId,
  toOrder,
  transitionEntry,
  type OrderDoc,
  type PreparedPayment,
} from './model';
import { RailError, type Payer } from './rail';
import { loadOrder, log, railOf, unavailable, type Caller, type OrderDeps } from './deps';
import { activate, grantedAfterCommit } from './grants';
import { reconcileOrUnavailable } from './settlement';
import { claimState, releaseClaim } from './coupons';
import { latestOrderFor, reusesPending } from './pending-price';
import { COLLECTIONS } from '../collections';

export async function createOrder(
  deps: OrderDeps,
  caller: Caller,
  params: OrderCreateParams,
): Promise<OrderCreateData> {
  const { db } = deps;
  const target: GrantTarget =
    params.bundleId !== undefined
      ? { kind: 'bundle', id: params.bundleId }
      : { kind: 'course', id: params.courseId as string };
  const railName = params.rail ?? deps.settings.payRail;
  const latest = await latestOrderFor(db, caller.openid, target);
  // The price as promo.quote shows it; a claim held by the learner's pending order for this target counts as theirs.
  const offer = await readOffer(db, {
    openid: caller.openid,
    target,
    ...(params.couponId !== undefined ? { couponId: params.couponId } : {}),
    rail: railName,
    now: deps.clock(),
    ...(latest?.status === 'pending' ? { heldBy: latest._id } : {}),
  });
  const price = offer.price;
  const free = price.listPriceFen === 0;
  const rail = deps.rails[railName];
  if (!free) {
    if (!rail) throw new AppError('FAILED_PRECONDITION', '暂不支持该支付方式');
    if (rail.merchantId === '') throw new AppError('FAILED_PRECONDITION', '商家尚未开通支付');
    if (railName === 'virtual' && !params.loginCode) {
      throw new AppError('INVALID_ARGUMENT', 'loginCode is required for the virtual rail');
    }
  }
  await refuseOwnedForLife(deps, caller.openid, target, offer);
  const productId = free || railName !== 'virtual' ? undefined : virtualProduct(deps, target, price);
  // Past every check of the request: from here a create may write an order or call the platform.
  await spendLimit(db, caller.openid, 'orderCreate', deps.clock());
  const payer: Payer = { openid: caller.openid, loginCode: params.loginCode };

  if (latest !== undefined && latest.status !== 'pending') await releaseClaim(deps, latest);
  if (latest?.status === 'pending') {
    const asked = { listPriceFen: price.listPriceFen, payFen: price.payFen, couponId: params.couponId };
    // Its price still holds for this learner (a window that closed since does not reprice it): pay that order.
    if (reusesPending(latest, asked, railName, deps.clock())) return pendingReply(deps, latest, payer);
    // Expired, or made for another rail, an old price or another coupon: closed at the platform first (it may have
    // been paid), so a learner never pays twice nor pays what the course no longer costs.
    const settled = await reconcileOrUnavailable(deps, latest, 'order.create', true);
    if (settled.status === 'paid' && offer.bundle?.kind !== 'membership')
      throw new AppError('CONFLICT', '你已拥有这门课程');
    if (settled.status === 'pending') throw new AppError('UNAVAILABLE', '上一笔订单正在支付中，请稍后再试');
  }

  const now = deps.clock();
  const attempt = (latest?.attempt ?? 0) + 1;
  const doc: OrderDoc = {
    _id: orderId(caller.openid, target, attempt),
    _openid: caller.openid,
    ...(target.kind === 'course' ? { courseId: target.id } : { bundleId: target.id }),
    ...(offer.bundle ? { bundle: bundleTerms(offer.bundle) } : {}),
    courseTitle: offer.title,
    listPriceFen: price.listPriceFen,
    discounts: price.discounts,
    amountFen: price.payFen,
    ...(offer.claim ? { couponClaimId: offer.claim.userCoupon._id } : {}),
    ...(productId !== undefined ? { productId } : {}),
    rail: railName,
    status: 'pending',
    attempt,
    outTradeNo: newOutTradeNo(now, deps.randomHex(7)),
    merchantId: rail?.merchantId ?? '',
    body: billBody(offer.title),
    clientIp: caller.clientIp,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.settings.orderLifetimeMinutes * 60_000).toISOString(),
    history: [{ at: now.toISOString(), source: 'order.create', event: 'created' }],
  };
  if (free) return { order: toOrder(await enrolFree(deps, doc, offer.target)) };

  try {
    if (doc.couponClaimId === undefined) await db.collection(COLLECTIONS.orders).add({ data: doc });
    else await addHoldingClaim(deps, doc);
  } catch (error) {
    if (error instanceof AppError) throw error;
    // Lost the race for this attempt's id: answer with the order that won.
    const winner = await loadOrder(db, doc._id);
    if (!winner) throw error;
    if (winner.status !== 'pending') return { order: toOrder(winner) };
    return pendingReply(deps, winner, payer);
  }
  return pendingReply(deps, doc, payer);
}

/** What a bundle order keeps of its bundle: a membership's term is the one bought, whatever the bundle says later. */
function bundleTerms(bundle: BundleDoc): NonNullable<OrderDoc['bundle']> {
  return bundle.termDays === undefined ? { kind: bundle.kind } : { kind: bundle.kind, termDays: bundle.termDays };
}

/**
 * The virtual-payment item of a sale: a course at its list price keeps the rail's own item (undefined here), unless
 * an item is registered for the course at exactly that price (a list price a price test moved to: the own item keeps
 * the price it was registered at); a bundle or a discounted price must be registered in
 * `settings.virtualPayment.items` at exactly that price, else the sale is refused with a message (virtualItemFor)
 * rather than charged another amount.
 */
function virtualProduct(deps: OrderDeps, target: GrantTarget, price: PriceQuote): string | undefined {
  const { productIdPrefix, items } = deps.settings.virtualPayment;
  if (target.kind === 'course' && price.payFen === price.listPriceFen) {
    const priced = pricedProductId(productIdPrefix, target, price.payFen);
    return (items ?? []).find((i) => i.productId === priced && i.priceFen === price.payFen)?.productId;
  }
  const sale = { target, listPriceFen: price.listPriceFen, payFen: price.payFen };
  return virtualItemFor(productIdPrefix, sale, items ?? []).productId;
}

/**
 * A new order holding the learner's coupon claim, in one transaction: the claim goes `usable → held` only if it is
 * still usable (two checkouts with one claim: one order gets it, the other is refused), and the order is written with
 * it. FAILED_PRECONDITION when the claim was taken meanwhile; a lost race for the order's id throws as `add` does.
 */
async function addHoldingClaim(deps: OrderDeps, doc: OrderDoc): Promise<void> {
  const claimId = doc.couponClaimId as string;
  await inTransaction(deps.db, async (tx) => {
    if (await txGet<OrderDoc>(tx, COLLECTIONS.orders, doc._id)) throw new Error(`order ${doc._id} exists`);
    const claim = await txGet<UserCouponDoc>(tx, COLLECTIONS.userCoupons, claimId);
    const next = claim && nextCouponState(claimState(claim), { type: 'hold', orderId: doc._id }, true);
    if (!claim || next === undefined) {
      throw new AppError('FAILED_PRECONDITION', '这张优惠券已被另一笔订单占用或已使用', { field: 'couponId' });
    }
    const { _id, ...data } = doc;
    await tx.collection(COLLECTIONS.orders).doc(_id).set({ data });
    const { _id: id, usedAt: _used, ...rest } = claim;
    await tx
      .collection(COLLECTIONS.userCoupons)
      .doc(id)
      .set({ data: { ...rest, status: 'held', orderId: doc._id } });
  });
}

/** Where a course the learner already has for life came from, in the words of the refusal. */
const OWNED_FOR_LIFE: Record<GrantVia, string> = {
  purchase: '你已拥有这门课程',
  free: '你已拥有这门课程',
  redeem: '你已通过兑换码永久拥有这门课程',
  bundle: '你购买的专栏已包含这门课程',
  org: '你所在的机构已为你开通这门课程',
};

/**
 * Buying a course the learner can already open for life is refused (CONFLICT, naming the source); one that a
 * membership or seat opens for a while may be bought to keep for good (catalog.detail's `access` says which). A 专栏
 * already held is refused too; a membership can always be bought again, which extends it.
 */
async function refuseOwnedForLife(deps: OrderDeps, openid: string, target: GrantTarget, offer: Offer): Promise<void> {
  if (target.kind === 'bundle') {
    if (offer.bundle?.kind === 'membership') return;
    const held = await getById<GrantDoc>(deps.db, COLLECTIONS.grants, grantId(openid, 'bundle', target));
    if (held && isActive(held, deps.clock())) throw new AppError('CONFLICT', '你已拥有这个专栏');
    return;
  }
  const { grants } = await courseAccess(deps.db, openid, target.id, deps.clock());
  const forLife = grants.find((g) => g.until === undefined);
  if (forLife) throw new AppError('CONFLICT', OWNED_FOR_LIFE[forLife.via]);
}

/** What an earlier prepay left on the order, if any. */
function preparedOf(order: OrderDoc): PreparedPayment | undefined {
  if (order.payment) return { payment: order.payment };
  if (order.virtualPayment) return { virtualPayment: order.virtualPayment };
  return undefined;
}

/**
 * A pending order with the payment object for it. The platform order is prepared on first need; preparing the same
 * order again gives the same result (cloudPay returns the same prepay order, a virtual offer is deterministic), so
 * concurrent callers agree. The payer's own part (the virtual rail's user signature) is added per call.
 */
async function pendingReply(deps: OrderDeps, order: OrderDoc, payer: Payer): Promise<OrderCreateData> {
  try {
    const rail = railOf(deps, order);
    let prepared: PreparedPayment | undefined = preparedOf(order);
    if (!prepared) {
      const prepaid = await rail.prepay(order);
      if (prepaid.kind === 'paid') {
        const settled = await reconcileOrUnavailable(deps, order, 'order.create', false);
        return { order: toOrder(settled) };
      }
      prepared = prepaid.prepared;
      await deps.db
        .collection(COLLECTIONS.orders)
        .where({ _id: order._id, status: 'pending' })
        .update({ data: { ...prepared } });
    }
    return { order: toOrder(order), ...(await rail.checkout(prepared, payer)) };
  } catch (error) {
    if (!(error instanceof RailError)) throw error;
    log(deps, `[orders] preparing the payment of ${order._id} failed`, error.message);
    throw unavailable();
  }
}

/** A free course (or bundle): the zero-amount order and the learner's grant in one transaction. */
async function enrolFree(deps: OrderDeps, doc: OrderDoc, target: PricedTarget): Promise<OrderDoc> {
  const at = doc.createdAt;
  const paid: OrderDoc = {
    ...doc,
    status: 'paid',
    paidAt: at,
    history: [...doc.history, transitionEntry('pending', 'paid', at, 'order.create', '免费')],
  };
  const enrolled = await inTransaction(deps.db, async (tx) => {
    if (await txGet<OrderDoc>(tx, COLLECTIONS.orders, doc._id)) return false;
    const { _id, ...data } = paid;
    await tx.collection(COLLECTIONS.orders).doc(_id).set({ data });
    return activate(tx, paid, target.kind === 'course' ? 'free' : 'bundle', at);
  });
  if (enrolled && target.kind === 'course') {
    await grantedAfterCommit(deps, paid, { courseId: target.id, category: target.category, paid: false });
  }
  return (await loadOrder(deps.db, doc._id)) ?? paid;
}
