/**
 * The creator center's promotions (`promotions`, `createPromotion`, `updatePromotionStatus`) through the local cloud's
 * client gateway with the real wx-server-sdk inside, and the learner's side through the `promo` function: who may
 * manage which, the rules of `npm run promo`, the usage moving as learners claim and redeem, a pause that stops
 * claims, uses and redemptions until resumed, and a revoke that is final.
 */
import { CreatePromotionData, CreatorPromotionsData, UpdatePromotionStatusData } from '../../../shared/contract';
import { COLLECTIONS } from '../../../shared/collections';
import { course } from '../../../testing/catalog-fixtures';
import { countWhere } from '../../../shared/db';
import { COURSE_ID, emptyRating, insert, startWorld, type World, replyData } from '../../../testing/learning-world';
import { admitCreatorAdmins, bundle, daysFromNow, runningCoupon, runningPromotion } from '../../../testing/promo-world';

let world: World;

const ADMIN = 'o-admin-lin';
const RIVAL = 'o-admin-wang';
const LEARNER = 'o-just-a-learner';
const RIVAL_COURSE = 'go-201';
const SECOND_COURSE = 'py-201';
const DRAFT_COURSE = 'draft-1';

const creator = (openid: string, action: string, params: Record<string, unknown> = {}) =>
  world.call('creator', openid, { action, ...params });
const promo = (openid: string, data: Record<string, unknown>) => world.call('promo', openid, data);

/** Every selling document there is: a refusal writes none. */
async function written(): Promise<number[]> {
  return Promise.all(
    [COLLECTIONS.coupons, COLLECTIONS.promotions, COLLECTIONS.redeemBatches, COLLECTIONS.redeemCodes].map((c) =>
      countWhere(world.db, c, {}),
    ),
  );
}

const COUPON = {
  title: '老学员券',
  kind: 'amount',
  amountFen: 1000,
  stock: 50,
  appliesTo: { courseIds: [COURSE_ID] },
  endsAt: daysFromNow(30),
};
const DISCOUNT = { target: { kind: 'course', id: COURSE_ID }, priceFen: 4900, endsAt: daysFromNow(7) };
const CODES = { target: { kind: 'course', id: COURSE_ID }, count: 3, note: '线下班' };

const created = async (kind: string, fields: object) =>
  replyData(await creator(ADMIN, 'createPromotion', { kind, [kind]: fields }), CreatePromotionData);
const listed = async (openid = ADMIN, params: Record<string, unknown> = {}) =>
  replyData(await creator(openid, 'promotions', params), CreatorPromotionsData);
const setStatus = (kind: string, id: string, status: string) =>
  creator(ADMIN, 'updatePromotionStatus', { kind, id, status });

beforeAll(async () => {
  world = await startWorld();
  await insert(world.db, 'courses', [
    course({ _id: RIVAL_COURSE, creator: { id: 'wang', name: '王老师' }, learnerCount: 0, rating: emptyRating() }),
    course({ _id: SECOND_COURSE, learnerCount: 0, rating: emptyRating() }),
  ]);
  await admitCreatorAdmins(world.db, { [ADMIN]: ['lin'], [RIVAL]: ['wang'] });
});
afterAll(() => world.close());

describe('who may manage promotions', () => {
  test('a learner is FORBIDDEN from every action, and nothing is written', async () => {
    const before = await written();
    for (const [action, params] of [
      ['promotions', {}],
      ['createPromotion', { kind: 'discount', discount: DISCOUNT }],
      ['updatePromotionStatus', { kind: 'coupon', id: 'any', status: 'paused' }],
    ] as const) {
      expect((await creator(LEARNER, action, params)).error).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await written()).toEqual(before);
  });

  test("another creator's admin gets one refusal for a course that exists and one that does not", async () => {
    const before = await written();
    const forCourse = (id: string) =>
      [
        ['promotions', { courseId: id }],
        ['createPromotion', { kind: 'discount', discount: { ...DISCOUNT, target: { kind: 'course', id } } }],
        ['createPromotion', { kind: 'codes', codes: { ...CODES, target: { kind: 'course', id } } }],
        ['createPromotion', { kind: 'coupon', coupon: { ...COUPON, appliesTo: { courseIds: [id] } } }],
      ] as const;
    const theirs = forCourse(COURSE_ID);
    const missing = forCourse('no-such-course');
    for (const [i, [action, params]] of theirs.entries()) {
      const refused = await creator(RIVAL, action, params);
      expect(refused.error).toMatchObject({ code: 'FORBIDDEN' });
      const [, missingParams] = missing[i] as (typeof missing)[number];
      expect((await creator(RIVAL, action, missingParams)).error).toEqual(refused.error);
    }
    expect(await written()).toEqual(before);
  });

  test("a coupon scoped to another creator's course beside one's own is FORBIDDEN, as for a missing one", async () => {
    const before = await written();
    const rival = await creator(ADMIN, 'createPromotion', {
      kind: 'coupon',
      coupon: { ...COUPON, appliesTo: { courseIds: [COURSE_ID, RIVAL_COURSE] } },
    });
    const missing = await creator(ADMIN, 'createPromotion', {
      kind: 'coupon',
      coupon: { ...COUPON, appliesTo: { courseIds: [COURSE_ID, 'no-such-course'] } },
    });
    expect(rival.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(missing.error).toEqual(rival.error);
    expect(await written()).toEqual(before);
  });
});

describe('createPromotion refuses what the rules refuse, naming the field, and writes nothing', () => {
  test.each([
    ['coupon', { ...COUPON, appliesTo: { all: true } }, 'INVALID_ARGUMENT', 'coupon.appliesTo.all'],
    ['coupon', { ...COUPON, appliesTo: { categories: ['python'] } }, 'INVALID_ARGUMENT', 'coupon.appliesTo.categories'],
    ['coupon', { ...COUPON, appliesTo: { bundleIds: ['vip'] } }, 'INVALID_ARGUMENT', 'coupon.appliesTo.bundleIds'],
    ['coupon', { ...COUPON, appliesTo: {} }, 'INVALID_ARGUMENT', 'coupon.appliesTo.courseIds'],
    ['coupon', { ...COUPON, kind: 'percent', percentOff: 20 }, 'INVALID_ARGUMENT', 'coupon.amountFen'],
    ['coupon', { ...COUPON, kind: 'threshold', thresholdFen: 900 }, 'INVALID_ARGUMENT', 'coupon.amountFen'],
    ['coupon', { ...COUPON, endsAt: daysFromNow(-1) }, 'INVALID_ARGUMENT', 'coupon.endsAt'],
    ['coupon', { ...COUPON, endsAt: daysFromNow(400) }, 'INVALID_ARGUMENT', 'coupon.endsAt'],
    [
      'coupon',
      { ...COUPON, appliesTo: { courseIds: [COURSE_ID, DRAFT_COURSE] } },
      'FAILED_PRECONDITION',
      'coupon.appliesTo.courseIds[1]',
    ],
    ['discount', { ...DISCOUNT, priceFen: 9900 }, 'INVALID_ARGUMENT', 'discount.priceFen'],
    ['discount', { ...DISCOUNT, target: { kind: 'bundle', id: 'vip' } }, 'INVALID_ARGUMENT', 'discount.target.kind'],
    [
      'discount',
      { ...DISCOUNT, target: { kind: 'course', id: DRAFT_COURSE } },
      'FAILED_PRECONDITION',
      'discount.target.id',
    ],
    ['codes', { ...CODES, expiresAt: daysFromNow(-1) }, 'INVALID_ARGUMENT', 'codes.expiresAt'],
  ])('%s %j is %s naming %s', async (kind, fields, code, field) => {
    const before = await written();
    const reply = await creator(ADMIN, 'createPromotion', { kind, [kind]: fields });
    expect(reply.error).toMatchObject({ code, details: { field } });
    expect(reply.error?.message).toMatch(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}：[^a-z]+`));
    expect(await written()).toEqual(before);
  });

  test.each([
    [{ kind: 'codes', codes: { ...CODES, count: 1001 } }, 'count'],
    [{ kind: 'coupon', coupon: { ...COUPON, stock: 100_001 } }, 'stock'],
    [{ kind: 'coupon', coupon: { ...COUPON, perLearner: 11 } }, 'perLearner'],
    [{ kind: 'voucher' }, 'kind'],
  ])('over a limit or malformed: %j is INVALID_ARGUMENT naming %s', async (params, field) => {
    const reply = await creator(ADMIN, 'createPromotion', params);
    expect(reply.error?.code).toBe('INVALID_ARGUMENT');
    expect(reply.error?.message).toContain(field);
  });

  test('the object named by kind, and no other', async () => {
    const before = await written();
    expect((await creator(ADMIN, 'createPromotion', { kind: 'coupon', discount: DISCOUNT })).error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'discount' },
    });
    expect((await creator(ADMIN, 'createPromotion', { kind: 'coupon' })).error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'coupon' },
    });
    expect(await written()).toEqual(before);
  });
});

describe('each kind, created and listed with its usage', () => {
  test('the listing holds only what concerns the caller’s own courses alone', async () => {
    await insert(world.db, 'coupons', [
      runningCoupon('operator-all', { kind: 'amount', amountFen: 100 }),
      runningCoupon(
        'mixed',
        { kind: 'amount', amountFen: 100 },
        { appliesTo: { courseIds: [COURSE_ID, RIVAL_COURSE] } },
      ),
      runningCoupon('wang-only', { kind: 'amount', amountFen: 100 }, { appliesTo: { courseIds: [RIVAL_COURSE] } }),
      runningCoupon(
        'lin-both',
        { kind: 'amount', amountFen: 100 },
        { appliesTo: { courseIds: [COURSE_ID, SECOND_COURSE] } },
      ),
    ]);
    await insert(world.db, 'promotions', [
      runningPromotion('vip-sale', { target: { kind: 'bundle', id: 'vip' } }),
      runningPromotion('wang-sale', { target: { kind: 'course', id: RIVAL_COURSE } }),
    ]);
    await insert(world.db, 'bundles', [bundle('vip', { courseIds: [COURSE_ID] })]);
    expect((await listed()).coupons.map((c: { id: string }) => c.id)).toEqual(['lin-both']);
    expect((await listed()).discounts).toEqual([]);
    expect((await listed(RIVAL)).coupons.map((c: { id: string }) => c.id)).toEqual(['wang-only']);
    expect((await listed(RIVAL)).discounts.map((d: { id: string }) => d.id)).toEqual(['wang-sale']);
    // One course: a coupon of two of one's own courses is listed under each.
    expect((await listed(ADMIN, { courseId: SECOND_COURSE })).coupons.map((c: { id: string }) => c.id)).toEqual([
      'lin-both',
    ]);
    await world.db.collection('coupons').where({ _id: 'lin-both' }).remove();
  });

  let couponId: string;
  test('a coupon: listed with its stock; a learner’s claim moves claimed and remaining, a held claim counts', async () => {
    const { coupon } = await created('coupon', COUPON);
    couponId = coupon.id;
    expect(coupon).toMatchObject({
      title: '老学员券',
      kind: 'amount',
      label: '立减 ¥10',
      amountFen: 1000,
      courseIds: [COURSE_ID],
      status: 'active',
      stock: 50,
      perLearner: 1,
      claimed: 0,
      remaining: 50,
      held: 0,
      used: 0,
    });
    expect((await promo(LEARNER, { action: 'claim', couponId })).ok).toBe(true);
    expect((await listed()).coupons).toEqual([expect.objectContaining({ id: couponId, claimed: 1, remaining: 49 })]);
    // A pending order holding the claim (what order.create writes in its transaction).
    await world.db
      .collection('userCoupons')
      .where({ couponId })
      .update({ data: { status: 'held', orderId: 'order-pending' } });
    expect((await listed()).coupons[0]).toMatchObject({ claimed: 1, held: 1, used: 0 });
    await world.db
      .collection('userCoupons')
      .where({ couponId })
      .update({ data: { status: 'usable', orderId: world.db.command.remove() } });
  });

  test('a limited-time price: what learners are quoted while it runs', async () => {
    const { discount } = await created('discount', DISCOUNT);
    expect(discount).toMatchObject({ courseId: COURSE_ID, priceFen: 4900, label: '限时特惠', running: true });
    expect((await listed()).discounts).toEqual([expect.objectContaining({ id: discount.id, running: true })]);
    expect((await promo(LEARNER, { action: 'quote', courseId: COURSE_ID })).data.payFen).toBe(4900);
  });

  let batchId: string;
  let codes: string[];
  test('a batch of codes: handed back once, stored as hashes; a redemption moves the count', async () => {
    const data = await created('codes', CODES);
    batchId = data.batch.id;
    codes = data.codes;
    expect(codes).toHaveLength(3);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(data.batch).toMatchObject({ courseId: COURSE_ID, count: 3, used: 0, note: '线下班', status: 'active' });
    const stored = await world.db.collection('redeemCodes').where({ batchId }).get();
    expect(JSON.stringify(stored)).not.toContain(codes[0]?.replace(/-/g, ''));
    expect((await listed()).batches).toEqual([expect.objectContaining({ id: batchId, used: 0 })]);
    expect(JSON.stringify(await listed())).not.toContain(codes[0]);

    expect(await promo('o-redeemer-1', { action: 'redeem', code: codes[0] })).toMatchObject({ ok: true });
    expect((await listed()).batches[0]).toMatchObject({ used: 1 });
  });

  describe('pause stops learners until resumed', () => {
    test('a paused coupon is neither claimed nor used, with a clear message; resumed, it is again', async () => {
      expect(replyData(await setStatus('coupon', couponId, 'paused'), UpdatePromotionStatusData)).toEqual({
        kind: 'coupon',
        id: couponId,
        status: 'paused',
        previousStatus: 'active',
        changed: true,
      });
      const claim = await promo('o-learner-2', { action: 'claim', couponId });
      expect(claim.error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { reason: 'paused' } });
      expect(claim.error?.message).toContain('暂停');
      const use = await promo(LEARNER, { action: 'quote', courseId: COURSE_ID, couponId });
      expect(use.error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { reason: 'paused' } });
      expect(use.error?.message).toContain('暂停');
      expect((await listed()).coupons[0]).toMatchObject({ status: 'paused' });
      const mine = async () =>
        (await promo(LEARNER, { action: 'mine', status: 'usable' })).data.items.map(
          (c: { status: string }) => c.status,
        );
      // The learner's claim is kept, shown as paused under 可用, and offered for no price meanwhile.
      expect(await mine()).toEqual(['paused']);
      expect((await promo(LEARNER, { action: 'quote', courseId: COURSE_ID })).data.usableCoupons).toEqual([]);

      expect(replyData(await setStatus('coupon', couponId, 'active'), UpdatePromotionStatusData)).toMatchObject({
        changed: true,
      });
      expect((await promo('o-learner-2', { action: 'claim', couponId })).ok).toBe(true);
      expect(await mine()).toEqual(['usable']);
      const quote = await promo(LEARNER, { action: 'quote', courseId: COURSE_ID, couponId });
      expect(quote.data.payFen).toBe(3900);
    });

    test('a paused price is not in force; resumed, it is', async () => {
      const [discount] = (await listed()).discounts;
      expect(replyData(await setStatus('discount', discount.id, 'paused'), UpdatePromotionStatusData)).toMatchObject({
        changed: true,
      });
      expect((await promo(LEARNER, { action: 'quote', courseId: COURSE_ID })).data.payFen).toBe(9900);
      expect((await listed()).discounts[0]).toMatchObject({ status: 'paused', running: false });
      await setStatus('discount', discount.id, 'active');
      expect((await promo(LEARNER, { action: 'quote', courseId: COURSE_ID })).data.payFen).toBe(4900);
    });

    test('a code of a paused batch does not redeem and is kept; resumed, it redeems', async () => {
      await setStatus('codes', batchId, 'paused');
      const refused = await promo('o-redeemer-2', { action: 'redeem', code: codes[1] });
      expect(refused.error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { reason: 'paused' } });
      expect(refused.error?.message).toContain('暂停');
      expect((await listed()).batches[0]).toMatchObject({ status: 'paused', used: 1 });
      await setStatus('codes', batchId, 'active');
      expect(await promo('o-redeemer-2', { action: 'redeem', code: codes[1] })).toMatchObject({ ok: true });
      expect((await listed()).batches[0]).toMatchObject({ used: 2 });
    });
  });

  test('revoke is final: it cannot be resumed nor paused, and revoking again changes nothing', async () => {
    expect(replyData(await setStatus('codes', batchId, 'revoked'), UpdatePromotionStatusData)).toMatchObject({
      status: 'revoked',
      changed: true,
    });
    for (const status of ['active', 'paused']) {
      const reply = await setStatus('codes', batchId, status);
      expect(reply.error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { field: 'status' } });
    }
    expect(replyData(await setStatus('codes', batchId, 'revoked'), UpdatePromotionStatusData)).toMatchObject({
      changed: false,
    });
    const redeem = await promo('o-redeemer-3', { action: 'redeem', code: codes[2] });
    expect(redeem.error).toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('兑换码无效') });
    expect((await listed()).batches[0]).toMatchObject({ status: 'revoked', used: 2 });
  });

  test("a status change of another creator's promotion is the refusal of one that does not exist", async () => {
    const theirs = await creator(RIVAL, 'updatePromotionStatus', { kind: 'coupon', id: couponId, status: 'paused' });
    const missing = await creator(RIVAL, 'updatePromotionStatus', { kind: 'coupon', id: 'nope', status: 'paused' });
    expect(theirs.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(missing.error).toEqual(theirs.error);
    // The operator's coupon is not the creator's either.
    const operator = await setStatus('coupon', 'operator-all', 'paused');
    expect(operator.error).toEqual(theirs.error);
    expect((await listed()).coupons[0]).toMatchObject({ id: couponId, status: 'active' });
  });

  test('the largest batch one call makes (1,000 codes) is issued within the function’s time limit', async () => {
    const started = Date.now();
    const data = await created('codes', { ...CODES, count: 1000, note: '大客户' });
    expect(new Set(data.codes).size).toBe(1000);
    expect(await countWhere(world.db, COLLECTIONS.redeemCodes, { batchId: data.batch.id })).toBe(1000);
    // The creator function's config.json allows 10 s; leave room for a slower real environment.
    expect(Date.now() - started).toBeLessThan(5000);
    await setStatus('codes', data.batch.id, 'revoked');
  });
});
