/**
 * The creator center's price actions: `applyPrice` sets a course's list price at once, `priceTest` switches its price
 * test on or off (the rules of `npm run price-test`: shared/insights/pricing/price-test-switch.ts). Both are for an
 * admin of the course's creator only (./access.ts), and both answer a `dryRun` with what would happen, so the page
 * can show the creator what learners will see before anything changes.
 *
 * Who owns the price (README, "Who owns which field"): the creator center sets it, the course file's price is taken
 * only when the file's own price changes, and while a price test runs the test owns it, so `applyPrice` is refused
 * until the test is stopped. A new list price applies to orders created from then on; an order already created keeps
 * the price it was created at (shared/orders/checkout.ts), so every learner sees the same price at the same time.
 *
 * On the virtual rail (小程序虚拟支付) a price can be charged only through an item registered at exactly that price:
 * `<prefix><courseId>_<fen>`, listed in `settings/app virtualPayment.items` once registered. A price without one is
 * refused (FAILED_PRECONDITION, naming the item to register); a dry run says which item it needs.
 *
 * Database calls: `applyPrice` 4 reads (admin, course, price test, settings), the running promotions (1 read) and one
 * conditional update; `priceTest` 4 reads and one write.
 */
import { COLLECTIONS } from '../collections';
import {
  AppError,
  PRICE_TEST_DEFAULT_SPAN,
  type ApplyPriceData,
  type CreatorApplyPriceParams,
  type CreatorPriceTestParams,
  type PriceTestData,
  type VirtualItemNeed,
} from '../contract';
import { getById, updated } from '../db';
import { testPrices, testRailOf, virtualRailOn, type PriceTestDoc } from '../insights/pricing/price-test-doc';
import {
  switchPriceTestOff,
  switchPriceTestOn,
  type PriceTestStore,
  type SwitchProblem,
  type SwitchRefusal,
} from '../insights/pricing/price-test-switch';
import { promotionBrief, targetPromotions } from '../promo/catalog-reads';
import { yuanText } from '../promo/labels';
import { RAIL_MINIMUM_FEN } from '../promo/pricing';
import { pricedProductId } from '../promo/virtual-items';
import { readSettings, type AppSettings } from '../settings';
import type { CourseDoc } from '../catalog';
import { assertOwnCourse, callerCreatorIds } from './access';
import { priceTestView } from './course-view';
import type { CreatorDeps } from './overview';

type PricedCourse = Pick<CourseDoc, '_id' | 'creator' | 'status' | 'priceFen'>;

/** The item a course's price needs on the virtual rail, and whether it is registered; null when none is needed. */
export function virtualItemNeed(settings: AppSettings, courseId: string, priceFen: number): VirtualItemNeed | null {
  if (!virtualRailOn(settings) || priceFen === 0) return null;
  const { productIdPrefix, items = [] } = settings.virtualPayment;
  const productId = pricedProductId(productIdPrefix, { kind: 'course', id: courseId }, priceFen);
  const registered = items.some((item) => item.productId === productId && item.priceFen === priceFen);
  return { productId, priceFen, registered };
}

/** The minimum a paid course may cost on the rails learners can pay through. */
function minimumFen(settings: AppSettings): number {
  return virtualRailOn(settings) ? RAIL_MINIMUM_FEN.virtual : RAIL_MINIMUM_FEN[settings.payRail];
}

export async function applyCoursePrice(
  deps: CreatorDeps,
  openid: string,
  params: CreatorApplyPriceParams,
): Promise<ApplyPriceData> {
  const { db } = deps;
  const creatorIds = await callerCreatorIds(db, openid);
  const course = await assertOwnCourse<PricedCourse>(db, creatorIds, params.courseId);
  const [test, settings, promotions] = await Promise.all([
    getById<PriceTestDoc>(db, COLLECTIONS.priceTests, course._id),
    readSettings(db),
    targetPromotions(db, 'course', [course._id]),
  ]);
  if (test?.status === 'running') {
    throw new AppError('FAILED_PRECONDITION', '价格测试进行中，测试期间由测试决定价格：请先停止价格测试再改价', {
      field: 'courseId',
    });
  }
  const { priceFen } = params;
  const minimum = minimumFen(settings);
  if (priceFen > 0 && priceFen < minimum) {
    throw new AppError('INVALID_ARGUMENT', `priceFen：付费课程最低 ${yuanText(minimum)}，或设为 0 免费`, {
      field: 'priceFen',
    });
  }
  const virtualItem = virtualItemNeed(settings, course._id, priceFen);
  const previousPriceFen = course.priceFen;
  const answer: ApplyPriceData = {
    applied: false,
    courseId: course._id,
    priceFen,
    previousPriceFen,
    learnersSee: learnersSee(course, priceFen, promotions, deps.now()),
    virtualItem,
  };
  if (params.dryRun || priceFen === previousPriceFen) return answer;
  if (virtualItem && !virtualItem.registered) {
    throw new AppError(
      'FAILED_PRECONDITION',
      `priceFen：虚拟支付只能按已登记的道具收款，请先在小程序后台“虚拟支付 → 道具配置”登记 ${virtualItem.productId}（${yuanText(priceFen)}），再写入 settings/app 的 virtualPayment.items`,
      { field: 'priceFen', productId: virtualItem.productId, priceFen },
    );
  }
  // Conditional on the price read: a change made meanwhile (the console, the nightly test) is not overwritten.
  const changed = await updated(
    db
      .collection(COLLECTIONS.courses)
      .where({ _id: course._id, priceFen: previousPriceFen })
      .update({ data: { priceFen, updatedAt: deps.now().toISOString() } }),
  );
  if (changed === 0) {
    throw new AppError('CONFLICT', '价格刚被修改过，请刷新后再试', { field: 'courseId' });
  }
  return { ...answer, applied: true };
}

/** The confirmation's sentence: the price learners will see from now on, and a limited-time price that stays lower. */
function learnersSee(
  course: PricedCourse,
  priceFen: number,
  promotions: Parameters<typeof promotionBrief>[1],
  now: Date,
): string {
  if (priceFen === course.priceFen) return `价格不变，学员看到的仍是 ${yuanText(priceFen)}`;
  const closed = course.status === 'published' ? '' : '（课程未上架，上架后生效）';
  const price = priceFen === 0 ? '免费' : yuanText(priceFen);
  const sentence = `所有学员立即看到 ${price}（原价 ${yuanText(course.priceFen)}）${closed}；已下的订单按下单时的价格`;
  const promotion = promotionBrief({ id: course._id, listPriceFen: priceFen }, promotions, now);
  if (!promotion) return sentence;
  return `${sentence}；限时价 ${yuanText(promotion.priceFen)}（${promotion.label}）进行中，结束前学员按限时价购买`;
}

/** The price test's store over wx-server-sdk; a dry run writes nothing. */
function testStore(deps: CreatorDeps, course: PricedCourse, settings: () => Promise<AppSettings>, dryRun: boolean) {
  const { db } = deps;
  const store: PriceTestStore = {
    course: async () => course,
    test: async (courseId) => (await getById<PriceTestDoc>(db, COLLECTIONS.priceTests, courseId)) ?? undefined,
    settings,
    save: async ({ _id, ...data }) => {
      if (!dryRun) await db.collection(COLLECTIONS.priceTests).doc(_id).set({ data });
    },
    stop: async (courseId, at) =>
      dryRun ||
      (await updated(
        db
          .collection(COLLECTIONS.priceTests)
          .where({ _id: courseId, status: 'running' })
          .update({ data: { status: 'stopped', stoppedAt: at, updatedAt: at } }),
      )) > 0,
  };
  return store;
}

const REFUSALS: Record<SwitchRefusal, { code: 'FAILED_PRECONDITION'; field: string; message: string }> = {
  notOnSale: { code: 'FAILED_PRECONDITION', field: 'courseId', message: '只有已上架的付费课程可以做价格测试' },
  running: { code: 'FAILED_PRECONDITION', field: 'courseId', message: '这门课程的价格测试已在进行' },
  notRunning: { code: 'FAILED_PRECONDITION', field: 'courseId', message: '这门课程没有进行中的价格测试' },
  noLadderPrice: {
    code: 'FAILED_PRECONDITION',
    field: 'minPriceFen',
    message: '价格范围内没有价格阶梯上的价格：请放宽最低价和最高价',
  },
  noRegisteredPrice: {
    code: 'FAILED_PRECONDITION',
    field: 'minPriceFen',
    message: '价格范围内没有已登记虚拟支付道具的价格：请先登记道具，或放宽价格范围',
  },
};

function refused(problems: SwitchProblem[]): never {
  const first = problems[0];
  const refusal = REFUSALS[first?.refusal ?? 'notOnSale'];
  throw new AppError(refusal.code, refusal.message, { field: refusal.field });
}

export async function switchCoursePriceTest(
  deps: CreatorDeps,
  openid: string,
  params: CreatorPriceTestParams,
): Promise<PriceTestData> {
  const { db } = deps;
  const creatorIds = await callerCreatorIds(db, openid);
  const course = await assertOwnCourse<PricedCourse>(db, creatorIds, params.courseId);
  const dryRun = params.dryRun === true;
  let read: Promise<AppSettings> | undefined;
  const settings = () => (read ??= readSettings(db));
  const store = testStore(deps, course, settings, dryRun);
  const now = deps.now();
  if (!params.on) {
    const result = await switchPriceTestOff(store, course._id, now);
    if (!result.ok) refused(result.problems);
    return {
      applied: !dryRun,
      test: priceTestView(result.test),
      pricesFen: [],
      learnersSee: `停止后课程保持当前价格 ${yuanText(course.priceFen)}，之后可以手动改价`,
    };
  }
  const bounds = {
    minFen: params.minPriceFen ?? Math.max(1, Math.round(course.priceFen * PRICE_TEST_DEFAULT_SPAN.min)),
    maxFen: params.maxPriceFen ?? Math.round(course.priceFen * PRICE_TEST_DEFAULT_SPAN.max),
  };
  if (params.minPriceFen !== undefined && params.maxPriceFen !== undefined && bounds.minFen > bounds.maxFen) {
    throw new AppError('INVALID_ARGUMENT', 'maxPriceFen：最高价不能低于最低价', { field: 'maxPriceFen' });
  }
  const result = await switchPriceTestOn(store, course._id, bounds, now, {
    ladder: 'minPriceFen',
    bounds: 'minPriceFen..maxPriceFen',
  });
  if (!result.ok) refused(result.problems);
  const pricesFen = testPrices(bounds, testRailOf(await settings(), course._id, course.priceFen));
  const range = `${yuanText(pricesFen[0] ?? bounds.minFen)} – ${yuanText(pricesFen.at(-1) ?? bounds.maxFen)}`;
  return {
    applied: !dryRun,
    test: priceTestView(result.test),
    pricesFen,
    learnersSee:
      `从下周一起每周一个价格，在 ${pricesFen.map(yuanText).join('、')} 中选（${range}）；同一周所有学员看到同一价格，` +
      '已下的订单按下单时的价格；测试期间不能手动改价，课程文件中的新价格也不采用',
  };
}
