/**
 * The few typed views of wx-server-sdk's database that the domain code needs. The SDK types its results as
 * `Promise<…> | void | string`, so each read is narrowed once here rather than at every call.
 */
import type { database } from 'wx-server-sdk';

export type Database = ReturnType<typeof database>;

type Plain = Record<string, unknown>;

/** A transaction as `db.runTransaction` hands it over: documents by id only (queries are not transactional). */
export interface Transaction {
  collection(name: string): {
    doc(id: string): {
      get(): Promise<unknown>;
      set(options: { data: Plain }): Promise<unknown>;
      update(options: { data: Plain }): Promise<unknown>;
    };
  };
}

/** The document with `id`, or null (no exception for a missing one). */
export async function getById<T>(db: Database, collection: string, id: string): Promise<T | null> {
  const found = (await db.collection(collection).where({ _id: id }).limit(1).get()) as unknown as { data: T[] };
  return found.data[0] ?? null;
}

/** Inside a transaction: the document with `id`, or null. */
export async function txGet<T>(tx: Transaction, collection: string, id: string): Promise<T | null> {
  try {
    const found = (await tx.collection(collection).doc(id).get()) as { data?: T | null };
    return found.data ?? null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

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

function isNotFound(error: unknown): boolean {
  const message = (error as { errMsg?: unknown; message?: unknown } | null)?.errMsg ?? (error as Error)?.message;
  return typeof message === 'string' && message.includes('does not exist');
}

export async function findMany<T>(
  db: Database,
  collection: string,
  where: Plain,
  options: { orderBy?: [string, 'asc' | 'desc']; skip?: number; limit: number },
): Promise<T[]> {
  let query = db.collection(collection).where(where);
  if (options.orderBy) query = query.orderBy(options.orderBy[0], options.orderBy[1]);
  if (options.skip) query = query.skip(options.skip);
  const found = (await query.limit(options.limit).get()) as unknown as { data: T[] };
  return found.data;
}

export async function countWhere(db: Database, collection: string, where: Plain): Promise<number> {
  return ((await db.collection(collection).where(where).count()) as { total: number }).total;
}

/** Runs `body` as one transaction, retried on a commit conflict up to `retries` times. */
export async function inTransaction<T>(db: Database, body: (tx: Transaction) => Promise<T>, retries = 10): Promise<T> {
  return (await db.runTransaction(body, retries)) as T;
}
