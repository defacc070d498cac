/**
 * Orders for what issue 14 sells, through the local cloud with the pay sandboxes: memberships and 专栏 (grants with a
 * term, extended by buying again, a refund ending exactly its own term), coupon claims held, used, released and given
 * back, limited-time prices a pending order keeps, and the virtual rail's registered items.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import { course, lesson } from '../../../testing/catalog-fixtures';
import type { Access, Order, PromoQuoteData } from '../../../shared/contract';
import { getById, type Database } from '../../../shared/db';
import { courseGrantId, grantId, type GrantDoc } from '../../../shared/grants';
import type { OrderDoc } from '../../../shared/orders/model';
import type { BundleDoc, CouponDoc, PromotionDoc, UserCouponDoc } from '../../../shared/promo/documents';
import { userCouponId } from '../../../shared/promo/documents';
import { attachPlatforms, type Platforms } from '../../../testing/order-platforms';
import { COLLECTIONS } from '../../../shared/collections';
import { callAs, dataOf as ok, refusalOf as refusal } from '../../../testing/client-call';

let cloud: LocalCloud;
let platforms: Platforms;
let db: Database;
let serial = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  platforms = attachPlatforms(cloud);
  sdk.init({ env: cloud.envId });
  db = sdk.database();
});
afterAll(() => cloud.close());

const call = <T>(fn: string, openid: string, data: Record<string, unknown>) => callAs<T>(cloud.url, fn, openid, data);

const NOW = () => new Date().toISOString();
const DAY = 86_400_000;
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

function next(prefix: string): string {
  serial += 1;
  return `${prefix}${String(serial).padStart(4, '0')}`;
}

/** A published course of one free and two paid articles. */
async function addCourse(priceFen = 9900): Promise<string> {
  const id = next('sell-course-');
  await db.collection(COLLECTIONS.courses).add({ data: course({ _id: id, priceFen, lessonCount: 3 }) });
  for (let order = 0; order < 3; order++) {
    const { media: _none, ...doc } = lesson({
      _id: `${id}-${order}`,
      courseId: id,
      order,
      title: `第 ${order} 课`,
      kind: 'article',
      durationSec: 60,
      free: order === 0,
    });
    await db.collection(COLLECTIONS.lessons).add({ data: { ...doc, body: `正文 ${order}` } });
  }
  return id;
}

async function addBundle(kind: BundleDoc['kind'], courseIds: string[], priceFen = 19900): Promise<string> {
  const id = next(`sell-${kind}-`);
  const doc: BundleDoc = {
    _id: id,
    title: kind === 'membership' ? '年度会员' : '专栏',
    subtitle: '',
    cover: 'cloud://env.bucket/covers/b.png',
    priceFen,
    kind,
    ...(kind === 'membership' ? { termDays: 365 } : {}),
    courseIds,
    status: 'published',
    createdAt: NOW(),
    updatedAt: NOW(),
  };
  const { _id, ...data } = doc;
  await db.collection(COLLECTIONS.bundles).doc(_id).set({ data });
  return id;
}

type Target = { courseId: string } | { bundleId: string };

async function create(openid: string, target: Target, extra: Record<string, unknown> = {}) {
  return call<{ order: Order }>('order', openid, { action: 'create', ...target, ...extra });
}

async function orderDoc(id: string): Promise<OrderDoc> {
  return (await getById<OrderDoc>(db, COLLECTIONS.orders, id)) as OrderDoc;
}

/** Creates and pays an order; the order as stored after the payment. */
async function buy(openid: string, target: Target, extra: Record<string, unknown> = {}): Promise<OrderDoc> {
  const { order } = ok(await create(openid, target, extra));
  await platforms.pay.pay((await orderDoc(order.id)).outTradeNo);
  return orderDoc(order.id);
}

async function refund(openid: string, orderId: string): Promise<OrderDoc> {
  ok(await call('order', openid, { action: 'refund', orderId, reason: '不想学了' }));
  return orderDoc(orderId);
}

async function detailAccess(openid: string, courseId: string): Promise<{ enrolled: boolean; access?: Access }> {
  return ok(await call<{ enrolled: boolean; access?: Access }>('catalog', openid, { action: 'detail', courseId }));
}

const opensPaidLesson = async (openid: string, courseId: string) =>
  (await call('learning', openid, { action: 'lesson', courseId, lessonId: `${courseId}-1` })).ok;

/** What catalog.detail says: whether the learner can open the course's paid lessons, without opening one. */
const canOpen = async (openid: string, courseId: string) => (await detailAccess(openid, courseId)).enrolled;

async function bundleGrant(openid: string, bundleId: string): Promise<GrantDoc | null> {
  return getById<GrantDoc>(db, COLLECTIONS.grants, grantId(openid, 'bundle', { kind: 'bundle', id: bundleId }));
}

describe('memberships', () => {
  test('open their courses for the term, buying again extends from the end, a refund ends exactly its term', async () => {
    const openid = next('oMember');
    const courses = [await addCourse(), await addCourse()];
    const bundleId = await addBundle('membership', courses);
    expect(await canOpen(openid, courses[0]!)).toBe(false);

    const first = await buy(openid, { bundleId });
    expect(first).toMatchObject({ status: 'paid', bundleId, bundle: { kind: 'membership', termDays: 365 } });
    expect(first.courseId).toBeUndefined();
    const afterFirst = (await bundleGrant(openid, bundleId)) as GrantDoc;
    const firstEnd = new Date(Date.parse(first.paidAt as string) + 365 * DAY).toISOString();
    expect(afterFirst).toMatchObject({ via: 'bundle', status: 'active', until: firstEnd, orderId: first._id });
    expect(await canOpen(openid, courses[1]!)).toBe(true);
    expect(await detailAccess(openid, courses[0]!)).toEqual(
      expect.objectContaining({ enrolled: true, access: { via: 'bundle', until: firstEnd } }),
    );
    const mine = ok(
      await call<{ items: { course: { id: string }; access: Access }[] }>('learning', openid, {
        action: 'myCourses',
      }),
    );
    expect(mine.items.map((i) => [i.course.id, i.access]).sort()).toEqual(
      courses.map((id) => [id, { via: 'bundle', until: firstEnd }]).sort(),
    );

    // A course added to the bundle later opens to its holders at once (no lesson is opened here: the refunds below
    // must stay within the consumption limit).
    const added = await addCourse();
    expect(await canOpen(openid, added)).toBe(false);
    await db
      .collection(COLLECTIONS.bundles)
      .doc(bundleId)
      .update({ data: { courseIds: [...courses, added] } });
    expect(await canOpen(openid, added)).toBe(true);

    const second = await buy(openid, { bundleId });
    expect(second.status).toBe('paid');
    const extended = (await bundleGrant(openid, bundleId)) as GrantDoc;
    expect(extended.until).toBe(new Date(Date.parse(firstEnd) + 365 * DAY).toISOString());
    expect(extended.terms?.map((t) => t.orderId)).toEqual([first._id, second._id]);
    const listed = ok(await call<{ items: Order[] }>('order', openid, { action: 'list', bundleId }));
    expect(listed.items.map((o) => o.id)).toEqual([second._id, first._id]);
    expect(listed.items[0]).toMatchObject({ bundleId, listPriceFen: 19900, discounts: [] });
    expect(listed.items[0]?.courseId).toBeUndefined();

    expect((await refund(openid, second._id)).status).toBe('refunded');
    expect(await bundleGrant(openid, bundleId)).toMatchObject({
      status: 'active',
      until: firstEnd,
      orderId: first._id,
    });
    expect((await refund(openid, first._id)).status).toBe('refunded');
    expect(await bundleGrant(openid, bundleId)).toMatchObject({ status: 'revoked' });
    expect(await canOpen(openid, courses[0]!)).toBe(false);
  });

  test('a course a membership opens may be bought, and stays open after the membership ends', async () => {
    const openid = next('oMember');
    const courseId = await addCourse();
    const bundleId = await addBundle('membership', [courseId]);
    const membership = await buy(openid, { bundleId });
    const bought = await buy(openid, { courseId });
    expect(bought.status).toBe('paid');
    expect(await detailAccess(openid, courseId)).toMatchObject({ access: { via: 'purchase' } });

    await refund(openid, membership._id);
    expect(await opensPaidLesson(openid, courseId)).toBe(true);
    expect(await getById(db, COLLECTIONS.grants, courseGrantId(openid, courseId))).toMatchObject({ status: 'active' });
  });

  test('an expired membership opens nothing, and buying again after the lapse counts from the payment', async () => {
    const openid = next('oMember');
    const courseId = await addCourse();
    const bundleId = await addBundle('membership', [courseId]);
    const first = await buy(openid, { bundleId });
    const id = grantId(openid, 'bundle', { kind: 'bundle', id: bundleId });
    const lapsed = [{ orderId: first._id, days: 365, paidAt: new Date(Date.now() - 400 * DAY).toISOString() }];
    await db
      .collection(COLLECTIONS.grants)
      .doc(id)
      .update({ data: { terms: lapsed, until: new Date(Date.now() - 35 * DAY).toISOString() } });
    expect(await opensPaidLesson(openid, courseId)).toBe(false);
    const expired = await detailAccess(openid, courseId);
    expect(expired.enrolled).toBe(false);
    expect(expired.access).toBeUndefined();

    const again = await buy(openid, { bundleId });
    const grant = (await bundleGrant(openid, bundleId)) as GrantDoc;
    expect(grant.until).toBe(new Date(Date.parse(again.paidAt as string) + 365 * DAY).toISOString());
    expect(await opensPaidLesson(openid, courseId)).toBe(true);
  });

  test("the refund policy counts consumption across the bundle's courses", async () => {
    const openid = next('oMember');
    const courses = [await addCourse(), await addCourse()];
    const bundleId = await addBundle('membership', courses);
    const order = await buy(openid, { bundleId });
    // 1 of the 4 paid lessons of the bundle: 25 %, past the 20 % limit.
    ok(await call('learning', openid, { action: 'lesson', courseId: courses[1]!, lessonId: `${courses[1]}-2` }));
    const refused = refusal(await call('order', openid, { action: 'refund', orderId: order._id, reason: '不想学了' }));
    expect(refused).toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(refused.message).toContain('25%');
    expect(refused.message).toContain('《第 2 课》');
  });
});

describe('专栏', () => {
  test('opens its courses for life; buying it again or one of its courses is refused naming why', async () => {
    const openid = next('oColumn');
    const courseId = await addCourse();
    const bundleId = await addBundle('column', [courseId]);
    await buy(openid, { bundleId });
    const grant = await bundleGrant(openid, bundleId);
    expect(grant).toMatchObject({ via: 'bundle', status: 'active' });
    expect(grant?.until).toBeUndefined();
    expect(await detailAccess(openid, courseId)).toMatchObject({ access: { via: 'bundle' } });
    expect(refusal(await create(openid, { bundleId }))).toMatchObject({
      code: 'CONFLICT',
      message: '你已拥有这个专栏',
    });
    expect(refusal(await create(openid, { courseId }))).toMatchObject({
      code: 'CONFLICT',
      message: '你购买的专栏已包含这门课程',
    });
  });

  test('order.create takes exactly one of courseId and bundleId, naming them', async () => {
    const openid = next('oColumn');
    const courseId = await addCourse();
    const bundleId = await addBundle('column', [courseId]);
    const both = refusal(await call('order', openid, { action: 'create', courseId, bundleId }));
    expect(both).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(both.message).toContain('courseId and bundleId cannot both be given');
    const none = refusal(await call('order', openid, { action: 'create' }));
    expect(none.message).toContain('courseId or bundleId is required');
    const draft = await addBundle('column', [courseId]);
    await db
      .collection(COLLECTIONS.bundles)
      .doc(draft)
      .update({ data: { status: 'draft' } });
    expect(refusal(await create(openid, { bundleId: draft }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

/** A coupon of ¥20 off everything, and `claims` claims of it by the learner. */
async function couponFor(openid: string, claims = 1, overrides: Partial<CouponDoc> = {}): Promise<string> {
  const id = next('coupon-');
  const coupon = {
    _id: id,
    title: '立减 20',
    kind: 'amount',
    amountFen: 2000,
    appliesTo: { all: true },
    startsAt: new Date(Date.now() - DAY).toISOString(),
    endsAt: later(30 * DAY),
    stock: 100,
    claimed: claims,
    perLearner: 2,
    status: 'active',
    createdAt: NOW(),
    ...overrides,
  };
  const { _id, ...data } = coupon;
  await db.collection(COLLECTIONS.coupons).doc(_id).set({ data });
  for (let n = 1; n <= claims; n++) {
    const claim: Omit<UserCouponDoc, '_id'> = { _openid: openid, couponId: id, status: 'usable', claimedAt: NOW() };
    await db
      .collection(COLLECTIONS.userCoupons)
      .doc(userCouponId(openid, id, n))
      .set({ data: claim });
  }
  return id;
}

const claimOf = async (openid: string, couponId: string, n = 1) =>
  (await getById<UserCouponDoc>(db, COLLECTIONS.userCoupons, userCouponId(openid, couponId, n))) as UserCouponDoc;

const virtual = (openid: string) => ({ ...platforms.harness.virtual.createParams(openid) });
const itemOf = (courseId: string, priceFen: number) => ({
  productId: `course_${courseId}_${priceFen}`.replace(/[^0-9A-Za-z_-]/g, '_'),
  priceFen,
});

/** Runs `body` with these virtual-payment items registered in the settings, restored afterwards. */
async function withVirtualItems(items: { productId: string; priceFen: number }[], body: () => Promise<void>) {
  const settings = db.collection(COLLECTIONS.settings).doc('app');
  const stored = ((await settings.get()) as unknown as { data: { virtualPayment: Record<string, unknown> } }).data;
  await settings.update({ data: { virtualPayment: db.command.set({ ...stored.virtualPayment, items }) } });
  try {
    await body();
  } finally {
    await settings.update({ data: { virtualPayment: db.command.set(stored.virtualPayment) } });
  }
}

describe('coupons', () => {
  test('an order holds the claim, its payment uses it, its refund gives it back while the coupon is valid', async () => {
    const openid = next('oCoupon');
    const courseId = await addCourse(9900);
    const couponId = await couponFor(openid);
    const { order } = ok(await create(openid, { courseId }, { couponId }));
    expect(order).toMatchObject({
      listPriceFen: 9900,
      amountFen: 7900,
      discounts: [{ kind: 'coupon', id: couponId, amountFen: 2000 }],
    });
    expect(await claimOf(openid, couponId)).toMatchObject({ status: 'held', orderId: order.id });

    await platforms.pay.pay((await orderDoc(order.id)).outTradeNo);
    expect(await claimOf(openid, couponId)).toMatchObject({ status: 'used', orderId: order.id });
    expect((await refund(openid, order.id)).status).toBe('refunded');
    const back = await claimOf(openid, couponId);
    expect(back.status).toBe('usable');
    expect(back.orderId).toBeUndefined();
  });

  test('a refund after the coupon ended keeps the claim used', async () => {
    const openid = next('oCoupon');
    const courseId = await addCourse(9900);
    const couponId = await couponFor(openid);
    const paid = await buy(openid, { courseId }, { couponId });
    await db
      .collection(COLLECTIONS.coupons)
      .doc(couponId)
      .update({ data: { endsAt: new Date(Date.now() - 1000).toISOString() } });
    await refund(openid, paid._id);
    expect(await claimOf(openid, couponId)).toMatchObject({ status: 'used', orderId: paid._id });
  });

  test('a claim held by one pending order cannot pay for another; closing the order releases it', async () => {
    const openid = next('oCoupon');
    const [a, b] = [await addCourse(), await addCourse()];
    const couponId = await couponFor(openid);
    const { order } = ok(await create(openid, { courseId: a }, { couponId }));
    const taken = refusal(await create(openid, { courseId: b }, { couponId }));
    expect(taken).toMatchObject({ code: 'FAILED_PRECONDITION' });

    // Checking out the same course without the coupon replaces the order and frees the claim.
    const { order: plain } = ok(await create(openid, { courseId: a }));
    expect(plain.id).not.toBe(order.id);
    expect(plain).toMatchObject({ amountFen: 9900, discounts: [] });
    expect((await orderDoc(order.id)).status).toBe('closed');
    expect((await claimOf(openid, couponId)).status).toBe('usable');
    expect(ok(await create(openid, { courseId: b }, { couponId })).order.amountFen).toBe(7900);
  });

  test('a late payment of a closed order whose claim another order used since is refunded by the system', async () => {
    // On the virtual rail, which cannot close a sheet at the platform: a sheet opened before still takes the money.
    const openid = next('oCoupon');
    const [a, b] = [await addCourse(), await addCourse()];
    const couponId = await couponFor(openid);
    await withVirtualItems([itemOf(a, 7900), itemOf(b, 7900)], async () => {
      const { order: first } = ok(await create(openid, { courseId: a }, { ...virtual(openid), couponId }));
      const firstDoc = await orderDoc(first.id);
      ok(await create(openid, { courseId: a }, virtual(openid))); // replaces `first`, releasing the claim
      expect((await orderDoc(first.id)).status).toBe('closed');
      const { order: other } = ok(await create(openid, { courseId: b }, { ...virtual(openid), couponId }));
      await platforms.harness.virtual.pay(await orderDoc(other.id));
      expect(await claimOf(openid, couponId)).toMatchObject({ status: 'used', orderId: other.id });

      await platforms.harness.virtual.pay(firstDoc);
      const late = await orderDoc(first.id);
      expect(['refunding', 'refunded']).toContain(late.status);
      expect(late.refund).toMatchObject({ by: 'system' });
      expect(late.note).toContain('优惠券');
      expect(await claimOf(openid, couponId)).toMatchObject({ status: 'used', orderId: other.id });
      expect(await getById(db, COLLECTIONS.grants, courseGrantId(openid, a))).toBeNull();
    });
  });

  test('checkouts racing with one claim: exactly one order holds it, the others are refused', async () => {
    const openid = next('oCoupon');
    const courses = [await addCourse(), await addCourse(), await addCourse(), await addCourse()];
    const couponId = await couponFor(openid);
    const replies = await Promise.all(courses.map((courseId) => create(openid, { courseId }, { couponId })));
    const made = replies.filter((r) => r.ok);
    expect(made).toHaveLength(1);
    for (const r of replies.filter((x) => !x.ok)) expect(refusal(r).code).toBe('FAILED_PRECONDITION');
    const holder = ok(made[0]!).order;
    expect(await claimOf(openid, couponId)).toMatchObject({ status: 'held', orderId: holder.id });
    // A refused checkout wrote no order.
    const written = (await db.collection(COLLECTIONS.orders).where({ _openid: openid }).get()) as unknown as {
      data: OrderDoc[];
    };
    expect(written.data.map((o) => o._id)).toEqual([holder.id]);
  });

  test("a learner cannot use another learner's claim", async () => {
    const owner = next('oCoupon');
    const thief = next('oCoupon');
    const courseId = await addCourse();
    const couponId = await couponFor(owner);
    const refused = refusal(await create(thief, { courseId }, { couponId }));
    expect(refused).toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect((await claimOf(owner, couponId)).status).toBe('usable');
  });
});

describe('limited-time prices', () => {
  async function promote(courseId: string, priceFen: number, endsAt: string): Promise<string> {
    const id = next('promo-');
    const doc: Omit<PromotionDoc, '_id'> = {
      target: { kind: 'course', id: courseId },
      priceFen,
      startsAt: new Date(Date.now() - DAY).toISOString(),
      endsAt,
      label: '限时特惠',
      status: 'active',
      createdAt: NOW(),
    };
    await db.collection(COLLECTIONS.promotions).doc(id).set({ data: doc });
    return id;
  }

  test('charge the promotion price, and a pending order keeps it after the window ends', async () => {
    const openid = next('oPromo');
    const courseId = await addCourse(9900);
    const promotionId = await promote(courseId, 4900, later(DAY));
    const { order } = ok(await create(openid, { courseId }));
    expect(order).toMatchObject({
      listPriceFen: 9900,
      amountFen: 4900,
      discounts: [{ kind: 'promotion', id: promotionId, amountFen: 5000 }],
    });
    await db
      .collection(COLLECTIONS.promotions)
      .doc(promotionId)
      .update({ data: { endsAt: new Date(Date.now() - 1000).toISOString() } });
    // The bill shows what the checkout will charge: the order's own price, for this learner only.
    expect(ok(await call<PromoQuoteData>('promo', openid, { action: 'quote', courseId }))).toMatchObject({
      listPriceFen: 9900,
      payFen: 4900,
      discounts: [{ kind: 'promotion', id: promotionId, amountFen: 5000 }],
    });
    expect(ok(await call<PromoQuoteData>('promo', next('oPromo'), { action: 'quote', courseId }))).toMatchObject({
      payFen: 9900,
      discounts: [],
    });
    const again = ok(await create(openid, { courseId })).order;
    expect(again).toMatchObject({ id: order.id, amountFen: 4900 });
    // Another learner checking out now pays the list price.
    expect(ok(await create(next('oPromo'), { courseId })).order.amountFen).toBe(9900);
  });

  test('a promotion that starts after an order was made replaces it at the lower price', async () => {
    const openid = next('oPromo');
    const courseId = await addCourse(9900);
    const { order } = ok(await create(openid, { courseId }));
    await promote(courseId, 5900, later(DAY));
    const cheaper = ok(await create(openid, { courseId })).order;
    expect(cheaper.id).not.toBe(order.id);
    expect(cheaper.amountFen).toBe(5900);
    expect((await orderDoc(order.id)).status).toBe('closed');
  });
});

describe('the virtual rail', () => {
  test('refuses a discounted price with no registered item, and sells it once registered', async () => {
    const openid = next('oVirtual');
    const courseId = await addCourse(9900);
    const couponId = await couponFor(openid);
    const refused = refusal(await create(openid, { courseId }, { ...virtual(openid), couponId }));
    expect(refused).toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(refused.message).toContain('还没有登记为虚拟支付商品');
    expect((await claimOf(openid, couponId)).status).toBe('usable');

    const item = itemOf(courseId, 7900);
    await withVirtualItems([item], async () => {
      const { order } = ok(await create(openid, { courseId }, { ...virtual(openid), couponId }));
      expect(order.amountFen).toBe(7900);
      expect((await orderDoc(order.id)).productId).toBe(item.productId);
    });
  });

  test('a list price moved to a registered price (a price test) is sold as that item, the own item otherwise', async () => {
    const openid = next('oVirtual');
    const courseId = await addCourse(9900);
    const item = itemOf(courseId, 6900);
    await withVirtualItems([item], async () => {
      const atOwn = ok(await create(openid, { courseId }, virtual(openid)));
      expect((await orderDoc(atOwn.order.id)).productId).toBeUndefined(); // the rail's own item, at 99
      await db
        .collection(COLLECTIONS.courses)
        .doc(courseId)
        .update({ data: { priceFen: 6900 } });
      const moved = ok(await create(openid, { courseId }, virtual(openid)));
      expect(moved.order.amountFen).toBe(6900);
      expect((await orderDoc(moved.order.id)).productId).toBe(item.productId);
    });
  });

  test('sells a bundle only as its registered item', async () => {
    const openid = next('oVirtual');
    const bundleId = await addBundle('column', [await addCourse()], 19900);
    expect(refusal(await create(openid, { bundleId }, virtual(openid))).code).toBe('FAILED_PRECONDITION');
    const productId = `course_bundle_${bundleId}`.replace(/[^0-9A-Za-z_-]/g, '_');
    await withVirtualItems([{ productId, priceFen: 19900 }], async () => {
      const { order } = ok(await create(openid, { bundleId }, virtual(openid)));
      await platforms.harness.virtual.pay(await orderDoc(order.id));
      expect((await orderDoc(order.id)).status).toBe('paid');
      expect(await bundleGrant(openid, bundleId)).toMatchObject({ status: 'active' });
    });
  });
});
