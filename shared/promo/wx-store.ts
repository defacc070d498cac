/**
 * The promo rules' store (./manage.ts) over wx-server-sdk, whose writes take `{ data }`; the node-sdk one is
 * scripts/lib/promo/store.ts.
 */
import { found, getById, isDuplicateKey, type Database } from '../db';
import type { Doc, PromoStore } from './manage';

/** The server's largest page: `existing` is asked about far fewer ids (a coupon's scope is 200 at most). */
const PAGE = 1000;

export function wxPromoStore(db: Database): PromoStore {
  return {
    byId: async (collection, id) => (await getById<Doc>(db, collection, id)) ?? undefined,
    existing: async (collection, ids) => {
      if (ids.length === 0) return new Map();
      const rows = await found<Doc>(
        db
          .collection(collection)
          .where({ _id: db.command.in([...new Set(ids)]) })
          .limit(PAGE),
      );
      return new Map(rows.map((doc) => [doc._id, doc]));
    },
    insertNew: async (collection, doc) => {
      try {
        await db.collection(collection).add({ data: doc });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        return false;
      }
    },
    insertAll: async (collection, docs) => {
      await db.collection(collection).add({ data: [...docs] });
    },
    removeAll: async (collection, ids) => {
      await db
        .collection(collection)
        .where({ _id: db.command.in([...ids]) })
        .remove();
    },
  };
}
