/**
 * The `catalog` function's bundles (`bundles`, `bundle`) and the limited-time prices on cards (`list`, `detail`,
 * bundles), through the local cloud's client gateway with the real wx-server-sdk inside.
 */
import { COLLECTIONS } from '../../../shared/collections';
import { grantId, type GrantDoc } from '../../../shared/grants';
import { course } from '../../../testing/catalog-fixtures';
import { COURSE_ID, emptyRating, insert, startWorld, type World } from '../../../testing/learning-world';
import { bundle, daysFromNow, runningPromotion } from '../../../testing/promo-world';

let world: World;
let warned: jest.SpyInstance;
const catalog = (openid: string, data: Record<string, unknown>) => world.call('catalog', openid, data);

beforeAll(async () => {
  warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  world = await startWorld();
  const courses = ['b-1', 'b-2', 'b-3'].map((id, i) =>
    course({ _id: id, title: `课程 ${id}`, priceFen: 1900 + i, learnerCount: 0, rating: emptyRating() }),
  );
  await insert(world.db, COLLECTIONS.courses, [...courses, course({ _id: 'b-draft', status: 'draft' })]);
  const { termDays: _forLife, ...column } = bundle('column', {
    kind: 'column',
    title: '专栏',
    courseIds: ['b-3', 'b-draft', 'b-gone', 'b-1'],
    createdAt: daysFromNow(-1),
  });
  await insert(world.db, COLLECTIONS.bundles, [
    bundle('vip', { courseIds: ['b-2', COURSE_ID, 'b-1'], createdAt: daysFromNow(-2) }),
    column,
    bundle('old', { createdAt: daysFromNow(-30), courseIds: ['b-1'] }),
    bundle('draft', { status: 'draft', createdAt: daysFromNow(0) }),
    bundle('archived', { status: 'archived' }),
    { ...bundle('broken', { createdAt: daysFromNow(-3) }), kind: 'column' },
  ]);
  await insert(world.db, COLLECTIONS.promotions, [
    runningPromotion('vip-sale', { target: { kind: 'bundle', id: 'vip' }, priceFen: 19900, label: '会员日' }),
    runningPromotion('py-sale', { priceFen: 4900, endsAt: daysFromNow(3) }),
    runningPromotion('py-lower-later', { priceFen: 2900, startsAt: daysFromNow(1) }),
    runningPromotion('b1-ended', {
      target: { kind: 'course', id: 'b-1' },
      startsAt: daysFromNow(-5),
      endsAt: daysFromNow(-1),
    }),
    runningPromotion('b2-revoked', { target: { kind: 'course', id: 'b-2' }, status: 'revoked', priceFen: 100 }),
    runningPromotion('b3-not-lower', { target: { kind: 'course', id: 'b-3' }, priceFen: 5000 }),
  ]);
});
afterAll(async () => {
  warned.mockRestore();
  await world.close();
});

const PY_SALE = { priceFen: 4900, label: '限时特惠' };

describe('catalog.bundles', () => {
  test('published bundles newest first, each with its published courses in the creator’s order', async () => {
    const reply = await catalog('o-any', { action: 'bundles' });
    // The broken one (a column with a term) is left out of the page, though the count still has it.
    expect(reply.data.total).toBe(4);
    expect(reply.data.items.map((b: { id: string }) => b.id)).toEqual(['column', 'vip', 'old']);
    const [col, vip] = reply.data.items;
    expect(col).toEqual({
      id: 'column',
      title: '专栏',
      subtitle: '一年畅学',
      // A cover leaves as a temp URL; this fixture's file is in no storage, so there is none to give.
      cover: '',
      priceFen: 29900,
      kind: 'column',
      courseCount: 2,
      courseIds: ['b-3', 'b-1'],
    });
    expect(vip).toMatchObject({
      kind: 'membership',
      termDays: 365,
      courseCount: 3,
      courseIds: ['b-2', COURSE_ID, 'b-1'],
      promotion: { priceFen: 19900, label: '会员日', endsAt: expect.any(String) },
    });
  });

  test('pages', async () => {
    const second = await catalog('o-any', { action: 'bundles', page: 2, pageSize: 2 });
    expect(second.data.items.map((b: { id: string }) => b.id)).toEqual(['old']);
    expect((await catalog('o-any', { action: 'bundles', pageSize: 51 })).error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'pageSize must be <= 50',
    });
  });
});

describe('catalog.bundle', () => {
  test('a bundle with the cards of its published courses, each with its running price', async () => {
    const reply = await catalog('o-any', { action: 'bundle', bundleId: 'vip' });
    const { courses, ...rest } = reply.data.bundle;
    expect(rest).toMatchObject({ id: 'vip', courseIds: ['b-2', COURSE_ID, 'b-1'], promotion: { priceFen: 19900 } });
    expect(courses.map((c: { id: string }) => c.id)).toEqual(['b-2', COURSE_ID, 'b-1']);
    expect(courses[1].promotion).toMatchObject(PY_SALE);
    expect(courses[0].promotion).toBeUndefined();
    expect(reply.data.access).toBeUndefined();
  });

  test('the caller’s access: their active grant of the bundle, the longest-lived; nobody else’s', async () => {
    const target = { kind: 'bundle', id: 'vip' } as const;
    const grant = (openid: string, via: 'bundle' | 'redeem', fields: Partial<GrantDoc>) => ({
      _id: grantId(openid, via, target),
      _openid: openid,
      via,
      target: 'bundle:vip',
      bundleId: 'vip',
      status: 'active',
      createdAt: daysFromNow(-10),
      ...fields,
    });
    await insert(world.db, COLLECTIONS.grants, [
      grant('o-member', 'bundle', { until: daysFromNow(100), orderId: 'ord-1' }),
      grant('o-member', 'redeem', { until: daysFromNow(200) }),
      grant('o-lapsed', 'bundle', { until: daysFromNow(-1), orderId: 'ord-2' }),
      grant('o-refunded', 'bundle', { until: daysFromNow(100), status: 'revoked', orderId: 'ord-3' }),
    ]);
    const member = await catalog('o-member', { action: 'bundle', bundleId: 'vip' });
    expect(member.data.access).toEqual({ via: 'redeem', until: expect.any(String) });
    expect(Date.parse(member.data.access.until)).toBeGreaterThan(Date.parse(daysFromNow(150)));
    for (const openid of ['o-lapsed', 'o-refunded', 'o-stranger']) {
      expect((await catalog(openid, { action: 'bundle', bundleId: 'vip' })).data.access).toBeUndefined();
    }
    // Another bundle's page says nothing of this one.
    expect((await catalog('o-member', { action: 'bundle', bundleId: 'column' })).data.access).toBeUndefined();
  });

  test.each(['draft', 'archived', 'broken', 'nope'])('%s is NOT_FOUND naming bundleId', async (bundleId) => {
    const reply = await catalog('o-any', { action: 'bundle', bundleId });
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { field: 'bundleId' } } });
  });

  test('a bundle that fails its schema is reported by id and field', () => {
    expect(warned).toHaveBeenCalledWith(
      '[catalog] bundle broken left out: termDays is not allowed for a column (a 专栏 is for life)',
    );
  });

  test('bundleId is required', async () => {
    expect((await catalog('o-any', { action: 'bundle' })).error).toMatchObject({ message: 'bundleId is required' });
  });
});

describe('limited-time prices on course cards', () => {
  test('list and detail show the running promotion, the same for every learner; none that is not running', async () => {
    for (const openid of ['o-a', 'o-b']) {
      const list = await catalog(openid, { action: 'list', pageSize: 50 });
      const byId = new Map(list.data.items.map((c: { id: string }) => [c.id, c]));
      expect(byId.get(COURSE_ID)).toMatchObject({
        priceFen: 9900,
        promotion: { ...PY_SALE, endsAt: expect.any(String) },
      });
      for (const id of ['b-1', 'b-2', 'b-3']) expect(byId.get(id)).not.toHaveProperty('promotion');
      const detail = await catalog(openid, { action: 'detail', courseId: COURSE_ID });
      expect(detail.data.course.promotion).toEqual((byId.get(COURSE_ID) as { promotion: unknown }).promotion);
    }
    const plain = await catalog('o-a', { action: 'detail', courseId: 'b-1' });
    expect(plain.data.course).not.toHaveProperty('promotion');
  });
});
