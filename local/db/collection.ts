import type { IndexSpec } from '../../database/collections';
import { CloudApiError, ErrorCodes } from '../server/errors';
import { encodeEjson, type Doc } from './ejson';

/** A document with the global write sequence number of its last committed change (for conflict detection). */
export interface StoredDoc {
  doc: Doc;
  seq: number;
}

/** A document's state from the commit numbered `seq` on (`null`: it did not exist). */
interface Version {
  seq: number;
  doc: Doc | null;
}

interface IndexState {
  spec: IndexSpec;
  fields: string[];
  /** First-field key → ids, for equality lookups (multikey: an array value is indexed by each element too). */
  byFirstField: Map<string, Set<string>>;
  /** Whole-key → id, for unique indexes only. */
  unique?: Map<string, string>;
}

/** The documents a filter can match and the index that found them (`_id` or an index name). */
export interface Candidates {
  index: string;
  ids: Set<string>;
}

/** One collection held in memory, with its secondary indexes. Persistence is the database's concern. */
export class Collection {
  readonly docs = new Map<string, StoredDoc>();
  /**
   * Id → its states, oldest first and the current one last, for the documents changed while a transaction is open:
   * what a transaction's snapshot reads, and when the document last changed (a removal included). Pruned to what the
   * open transactions still need (`prune`).
   */
  private readonly history = new Map<string, Version[]>();
  private readonly indexes: IndexState[];

  constructor(
    readonly name: string,
    specs: IndexSpec[] = [],
  ) {
    this.indexes = specs.map((spec) => ({
      spec,
      fields: Object.keys(spec.keys),
      byFirstField: new Map(),
      unique: spec.unique ? new Map() : undefined,
    }));
  }

  get(id: string): StoredDoc | undefined {
    return this.docs.get(id);
  }

  /**
   * Throws the service's duplicate-key error if `doc` would break a unique index held by another committed document,
   * unless that holder is itself being changed in the same batch (its new keys are checked within the batch).
   */
  checkUnique(doc: Doc, selfId: string, isChanging: (id: string) => boolean): void {
    for (const index of this.indexes) {
      const holder = index.unique?.get(uniqueKey(index, doc));
      if (holder !== undefined && holder !== selfId && !isChanging(holder)) throw duplicateKey(this.name, index, doc);
    }
  }

  /** Throws the duplicate-key error for `doc` on the unique index whose batch key `key` it shares. */
  duplicateError(doc: Doc, key: string): CloudApiError {
    const name = key.slice(0, key.indexOf('\u0001'));
    const index = this.indexes.find((candidate) => candidate.spec.name === name);
    if (!index) throw new Error(`no index ${name}`);
    return duplicateKey(this.name, index, doc);
  }

  /** The unique-index keys a document takes, for checking a batch of writes against itself. */
  uniqueKeys(doc: Doc): string[] {
    return this.indexes
      .filter((index) => index.unique)
      .map((index) => `${index.spec.name}\u0001${uniqueKey(index, doc)}`);
  }

  /** The sequence number of the last committed change to `id` (a removal too, while a transaction is open). */
  changedAt(id: string): number {
    const versions = this.history.get(id);
    return versions ? (versions.at(-1)?.seq ?? 0) : (this.docs.get(id)?.seq ?? 0);
  }

  /** The document as it was after commit `seq` (a transaction's snapshot), or undefined if it did not exist. */
  versionAt(id: string, seq: number): Doc | undefined {
    const versions = this.history.get(id);
    if (!versions) return this.docs.get(id)?.doc;
    for (let i = versions.length - 1; i >= 0; i--) {
      const version = versions[i] as Version;
      if (version.seq <= seq) return version.doc ?? undefined;
    }
    return undefined;
  }

  /** Ids whose states are kept: a snapshot may match them through values the indexes no longer hold. */
  historyIds(): Iterable<string> {
    return this.history.keys();
  }

  /** Stores `doc` (`null`: removes it) as of commit `seq`; with `keepHistory`, its previous state stays readable. */
  write(id: string, doc: Doc | null, seq: number, keepHistory: boolean): void {
    if (keepHistory) {
      let versions = this.history.get(id);
      if (!versions) {
        const previous = this.docs.get(id);
        versions = [{ seq: previous?.seq ?? 0, doc: previous?.doc ?? null }];
        this.history.set(id, versions);
      }
      versions.push({ seq, doc });
    }
    if (doc) this.put(id, doc, seq);
    else this.delete(id);
  }

  /**
   * Forgets the states no snapshot at or after `oldestSnapshot` can read (every kept state when no transaction is
   * open): memory for history is held only while transactions that may read it are open.
   */
  prune(oldestSnapshot: number | undefined): void {
    if (oldestSnapshot === undefined) {
      this.history.clear();
      return;
    }
    for (const [id, versions] of this.history) {
      let first = 0;
      for (let i = 0; i < versions.length; i++) if ((versions[i] as Version).seq <= oldestSnapshot) first = i;
      // One state left is the current one, which `docs` holds.
      if (first >= versions.length - 1) this.history.delete(id);
      else if (first > 0) versions.splice(0, first);
    }
  }

  put(id: string, doc: Doc, seq: number): void {
    const previous = this.docs.get(id);
    if (previous) this.unindex(id, previous.doc);
    this.docs.set(id, { doc, seq });
    for (const index of this.indexes) {
      for (const key of valueKeys(getPath(doc, index.fields[0] ?? '_id'))) addToSet(index.byFirstField, key, id);
      index.unique?.set(uniqueKey(index, doc), id);
    }
  }

  private delete(id: string): void {
    const previous = this.docs.get(id);
    if (!previous) return;
    this.unindex(id, previous.doc);
    this.docs.delete(id);
  }

  /**
   * Ids that can match `filter`, from `_id` or the most selective index on a field the filter fixes by equality or
   * `$in`; `undefined` when no index applies and every document must be scanned.
   */
  candidates(filter: Doc): Candidates | undefined {
    const idValues = equalityValues(filter, '_id');
    if (idValues) {
      return { index: '_id', ids: new Set(idValues.filter((value): value is string => typeof value === 'string')) };
    }
    let best: Candidates | undefined;
    for (const index of this.indexes) {
      const values = equalityValues(filter, index.fields[0] ?? '_id');
      if (!values) continue;
      const ids = new Set<string>();
      for (const value of values) for (const id of index.byFirstField.get(scalarKey(value)) ?? []) ids.add(id);
      if (!best || ids.size < best.ids.size) best = { index: index.spec.name, ids };
    }
    return best;
  }

  private unindex(id: string, doc: Doc): void {
    for (const index of this.indexes) {
      for (const key of valueKeys(getPath(doc, index.fields[0] ?? '_id'))) {
        const ids = index.byFirstField.get(key);
        ids?.delete(id);
        if (ids?.size === 0) index.byFirstField.delete(key);
      }
      const key = uniqueKey(index, doc);
      if (index.unique?.get(key) === id) index.unique.delete(key);
    }
  }
}

/** The values a filter pins `field` to (`{f: v}`, `{f: {$eq: v}}`, `{f: {$in: [...]}}`, also inside `$and`). */
function equalityValues(filter: Doc, field: string): unknown[] | undefined {
  if (Object.prototype.hasOwnProperty.call(filter, field)) {
    const condition = filter[field];
    if (isPlainEquality(condition)) return [condition];
    if (isOperatorObject(condition)) {
      const ops = condition as Doc;
      if ('$eq' in ops && isPlainEquality(ops.$eq)) return [ops.$eq];
      if (Array.isArray(ops.$in) && ops.$in.every(isPlainEquality)) return ops.$in;
    }
  }
  if (Array.isArray(filter.$and)) {
    for (const part of filter.$and) {
      if (part && typeof part === 'object') {
        const values = equalityValues(part as Doc, field);
        if (values) return values;
      }
    }
  }
  return undefined;
}

function isOperatorObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || value instanceof Date || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

/** Values an index can look up exactly: scalars and dates (not regexes, sub-documents, arrays or operators). */
function isPlainEquality(value: unknown): boolean {
  return value === null || value instanceof Date || ['string', 'number', 'boolean'].includes(typeof value);
}

export function getPath(doc: Doc, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Doc)[part];
  }
  return current;
}

function scalarKey(value: unknown): string {
  if (value === undefined || value === null) return 'z';
  if (value instanceof Date) return `d${value.getTime()}`;
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return `n${value}`;
    case 'boolean':
      return `b${value}`;
    default:
      return `o${encodeEjson(value)}`;
  }
}

/** Keys an indexed value is found under: itself, and each element of an array (MongoDB multikey semantics). */
function valueKeys(value: unknown): string[] {
  if (!Array.isArray(value)) return [scalarKey(value)];
  return [scalarKey(value), ...value.map(scalarKey)];
}

function uniqueKey(index: IndexState, doc: Doc): string {
  return index.fields.map((field) => scalarKey(getPath(doc, field))).join('\u0000');
}

function addToSet(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (set) set.add(id);
  else map.set(key, new Set([id]));
}

function duplicateKey(collection: string, index: IndexState, doc: Doc): CloudApiError {
  const key = index.fields.map((field) => `${field}: ${JSON.stringify(getPath(doc, field) ?? null)}`).join(', ');
  return new CloudApiError(
    ErrorCodes.requestFailed,
    `E11000 duplicate key error collection: ${collection} index: ${index.spec.name} dup key: { ${key} }`,
  );
}
