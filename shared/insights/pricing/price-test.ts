/**
 * The price test a creator switches on for one course: the policy moves the course's price along its allowed ladder
 * (./ladder.ts: the creator's bounds, the rail's registered prices) one period at a time, the same price for every
 * learner in a period, learns from the period's counters, and settles on one price.
 *
 * Each period (a week) it first asks whether to settle, then, if not, picks the next price by Thompson sampling:
 *
 * 1. The first period runs at the course's current price (or the nearest allowed one).
 * 2. After each period the price response is refitted (./response.ts, pooled with the category) and the value of
 *    every allowed price is drawn from its posterior (./revenue.ts).
 * 3. Settle rule: after at least `minPeriods` periods, settle on the leader (highest posterior mean net revenue) as
 *    soon as it is best with probability ≥ `settleProbability` or its expected shortfall against the best price is
 *    ≤ `settleLoss` of its value (two prices near the top of a flat revenue curve are never told apart, and need not
 *    be); after `maxPeriods` periods, settle on the leader whatever the evidence. A settled test keeps its price.
 * 4. Otherwise one posterior draw decides: the price within `maxStep` ladder steps of the current one with the
 *    highest value in that draw. Moving a step at a time keeps exploration to neighbouring prices, whose revenue
 *    differs least (settling goes straight to the settled price, however far).
 *
 * Deterministic: the draws of a period come from the test's seed, the course id and the period's number.
 */
import { SeededRandom } from '../../recommender/algorithms/random';
import { estimatePriceResponse, type CourseCounters, type PriceResponse, type ResponseOptions } from './response';
import { leaderOf, priceValues } from './revenue';

export interface PriceTestSettings {
  /** @default 4 */
  minPeriods?: number;
  /** @default 12 */
  maxPeriods?: number;
  /** @default 0.95 */
  settleProbability?: number;
  /** @default 0.01 */
  settleLoss?: number;
  /** Ladder steps the price may move in one period. @default 1 */
  maxStep?: number;
  /** Posterior draws of the settle rule. @default 400 */
  draws?: number;
}

const DEFAULTS: Required<PriceTestSettings> = {
  minPeriods: 4,
  maxPeriods: 12,
  settleProbability: 0.95,
  settleLoss: 0.01,
  maxStep: 1,
  draws: 400,
};

export interface PriceTestState {
  courseId: string;
  seed: number;
  /** Periods completed. */
  periods: number;
  /** The price of the coming period. */
  priceFen: number;
  settledPriceFen?: number;
  /** Periods it took to settle. */
  settledAfter?: number;
}

export interface PeriodDecision {
  state: PriceTestState;
  /** Posterior probability that the leader is the best allowed price, and the leader. */
  leaderFen: number;
  leaderProbabilityBest: number;
}

function nearestIndex(allowedFen: readonly number[], priceFen: number): number {
  let best = 0;
  allowedFen.forEach((p, i) => {
    if (Math.abs(p - priceFen) < Math.abs(allowedFen[best]! - priceFen)) best = i;
  });
  return best;
}

/** A new test: the first period at the current price, or the allowed price nearest it. */
export function startPriceTest(input: {
  courseId: string;
  currentPriceFen: number;
  allowedFen: readonly number[];
  seed: number;
}): PriceTestState {
  if (input.allowedFen.length === 0) throw new Error('allowedFen must hold at least one price');
  if (!Number.isInteger(input.seed)) throw new Error(`seed must be an integer, got ${input.seed}`);
  const priceFen = input.allowedFen[nearestIndex(input.allowedFen, input.currentPriceFen)]!;
  return { courseId: input.courseId, seed: input.seed, periods: 0, priceFen };
}

/** FNV-1a over the course id, mixed with the seed and the period. */
function periodSeed(state: PriceTestState): number {
  let h = 0x811c9dc5 ^ state.seed;
  for (let i = 0; i < state.courseId.length; i++) h = Math.imul(h ^ state.courseId.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ state.periods, 0x01000193) >>> 0;
}

/**
 * The test after one more period: `response` is the course's price response fitted on all its counters so far,
 * including the period just completed.
 */
export function nextPeriod(
  state: PriceTestState,
  response: PriceResponse,
  allowedFen: readonly number[],
  options: { feeRate: number; settings?: PriceTestSettings },
): PeriodDecision {
  const s = { ...DEFAULTS, ...options.settings };
  if (response.courseId !== state.courseId) {
    throw new Error(`response is of course ${response.courseId}, the test of ${state.courseId}`);
  }
  const periods = state.periods + 1;
  const random = new SeededRandom(periodSeed({ ...state, periods }));
  const values = priceValues(response, allowedFen, { feeRate: options.feeRate, draws: s.draws, random });
  const leader = leaderOf(values);
  const leaderFen = allowedFen[leader]!;
  const leaderProbabilityBest = values.probabilityBest[leader]!;
  if (state.settledPriceFen !== undefined) {
    return { state: { ...state, periods }, leaderFen, leaderProbabilityBest };
  }
  const settles =
    periods >= s.maxPeriods ||
    (periods >= s.minPeriods &&
      (leaderProbabilityBest >= s.settleProbability || values.expectedRelativeLoss[leader]! <= s.settleLoss));
  if (settles) {
    return {
      state: { ...state, periods, priceFen: leaderFen, settledPriceFen: leaderFen, settledAfter: periods },
      leaderFen,
      leaderProbabilityBest,
    };
  }
  const current = nearestIndex(allowedFen, state.priceFen);
  const draw = values.draws[0]!;
  let next = current;
  for (let i = Math.max(0, current - s.maxStep); i <= Math.min(allowedFen.length - 1, current + s.maxStep); i++) {
    if (draw[i]! > draw[next]!) next = i;
  }
  return { state: { ...state, periods, priceFen: allowedFen[next]! }, leaderFen, leaderProbabilityBest };
}

/**
 * One period for every running test of a catalog: the price response is fitted once over all the courses' counters
 * (so each is pooled with its category, tested or not), then each test moves on.
 */
export function stepPriceTests(input: {
  courses: readonly CourseCounters[];
  tests: readonly { state: PriceTestState; allowedFen: readonly number[]; feeRate: number }[];
  responseOptions?: ResponseOptions;
  settings?: PriceTestSettings;
}): PeriodDecision[] {
  const responses = new Map(estimatePriceResponse(input.courses, input.responseOptions).map((r) => [r.courseId, r]));
  return input.tests.map((t) => {
    const response = responses.get(t.state.courseId);
    if (!response) throw new Error(`courses: no counters for the tested course ${t.state.courseId}`);
    return nextPeriod(t.state, response, t.allowedFen, { feeRate: t.feeRate, settings: input.settings });
  });
}
