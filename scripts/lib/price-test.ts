/**
 * `npm run price-test`: a creator switches a course's price test on or off, or looks at it, writing `priceTests`
 * through @cloudbase/node-sdk (shared/insights/pricing/price-test-doc.ts). Switching on writes only the test: the
 * nightly `insights` job sets the course's price, from the first night of the next week on. Every problem is
 * reported at once, named by its option, and then nothing is written.
 */
import { COLLECTIONS } from '../../shared/collections';
import type { Problem } from '../../shared/contract';
import { beijingDay, weekOf } from '../../shared/insights/daily/calendar';
import {
  newPriceTest,
  readTestBounds,
  testPrices,
  testRailOf,
  type PriceTestDoc,
} from '../../shared/insights/pricing/price-test-doc';
import { checkSettings, SETTINGS_DOC_ID, type AppSettings } from '../../shared/settings';
import type { NodeDb } from '../../toolchain/catalog-store';
import { byId } from './promo/store';
import { isCourseOpen } from '../../shared/catalog/visibility';

export type TestResult = { ok: true; test: PriceTestDoc } | { ok: false; problems: Problem[] };

async function settingsOf(db: NodeDb): Promise<AppSettings> {
  const checked = checkSettings((await byId<Record<string, unknown>>(db, COLLECTIONS.settings, SETTINGS_DOC_ID)) ?? {});
  if (!checked.ok) throw new Error(`settings/app is invalid: ${checked.problems.map((p) => p.message).join('; ')}`);
  return checked.settings;
}

const noCourse = (courseId: string | undefined): Problem[] => [
  {
    path: 'courseId',
    message:
      courseId === undefined ? 'courseId is required' : `courseId "${courseId}" is not a published course with a price`,
  },
];

/** `start <courseId> --min-fen N --max-fen N [--ladder a,b,c]`. */
export async function startTest(
  db: NodeDb,
  courseId: string | undefined,
  options: { minFen?: string; maxFen?: string; ladder?: string },
  now: Date,
): Promise<TestResult> {
  const problems: Problem[] = [];
  const bounds = readTestBounds(options);
  if (!bounds.ok) problems.push(...bounds.problems);
  const course =
    courseId === undefined
      ? undefined
      : await byId<{ status?: unknown; priceFen?: unknown }>(db, COLLECTIONS.courses, courseId);
  const priceFen = isCourseOpen(course) && typeof course.priceFen === 'number' ? course.priceFen : 0;
  if (priceFen <= 0) problems.push(...noCourse(courseId));
  const running = courseId === undefined ? undefined : await byId<PriceTestDoc>(db, COLLECTIONS.priceTests, courseId);
  if (running?.status === 'running') {
    problems.push({ path: 'courseId', message: `courseId "${courseId}" has a test running: stop it first` });
  }
  if (problems.length > 0 || !bounds.ok || courseId === undefined) return { ok: false, problems };

  const settings = await settingsOf(db);
  const rail = testRailOf(settings, courseId, priceFen);
  try {
    testPrices(bounds.bounds, { rail: 'wxpay' }); // the ladder and the bounds alone
  } catch {
    return {
      ok: false,
      problems: [{ path: 'ladder', message: 'ladder: no price of the ladder lies within min-fen..max-fen' }],
    };
  }
  try {
    testPrices(bounds.bounds, rail);
  } catch {
    return {
      ok: false,
      problems: [
        {
          path: 'ladder',
          message:
            'ladder: no price within min-fen..max-fen has a registered virtual-payment item: register one ' +
            `(${settings.virtualPayment.productIdPrefix}${courseId}_<fen> at <fen>) or widen the bounds`,
        },
      ],
    };
  }
  const test = newPriceTest({
    courseId,
    listPriceFen: priceFen,
    bounds: bounds.bounds,
    rail,
    week: weekOf(beijingDay(now)),
    now,
  });
  const { _id, ...data } = test;
  await db.collection(COLLECTIONS.priceTests).doc(_id).set(data);
  return { ok: true, test };
}

/** `stop <courseId>`: the test stops; the course keeps the price in force. */
export async function stopTest(db: NodeDb, courseId: string | undefined, now: Date): Promise<TestResult> {
  const test = courseId === undefined ? undefined : await byId<PriceTestDoc>(db, COLLECTIONS.priceTests, courseId);
  if (!test || test.status !== 'running') {
    return {
      ok: false,
      problems: [
        {
          path: 'courseId',
          message: courseId === undefined ? 'courseId is required' : `courseId "${courseId}" has no test running`,
        },
      ],
    };
  }
  const at = now.toISOString();
  const stopped: PriceTestDoc = { ...test, status: 'stopped', stoppedAt: at, updatedAt: at };
  await db
    .collection(COLLECTIONS.priceTests)
    .where({ _id: test._id, status: 'running' })
    .update({ status: 'stopped', stoppedAt: at, updatedAt: at });
  return { ok: true, test: stopped };
}

/** `show <courseId>`. */
export async function showTest(db: NodeDb, courseId: string | undefined): Promise<TestResult> {
  const test = courseId === undefined ? undefined : await byId<PriceTestDoc>(db, COLLECTIONS.priceTests, courseId);
  if (!test) {
    return {
      ok: false,
      problems: [
        {
          path: 'courseId',
          message: courseId === undefined ? 'courseId is required' : `courseId "${courseId}" has no price test`,
        },
      ],
    };
  }
  return { ok: true, test };
}
