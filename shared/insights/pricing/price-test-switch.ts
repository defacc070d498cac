/**
 * Switching a course's price test on or off, for `npm run price-test` (node-sdk) and the creator center's
 * `creator.priceTest` (wx-server-sdk) alike: the rules are here, each caller brings a store over its own SDK and
 * names the problems after its own options. Switching on writes only the test: the nightly `insights` job sets the
 * course's price, from the first night of the next week on. Every problem is reported at once, and then nothing is
 * written.
 */
import type { Problem } from '../../contract';
import { isCourseOpen } from '../../catalog/visibility';
import { beijingDay, weekOf } from '../daily/calendar';
import type { AppSettings } from '../../settings';
import { newPriceTest, testPrices, testRailOf, type PriceTestBounds, type PriceTestDoc } from './price-test-doc';

/** Why a switch was refused, for a caller that words it its own way (the creator center, in Chinese). */
export type SwitchRefusal = 'notOnSale' | 'running' | 'noLadderPrice' | 'noRegisteredPrice' | 'notRunning';
export interface SwitchProblem extends Problem {
  refusal: SwitchRefusal;
}

export type TestResult = { ok: true; test: PriceTestDoc } | { ok: false; problems: Problem[] };
export type SwitchResult = { ok: true; test: PriceTestDoc } | { ok: false; problems: SwitchProblem[] };

/** What switching needs of the database. */
export interface PriceTestStore {
  /** The course's status and list price; undefined when there is no such course. */
  course(courseId: string): Promise<{ status?: unknown; priceFen?: unknown } | undefined>;
  test(courseId: string): Promise<PriceTestDoc | undefined>;
  settings(): Promise<AppSettings>;
  /** Writes the test document (its `_id` is the course id), replacing a settled or stopped one. */
  save(test: PriceTestDoc): Promise<void>;
  /** Stops the test if it is still running; whether it was. */
  stop(courseId: string, at: string): Promise<boolean>;
}

/** How the caller names the problems' fields (the command line's `min-fen`, the contract's `minPriceFen`). */
export interface BoundNames {
  ladder: string;
  /** The bounds in a message: `min-fen..max-fen`. */
  bounds: string;
}

export const OPTION_NAMES: BoundNames = { ladder: 'ladder', bounds: 'min-fen..max-fen' };

const noCourse = (courseId: string): SwitchProblem => ({
  path: 'courseId',
  message: `courseId "${courseId}" is not a published course with a price`,
  refusal: 'notOnSale',
});

/** Why the course cannot start a test now (not on sale with a price, a test running), and its list price. */
export async function priceTestCourseProblems(
  store: PriceTestStore,
  courseId: string,
): Promise<{ priceFen: number; problems: SwitchProblem[] }> {
  const [course, running] = await Promise.all([store.course(courseId), store.test(courseId)]);
  const problems: SwitchProblem[] = [];
  const priceFen = isCourseOpen(course) && typeof course.priceFen === 'number' ? course.priceFen : 0;
  if (priceFen <= 0) problems.push(noCourse(courseId));
  if (running?.status === 'running') {
    problems.push({
      path: 'courseId',
      message: `courseId "${courseId}" has a test running: stop it first`,
      refusal: 'running',
    });
  }
  return { priceFen, problems };
}

/** Switches the test on within `bounds` (checked by the caller), at the course's list price. */
export async function switchPriceTestOn(
  store: PriceTestStore,
  courseId: string,
  bounds: PriceTestBounds,
  now: Date,
  names: BoundNames = OPTION_NAMES,
): Promise<SwitchResult> {
  const { priceFen, problems } = await priceTestCourseProblems(store, courseId);
  if (problems.length > 0) return { ok: false, problems };

  const settings = await store.settings();
  const rail = testRailOf(settings, courseId, priceFen);
  const ladder = names.ladder;
  try {
    testPrices(bounds, { rail: 'wxpay' }); // the ladder and the bounds alone
  } catch {
    return {
      ok: false,
      problems: [
        {
          path: ladder,
          message: `${ladder}: no price of the ladder lies within ${names.bounds}`,
          refusal: 'noLadderPrice',
        },
      ],
    };
  }
  try {
    testPrices(bounds, rail);
  } catch {
    return {
      ok: false,
      problems: [
        {
          path: ladder,
          message:
            `${ladder}: no price within ${names.bounds} has a registered virtual-payment item: register one ` +
            `(${settings.virtualPayment.productIdPrefix}${courseId}_<fen> at <fen>) or widen the bounds`,
          refusal: 'noRegisteredPrice',
        },
      ],
    };
  }
  const test = newPriceTest({ courseId, listPriceFen: priceFen, bounds, rail, week: weekOf(beijingDay(now)), now });
  await store.save(test);
  return { ok: true, test };
}

/** Stops the running test; the course keeps the price in force. */
export async function switchPriceTestOff(store: PriceTestStore, courseId: string, now: Date): Promise<SwitchResult> {
  const test = await store.test(courseId);
  const at = now.toISOString();
  if (!test || test.status !== 'running' || !(await store.stop(courseId, at))) {
    return {
      ok: false,
      problems: [{ path: 'courseId', message: `courseId "${courseId}" has no test running`, refusal: 'notRunning' }],
    };
  }
  return { ok: true, test: { ...test, status: 'stopped', stoppedAt: at, updatedAt: at } };
}
