/**
 * The few typed views of wx-server-sdk's database that the domain code needs. The SDK types its results as
 * `Promise<…> | void | string`, so each read is narrowed once here rather than at every call.
 */
import type { database } from 'wx-server-sdk';
import type { CollectionName } from '../collections';

export type Database = ReturnType<typeof database>;

type Plain = Record<string, unknown>;

/**
 * A transaction as `db.runTransaction` hands it over, used by id only. Its reads come from the snapshot of its start
 * plus its own writes; a write that conflicts with another transaction fails at once (see `inTransaction`).
 */
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
export async function getById<T>(db: Database, collection: CollectionName, id: string): Promise<T | null> {
  const found = (await db.collection(collection).where({ _id: id }).limit(1).get()) as unknown as { data: T[] };
  return found.data[0] ?? null;
}

/** Inside a transaction: the document with `id`, or null. */
export async function txGet<T>(tx: Transaction, collection: CollectionName, id: string): Promise<T | null> {
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

/**
 * Applies `update` (commands such as `inc`) to the document `id`, or inserts `first` (the same change applied to
 * nothing) when there is none: one update normally, a failed update and an insert for the first change, and when two
 * first changes race, the loser's insert fails on the id and its update is applied to the winner.
 */
export async function updateOrInsert(
  db: Database,
  collection: CollectionName,
  id: string,
  update: Plain,
  first: Plain,
): Promise<void> {
  const docs = db.collection(collection);
  const apply = async () => (await updated(docs.where({ _id: id }).update({ data: update }))) === 1;
  if (await apply()) return;
  try {
    await docs.add({ data: { ...first, _id: id } });
  } catch (error) {
    if (!isDuplicateKey(error) || !(await apply())) throw error;
  }
}

function isNotFound(error: unknown): boolean {
  const message = (error as { errMsg?: unknown; message?: unknown } | null)?.errMsg ?? (error as Error)?.message;
  return typeof message === 'string' && message.includes('does not exist');
}

export async function findMany<T>(
  db: Database,
  collection: CollectionName,
  where: Plain,
  options: { orderBy?: [string, 'asc' | 'desc']; skip?: number; limit: number },
): Promise<T[]> {
  let query = db.collection(collection).where(where);
  if (options.orderBy) query = query.orderBy(options.orderBy[0], options.orderBy[1]);
  if (options.skip) query = query.skip(options.skip);
  const found = (await query.limit(options.limit).get()) as unknown as { data: T[] };
  return found.data;
}

export async function countWhere(db: Database, collection: CollectionName, where: Plain): Promise<number> {
  return ((await db.collection(collection).where(where).count()) as { total: number }).total;
}

/** Runs of a transaction body before a conflict is given up and thrown to the caller. */
const TRANSACTION_ATTEMPTS = 10;

/**
 * Runs `body` as one transaction. A transaction that lost a write conflict is run again from the start in a fresh
 * transaction (at most `attempts` runs in all, each after a short random pause so that the racers spread out), since
 * neither the service nor the SDK retries it: on CloudBase a write that conflicts fails at the write, and
 * wx-server-sdk delivers that failure without the code its `runTransaction` retries on. Any other error, and a
 * conflict on the last run, is thrown; the body must keep its effects to the transaction (it may run more than once).
 */
export async function inTransaction<T>(
  db: Database,
  body: (tx: Transaction) => Promise<T>,
  attempts = TRANSACTION_ATTEMPTS,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      // 0: the SDK's own retry (a conflicting commit only) is left to this loop, so one policy applies.
      return (await db.runTransaction(body, 0)) as T;
    } catch (error) {
      if (attempt >= attempts || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, conflictBackoffMs(attempt)));
    }
  }
}

/** A random pause before run `attempt + 1`: up to 20 ms after the first conflict, doubling each time up to 640 ms. */
function conflictBackoffMs(attempt: number): number {
  return Math.random() * Math.min(20 * 2 ** (attempt - 1), 640);
}

/**
 * Whether `error` is a transaction's write conflict: a commit refused with DATABASE_TRANSACTION_CONFLICT, or a write
 * that failed with MongoDB's WriteConflict, which wx-server-sdk delivers as an SDK error (errCode -501001) carrying
 * the service's message.
 */
export function isTransactionConflict(error: unknown): boolean {
  const e = (error ?? {}) as { code?: unknown; errCode?: unknown; errMsg?: unknown; message?: unknown };
  if (e.code === 'DATABASE_TRANSACTION_CONFLICT') return true;
  if (typeof e.errCode !== 'number') return false;
  return /WriteConflict|write conflict|DATABASE_TRANSACTION_CONFLICT/i.test(
    `${String(e.errMsg ?? '')} ${String(e.message ?? '')}`,
  );
}
