/** The few node-sdk reads and writes the promo commands share. */
import { COLLECTIONS, type CollectionName } from '../../../shared/collections';
import type { Problem, Validation } from '../../../shared/contract';
import { isDuplicateKey } from '../../../shared/db';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { isCourseOpen } from '../../../shared/catalog/visibility';

/** The server's largest page. */
export const PAGE = 1000;

export type Doc = { _id: string } & Record<string, unknown>;

export async function rows<T = Doc>(query: { get(): Promise<unknown> }): Promise<T[]> {
  return ((await query.get()) as { data: T[] }).data;
}

/** Every document of a collection (a creator's coupons, bundles, batches: far below the pages this reads). */
export async function everything<T = Doc>(db: NodeDb, collection: CollectionName, where: object = {}): Promise<T[]> {
  const all: T[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const page = await rows<T>(db.collection(collection).where(where).skip(skip).limit(PAGE));
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}

export async function byId<T = Doc>(db: NodeDb, collection: CollectionName, id: string): Promise<T | undefined> {
  return (await rows<T>(db.collection(collection).where({ _id: id }).limit(1)))[0];
}

/** Which of `ids` are documents of the collection, by id. */
export async function existing<T = Doc>(
  db: NodeDb,
  collection: CollectionName,
  ids: readonly string[],
): Promise<Map<string, T>> {
  if (ids.length === 0) return new Map();
  const found = await rows<T & { _id: string }>(
    db
      .collection(collection)
      .where({ _id: db.command.in([...new Set(ids)]) })
      .limit(PAGE),
  );
  return new Map(found.map((doc) => [doc._id, doc]));
}

/** A problem for each id of `ids` (at `path[i]`) that is not a document of the collection. */
export async function unknownIds(
  db: NodeDb,
  collection: CollectionName,
  ids: readonly string[] | undefined,
  path: string,
  what: string,
): Promise<Problem[]> {
  if (!ids || ids.length === 0) return [];
  const found = await existing(db, collection, ids);
  return ids.flatMap((id, i) =>
    found.has(id) ? [] : [{ path: `${path}[${i}]`, message: `${path}[${i}] "${id}" is not a known ${what}` }],
  );
}

/** Inserts a new document; a taken id is a problem naming `id`, and nothing is written. */
export async function insertNew(db: NodeDb, collection: CollectionName, doc: Doc): Promise<Problem[]> {
  try {
    await db.collection(collection).add(doc);
    return [];
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return takenId(doc._id);
  }
}

export function takenId(id: string): Problem[] {
  return [{ path: 'id', message: `id "${id}" is taken: choose another --id` }];
}

/** The course's list price, or undefined when it is not a published course. */
export async function publishedPrice(
  db: NodeDb,
  target: { kind: 'course' | 'bundle'; id: string },
): Promise<number | undefined> {
  const collection = target.kind === 'course' ? COLLECTIONS.courses : COLLECTIONS.bundles;
  const doc = await byId<{ status?: unknown; priceFen?: unknown }>(db, collection, target.id);
  const onSale = target.kind === 'course' ? isCourseOpen(doc) : doc?.status === 'published';
  return onSale && typeof doc?.priceFen === 'number' ? doc.priceFen : undefined;
}

/** The documents that pass their reader; `onBad` hears of each other one. */
export function readEach<T>(
  raws: readonly unknown[],
  read: (raw: unknown) => Validation<T>,
  onBad: (raw: unknown) => void = () => undefined,
): T[] {
  return raws.flatMap((raw) => {
    const result = read(raw);
    if (result.ok) return [result.value];
    onBad(raw);
    return [];
  });
}
