/** Accuracy measures of issue 15's forecast protocol. */

/** In-sample mean squared one-step naive error of a history: the RMSSE scale. */
export function naiveScale(history: ArrayLike<number>): number {
  if (history.length < 2) throw new Error('history must hold at least two weeks to have a naive error');
  let sum = 0;
  for (let t = 1; t < history.length; t++) sum += (history[t]! - history[t - 1]!) ** 2;
  return sum / (history.length - 1);
}

/** Root mean squared scaled error of `forecast` against `actual`, scaled by `scale` (see naiveScale). */
export function rmsse(actual: ArrayLike<number>, forecast: ArrayLike<number>, scale: number): number {
  if (actual.length === 0 || actual.length !== forecast.length)
    throw new Error(`actual and forecast must have the same non-zero length (${actual.length}, ${forecast.length})`);
  if (!(scale > 0)) throw new Error(`scale must be positive, got ${scale}`);
  let sum = 0;
  for (let h = 0; h < actual.length; h++) sum += (actual[h]! - forecast[h]!) ** 2;
  return Math.sqrt(sum / actual.length / scale);
}

/** Σ weight · RMSSE / Σ weight. */
export function weightedMean(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  if (values.length !== weights.length) throw new Error('values and weights must have the same length');
  let sum = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (!(weights[i]! >= 0)) throw new Error(`weight ${i} must be non-negative, got ${weights[i]}`);
    sum += weights[i]! * values[i]!;
    total += weights[i]!;
  }
  if (!(total > 0)) throw new Error('weights must not all be zero');
  return sum / total;
}

/** Share of actual values inside [lower, upper] (bounds included). */
export function coverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  if (actual.length === 0 || actual.length !== lower.length || actual.length !== upper.length)
    throw new Error('actual, lower and upper must have the same non-zero length');
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i]! >= lower[i]! && actual[i]! <= upper[i]!) inside++;
  return inside / actual.length;
}
