/**
 * What each candidate price is worth under a course's price response, with its uncertainty: Monte Carlo over the
 * posterior of (α, s), so that advice and the price test read the same figures.
 *
 * Net revenue per detail viewer at price p = p · conversion(p) · (1 − refund rate) · (1 − the rail's fee rate).
 */
import type { SeededRandom } from '../../recommender/algorithms/random';
import { conversionAt, sampleResponse, type PriceResponse } from './response';

export interface PriceValues {
  pricesFen: readonly number[];
  /** Posterior mean net revenue per viewer, in fen, by price. */
  meanFen: number[];
  /** Posterior probability that each price is the best of `pricesFen`. */
  probabilityBest: number[];
  /** Posterior expected shortfall of each price against the best one, relative to its own mean value. */
  expectedRelativeLoss: number[];
  /** The draws: `draws[d][i]` is the net revenue per viewer of price i in draw d. */
  draws: Float64Array[];
}

/** Net revenue per viewer under one draw. */
export function netRevenuePerViewer(
  draw: Parameters<typeof conversionAt>[0],
  response: PriceResponse,
  priceFen: number,
  feeRate: number,
): number {
  return (
    priceFen * conversionAt(draw, response.referencePriceFen, priceFen) * (1 - response.refundRate) * (1 - feeRate)
  );
}

export function priceValues(
  response: PriceResponse,
  pricesFen: readonly number[],
  options: { feeRate: number; draws: number; random: SeededRandom },
): PriceValues {
  const n = pricesFen.length;
  const meanFen = new Array<number>(n).fill(0);
  const best = new Array<number>(n).fill(0);
  const loss = new Array<number>(n).fill(0);
  const draws: Float64Array[] = [];
  for (let d = 0; d < options.draws; d++) {
    const draw = sampleResponse(response, options.random);
    const values = new Float64Array(n);
    let top = 0;
    for (let i = 0; i < n; i++) {
      values[i] = netRevenuePerViewer(draw, response, pricesFen[i]!, options.feeRate);
      if (values[i]! > values[top]!) top = i;
    }
    best[top]! += 1;
    for (let i = 0; i < n; i++) {
      meanFen[i]! += values[i]!;
      loss[i]! += values[top]! - values[i]!;
    }
    draws.push(values);
  }
  return {
    pricesFen,
    meanFen: meanFen.map((m) => m / options.draws),
    probabilityBest: best.map((b) => b / options.draws),
    expectedRelativeLoss: loss.map((l, i) => (meanFen[i]! > 0 ? l / meanFen[i]! : Infinity)),
    draws,
  };
}

/** The index of the price with the highest posterior mean value. */
export function leaderOf(values: PriceValues): number {
  let top = 0;
  values.meanFen.forEach((m, i) => {
    if (m > values.meanFen[top]!) top = i;
  });
  return top;
}
