/**
 * Property test of selling (issue 14) through the local cloud with the cloudPay sandbox: random sequences of
 * checkouts (with no coupon, a coupon handed out at the start or one of a single-coupon stock, some of them racing),
 * claims of that last coupon (alone or by both learners at once), redemptions of two codes (one opening the second
 * course, one a membership term; alone or racing), payments, expiries swept by the timer and refunds, by two
 * learners, over two courses (one at a limited-time price), a membership opening the first and a 专栏 opening the
 * second. After every step, what the database holds must keep the selling invariants:
 *
 * - every paid order charged `listPriceFen − Σ discounts`, each discount at least 1 fen, the whole at least 1 fen;
 * - a coupon claim is used by at most one order that stays paid, and a claim held is held by a pending order;
 * - a coupon's stock is never negative: its claims number exactly `claimed`, and `claimed ≤ stock`;
 * - a code is used at most once: at most one learner holds a grant from it, and only the learner the code names;
 * - a learner can open a course ⇔ a paid, unrefunded purchase of it, of a 专栏 holding it, a code redeemed for it, or
 *   a membership holding it whose terms (each from the later of its payment, or its redemption, and the previous end)
 *   have not run out; each membership grant's `until` is exactly its terms folded.
 *
 * A late payment of a closed order (whose claim another order may have used since) cannot happen on cloudPay, which
 * closes the trade at the platform first; cloudfunctions/order/__tests__/selling.test.ts covers it on the virtual rail.
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { isAppError, type OrderCreateParams } from '../../contract';
import { found, getById } from '../../db';
import { grantId, hasAccess, termsEnd, type GrantDoc } from '../../grants';
import { COLLECTIONS } from '../../collections';
import { codeHash, generateCode, normalizeCode } from '../../promo/codes';
import { newCodeKey } from '../../promo/code-key';
import type { PromoDeps } from '../../promo/deps';
import { claimCoupon } from '../../promo/claim';
import { redeemCode, redeemTermId } from '../../promo/redeem';
import {
  userCouponId,
  type CouponDoc,
  type PromoTarget,
  type RedeemCodeDoc,
  type UserCouponDoc,
} from '../../promo/documents';
import { storedSecret } from '../../settings/secrets';
import { startClockedOrders, type ClockedOrders } from '../../../testing/order-platforms';
import { createOrder, requestRefund, sweepOrders } from '..';
import type { OrderDoc } from '../model';

const DAY = 86_400_000;
const LEARNERS = 2;
const TARGETS = ['c0', 'c1', 'member', 'column'] as const;
type TargetName = (typeof TARGETS)[number];

const TERM_DAYS = 30;

let world: ClockedOrders;
let promo: PromoDeps;
let key: string;

beforeAll(async () => {
  world = await startClockedOrders();
  // Real time for the functions in the cloud and the domain alike: an expiry is written, not waited for.
  Object.defineProperty(world.clock, 'now', { get: () => Date.now() });
  key = await storedSecret(world.db, 'redeemCode', newCodeKey);
  promo = {
    db: world.db,
    now: () => new Date(),
    defaultRail: async () => 'wxpay',
    codeKey: async () => key,
    log: () => undefined,
  };
});
afterAll(() => world.cloud.close());

interface Shop {
  run: string;
  openids: string[];
  courses: Record<'c0' | 'c1', string>;
  bundles: Record<'member' | 'column', string>;
  /** Handed out to both learners at the start. */
  couponId: string;
  /** One in stock, claimed during the run. */
  scarceId: string;
  /** The codes as typed: one opens c1 for life, one adds a membership term. */
  codes: Record<CodeName, string>;
}

type CouponChoice = 'none' | 'given' | 'scarce';
type CodeName = 'c1' | 'member';

async function newShop(): Promise<Shop> {
  const run = randomBytes(4).toString('hex');
  const { db } = world;
  const at = new Date().toISOString();
  const courses = { c0: `sell-${run}-c0`, c1: `sell-${run}-c1` };
  const bundles = { member: `sell-${run}-member`, column: `sell-${run}-column` };
  const course = (id: string, priceFen: number) => ({
    _id: id,
    status: 'published',
    title: id,
    priceFen,
    category: 'dev',
    learnerCount: 0,
  });
  await db.collection(COLLECTIONS.courses).add({ data: course(courses.c0, 9900) });
  await db.collection(COLLECTIONS.courses).add({ data: course(courses.c1, 4900) });
  const bundle = (id: string, kind: 'membership' | 'column', courseIds: string[], priceFen: number) => ({
    title: id,
    subtitle: '',
    cover: 'cloud://env.bucket/b.png',
    priceFen,
    kind,
    ...(kind === 'membership' ? { termDays: TERM_DAYS } : {}),
    courseIds,
    status: 'published',
    createdAt: at,
    updatedAt: at,
  });
  await db
    .collection(COLLECTIONS.bundles)
    .doc(bundles.member)
    .set({ data: bundle(bundles.member, 'membership', [courses.c0], 19900) });
  await db
    .collection(COLLECTIONS.bundles)
    .doc(bundles.column)
    .set({ data: bundle(bundles.column, 'column', [courses.c1], 5900) });
  await db
    .collection(COLLECTIONS.promotions)
    .doc(`sell-${run}-promo`)
    .set({
      data: {
        target: { kind: 'course', id: courses.c1 },
        priceFen: 2900,
        startsAt: new Date(Date.now() - DAY).toISOString(),
        endsAt: new Date(Date.now() + 30 * DAY).toISOString(),
        label: '限时特惠',
        status: 'active',
        createdAt: at,
      },
    });
  const couponId = `sell-${run}-coupon`;
  await db
    .collection(COLLECTIONS.coupons)
    .doc(couponId)
    .set({
      data: {
        title: '立减 30',
        kind: 'amount',
        amountFen: 3000,
        appliesTo: { all: true },
        startsAt: new Date(Date.now() - DAY).toISOString(),
        endsAt: new Date(Date.now() + 30 * DAY).toISOString(),
        stock: 10,
        claimed: LEARNERS,
        perLearner: 1,
        status: 'active',
        createdAt: at,
      },
    });
  const scarceId = `sell-${run}-scarce`;
  const scarce = {
    title: '限量 9 折',
    kind: 'percent',
    percentOff: 10,
    appliesTo: { all: true },
    startsAt: new Date(Date.now() - DAY).toISOString(),
    endsAt: new Date(Date.now() + 30 * DAY).toISOString(),
    stock: 1,
    claimed: 0,
    perLearner: 1,
    status: 'active',
    createdAt: at,
  };
  await db.collection(COLLECTIONS.coupons).doc(scarceId).set({ data: scarce });
  const codes = { c1: generateCode(), member: generateCode() };
  const batchId = `sell-${run}-batch`;
  const targets: Record<CodeName, PromoTarget> = {
    c1: { kind: 'course', id: courses.c1 },
    member: { kind: 'bundle', id: bundles.member },
  };
  for (const name of ['c1', 'member'] as const) {
    await db
      .collection(COLLECTIONS.redeemCodes)
      .doc(hashOf(codes[name]))
      .set({ data: { batchId, target: targets[name], status: 'unused' } });
  }
  await db
    .collection(COLLECTIONS.redeemBatches)
    .doc(batchId)
    .set({ data: { target: targets.c1, count: 2, status: 'active', createdAt: at } });
  const openids = Array.from({ length: LEARNERS }, (_, i) => `oSell${run}L${i}`);
  for (const openid of openids) {
    await db
      .collection(COLLECTIONS.userCoupons)
      .doc(userCouponId(openid, couponId, 1))
      .set({ data: { _openid: openid, couponId, status: 'usable', claimedAt: at } });
  }
  return { run, openids, courses, bundles, couponId, scarceId, codes };
}

const hashOf = (code: string) => codeHash(key, normalizeCode(code) as string);

function paramsOf(shop: Shop, target: TargetName, coupon: CouponChoice): OrderCreateParams {
  const what: OrderCreateParams =
    target === 'c0' || target === 'c1' ? { courseId: shop.courses[target] } : { bundleId: shop.bundles[target] };
  if (coupon === 'none') return what;
  return { ...what, couponId: coupon === 'given' ? shop.couponId : shop.scarceId };
}

async function ordersOf(shop: Shop): Promise<OrderDoc[]> {
  const _ = world.db.command;
  return found<OrderDoc>(
    world.db
      .collection(COLLECTIONS.orders)
      .where({ _openid: _.in(shop.openids) })
      .limit(1000),
  );
}

function targetOf(shop: Shop, order: OrderDoc): TargetName {
  if (order.courseId === shop.courses.c0) return 'c0';
  if (order.courseId === shop.courses.c1) return 'c1';
  return order.bundleId === shop.bundles.member ? 'member' : 'column';
}

/** The learner's newest order for the target in one of `statuses`. */
async function latest(shop: Shop, l: number, target: TargetName, statuses: string[]): Promise<OrderDoc | undefined> {
  return (await ordersOf(shop))
    .filter((o) => o._openid === shop.openids[l] && targetOf(shop, o) === target && statuses.includes(o.status))
    .sort((a, b) => b.attempt - a.attempt)[0];
}

type Step =
  | { kind: 'create'; l: number; target: TargetName; coupon: CouponChoice }
  | { kind: 'race'; l: number; a: TargetName; b: TargetName }
  | { kind: 'claim'; l: number; together: boolean }
  | { kind: 'redeem'; l: number; code: CodeName; together: boolean }
  | { kind: 'pay'; l: number; target: TargetName }
  | { kind: 'buy'; l: number; target: TargetName; coupon: CouponChoice }
  | { kind: 'expire'; l: number; target: TargetName }
  | { kind: 'refund'; l: number; target: TargetName };

const learner = fc.integer({ min: 0, max: LEARNERS - 1 });
const target = fc.constantFrom(...TARGETS);
const coupon = fc.constantFrom<CouponChoice>('none', 'given', 'scarce');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), l: learner, target, coupon }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('race' as const), l: learner, a: target, b: target }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim' as const), l: learner, together: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('redeem' as const),
      l: learner,
      code: fc.constantFrom<CodeName>('c1', 'member'),
      together: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), l: learner, target }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('buy' as const), l: learner, target, coupon }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), l: learner, target }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), l: learner, target }) },
);

/** A refusal the product answers with is an outcome, not a failure of the test. */
async function tolerated(action: Promise<unknown>): Promise<void> {
  try {
    await action;
  } catch (error) {
    if (!isAppError(error)) throw error;
  }
}

async function apply(shop: Shop, s: Step): Promise<void> {
  const caller = (l: number) => ({ openid: shop.openids[l]!, clientIp: '10.0.0.1' });
  switch (s.kind) {
    case 'create':
      return tolerated(createOrder(world.deps, caller(s.l), paramsOf(shop, s.target, s.coupon)));
    case 'race': {
      // Two checkouts with the one claim at once: at most one order may hold it.
      await Promise.all([
        tolerated(createOrder(world.deps, caller(s.l), paramsOf(shop, s.a, 'given'))),
        tolerated(createOrder(world.deps, caller(s.l), paramsOf(shop, s.b, 'given'))),
      ]);
      return;
    }
    case 'claim': {
      const who = s.together ? shop.openids : [shop.openids[s.l]!];
      await Promise.all(who.map((openid) => tolerated(claimCoupon(promo, openid, shop.scarceId))));
      return;
    }
    case 'redeem': {
      const who = s.together ? shop.openids : [shop.openids[s.l]!];
      await Promise.all(who.map((openid) => tolerated(redeemCode(promo, openid, shop.codes[s.code]))));
      return;
    }
    case 'buy':
      await apply(shop, { kind: 'create', l: s.l, target: s.target, coupon: s.coupon });
      return apply(shop, { kind: 'pay', l: s.l, target: s.target });
    case 'pay': {
      const order = await latest(shop, s.l, s.target, ['pending']);
      if (order && world.platforms.harness.wxpay.payable(order)) await world.platforms.harness.wxpay.pay(order);
      return;
    }
    case 'expire': {
      const order = await latest(shop, s.l, s.target, ['pending']);
      if (!order) return;
      const past = new Date(Date.now() - 60_000).toISOString();
      await world.db
        .collection(COLLECTIONS.orders)
        .doc(order._id)
        .update({ data: { expiresAt: past } });
      await sweepOrders(world.deps);
      return;
    }
    case 'refund': {
      const order = await latest(shop, s.l, s.target, ['paid']);
      if (order) await tolerated(requestRefund(world.deps, shop.openids[s.l]!, { orderId: order._id, reason: '测试' }));
      return;
    }
  }
}

async function checkInvariants(shop: Shop, trace: Step[]): Promise<void> {
  const orders = await ordersOf(shop);
  const context = JSON.stringify(trace);
  for (const o of orders.filter((x) => x.paidAt !== undefined)) {
    const off = (o.discounts ?? []).reduce((sum, d) => sum + d.amountFen, 0);
    expect({ context, order: o._id, charged: o.amountFen }).toEqual({
      context,
      order: o._id,
      charged: (o.listPriceFen ?? o.amountFen) - off,
    });
    expect(o.amountFen).toBeGreaterThanOrEqual(1);
    for (const d of o.discounts ?? []) expect(d.amountFen).toBeGreaterThanOrEqual(1);
  }

  const _ = world.db.command;
  const claims = await found<UserCouponDoc>(
    world.db
      .collection(COLLECTIONS.userCoupons)
      .where({ couponId: _.in([shop.couponId, shop.scarceId]) })
      .limit(100),
  );
  const scarce = await getById<CouponDoc>(world.db, COLLECTIONS.coupons, shop.scarceId);
  const scarceClaims = claims.filter((c) => c.couponId === shop.scarceId).length;
  expect({ context, claimed: scarce?.claimed, withinStock: (scarce?.claimed ?? 0) <= (scarce?.stock ?? 0) }).toEqual({
    context,
    claimed: scarceClaims,
    withinStock: true,
  });
  for (const claim of claims) {
    const users = orders.filter((o) => o.status === 'paid' && o.couponClaimId === claim._id);
    expect({ context, claim: claim._id, paidOrdersUsingIt: users.length <= 1 }).toEqual({
      context,
      claim: claim._id,
      paidOrdersUsingIt: true,
    });
    if (users[0])
      expect({ context, claim: claim.status, by: claim.orderId }).toEqual({ context, claim: 'used', by: users[0]._id });
    if (claim.status === 'held') {
      const holder = orders.find((o) => o._id === claim.orderId);
      expect({ context, holder: holder?.status }).toEqual({ context, holder: 'pending' });
    }
  }

  const used: Partial<Record<CodeName, RedeemCodeDoc>> = {};
  for (const name of ['c1', 'member'] as const) {
    const code = await getById<RedeemCodeDoc>(world.db, COLLECTIONS.redeemCodes, hashOf(shop.codes[name]));
    if (code?.status === 'used') used[name] = code;
  }
  const redeemed = (l: number, name: CodeName) => used[name]?.usedBy === shop.openids[l];

  const now = new Date();
  for (let l = 0; l < LEARNERS; l++) {
    const mine = orders.filter((o) => o._openid === shop.openids[l] && o.status === 'paid');
    const bought = (t: TargetName) => mine.some((o) => targetOf(shop, o) === t);
    const terms = mine
      .filter((o) => targetOf(shop, o) === 'member')
      .map((o) => ({ orderId: o._id, days: TERM_DAYS, paidAt: o.paidAt as string }));
    const redeemedTerms = redeemed(l, 'member')
      ? [{ orderId: redeemTermId(hashOf(shop.codes.member)), days: TERM_DAYS, paidAt: used.member!.usedAt! }]
      : [];
    const running = (t: typeof terms) => t.length > 0 && Date.parse(termsEnd(t)) > now.getTime();
    const member = running(terms) || running(redeemedTerms);
    const expected = {
      c0: bought('c0') || member,
      c1: bought('c1') || bought('column') || redeemed(l, 'c1'),
    };
    const actual = {
      c0: await hasAccess(world.db, shop.openids[l]!, shop.courses.c0, now),
      c1: await hasAccess(world.db, shop.openids[l]!, shop.courses.c1, now),
    };
    expect({ context, learner: l, access: actual }).toEqual({ context, learner: l, access: expected });
    // Each membership grant's end is exactly its terms folded: the paid ones, and the redeemed one.
    const memberTarget = { kind: 'bundle', id: shop.bundles.member } as const;
    for (const [via, expectedTerms] of [
      ['bundle', terms],
      ['redeem', redeemedTerms],
    ] as const) {
      const grant = await getById<GrantDoc>(world.db, COLLECTIONS.grants, grantId(shop.openids[l]!, via, memberTarget));
      const held = grant?.status === 'active' ? grant.until : undefined;
      expect({ context, learner: l, via, until: held }).toEqual({
        context,
        learner: l,
        via,
        until: expectedTerms.length > 0 ? termsEnd(expectedTerms) : undefined,
      });
    }
    // A code's grant belongs to the learner the code names, and to no one else.
    const c1Grant = await getById<GrantDoc>(
      world.db,
      COLLECTIONS.grants,
      grantId(shop.openids[l]!, 'redeem', { kind: 'course', id: shop.courses.c1 }),
    );
    expect({ context, learner: l, c1Code: c1Grant?.status === 'active' }).toEqual({
      context,
      learner: l,
      c1Code: redeemed(l, 'c1'),
    });
  }
}

test('selling keeps its invariants over random checkouts, claims, redemptions, payments, expiries and refunds', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 16 }), async (steps) => {
      const shop = await newShop();
      const trace: Step[] = [];
      for (const s of steps) {
        trace.push(s);
        await apply(shop, s);
        await checkInvariants(shop, trace);
      }
    }),
    { numRuns: 20, seed: 20261203, endOnFailure: true },
  );
  // About 10 s on a quiet machine; a generous limit for a loaded one, not a time target.
}, 180_000);
