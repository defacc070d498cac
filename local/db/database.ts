import { randomBytes } from 'node:crypto';
import { Query, find, update as applyUpdate, aggregate as mingoAggregate } from 'mingo';
import type { CollectionSpec } from '../../database/collections';
import { CloudApiError, ErrorCodes } from '../server/errors';
import { Collection } from './collection';
import { encodeEjson, type Doc } from './ejson';
import { holdsRegex, withinTimeLimit } from './time-limit';
import type { Change, SqlitePersistence } from './persistence';

/** CloudBase's server-side page size: 100 without `limit()`, at most 1000 with it. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** A transaction left idle this long is aborted (CloudBase also expires open transactions). */
export const TRANSACTION_IDLE_MS = 30_000;

export interface FindOptions {
  order?: Record<string, 1 | -1>;
  offset?: number;
  limit?: number;
  projection?: Doc;
}

export interface UpdateOptions {
  /** Update every match (`where().update()`), or only the first. */
  multi: boolean;
  /** `true`: `data` is an operator document (`update`); `false`: it replaces the document (`set`). */
  merge: boolean;
  /** Insert when nothing matches. */
  upsert: boolean;
}

/** How one read found its documents, like MongoDB's `explain`: through which index, and how many it examined. */
export interface QueryPlan {
  collection: string;
  /** `_id` or the name of the index the candidates came from; undefined when every document was scanned. */
  index?: string;
  /** Documents the filter was tested on. */
  examined: number;
  /** Documents that matched. */
  matched: number;
}

interface Transaction {
  id: string;
  /** The last commit when the transaction started: it reads that snapshot, and a later commit of a document it
   * writes is a conflict. */
  startSeq: number;
  /** Collection → id → staged document (`null` = removed). */
  writes: Map<string, Map<string, Doc | null>>;
  idleTimer: NodeJS.Timeout;
  /** Resolves when the transaction commits or aborts: the writes outside it that wait for its documents go on. */
  ended: Promise<void>;
  end: () => void;
}

/**
 * Thrown by a write outside any transaction that would change a document an open transaction has written; `afterLocks`
 * waits for `ended` and runs the write again.
 */
export class DocumentLocked extends Error {
  constructor(
    readonly ended: Promise<void>,
    where: string,
  ) {
    super(`${where} is being written by an open transaction`);
  }
}

/**
 * The local cloud's document database: CloudBase semantics (strict collections, server limits, unique indexes,
 * `updated` counts) over MongoDB query/update/aggregate semantics from mingo, held in memory with indexes and made
 * durable by an optional SQLite file.
 *
 * Transactions behave as MongoDB's (which CloudBase runs on), with snapshot isolation:
 * - A transaction reads the snapshot of its start, overlaid with its own staged writes: a commit by anyone after the
 *   start does not show through. Others see its writes only after its commit, all at once.
 * - A write in a transaction to a document that another open transaction has written, or that anyone committed
 *   after the start, fails at once, at the write, with DATABASE_TRANSACTION_CONFLICT (MongoDB's WriteConflict), and
 *   the transaction is aborted: the first writer wins and no update is lost. wx-server-sdk hands that error to the
 *   function as errCode -501001 with the message, without the `code` its `runTransaction` retries on, so the caller
 *   runs the transaction again (shared/db `inTransaction`).
 * - A write outside any transaction to a document an open transaction has written waits until that transaction ends
 *   and then applies to what it committed (`afterLocks`); it is never lost and never undone.
 * Older states of documents are kept only while a transaction that may read them is open.
 */
export class LocalDatabase {
  private readonly collections = new Map<string, Collection>();
  private readonly specs = new Map<string, CollectionSpec>();
  private readonly transactions = new Map<string, Transaction>();
  /** `collection\0id` → the open transaction that has written that document. */
  private readonly locks = new Map<string, string>();
  private readonly planObservers = new Set<(plan: QueryPlan) => void>();
  private seq = 0;

  constructor(
    specs: CollectionSpec[],
    private readonly persistence?: SqlitePersistence,
    private readonly clock: () => Date = () => new Date(),
  ) {
    for (const spec of specs) this.specs.set(spec.name, spec);
    const names = new Set([...specs.map((spec) => spec.name), ...(persistence?.collectionNames() ?? [])]);
    for (const name of names) {
      this.collections.set(name, new Collection(name, this.specs.get(name)?.indexes));
      persistence?.addCollection(name);
    }
    if (persistence) {
      for (const { collection, id, doc } of persistence.documents()) this.collections.get(collection)?.put(id, doc, 0);
    }
  }

  now(): Date {
    return this.clock();
  }

  /** Shows `observer` the plan of every read from now on (tests and benchmarks); returns the function that stops it. */
  observePlans(observer: (plan: QueryPlan) => void): () => void {
    this.planObservers.add(observer);
    return () => this.planObservers.delete(observer);
  }

  /** How many documents have older states kept for open transactions' snapshots (tests: the memory they hold). */
  keptStates(): number {
    let kept = 0;
    for (const collection of this.collections.values()) kept += [...collection.historyIds()].length;
    return kept;
  }

  collectionNames(): string[] {
    return [...this.collections.keys()];
  }

  createCollection(name: string): void {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
      throw new CloudApiError(ErrorCodes.invalidParam, `invalid collection name ${JSON.stringify(name)}`);
    }
    if (this.collections.has(name)) {
      throw new CloudApiError(ErrorCodes.collectionAlreadyExist, `collection ${name} already exists`);
    }
    this.collections.set(name, new Collection(name, this.specs.get(name)?.indexes));
    this.persistence?.addCollection(name);
  }

  insert(collectionName: string, docs: Doc[], txId?: string): string[] {
    const collection = this.collection(collectionName);
    const tx = this.transaction(txId);
    const prepared = docs.map((doc) => {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        throw new CloudApiError(ErrorCodes.invalidParam, 'data must be an object or an array of objects');
      }
      const id = doc._id === undefined ? newId() : doc._id;
      if (typeof id !== 'string' || id === '') {
        throw new CloudApiError(ErrorCodes.invalidParam, '_id must be a non-empty string');
      }
      return { ...doc, _id: id };
    });
    const ids = prepared.map((doc) => doc._id);
    if (tx) {
      // A document inserted or removed by anyone since the start is a conflict before it is a duplicate.
      this.checkConflicts(tx, collection, ids);
      for (const doc of prepared) {
        if (this.visibleDoc(collection, doc._id, tx)) throw duplicateId(collectionName, doc._id);
      }
      this.stage(tx, collection, prepared);
    } else {
      this.checkUnlocked(collection, ids);
      this.commitChanges(
        prepared.map((doc) => {
          if (collection.get(doc._id)) throw duplicateId(collectionName, doc._id);
          return { collection: collectionName, id: doc._id, doc };
        }),
      );
    }
    return ids;
  }

  find(collectionName: string, filter: Doc, options: FindOptions = {}, txId?: string): Doc[] {
    const matches = this.matching(collectionName, filter, this.transaction(txId));
    let cursor = find(
      matches,
      {},
      options.projection && Object.keys(options.projection).length ? options.projection : undefined,
    );
    if (options.order && Object.keys(options.order).length > 0) cursor = cursor.sort(options.order);
    if (options.offset) cursor = cursor.skip(options.offset);
    cursor = cursor.limit(Math.min(options.limit ?? DEFAULT_LIMIT, MAX_LIMIT));
    return cursor.all() as Doc[];
  }

  count(collectionName: string, filter: Doc, txId?: string): number {
    return this.matching(collectionName, filter, this.transaction(txId)).length;
  }

  update(
    collectionName: string,
    filter: Doc,
    data: Doc,
    options: UpdateOptions,
    txId?: string,
  ): { updated: number; upsertId?: string } {
    const collection = this.collection(collectionName);
    const tx = this.transaction(txId);
    const targets = this.matching(collectionName, filter, tx);
    const selected = options.multi ? targets : targets.slice(0, 1);
    if (selected.length === 0) {
      if (!options.upsert) return { updated: 0 };
      const base: Doc = { ...equalityFields(filter) };
      const doc = options.merge ? this.applyOperators(base, data) : { ...data, _id: base._id };
      const [upsertId] = this.insert(collectionName, [doc], txId);
      return { updated: 0, upsertId };
    }
    if (!tx)
      this.checkUnlocked(
        collection,
        selected.map((doc) => doc._id as string),
      );
    const changes: Change[] = [];
    for (const current of selected) {
      const id = current._id as string;
      const next = options.merge ? this.applyOperators(structuredClone(current), data) : { ...data, _id: id };
      if (next._id !== id) throw new CloudApiError(ErrorCodes.invalidParam, 'the _id of a document cannot change');
      // As in MongoDB, an update that changes nothing writes nothing (and so cannot conflict).
      if (encodeEjson(next) !== encodeEjson(current)) changes.push({ collection: collectionName, id, doc: next });
    }
    if (tx)
      this.stage(
        tx,
        collection,
        changes.map((change) => change.doc as Doc),
      );
    else this.commitChanges(changes);
    return { updated: changes.length };
  }

  remove(collectionName: string, filter: Doc, multi: boolean, txId?: string): number {
    const collection = this.collection(collectionName);
    const tx = this.transaction(txId);
    const targets = this.matching(collectionName, filter, tx);
    const selected = multi ? targets : targets.slice(0, 1);
    const ids = selected.map((doc) => doc._id as string);
    if (tx) this.stage(tx, collection, [], ids);
    else {
      this.checkUnlocked(collection, ids);
      this.commitChanges(ids.map((id) => ({ collection: collectionName, id, doc: null })));
    }
    return selected.length;
  }

  aggregate(collectionName: string, pipeline: Doc[]): Doc[] {
    const [first, ...rest] = pipeline;
    const leadingMatch = first !== undefined && '$match' in first;
    // A leading $match narrows the input through the indexes before the pipeline runs.
    const docs = this.matching(collectionName, leadingMatch ? (first.$match as Doc) : {}, undefined);
    const options = { collectionResolver: (name: string) => this.matching(name, {}, undefined) };
    const run = () => this.runPipeline(docs, leadingMatch ? rest : pipeline, options);
    // Only a pipeline holding a regular expression is limited: a nightly aggregate over many documents may take long.
    try {
      return holdsRegex(pipeline) ? withinTimeLimit(run) : run();
    } catch (error) {
      throw asQueryError(error);
    }
  }

  /** Runs a pipeline, joining an equality $lookup through the foreign collection's indexes. */
  private runPipeline(input: Doc[], pipeline: Doc[], options: { collectionResolver: (name: string) => Doc[] }): Doc[] {
    let docs = input;
    let segment: Doc[] = [];
    for (const stage of pipeline) {
      const lookup = equalityLookup(stage);
      if (!lookup) {
        segment.push(stage);
        continue;
      }
      // An equality $lookup joins only the foreign documents whose foreignField holds one of the input's
      // localField values, found through the foreign collection's indexes as the real service would.
      if (segment.length > 0) docs = mingoAggregate(docs, segment, options) as Doc[];
      const parts = lookup.localField.split('.');
      // Each value once: many input documents share one (a learner's progress documents, a course's lessons), and
      // every foreign candidate is tested against the whole list.
      const values = [
        ...new Set(
          docs.flatMap((doc) => {
            const found = pathValues(doc, parts);
            // A document without the field joins the foreign documents whose foreignField is null or missing.
            return found.length > 0 ? found : [null];
          }),
        ),
      ];
      const joined = this.joinCandidates(lookup.from, lookup.foreignField, values);
      segment = [{ $lookup: { ...lookup, from: joined } }];
    }
    return segment.length > 0 ? (mingoAggregate(docs, segment, options) as Doc[]) : docs;
  }

  /**
   * The foreign documents an equality `$lookup` may join: through an index on `field`, every document it lists for
   * `values` (a superset is enough: the `$lookup` itself keeps only equal values), without testing each against the
   * whole list; a scan of the matching documents when no index applies or a null value must also join missing fields.
   */
  private joinCandidates(collectionName: string, field: string, values: unknown[]): Doc[] {
    const filter = { [field]: { $in: values } };
    const collection = this.collection(collectionName);
    const candidates = values.every((v) => v !== null && typeof v !== 'object')
      ? collection.candidates(filter)
      : undefined;
    if (!candidates) return this.matching(collectionName, filter, undefined);
    const out: Doc[] = [];
    for (const id of candidates.ids) {
      const doc = this.visibleDoc(collection, id, undefined);
      if (doc) out.push(structuredClone(doc));
    }
    const plan: QueryPlan = {
      collection: collectionName,
      index: candidates.index,
      examined: out.length,
      matched: out.length,
    };
    for (const observer of this.planObservers) observer(plan);
    return out;
  }

  startTransaction(): string {
    const id = newId();
    let end = () => {};
    const ended = new Promise<void>((resolve) => (end = resolve));
    const tx: Transaction = {
      id,
      startSeq: this.seq,
      writes: new Map(),
      idleTimer: setTimeout(() => this.abortTransaction(id), TRANSACTION_IDLE_MS),
      ended,
      end,
    };
    tx.idleTimer.unref();
    this.transactions.set(id, tx);
    return id;
  }

  /** Applies a transaction's writes as one unit (or none of them, on a duplicate key) and ends it. */
  commitTransaction(txId: string): void {
    const tx = this.transaction(txId);
    if (!tx) return;
    const changes: Change[] = [];
    for (const [collection, writes] of tx.writes) {
      for (const [id, doc] of writes) changes.push({ collection, id, doc });
    }
    this.endTransaction(tx);
    this.commitChanges(changes);
  }

  /** Drops a transaction's staged writes; unknown or finished transactions are a no-op. */
  abortTransaction(txId: string): void {
    const tx = this.transactions.get(txId);
    if (tx) this.endTransaction(tx);
  }

  /**
   * Runs a write made outside any transaction. While a document it would change is written by an open transaction,
   * it waits for that transaction to end and runs again, as MongoDB makes it wait.
   */
  async afterLocks<T>(write: () => T): Promise<T> {
    for (;;) {
      try {
        return write();
      } catch (error) {
        if (!(error instanceof DocumentLocked)) throw error;
        await error.ended;
      }
    }
  }

  close(): void {
    for (const id of [...this.transactions.keys()]) this.abortTransaction(id);
    this.persistence?.close();
  }

  private collection(name: string): Collection {
    const collection = this.collections.get(name);
    if (!collection) {
      throw new CloudApiError(ErrorCodes.collectionNotExist, `Db or Table not exist: ${name}`);
    }
    return collection;
  }

  private transaction(txId: string | undefined): Transaction | undefined {
    if (txId === undefined) return undefined;
    const tx = this.transactions.get(txId);
    if (!tx) {
      throw new CloudApiError(ErrorCodes.transactionFail, `transaction ${txId} does not exist or has ended`);
    }
    tx.idleTimer.refresh();
    return tx;
  }

  /** The document as `tx` sees it (its own staged write, else its snapshot), or as committed now. */
  private visibleDoc(collection: Collection, id: string, tx: Transaction | undefined): Doc | undefined {
    if (!tx) return collection.get(id)?.doc;
    const staged = tx.writes.get(collection.name);
    if (staged?.has(id)) return staged.get(id) ?? undefined;
    return collection.versionAt(id, tx.startSeq);
  }

  /** Documents matching `filter` as `tx` (or, without one, every reader) sees them, as private copies. */
  private matching(collectionName: string, filter: Doc, tx: Transaction | undefined): Doc[] {
    const collection = this.collection(collectionName);
    let query: Query;
    try {
      query = new Query(filter);
    } catch (error) {
      throw asQueryError(error);
    }
    const candidates = collection.candidates(filter);
    const ids = new Set<string>(candidates?.ids ?? collection.docs.keys());
    if (tx) {
      // The indexes hold current values: a snapshot may also match documents changed since, or staged.
      for (const id of collection.historyIds()) ids.add(id);
      for (const id of tx.writes.get(collectionName)?.keys() ?? []) ids.add(id);
    }
    const out: Doc[] = [];
    let examined = 0;
    const scan = () => {
      for (const id of ids) {
        const doc = this.visibleDoc(collection, id, tx);
        if (!doc) continue;
        examined += 1;
        if (query.test(doc)) out.push(structuredClone(doc));
      }
    };
    try {
      if (holdsRegex(filter)) withinTimeLimit(scan);
      else scan();
    } catch (error) {
      throw asQueryError(error);
    }
    const plan: QueryPlan = { collection: collectionName, index: candidates?.index, examined, matched: out.length };
    for (const observer of this.planObservers) observer(plan);
    return out;
  }

  private applyOperators(doc: Doc, operators: Doc): Doc {
    const unknown = Object.keys(operators).filter((key) => !key.startsWith('$'));
    if (unknown.length > 0) {
      // The SDK always sends operators; a plain field here means a hand-made request.
      throw new CloudApiError(ErrorCodes.invalidParam, `update data must use operators, got field ${unknown[0]}`);
    }
    try {
      applyUpdate(doc, operators, undefined, undefined, { cloneMode: 'deep' });
    } catch (error) {
      throw new CloudApiError(ErrorCodes.requestFailed, `update failed: ${(error as Error).message}`);
    }
    return doc;
  }

  /**
   * Stages a transaction's writes (documents to store, ids to remove) once none conflicts: a document another open
   * transaction has written, or that was committed after this one started, fails the write and aborts the transaction.
   */
  private stage(tx: Transaction, collection: Collection, docs: Doc[], removedIds: string[] = []): void {
    const ids = [...docs.map((doc) => doc._id as string), ...removedIds];
    this.checkConflicts(tx, collection, ids);
    let writes = tx.writes.get(collection.name);
    if (!writes) tx.writes.set(collection.name, (writes = new Map()));
    for (const doc of docs) writes.set(doc._id as string, doc);
    for (const id of removedIds) writes.set(id, null);
    // Released by endTransaction, which walks the staged writes.
    for (const id of ids) this.locks.set(batchKey(collection.name, id), tx.id);
  }

  /** Fails the write and aborts `tx` if one of the documents it would write conflicts (see `stage`). */
  private checkConflicts(tx: Transaction, collection: Collection, ids: string[]): void {
    for (const id of ids) {
      const holder = this.locks.get(batchKey(collection.name, id));
      const reason =
        holder !== undefined && holder !== tx.id
          ? 'is being written by another transaction'
          : collection.changedAt(id) > tx.startSeq
            ? 'was changed since the transaction started'
            : undefined;
      if (reason) {
        this.endTransaction(tx);
        throw conflict(`document ${id} in ${collection.name} ${reason}`);
      }
    }
  }

  /** A write outside any transaction may not change a document an open transaction has written: it must wait. */
  private checkUnlocked(collection: Collection, ids: string[]): void {
    for (const id of ids) {
      const holder = this.transactions.get(this.locks.get(batchKey(collection.name, id)) ?? '');
      if (holder) throw new DocumentLocked(holder.ended, `document ${id} in ${collection.name}`);
    }
  }

  /** Ends a transaction: its locks are released, its waiters go on, and history no open snapshot needs is dropped. */
  private endTransaction(tx: Transaction): void {
    clearTimeout(tx.idleTimer);
    this.transactions.delete(tx.id);
    for (const [collection, writes] of tx.writes) {
      for (const id of writes.keys()) this.locks.delete(batchKey(collection, id));
    }
    tx.end();
    let oldest: number | undefined;
    for (const open of this.transactions.values()) oldest = Math.min(oldest ?? open.startSeq, open.startSeq);
    for (const collection of this.collections.values()) collection.prune(oldest);
  }

  /**
   * Validates a batch of changes against the unique indexes (of the collections and of the batch itself), then
   * applies it to memory and to the database file as one unit.
   */
  private commitChanges(changes: Change[]): void {
    if (changes.length === 0) return;
    const changedIds = new Set(changes.map((change) => batchKey(change.collection, change.id)));
    const batchKeys = new Map<string, string>();
    for (const change of changes) {
      if (!change.doc) continue;
      const collection = this.collection(change.collection);
      for (const key of collection.uniqueKeys(change.doc)) {
        const scoped = batchKey(change.collection, key);
        const holder = batchKeys.get(scoped);
        if (holder !== undefined && holder !== change.id) throw collection.duplicateError(change.doc, key);
        batchKeys.set(scoped, change.id);
      }
    }
    for (const change of changes) {
      if (!change.doc) continue;
      this.collection(change.collection).checkUnique(change.doc, change.id, (holder) =>
        changedIds.has(batchKey(change.collection, holder)),
      );
    }
    this.persistence?.write(changes);
    const seq = ++this.seq;
    const keepHistory = this.transactions.size > 0;
    for (const change of changes) this.collection(change.collection).write(change.id, change.doc, seq, keepHistory);
  }
}

/** A `$lookup` by `localField`/`foreignField` equality (no sub-pipeline), which the local cloud joins by index. */
function equalityLookup(stage: Doc): { from: string; localField: string; foreignField: string } | undefined {
  const spec = stage.$lookup as Doc | undefined;
  if (spec === null || typeof spec !== 'object' || Object.keys(stage).length !== 1) return undefined;
  const { from, localField, foreignField, pipeline, let: letVars } = spec;
  if (typeof from !== 'string' || typeof localField !== 'string' || typeof foreignField !== 'string') return undefined;
  if (pipeline !== undefined || letVars !== undefined) return undefined;
  // Positional paths (`items.0.id`) are left to mingo's own join.
  if (localField.split('.').some((part) => /^\d+$/.test(part))) return undefined;
  return { ...(spec as { from: string; localField: string; foreignField: string }) };
}

/** The values a dotted path reaches in a document, through arrays as MongoDB traverses them (elements included). */
function pathValues(value: unknown, parts: string[]): unknown[] {
  if (Array.isArray(value)) return parts.length === 0 ? [value, ...value] : value.flatMap((v) => pathValues(v, parts));
  const [head, ...rest] = parts;
  if (head === undefined) return [value];
  if (value === null || typeof value !== 'object' || value instanceof Date) return [];
  const next = (value as Doc)[head];
  return next === undefined ? [] : pathValues(next, rest);
}

function newId(): string {
  return randomBytes(16).toString('hex');
}

function batchKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

/** Top-level equality fields of a filter: the starting document of an upsert, as in MongoDB. */
function equalityFields(filter: Doc): Doc {
  const out: Doc = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) continue;
    if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) {
      if (Object.keys(value).some((k) => k.startsWith('$'))) continue;
    }
    out[key] = value;
  }
  return out;
}

/** MongoDB's WriteConflict, which CloudBase passes on (the assumption the contract suite names). */
function conflict(detail: string): CloudApiError {
  return new CloudApiError(
    ErrorCodes.transactionConflict,
    `WriteConflict error: this operation conflicted with another operation. Please retry your operation or multi-document transaction. (${detail})`,
  );
}

function duplicateId(collection: string, id: string): CloudApiError {
  return new CloudApiError(
    ErrorCodes.requestFailed,
    `E11000 duplicate key error collection: ${collection} index: _id_ dup key: { _id: ${JSON.stringify(id)} }`,
  );
}

function asQueryError(error: unknown): CloudApiError {
  if (error instanceof CloudApiError) return error;
  // A `$regex` string (or `$regexMatch` pattern) that does not compile: a bad parameter, like an EJSON pattern.
  if (error instanceof Error && error.name === 'SyntaxError' && /regular expression/i.test(error.message)) {
    return new CloudApiError(ErrorCodes.invalidParam, `invalid query: ${error.message}`);
  }
  return new CloudApiError(ErrorCodes.invalidOperator, `invalid query: ${(error as Error).message}`);
}
