/** Root mean squared error. */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPaired(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += ((actual[i] as number) - (predicted[i] as number)) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Mean absolute error. */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPaired(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs((actual[i] as number) - (predicted[i] as number));
  return sum / actual.length;
}

/** Share of the relevant items found in the first k of `ranked` (hits / |relevant|). */
export function recallAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  if (relevant.size === 0) throw new Error('Recall is undefined without relevant items');
  let hits = 0;
  for (const item of ranked.slice(0, k)) if (relevant.has(item)) hits++;
  return hits / relevant.size;
}

/** Binary-relevance NDCG of the first k of `ranked`: DCG / ideal DCG with min(k, |relevant|) hits on top. */
export function ndcgAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  if (relevant.size === 0) throw new Error('NDCG is undefined without relevant items');
  let dcg = 0;
  ranked.slice(0, k).forEach((item, position) => {
    if (relevant.has(item)) dcg += 1 / Math.log2(position + 2);
  });
  let ideal = 0;
  for (let position = 0; position < Math.min(k, relevant.size); position++) ideal += 1 / Math.log2(position + 2);
  return dcg / ideal;
}

function checkPaired(actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) throw new Error('actual and predicted must have the same length');
  if (actual.length === 0) throw new Error('Cannot compute an error over no predictions');
}
