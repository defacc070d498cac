import type { AdminRequest, AdminRouter } from '../server/admin';
import { CloudApiError, ErrorCodes } from '../server/errors';
import type { LocalDatabase } from './database';
import { decodeEjson, encodeEjson, type Doc } from './ejson';

/** The `database.*` actions of the server API (docs/cloudbase-protocol.md §3), over a LocalDatabase. */
export function registerDatabaseActions(router: AdminRouter, db: LocalDatabase): void {
  router.register('database.addCollection', ({ params }) => {
    db.createCollection(requireString(params, 'collectionName'));
    return {};
  });

  // Writes outside a transaction wait for the open transactions that hold their documents (LocalDatabase.afterLocks).
  router.register('database.insertDocument', async ({ params }) => {
    // The SDK sends `data` as an array of EJSON strings, one per document.
    const raw = params.data;
    if (raw === undefined) throw new CloudApiError(ErrorCodes.invalidParam, 'data is required');
    const items = Array.isArray(raw) ? raw : [raw];
    const docs = items.flatMap((item, index) => {
      const value = decodeEjson(item, `data[${index}]`, db.now());
      return (Array.isArray(value) ? value : [value]) as Doc[];
    });
    if (docs.length === 0) throw new CloudApiError(ErrorCodes.invalidParam, 'data must not be empty');
    const collectionName = requireString(params, 'collectionName');
    return { data: { insertedIds: await db.afterLocks(() => db.insert(collectionName, docs, txId(params))) } };
  });

  router.register('database.getDocument', ({ params }) => {
    const list = db.find(
      requireString(params, 'collectionName'),
      filterOf(params, db),
      {
        order: orderOf(params, db),
        offset: optionalNumber(params, 'offset'),
        limit: optionalNumber(params, 'limit'),
        projection: params.projection === undefined ? undefined : (decode(params, 'projection', db) as Doc),
      },
      txId(params),
    );
    return { data: { list: list.map(encodeEjson) } };
  });

  router.register('database.calculateDocument', ({ params }) => ({
    data: { total: db.count(requireString(params, 'collectionName'), filterOf(params, db), txId(params)) },
  }));

  router.register('database.modifyDocument', async ({ params }) => {
    const data = decode(params, 'data', db);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new CloudApiError(ErrorCodes.invalidParam, 'data must be an object');
    }
    const collectionName = requireString(params, 'collectionName');
    const filter = filterOf(params, db);
    const options = { multi: params.multi === true, merge: params.merge !== false, upsert: params.upsert === true };
    const result = await db.afterLocks(() => db.update(collectionName, filter, data as Doc, options, txId(params)));
    return { data: { updated: result.updated, ...(result.upsertId ? { upsert_id: result.upsertId } : {}) } };
  });

  router.register('database.removeDocument', async ({ params }) => {
    const collectionName = requireString(params, 'collectionName');
    const filter = filterOf(params, db);
    return {
      data: {
        deleted: await db.afterLocks(() => db.remove(collectionName, filter, params.multi === true, txId(params))),
      },
    };
  });

  router.register('database.aggregateDocuments', ({ params }) => {
    const stages = params.stages;
    if (!Array.isArray(stages)) throw new CloudApiError(ErrorCodes.invalidParam, 'stages must be an array');
    const pipeline = stages.map((stage: unknown, index) => {
      const { stageKey, stageValue } = (stage ?? {}) as { stageKey?: unknown; stageValue?: unknown };
      if (typeof stageKey !== 'string' || !stageKey.startsWith('$')) {
        throw new CloudApiError(ErrorCodes.invalidParam, `stages[${index}].stageKey must be a $-operator`);
      }
      return { [stageKey]: decodeEjson(stageValue, `stages[${index}].stageValue`, db.now()) };
    });
    return { data: { list: db.aggregate(requireString(params, 'collectionName'), pipeline).map(encodeEjson) } };
  });

  router.register('database.startTransaction', () => ({ transactionId: db.startTransaction() }));
  router.register('database.commitTransaction', ({ params }) => {
    db.commitTransaction(requireString(params, 'transactionId'));
    return {};
  });
  router.register('database.abortTransaction', ({ params }) => {
    db.abortTransaction(requireString(params, 'transactionId'));
    return {};
  });
}

function requireString(params: AdminRequest['params'], field: string): string {
  const value = params[field];
  if (typeof value !== 'string' || value === '')
    throw new CloudApiError(ErrorCodes.invalidParam, `${field} is required`);
  return value;
}

function optionalNumber(params: AdminRequest['params'], field: string): number | undefined {
  const value = params[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new CloudApiError(ErrorCodes.invalidParam, `${field} must be a non-negative integer`);
  }
  return value;
}

function txId(params: AdminRequest['params']): string | undefined {
  return typeof params.transactionId === 'string' ? params.transactionId : undefined;
}

function decode(params: AdminRequest['params'], field: string, db: LocalDatabase): unknown {
  if (params[field] === undefined) throw new CloudApiError(ErrorCodes.invalidParam, `${field} is required`);
  return decodeEjson(params[field], field, db.now());
}

function filterOf(params: AdminRequest['params'], db: LocalDatabase): Doc {
  if (params.query === undefined || params.query === '') return {};
  const filter = decode(params, 'query', db);
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw new CloudApiError(ErrorCodes.invalidParam, 'query must be an object');
  }
  return filter as Doc;
}

/** `order` as the SDK sends it (`{"price":-1}`), or the older `[{field, direction}]` list. */
function orderOf(params: AdminRequest['params'], db: LocalDatabase): Record<string, 1 | -1> | undefined {
  if (params.order === undefined || params.order === '') return undefined;
  const order = decode(params, 'order', db);
  const pairs: [string, unknown][] = Array.isArray(order)
    ? order.map((item) => [(item as { field?: string }).field ?? '', (item as { direction?: unknown }).direction])
    : Object.entries((order ?? {}) as Doc);
  const out: Record<string, 1 | -1> = {};
  for (const [field, direction] of pairs) {
    if (!field) throw new CloudApiError(ErrorCodes.invalidParam, 'order field must be a non-empty string');
    out[field] = direction === -1 || direction === 'desc' ? -1 : 1;
  }
  return out;
}
