/**
 * Price advice for one course: the allowed ladder price (./ladder.ts) with the highest expected weekly revenue net of
 * refunds and the rail's fee, under the course's price response (./response.ts), compared with the current price,
 * with how sure it is and a reason in words a creator reads (Simplified Chinese, the creator center's language).
 *
 * Advice is shown, never applied: only the creator changes a price, or switches on a price test (./price-test.ts).
 * One price per course for every learner (PIPL Art. 24). A change is advised only when the better price beats the
 * current one with probability ≥ `minProbability` and by an expected `minGain` at least; otherwise the advice is to
 * keep the current price, saying whether it is already near the best or the data cannot tell yet.
 */
import { SeededRandom } from '../../recommender/algorithms/random';
import { yuanText } from '../../promo/labels';
import { allowedPrices, railFeeRate, type PriceBounds } from './ladder';
import type { PriceResponse } from './response';
import { priceValues } from './revenue';

export interface AdviceInput {
  response: PriceResponse;
  currentPriceFen: number;
  bounds: PriceBounds;
  /** Share of buyers on iOS, for the virtual rail's fee. @default 0 */
  iosShare?: number;
  /** Detail viewers expected a week (the recent mean, or the demand forecast's). */
  viewersPerWeek: number;
  seed: number;
  /** @default 0.8 */
  minProbability?: number;
  /** Relative gain in expected net revenue below which the current price is kept. @default 0.02 */
  minGain?: number;
  /** @default 2000 */
  draws?: number;
}

export interface PriceAdvice {
  courseId: string;
  currentPriceFen: number;
  /** The price advised: the current one when keeping it. */
  advisedPriceFen: number;
  action: 'raise' | 'lower' | 'keep';
  /** The best allowed price by expected net revenue, advised or not. */
  bestPriceFen: number;
  /** Expected net revenue a week, in fen, at the current and at the best price. */
  expectedWeeklyNetFen: { current: number; best: number };
  /** (best − current) / current, expected. */
  expectedChange: number;
  /** Posterior probability that the best price earns more than the current one. */
  probabilityBetter: number;
  reason: string;
}

const percentText = (x: number) => `${Math.round(100 * x)}%`;

/** What the creator reads: the data behind it, what to do, what it is expected to bring, how sure it is. */
function reasonOf(a: Omit<PriceAdvice, 'reason'>, response: PriceResponse, minGain: number): string {
  const data =
    response.pricesSeen <= 1
      ? `这门课的价格还没有变过，价格对购买的影响主要参考同类课程`
      : `根据这门课 ${response.viewers} 位访客、${response.paidOrders} 笔购买在 ${response.pricesSeen} 个价格下的数据`;
  const sure = `把握约 ${percentText(a.probabilityBetter)}`;
  const net = '（已扣除退款和支付手续费）';
  if (a.action === 'raise') {
    return (
      `${data}，学员对价格不太敏感。建议把价格从 ${yuanText(a.currentPriceFen)} 调到 ${yuanText(a.advisedPriceFen)}：` +
      `购买人数会少一些，但每周净收入预计增加约 ${percentText(a.expectedChange)}${net}，${sure}。`
    );
  }
  if (a.action === 'lower') {
    return (
      `${data}，学员对价格比较敏感。建议把价格从 ${yuanText(a.currentPriceFen)} 降到 ${yuanText(a.advisedPriceFen)}：` +
      `买的人会更多，每周净收入预计增加约 ${percentText(a.expectedChange)}${net}，${sure}。`
    );
  }
  if (a.bestPriceFen === a.currentPriceFen) {
    return `${data}，当前价格 ${yuanText(a.currentPriceFen)} 已接近收入最高的价格，建议保持不变。`;
  }
  if (a.expectedChange < minGain) {
    return (
      `${data}，${yuanText(a.bestPriceFen)} 与当前价格 ${yuanText(a.currentPriceFen)} 的预计收入相差不到 ` +
      `${percentText(minGain)}，` +
      `建议保持不变。`
    );
  }
  return (
    `${data}，${yuanText(a.bestPriceFen)} 可能比当前价格 ${yuanText(a.currentPriceFen)} 收入更高` +
    `（预计 +${percentText(a.expectedChange)}，但把握只有 ${percentText(a.probabilityBetter)}），数据还不足以确定。` +
    `建议先保持现价，或开启价格测试来确认。`
  );
}

export function advisePrice(input: AdviceInput): PriceAdvice {
  const { response, currentPriceFen } = input;
  if (!(currentPriceFen > 0)) throw new Error(`currentPriceFen must be positive, got ${currentPriceFen}`);
  if (!(input.viewersPerWeek >= 0)) throw new Error(`viewersPerWeek must be at least 0, got ${input.viewersPerWeek}`);
  const minProbability = input.minProbability ?? 0.8;
  const minGain = input.minGain ?? 0.02;
  const allowed = allowedPrices(input.bounds);
  const candidates = [currentPriceFen, ...allowed.filter((p) => p !== currentPriceFen)];
  const values = priceValues(response, candidates, {
    feeRate: railFeeRate(input.bounds.rail, input.iosShare ?? 0),
    draws: input.draws ?? 2000,
    random: new SeededRandom(input.seed),
  });
  // The best allowed price by posterior mean (the current price is candidate 0, and allowed only if on the ladder).
  let best = allowed.includes(currentPriceFen) ? 0 : 1;
  for (let i = 1; i < candidates.length; i++) if (values.meanFen[i]! > values.meanFen[best]!) best = i;
  const bestPriceFen = candidates[best]!;
  const current = values.meanFen[0]!;
  const expectedChange = current > 0 ? values.meanFen[best]! / current - 1 : 0;
  const probabilityBetter = values.draws.filter((d) => d[best]! > d[0]!).length / values.draws.length;
  const advises = bestPriceFen !== currentPriceFen && probabilityBetter >= minProbability && expectedChange >= minGain;
  const advisedPriceFen = advises ? bestPriceFen : currentPriceFen;
  const advice: Omit<PriceAdvice, 'reason'> = {
    courseId: response.courseId,
    currentPriceFen,
    advisedPriceFen,
    action: advisedPriceFen > currentPriceFen ? 'raise' : advisedPriceFen < currentPriceFen ? 'lower' : 'keep',
    bestPriceFen,
    expectedWeeklyNetFen: {
      current: Math.round(input.viewersPerWeek * current),
      best: Math.round(input.viewersPerWeek * values.meanFen[best]!),
    },
    expectedChange,
    probabilityBetter,
  };
  return { ...advice, reason: reasonOf(advice, response, minGain) };
}
