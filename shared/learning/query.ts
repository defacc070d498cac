/**
 * wx-server-sdk types query results as `Promise<…> | void | string`; these narrow them once. (Reads by id and
 * transactions use the orders domain's helpers in ../orders/db.ts.)
 */

/** The documents a `where(…)….get()` query returns. */
export async function found<T>(query: { get(): unknown }): Promise<T[]> {
  return ((await query.get()) as { data: T[] }).data;
}

/** How many documents a `where(…).update()` changed. */
export async function updated(write: unknown): Promise<number> {
  return ((await write) as { stats: { updated: number } }).stats.updated;
}

/** The SDK's error for a unique index or `_id` that is already taken. */
export function isDuplicateKey(error: unknown): boolean {
  const message = (error as { errMsg?: unknown; message?: unknown } | null)?.errMsg ?? (error as Error)?.message;
  return typeof message === 'string' && /E11000|duplicate key/i.test(message);
}
