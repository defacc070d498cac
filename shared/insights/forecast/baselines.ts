/**
 * The forecast baselines of issue 15, each a flat forecast from a series' history (oldest first, from its first
 * selling week). Smoothing runs over the whole history; the point forecast is the state after the last week.
 */

/** Last week's value. */
export function naive(history: ArrayLike<number>): number {
  checkHistory(history);
  return history[history.length - 1]!;
}

/** Mean of the last `weeks` weeks (of all of them when the history is shorter). */
export function meanOfLast(history: ArrayLike<number>, weeks: number): number {
  checkHistory(history);
  const from = Math.max(0, history.length - weeks);
  let sum = 0;
  for (let t = from; t < history.length; t++) sum += history[t]!;
  return sum / (history.length - from);
}

/** Simple exponential smoothing with smoothing `alpha`, the level started at the first week's value. */
export function ses(history: ArrayLike<number>, alpha: number): number {
  checkHistory(history);
  let level = history[0]!;
  for (let t = 1; t < history.length; t++) level += alpha * (history[t]! - level);
  return level;
}

/**
 * Croston's method with the Syntetos–Boylan correction: sizes and intervals between selling weeks are smoothed with
 * `alpha` each (started at the first sale and its interval counted from the series' start), forecast
 * (1 − alpha / 2) · size / interval. Zero when nothing was ever sold.
 */
export function crostonSba(history: ArrayLike<number>, alpha: number): number {
  checkHistory(history);
  let size = 0;
  let interval = 0;
  let sinceLast = 0;
  let started = false;
  for (let t = 0; t < history.length; t++) {
    sinceLast++;
    const y = history[t]!;
    if (y === 0) continue;
    if (!started) {
      size = y;
      interval = sinceLast;
      started = true;
    } else {
      size += alpha * (y - size);
      interval += alpha * (sinceLast - interval);
    }
    sinceLast = 0;
  }
  return started ? ((1 - alpha / 2) * size) / interval : 0;
}

/**
 * Teunter–Syntetos–Babai: the probability of a sale is smoothed every week with `beta`, the size on selling weeks
 * with `alpha`; both start at the first week (probability 1 or 0, size its value). Forecast probability × size.
 */
export function tsb(history: ArrayLike<number>, alpha: number, beta: number): number {
  checkHistory(history);
  let probability = history[0]! > 0 ? 1 : 0;
  let size = history[0]!;
  let started = history[0]! > 0;
  for (let t = 1; t < history.length; t++) {
    const y = history[t]!;
    probability += beta * ((y > 0 ? 1 : 0) - probability);
    if (y === 0) continue;
    if (!started) {
      size = y;
      started = true;
    } else size += alpha * (y - size);
  }
  return probability * size;
}

function checkHistory(history: ArrayLike<number>): void {
  if (history.length === 0) throw new Error('history must hold at least one week');
}
