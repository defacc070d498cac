/**
 * Property test of selling (issue 14) through the local cloud with the cloudPay sandbox: random sequences of
 * checkouts (with and without a coupon, some of them racing), payments, expiries swept by the timer and refunds, by
 * two learners, over two courses (one at a limited-time price), a membership opening the first and a 专栏 opening
 * the second. After every step, what the database holds must keep the selling invariants:
 *
 * - every paid order charged `listPriceFen − Σ discounts`, each discount at least 1 fen, the whole at least 1 fen;
 * - a coupon claim is used by at most one order that stays paid, and a claim held is held by a pending order;
 * - a learner can open a course ⇔ a paid, unrefunded purchase of it, of a 专栏 holding it, or of a membership holding
 *   it whose terms (each from the later of its payment and the previous end) have not run out; the membership's
 *   `until` is exactly those terms folded.
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
import { userCouponId, type UserCouponDoc } from '../../promo/documents';
import { startClockedOrders, type ClockedOrders } from '../../../testing/order-platforms';
import { createOrder, requestRefund, sweepOrders } from '..';
import type { OrderDoc } from '../model';

const DAY = 86_400_000;
const LEARNERS = 2;
const TARGETS = ['c0', 'c1', 'member', 'column'] as const;
type TargetName = (typeof TARGETS)[number];

let world: ClockedOrders;

beforeAll(async () => {
  world = await startClockedOrders();
  // Real time for the functions in the cloud and the domain alike: an expiry is written, not waited for.
  Object.defineProperty(world.clock, 'now', { get: () => Date.now() });
});
afterAll(() => world.cloud.close());

interface Shop {
  run: string;
  openids: string[];
  courses: Record<'c0' | 'c1', string>;
  bundles: Record<'member' | 'column', string>;
  couponId: string;
}

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
    ...(kind === 'membership' ? { termDays: 30 } : {}),
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
  const openids = Array.from({ length: LEARNERS }, (_, i) => `oSell${run}L${i}`);
  for (const openid of openids) {
    await db
      .collection(COLLECTIONS.userCoupons)
      .doc(userCouponId(openid, couponId, 1))
      .set({ data: { _openid: openid, couponId, status: 'usable', claimedAt: at } });
  }
  return { run, openids, courses, bundles, couponId };
}

function paramsOf(shop: Shop, target: TargetName, coupon: boolean): OrderCreateParams {
  const what: OrderCreateParams =
    target === 'c0' || target === 'c1' ? { courseId: shop.courses[target] } : { bundleId: shop.bundles[target] };
  return coupon ? { ...what, couponId: shop.couponId } : what;
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
  | { kind: 'create'; l: number; target: TargetName; coupon: boolean }
  | { kind: 'race'; l: number; a: TargetName; b: TargetName }
  | { kind: 'pay'; l: number; target: TargetName }
  | { kind: 'buy'; l: number; target: TargetName; coupon: boolean }
  | { kind: 'expire'; l: number; target: TargetName }
  | { kind: 'refund'; l: number; target: TargetName };

const learner = fc.integer({ min: 0, max: LEARNERS - 1 });
const target = fc.constantFrom(...TARGETS);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('create' as const), l: learner, target, coupon: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('race' as const), l: learner, a: target, b: target }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), l: learner, target }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('buy' as const), l: learner, target, coupon: fc.boolean() }) },
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
        tolerated(createOrder(world.deps, caller(s.l), paramsOf(shop, s.a, true))),
        tolerated(createOrder(world.deps, caller(s.l), paramsOf(shop, s.b, true))),
      ]);
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

  const claims = await found<UserCouponDoc>(
    world.db.collection(COLLECTIONS.userCoupons).where({ couponId: shop.couponId }).limit(100),
  );
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

  const now = new Date();
  for (let l = 0; l < LEARNERS; l++) {
    const mine = orders.filter((o) => o._openid === shop.openids[l] && o.status === 'paid');
    const bought = (t: TargetName) => mine.some((o) => targetOf(shop, o) === t);
    const terms = mine
      .filter((o) => targetOf(shop, o) === 'member')
      .map((o) => ({ orderId: o._id, days: 30, paidAt: o.paidAt as string }));
    const member = terms.length > 0 && Date.parse(termsEnd(terms)) > now.getTime();
    const expected = { c0: bought('c0') || member, c1: bought('c1') || bought('column') };
    const actual = {
      c0: await hasAccess(world.db, shop.openids[l]!, shop.courses.c0, now),
      c1: await hasAccess(world.db, shop.openids[l]!, shop.courses.c1, now),
    };
    expect({ context, learner: l, access: actual }).toEqual({ context, learner: l, access: expected });
    // The membership's end is exactly its paid terms folded.
    const grant = await getById<GrantDoc>(
      world.db,
      COLLECTIONS.grants,
      grantId(shop.openids[l]!, 'bundle', { kind: 'bundle', id: shop.bundles.member }),
    );
    const held = grant?.status === 'active' ? grant.until : undefined;
    expect({ context, learner: l, until: held }).toEqual({
      context,
      learner: l,
      until: terms.length > 0 ? termsEnd(terms) : undefined,
    });
  }
}

test('selling keeps its invariants over random checkouts, payments, expiries and refunds', async () => {
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
});
