/**
 * The `promo` function's coupon actions (`coupons`, `claim`, `mine`) and `quote`, through the local cloud's client
 * gateway with the real wx-server-sdk inside.
 */
import { countWhere, getById } from '../../../shared/db';
import { COLLECTIONS } from '../../../shared/collections';
import { userCouponId, type CouponDoc, type UserCouponDoc } from '../../../shared/promo/documents';
import { COURSE_ID, insert, startWorld, type Reply, type World } from '../../../testing/learning-world';
import { bundle, daysFromNow, runningCoupon, runningPromotion } from '../../../testing/promo-world';

let world: World;
beforeAll(async () => {
  world = await startWorld();
  await insert(world.db, 'bundles', [bundle('vip', { courseIds: [COURSE_ID] })]);
});
afterAll(() => world.close());

const promo = (openid: string, data: Record<string, unknown>) => world.call('promo', openid, data);
const ids = (reply: Reply) => (reply.data.items as { id: string }[]).map((c) => c.id);
const coupon = (id: string) => getById<CouponDoc>(world.db, COLLECTIONS.coupons, id);
const claimsOf = (couponId: string) => countWhere(world.db, COLLECTIONS.userCoupons, { couponId });

describe('bad input', () => {
  test.each([
    [{ action: 'claim' }, 'couponId is required'],
    [{ action: 'claim', couponId: 'a b' }, 'couponId must be an id of 1 to 64 letters, digits, _ or -'],
    [{ action: 'quote' }, 'courseId or bundleId is required'],
    [{ action: 'quote', courseId: COURSE_ID, bundleId: 'vip' }, 'courseId and bundleId cannot both be given'],
    [{ action: 'mine', status: 'held' }, 'status must be one of usable, used, expired'],
    [{ action: 'coupons', course: COURSE_ID }, 'course is not allowed'],
    [{ action: 'redeem' }, 'code is required'],
  ])('%j is INVALID_ARGUMENT naming the field', async (event, message) => {
    const reply = await promo('o-bad', event);
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message } });
  });
});

describe('promo.coupons', () => {
  beforeAll(async () => {
    await insert(world.db, 'coupons', [
      runningCoupon('all', { kind: 'amount', amountFen: 1000 }),
      runningCoupon('py', { kind: 'percent', percentOff: 20 }, { appliesTo: { courseIds: [COURSE_ID] } }),
      runningCoupon(
        'cat',
        { kind: 'threshold', thresholdFen: 5000, amountFen: 500 },
        { appliesTo: { categories: ['python'] } },
      ),
      runningCoupon('other', { kind: 'amount', amountFen: 100 }, { appliesTo: { courseIds: ['js-101'] } }),
      runningCoupon('vip-only', { kind: 'amount', amountFen: 100 }, { appliesTo: { bundleIds: ['vip'] } }),
      runningCoupon('revoked', { kind: 'amount', amountFen: 100 }, { status: 'revoked' }),
      runningCoupon('soon', { kind: 'amount', amountFen: 100 }, { startsAt: daysFromNow(1) }),
      runningCoupon('over', { kind: 'amount', amountFen: 100 }, { startsAt: daysFromNow(-3), endsAt: daysFromNow(-1) }),
      runningCoupon('gone', { kind: 'amount', amountFen: 100 }, { stock: 5, claimed: 5 }),
      { ...runningCoupon('broken', { kind: 'amount', amountFen: 100 }), stock: -1 },
    ]);
  });

  test('lists the coupons a learner may claim now, and for a course only those covering it', async () => {
    const all = await promo('o-browse', { action: 'coupons' });
    expect(ids(all).sort()).toEqual(['all', 'cat', 'other', 'py', 'vip-only']);
    const forCourse = await promo('o-browse', { action: 'coupons', courseId: COURSE_ID });
    expect(ids(forCourse).sort()).toEqual(['all', 'cat', 'py']);
    expect(forCourse.data.items.find((c: { id: string }) => c.id === 'cat')).toEqual({
      id: 'cat',
      title: '新人券',
      label: '满 ¥50 减 ¥5',
      kind: 'threshold',
      amountFen: 500,
      thresholdFen: 5000,
      startsAt: expect.any(String),
      endsAt: expect.any(String),
      appliesTo: '指定 1 个分类的课程',
      remaining: 100,
      perLearner: 1,
    });
  });

  test('a coupon the learner holds as many of as allowed is no longer listed for them, still for others', async () => {
    expect((await promo('o-holder', { action: 'claim', couponId: 'all' })).ok).toBe(true);
    expect(ids(await promo('o-holder', { action: 'coupons' }))).not.toContain('all');
    expect(ids(await promo('o-browse', { action: 'coupons' }))).toContain('all');
  });

  test('an unknown or unpublished course is NOT_FOUND naming courseId', async () => {
    for (const courseId of ['no-such', 'draft-1']) {
      const reply = await promo('o-browse', { action: 'coupons', courseId });
      expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { field: 'courseId' } } });
    }
  });
});

describe('promo.claim', () => {
  test('claims one: the learner gets a usable coupon and the stock goes down by one', async () => {
    await insert(world.db, 'coupons', [runningCoupon('c-one', { kind: 'amount', amountFen: 2000 }, { stock: 3 })]);
    const reply = await promo('o-claim', { action: 'claim', couponId: 'c-one' });
    expect(reply.data.coupon).toMatchObject({
      id: userCouponId('o-claim', 'c-one', 1),
      status: 'usable',
      coupon: { id: 'c-one', label: '立减 ¥20', remaining: 2 },
    });
    expect(await coupon('c-one')).toMatchObject({ claimed: 1 });
    expect(await getById<UserCouponDoc>(world.db, COLLECTIONS.userCoupons, reply.data.coupon.id)).toMatchObject({
      _openid: 'o-claim',
      couponId: 'c-one',
      status: 'usable',
    });
  });

  test('past the per-learner limit is CONFLICT (reason limit), and nothing is written', async () => {
    const reply = await promo('o-claim', { action: 'claim', couponId: 'c-one' });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: '你已领取过这张优惠券', details: { reason: 'limit' } },
    });
    expect(await coupon('c-one')).toMatchObject({ claimed: 1 });
    expect(await claimsOf('c-one')).toBe(1);
  });

  test.each<[string, Partial<CouponDoc>, string]>([
    ['sold out', { stock: 2, claimed: 2 }, 'soldOut'],
    ['revoked', { status: 'revoked' }, 'revoked'],
    ['not started', { startsAt: daysFromNow(1) }, 'notStarted'],
    ['ended', { startsAt: daysFromNow(-3), endsAt: daysFromNow(-1) }, 'ended'],
  ])('a coupon %s is FAILED_PRECONDITION with details.reason, nothing written', async (_name, fields, reason) => {
    const id = `refuse-${reason}`;
    await insert(world.db, 'coupons', [runningCoupon(id, { kind: 'amount', amountFen: 100 }, fields)]);
    const reply = await promo('o-refused', { action: 'claim', couponId: id });
    expect(reply).toMatchObject({ ok: false, error: { code: 'FAILED_PRECONDITION', details: { reason } } });
    expect(await claimsOf(id)).toBe(0);
    expect((await coupon(id))?.claimed).toBe(fields.claimed ?? 0);
  });

  test('an unknown coupon is NOT_FOUND naming couponId', async () => {
    const reply = await promo('o-refused', { action: 'claim', couponId: 'no-such' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { field: 'couponId' } } });
  });

  test('10 learners claiming the last coupon at once: exactly one gets it, 9 are told it is sold out', async () => {
    await insert(world.db, 'coupons', [runningCoupon('last-one', { kind: 'amount', amountFen: 100 }, { stock: 1 })]);
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => promo(`o-race-${i}`, { action: 'claim', couponId: 'last-one' })),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    const refused = replies.filter((r) => !r.ok);
    expect(refused).toHaveLength(9);
    for (const r of refused)
      expect(r.error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { reason: 'soldOut' } });
    expect(await coupon('last-one')).toMatchObject({ stock: 1, claimed: 1 });
    expect(await claimsOf('last-one')).toBe(1);
  });

  test('one learner claiming 6 at once of a coupon allowing 2 gets exactly 2; the stock counts 2', async () => {
    await insert(world.db, 'coupons', [
      runningCoupon('two-each', { kind: 'amount', amountFen: 100 }, { stock: 50, perLearner: 2 }),
    ]);
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => promo('o-greedy', { action: 'claim', couponId: 'two-each' })),
    );
    expect(
      replies
        .filter((r) => r.ok)
        .map((r) => r.data.coupon.id)
        .sort(),
    ).toEqual([userCouponId('o-greedy', 'two-each', 1), userCouponId('o-greedy', 'two-each', 2)].sort());
    for (const r of replies.filter((x) => !x.ok)) expect(r.error).toMatchObject({ code: 'CONFLICT' });
    expect(await coupon('two-each')).toMatchObject({ claimed: 2 });
    expect(await claimsOf('two-each')).toBe(2);
  });
});

describe('promo.mine', () => {
  beforeAll(async () => {
    await insert(world.db, 'coupons', [
      runningCoupon('m-usable', { kind: 'amount', amountFen: 100 }),
      runningCoupon('m-used', { kind: 'amount', amountFen: 200 }),
      runningCoupon('m-held', { kind: 'amount', amountFen: 300 }),
      runningCoupon('m-expiring', { kind: 'amount', amountFen: 400 }),
    ]);
    for (const id of ['m-usable', 'm-used', 'm-held', 'm-expiring']) {
      expect((await promo('o-mine', { action: 'claim', couponId: id })).ok).toBe(true);
    }
    const claims = world.db.collection(COLLECTIONS.userCoupons);
    await claims.doc(userCouponId('o-mine', 'm-used', 1)).update({ data: { status: 'used', orderId: 'ord-1' } });
    await claims.doc(userCouponId('o-mine', 'm-held', 1)).update({ data: { status: 'held', orderId: 'ord-2' } });
    // The creator revokes a coupon: an unused claim of it shows as expired.
    await world.db
      .collection(COLLECTIONS.coupons)
      .doc('m-expiring')
      .update({ data: { status: 'revoked' } });
  });

  const statuses = (reply: Reply) =>
    Object.fromEntries(
      (reply.data.items as { coupon: { id: string }; status: string }[]).map((c) => [c.coupon.id, c.status]),
    );

  test('lists every claim of the learner with the status they see', async () => {
    expect(statuses(await promo('o-mine', { action: 'mine' }))).toEqual({
      'm-usable': 'usable',
      'm-used': 'used',
      'm-held': 'held',
      'm-expiring': 'expired',
    });
    const held = (await promo('o-mine', { action: 'mine' })).data.items.find(
      (c: { coupon: { id: string } }) => c.coupon.id === 'm-held',
    );
    expect(held.orderId).toBe('ord-2');
  });

  test.each([
    ['usable', { 'm-usable': 'usable', 'm-held': 'held' }],
    ['used', { 'm-used': 'used' }],
    ['expired', { 'm-expiring': 'expired' }],
  ])('status %s filters', async (status, expected) => {
    expect(statuses(await promo('o-mine', { action: 'mine', status }))).toEqual(expected);
  });

  test('another learner sees none of them, and cannot quote with them', async () => {
    expect((await promo('o-other', { action: 'mine' })).data.items).toEqual([]);
    const reply = await promo('o-other', { action: 'quote', courseId: COURSE_ID, couponId: 'm-usable' });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', details: { field: 'couponId', reason: 'notClaimed' } },
    });
    expect((await promo('o-other', { action: 'quote', courseId: COURSE_ID })).data.usableCoupons).toEqual([]);
  });
});

describe('promo.quote', () => {
  const LEARNER = 'o-quote';
  beforeAll(async () => {
    await insert(world.db, 'promotions', [
      runningPromotion('py-sale', { priceFen: 4900 }),
      runningPromotion('py-future', { priceFen: 100, startsAt: daysFromNow(2), endsAt: daysFromNow(3) }),
    ]);
    await insert(world.db, 'coupons', [
      runningCoupon('q-20', { kind: 'amount', amountFen: 2000 }, { endsAt: daysFromNow(5) }),
      runningCoupon('q-pct', { kind: 'percent', percentOff: 10 }),
      runningCoupon('q-threshold', { kind: 'threshold', thresholdFen: 8000, amountFen: 3000 }),
      runningCoupon('q-vip', { kind: 'amount', amountFen: 5000 }, { appliesTo: { bundleIds: ['vip'] } }),
    ]);
    for (const id of ['q-20', 'q-pct', 'q-threshold', 'q-vip']) {
      expect((await promo(LEARNER, { action: 'claim', couponId: id })).ok).toBe(true);
    }
  });

  test('the running limited-time price, and the coupons that take something off it, the most first', async () => {
    const reply = await promo(LEARNER, { action: 'quote', courseId: COURSE_ID });
    expect(reply.data).toMatchObject({
      listPriceFen: 9900,
      discounts: [{ kind: 'promotion', id: 'py-sale', label: '限时特惠', amountFen: 5000 }],
      payFen: 4900,
    });
    // Off ¥49: ¥20, then 10 % (¥4.90); the ¥80 threshold is not reached and the vip coupon is for the bundle.
    expect(reply.data.usableCoupons.map((c: { coupon: { id: string } }) => c.coupon.id)).toEqual(['q-20', 'q-pct']);
  });

  test('with a coupon: the price it would be charged', async () => {
    const reply = await promo(LEARNER, { action: 'quote', courseId: COURSE_ID, couponId: 'q-20' });
    expect(reply.data).toMatchObject({
      listPriceFen: 9900,
      discounts: [
        { kind: 'promotion', id: 'py-sale', amountFen: 5000 },
        { kind: 'coupon', id: 'q-20', label: '新人券', amountFen: 2000 },
      ],
      payFen: 2900,
    });
  });

  test('a bundle, with the coupon for it', async () => {
    const reply = await promo(LEARNER, { action: 'quote', bundleId: 'vip', couponId: 'q-vip' });
    expect(reply.data).toMatchObject({ listPriceFen: 29900, payFen: 24900 });
    expect(reply.data.usableCoupons.map((c: { coupon: { id: string } }) => c.coupon.id)[0]).toBe('q-vip');
  });

  test('a coupon that takes nothing off is refused with the reason, never dropped', async () => {
    const reply = await promo(LEARNER, { action: 'quote', courseId: COURSE_ID, couponId: 'q-threshold' });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', details: { reason: 'noDiscount' } },
    });
    const wrong = await promo(LEARNER, { action: 'quote', courseId: COURSE_ID, couponId: 'q-vip' });
    expect(wrong).toMatchObject({ ok: false, error: { details: { reason: 'notForTarget' } } });
  });

  test('an unknown course or bundle is NOT_FOUND naming the field', async () => {
    expect(await promo(LEARNER, { action: 'quote', courseId: 'draft-1' })).toMatchObject({
      error: { code: 'NOT_FOUND', details: { field: 'courseId' } },
    });
    expect(await promo(LEARNER, { action: 'quote', bundleId: 'nope' })).toMatchObject({
      error: { code: 'NOT_FOUND', details: { field: 'bundleId' } },
    });
  });
});
