/**
 * A course's price test as stored (collection `priceTests`, `_id` = the course id) and its weekly step, pure: the
 * creator's bounds, the policy's state (./price-test.ts), and the history of its periods, one a week.
 *
 * - `running`: switched on by the creator (`npm run price-test -- start`). The first period begins on the first
 *   night of the next week (Monday, Beijing time), so every period is a whole week at one price; then each first
 *   night of a week decides the next period from the counters of the weeks before.
 * - `settled`: the policy settled; the course keeps the settled price and the test no longer moves it.
 * - `stopped`: the creator stopped it; the price in force stays (nothing is written to the course).
 *
 * `decidedWeek` is the Monday of the last period decided: a step for a week already decided changes nothing, so a
 * nightly tick that is redone never moves a price twice in one week.
 */
import type { PayRail, Problem } from '../../contract';
import { registeredPrices, type RegisteredItem } from '../../promo/virtual-items';
import { allowedPrices } from './ladder';
import { nextPeriod, startPriceTest, type PriceTestState } from './price-test';
import type { PriceResponse } from './response';

export type PriceTestStatus = 'running' | 'settled' | 'stopped';

export interface PriceTestBounds {
  minFen: number;
  maxFen: number;
  /** The creator's own ladder; absent = the platform's default ladder (./ladder.ts). */
  ladderFen?: number[];
}

export interface PriceTestPeriod {
  /** The Monday the period began. */
  week: string;
  priceFen: number;
}

export interface PriceTestDoc {
  _id: string;
  courseId: string;
  status: PriceTestStatus;
  bounds: PriceTestBounds;
  /** The list price when the test was switched on: on the virtual rail, the price of the course's own item. */
  basePriceFen: number;
  state: PriceTestState;
  /** The periods so far, oldest first; the last is the one in force. */
  periods: PriceTestPeriod[];
  /** The Monday of the last period decided (at the start: the week it was switched on, whose period is not one). */
  decidedWeek: string;
  /** After a period: the price the policy thinks best, and how sure it is that it is. */
  leader?: { priceFen: number; probabilityBest: number };
  startedAt: string;
  updatedAt: string;
  settledAt?: string;
  stoppedAt?: string;
}

/** Where a course may be tested: the creator's bounds and the rail's (on the virtual rail, registered prices). */
export interface TestRail {
  /** The shop's rail: its fee. */
  rail: PayRail;
  /**
   * When learners can pay on the virtual rail (the shop's rail, or configured beside WeChat Pay): the prices the
   * course can be charged at there, its own item's and the others registered. Only these are tested.
   */
  registeredPricesFen?: readonly number[];
}

/** Whether learners can pay through 小程序虚拟支付: the shop's rail, or configured beside WeChat Pay. */
export function virtualRailOn(settings: { payRail: PayRail; virtualPayment: { offerId: string } }): boolean {
  return settings.payRail === 'virtual' || settings.virtualPayment.offerId !== '';
}

/**
 * The test rail of a course from the settings: on the virtual rail the course's own item (registered at the price it
 * had when the test began, `basePriceFen`) and every item `<prefix><courseId>_<fen>` registered at its price.
 */
export function testRailOf(
  settings: {
    payRail: PayRail;
    virtualPayment: { offerId: string; productIdPrefix: string; items?: RegisteredItem[] };
  },
  courseId: string,
  basePriceFen: number,
): TestRail {
  const { productIdPrefix, items = [] } = settings.virtualPayment;
  if (!virtualRailOn(settings)) return { rail: settings.payRail };
  const target = { kind: 'course' as const, id: courseId };
  return {
    rail: settings.payRail,
    registeredPricesFen: [basePriceFen, ...registeredPrices(productIdPrefix, target, basePriceFen, items)],
  };
}

/** The bounds as the creator typed them: option values, checked; `field` of each problem is the option's name. */
export function readTestBounds(input: {
  minFen?: string;
  maxFen?: string;
  ladder?: string;
}): { ok: true; bounds: PriceTestBounds } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const fen = (value: string | undefined, path: string): number | undefined => {
    if (value === undefined) {
      problems.push({ path, message: `${path} is required (fen, e.g. 4900 for ¥49)` });
      return undefined;
    }
    if (!/^\d+$/.test(value.trim()) || Number(value) <= 0) {
      problems.push({ path, message: `${path} must be a positive whole number of fen, got "${value}"` });
      return undefined;
    }
    return Number(value);
  };
  const minFen = fen(input.minFen, 'min-fen');
  const maxFen = fen(input.maxFen, 'max-fen');
  if (minFen !== undefined && maxFen !== undefined && minFen > maxFen) {
    problems.push({ path: 'max-fen', message: `max-fen (${maxFen}) must not be below min-fen (${minFen})` });
  }
  let ladderFen: number[] | undefined;
  if (input.ladder !== undefined) {
    const steps = input.ladder.split(',').map((step) => step.trim());
    const bad = steps.findIndex((step) => !/^\d+$/.test(step) || Number(step) <= 0);
    if (bad >= 0) {
      problems.push({
        path: 'ladder',
        message: `ladder must list positive whole numbers of fen separated by commas; "${steps[bad]}" is not one`,
      });
    } else {
      ladderFen = [...new Set(steps.map(Number))].sort((a, b) => a - b);
      if (ladderFen.length < 2) {
        problems.push({ path: 'ladder', message: 'ladder must hold at least two prices for a test to compare' });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, bounds: { minFen: minFen!, maxFen: maxFen!, ...(ladderFen ? { ladderFen } : {}) } };
}

/** The prices a test may charge, ascending; throws naming the field when none is left. */
export function testPrices(bounds: PriceTestBounds, rail: TestRail): number[] {
  return allowedPrices({
    ...(bounds.ladderFen ? { ladderFen: bounds.ladderFen } : {}),
    minFen: bounds.minFen,
    maxFen: bounds.maxFen,
    ...(rail.registeredPricesFen
      ? { rail: 'virtual' as const, registeredPricesFen: rail.registeredPricesFen }
      : { rail: rail.rail }),
  });
}

/** FNV-1a of the course id: the policy's seed, so a course's draws are its own and repeatable. */
function seedOf(courseId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < courseId.length; i++) h = Math.imul(h ^ courseId.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A test switched on in `week` (the Monday of now) at the course's list price; its first period begins next week,
 * at that price or the allowed one nearest it. Throws when no price is allowed (see `testPrices`).
 */
export function newPriceTest(input: {
  courseId: string;
  listPriceFen: number;
  bounds: PriceTestBounds;
  rail: TestRail;
  week: string;
  now: Date;
}): PriceTestDoc {
  const allowedFen = testPrices(input.bounds, input.rail);
  const at = input.now.toISOString();
  return {
    _id: input.courseId,
    courseId: input.courseId,
    status: 'running',
    bounds: input.bounds,
    basePriceFen: input.listPriceFen,
    state: startPriceTest({
      courseId: input.courseId,
      currentPriceFen: input.listPriceFen,
      allowedFen,
      seed: seedOf(input.courseId),
    }),
    periods: [],
    decidedWeek: input.week,
    startedAt: at,
    updatedAt: at,
  };
}

/**
 * The test after the first night of `week`, or undefined when there is nothing to do (not running, or `week` is
 * decided already). The first period begins at the start price; each later one is the policy's next period from
 * `response` (the course's price response over all its counters so far, pooled with its category).
 */
export function decideWeek(
  test: PriceTestDoc,
  input: { week: string; response: PriceResponse; allowedFen: readonly number[]; feeRate: number; now: Date },
): PriceTestDoc | undefined {
  if (test.status !== 'running' || test.decidedWeek >= input.week) return undefined;
  const at = input.now.toISOString();
  if (test.periods.length === 0) {
    return {
      ...test,
      periods: [{ week: input.week, priceFen: test.state.priceFen }],
      decidedWeek: input.week,
      updatedAt: at,
    };
  }
  const decision = nextPeriod(test.state, input.response, input.allowedFen, { feeRate: input.feeRate });
  const { state } = decision;
  const settled = state.settledPriceFen !== undefined;
  return {
    ...test,
    status: settled ? 'settled' : 'running',
    state,
    periods: [...test.periods, { week: input.week, priceFen: state.priceFen }],
    decidedWeek: input.week,
    leader: { priceFen: decision.leaderFen, probabilityBest: decision.leaderProbabilityBest },
    updatedAt: at,
    ...(settled ? { settledAt: at } : {}),
  };
}

/** What the creator center reads of a test (in the course's `courseInsights`). */
export function testView(test: PriceTestDoc): Record<string, unknown> {
  return {
    status: test.status,
    bounds: test.bounds,
    priceFen: test.periods.at(-1)?.priceFen ?? null,
    periods: test.periods,
    ...(test.state.settledPriceFen !== undefined ? { settledPriceFen: test.state.settledPriceFen } : {}),
    ...(test.leader ? { leader: test.leader } : {}),
    startedAt: test.startedAt,
    ...(test.settledAt ? { settledAt: test.settledAt } : {}),
    ...(test.stoppedAt ? { stoppedAt: test.stoppedAt } : {}),
  };
}
