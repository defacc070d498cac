/**
 * The creator center's price actions (`applyPrice`, `priceTest`) through the local cloud's client gateway, with the
 * real wx-server-sdk inside: who may use them, the dry run a confirmation shows, the price learners then see, the
 * virtual rail's registered items, and the price test owning the price while it runs.
 */
import { ApplyPriceData, PriceTestData } from '../../../shared/contract';
import type { CourseDoc } from '../../../shared/catalog';
import { getById } from '../../../shared/db';
import type { PriceTestDoc } from '../../../shared/insights/pricing/price-test-doc';
import { course } from '../../../testing/catalog-fixtures';
import { COURSE_ID, emptyRating, insert, startWorld, type World, replyData } from '../../../testing/learning-world';
import { runningPromotion, admitCreatorAdmins } from '../../../testing/promo-world';

let world: World;

const ADMIN = 'o-admin-lin';
const RIVAL = 'o-admin-wang';
const LEARNER = 'o-just-a-learner';
const RIVAL_COURSE = 'go-201';
const FREE_COURSE = 'py-free';
const WXPAY = { subMchId: '1900000109', payRail: 'wxpay', virtualPayment: { appId: '', offerId: '', env: 0 } };

const creator = (openid: string, action: string, params: Record<string, unknown> = {}) =>
  world.call('creator', openid, { action, ...params });

const priceOf = async (courseId: string) => (await getById<CourseDoc>(world.db, 'courses', courseId))?.priceFen;
const testOf = (courseId: string) => getById<PriceTestDoc>(world.db, 'priceTests', courseId);
const settings = (doc: Record<string, unknown>) => world.db.collection('settings').doc('app').set({ data: doc });

/** What a learner's course page shows. */
async function shownPrice(courseId: string): Promise<number> {
  const reply = await world.call('catalog', LEARNER, { action: 'detail', courseId });
  return reply.data.course.priceFen;
}

beforeAll(async () => {
  world = await startWorld();
  await insert(world.db, 'courses', [
    course({ _id: RIVAL_COURSE, creator: { id: 'wang', name: '王老师' }, learnerCount: 0, rating: emptyRating() }),
    course({ _id: FREE_COURSE, priceFen: 0, learnerCount: 0, rating: emptyRating() }),
  ]);
  await admitCreatorAdmins(world.db, { [ADMIN]: ['lin'], [RIVAL]: ['wang'] });
  await settings(WXPAY);
});
afterAll(() => world.close());

describe('who may set a price', () => {
  const calls = (courseId: string) =>
    [
      ['applyPrice', { courseId, priceFen: 100 }],
      ['applyPrice', { courseId, priceFen: 100, dryRun: true }],
      ['priceTest', { courseId, on: true }],
      ['priceTest', { courseId, on: false }],
    ] as const;

  test('a learner is FORBIDDEN, and nothing is written', async () => {
    for (const [action, params] of calls(COURSE_ID)) {
      expect((await creator(LEARNER, action, params)).error).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await priceOf(COURSE_ID)).toBe(9900);
    expect(await testOf(COURSE_ID)).toBeNull();
  });

  test("another creator's admin gets the same refusal for the course and for one that does not exist", async () => {
    for (const [action, params] of calls(COURSE_ID)) {
      const theirs = await creator(RIVAL, action, params);
      const missing = await creator(RIVAL, action, { ...params, courseId: 'no-such-course' });
      expect(theirs.error).toMatchObject({ code: 'FORBIDDEN' });
      expect(missing.error).toEqual(theirs.error);
    }
    expect(await priceOf(COURSE_ID)).toBe(9900);
    expect(await testOf(COURSE_ID)).toBeNull();
  });

  test.each([
    [{ courseId: COURSE_ID, priceFen: -1 }, 'priceFen'],
    [{ courseId: COURSE_ID, priceFen: 10.5 }, 'priceFen'],
    [{ courseId: COURSE_ID, priceFen: 10_000_001 }, 'priceFen'],
    [{ courseId: COURSE_ID }, 'priceFen'],
    [{ priceFen: 100 }, 'courseId'],
  ])('bad input %j names %s', async (params, field) => {
    const reply = await creator(ADMIN, 'applyPrice', params);
    expect(reply.error?.code).toBe('INVALID_ARGUMENT');
    expect(reply.error?.message).toContain(field);
    expect(await priceOf(COURSE_ID)).toBe(9900);
  });
});

describe('applyPrice', () => {
  test('a dry run says what learners will see and writes nothing; applied, every learner sees it at once', async () => {
    const preview = replyData(
      await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 7900, dryRun: true }),
      ApplyPriceData,
    );
    expect(preview).toEqual({
      applied: false,
      courseId: COURSE_ID,
      priceFen: 7900,
      previousPriceFen: 9900,
      learnersSee: '所有学员立即看到 ¥79（原价 ¥99）；已下的订单按下单时的价格',
      virtualItem: null,
    });
    expect(await shownPrice(COURSE_ID)).toBe(9900);

    const applied = replyData(
      await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 7900 }),
      ApplyPriceData,
    );
    expect(applied).toEqual({ ...preview, applied: true });
    expect(await shownPrice(COURSE_ID)).toBe(7900);
    // The same price again changes nothing.
    expect(
      replyData(await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 7900 }), ApplyPriceData),
    ).toEqual(expect.objectContaining({ applied: false, learnersSee: '价格不变，学员看到的仍是 ¥79' }));
  });

  test('a limited-time price still lower than the new price is named: learners keep paying it until it ends', async () => {
    await insert(world.db, 'promotions', [runningPromotion('py-sale', { priceFen: 4900 })]);
    const preview = replyData(
      await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 8900, dryRun: true }),
      ApplyPriceData,
    );
    expect(preview.learnersSee).toBe(
      '所有学员立即看到 ¥89（原价 ¥79）；已下的订单按下单时的价格；限时价 ¥49（限时特惠）进行中，结束前学员按限时价购买',
    );
    await world.db.collection('promotions').doc('py-sale').remove();
  });

  test('below the rail minimum is refused naming priceFen; free is allowed', async () => {
    await settings({
      ...WXPAY,
      payRail: 'virtual',
      virtualPayment: { appId: 'wx0123456789abcdef', offerId: '1450000000', env: 1 },
    });
    const reply = await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 50 });
    expect(reply.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'priceFen' } });
    expect(reply.error?.message).toContain('¥1');
    await settings(WXPAY);
    expect(await priceOf(COURSE_ID)).toBe(7900);
    const free = replyData(await creator(ADMIN, 'applyPrice', { courseId: FREE_COURSE, priceFen: 0 }), ApplyPriceData);
    expect(free).toMatchObject({ applied: false, virtualItem: null });
  });

  test('on the virtual rail a price needs its registered item: the dry run names it, applying waits for it', async () => {
    const virtual = (items: { productId: string; priceFen: number }[]) =>
      settings({
        ...WXPAY,
        payRail: 'virtual',
        virtualPayment: {
          appId: 'wx0123456789abcdef',
          offerId: '1450000000',
          env: 1,
          productIdPrefix: 'course_',
          items,
        },
      });
    await virtual([]);
    const preview = replyData(
      await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 6900, dryRun: true }),
      ApplyPriceData,
    );
    expect(preview.virtualItem).toEqual({ productId: `course_${COURSE_ID}_6900`, priceFen: 6900, registered: false });
    const refused = await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 6900 });
    expect(refused.error).toMatchObject({
      code: 'FAILED_PRECONDITION',
      details: { field: 'priceFen', productId: `course_${COURSE_ID}_6900`, priceFen: 6900 },
    });
    expect(refused.error?.message).toContain(`course_${COURSE_ID}_6900`);
    expect(await priceOf(COURSE_ID)).toBe(7900);

    // Registered at another price is not registered.
    await virtual([{ productId: `course_${COURSE_ID}_6900`, priceFen: 6800 }]);
    expect((await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 6900 })).error?.code).toBe(
      'FAILED_PRECONDITION',
    );
    await virtual([{ productId: `course_${COURSE_ID}_6900`, priceFen: 6900 }]);
    const applied = replyData(
      await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 6900 }),
      ApplyPriceData,
    );
    expect(applied).toMatchObject({ applied: true, virtualItem: { registered: true } });
    expect(await shownPrice(COURSE_ID)).toBe(6900);
    await settings(WXPAY);
  });
});

describe('priceTest', () => {
  test('a dry run shows the prices the test would charge and writes nothing', async () => {
    const preview = replyData(
      await creator(ADMIN, 'priceTest', { courseId: COURSE_ID, on: true, dryRun: true }),
      PriceTestData,
    );
    // 70 %–150 % of ¥69 on the platform's ladder.
    expect(preview.applied).toBe(false);
    expect(preview.test).toMatchObject({ status: 'running', minPriceFen: 4830, maxPriceFen: 10350, periods: [] });
    expect(preview.pricesFen.length).toBeGreaterThan(1);
    expect(preview.pricesFen.every((fen: number) => fen >= 4830 && fen <= 10350)).toBe(true);
    expect(preview.learnersSee).toContain('从下周一起每周一个价格');
    expect(await testOf(COURSE_ID)).toBeNull();
  });

  test('bounds the wrong way round are refused naming maxPriceFen', async () => {
    const reply = await creator(ADMIN, 'priceTest', {
      courseId: COURSE_ID,
      on: true,
      minPriceFen: 9000,
      maxPriceFen: 5000,
    });
    expect(reply.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'maxPriceFen' } });
    expect(await testOf(COURSE_ID)).toBeNull();
  });

  test('a free course cannot be tested', async () => {
    const reply = await creator(ADMIN, 'priceTest', { courseId: FREE_COURSE, on: true });
    expect(reply.error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { field: 'courseId' } });
    expect(await testOf(FREE_COURSE)).toBeNull();
  });

  test('switched on, the test owns the price until it is switched off', async () => {
    const on = replyData(
      await creator(ADMIN, 'priceTest', { courseId: COURSE_ID, on: true, minPriceFen: 4900, maxPriceFen: 9900 }),
      PriceTestData,
    );
    expect(on).toMatchObject({ applied: true, test: { status: 'running', minPriceFen: 4900, maxPriceFen: 9900 } });
    expect(await testOf(COURSE_ID)).toMatchObject({ status: 'running', bounds: { minFen: 4900, maxFen: 9900 } });

    const again = await creator(ADMIN, 'priceTest', { courseId: COURSE_ID, on: true });
    expect(again.error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { field: 'courseId' } });
    const manual = await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 5900 });
    expect(manual.error).toMatchObject({ code: 'FAILED_PRECONDITION', details: { field: 'courseId' } });
    expect(manual.error?.message).toContain('价格测试进行中');
    expect(await priceOf(COURSE_ID)).toBe(6900);

    const dryOff = replyData(
      await creator(ADMIN, 'priceTest', { courseId: COURSE_ID, on: false, dryRun: true }),
      PriceTestData,
    );
    expect(dryOff).toMatchObject({ applied: false, test: { status: 'stopped' } });
    expect(await testOf(COURSE_ID)).toMatchObject({ status: 'running' });

    const off = replyData(await creator(ADMIN, 'priceTest', { courseId: COURSE_ID, on: false }), PriceTestData);
    expect(off).toMatchObject({
      applied: true,
      test: { status: 'stopped' },
      pricesFen: [],
      learnersSee: '停止后课程保持当前价格 ¥69，之后可以手动改价',
    });
    expect(await testOf(COURSE_ID)).toMatchObject({ status: 'stopped', stoppedAt: expect.any(String) });
    expect((await creator(ADMIN, 'priceTest', { courseId: COURSE_ID, on: false })).error).toMatchObject({
      code: 'FAILED_PRECONDITION',
    });
    expect(
      replyData(await creator(ADMIN, 'applyPrice', { courseId: COURSE_ID, priceFen: 5900 }), ApplyPriceData),
    ).toMatchObject({ applied: true });
  });
});
