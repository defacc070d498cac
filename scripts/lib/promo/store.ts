/** The few node-sdk reads and writes the promo commands share. */
import type { CollectionName } from '../../../shared/collections';
import type { Validation } from '../../../shared/contract';
import { isDuplicateKey } from '../../../shared/db';
import type { Doc, PromoStore } from '../../../shared/promo/manage';
import type { NodeDb } from '../../../toolchain/catalog-store';

/** The server's largest page. */
export const PAGE = 1000;

export type { Doc };

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

/**
 * The promo rules' store (shared/promo/manage.ts) over node-sdk, whose writes take the data itself (`add(doc)`,
 * `where().remove()`), where wx-server-sdk takes `{ data }`.
 */
export function nodePromoStore(db: NodeDb): PromoStore {
  return {
    byId: (collection, id) => byId<Doc>(db, collection, id),
    existing: (collection, ids) => existing<Doc>(db, collection, ids),
    insertNew: async (collection, doc) => {
      try {
        await db.collection(collection).add(doc);
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        return false;
      }
    },
    insertAll: async (collection, docs) => {
      await db.collection(collection).add([...docs]);
    },
    removeAll: async (collection, ids) => {
      await db
        .collection(collection)
        .where({ _id: db.command.in([...ids]) })
        .remove();
    },
  };
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
