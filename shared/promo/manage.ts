/**
 * Creating and stopping coupons, limited-time prices and batches of redemption codes: the rules `npm run promo`
 * (node-sdk, scripts/lib/promo) and the creator center (wx-server-sdk, shared/creator/promotions.ts) both follow.
 * The two SDKs differ only in the shape of their write calls, so the rules reach the database through `PromoStore`,
 * which each side implements in a few lines (scripts/lib/promo/store.ts, ./wx-store.ts).
 *
 * Every document is read back through its reader (./documents.ts) and its references checked before anything is
 * written; every problem is reported at once, by the document field it concerns (`id` for `_id`), with an English
 * message for the command line and a `rule` a caller may put in its own words.
 */
import { randomBytes } from 'node:crypto';
import { isCourseOpen } from '../catalog/visibility';
import { COLLECTIONS, type CollectionName } from '../collections';
import type { Problem, Validation } from '../contract';
import { codeHash, generateCodes, normalizeCode, type RandomBytes } from './codes';
import {
  COUPON_TERMS,
  readCoupon,
  readPromotion,
  readRedeemBatch,
  type CouponDoc,
  type PromoStatus,
  type PromoTarget,
  type PromotionDoc,
  type RedeemBatchDoc,
  type RedeemCodeDoc,
} from './documents';
import { yuanText } from './labels';

export type Doc = { _id: string; [field: string]: unknown };

/** The reads and writes the rules need, over either SDK. */
export interface PromoStore {
  byId(collection: CollectionName, id: string): Promise<Doc | undefined>;
  /** The documents among `ids`, by id. */
  existing(collection: CollectionName, ids: readonly string[]): Promise<Map<string, Doc>>;
  /** Inserts a document; false when its id is taken (nothing written). */
  insertNew(collection: CollectionName, doc: Doc): Promise<boolean>;
  /** Inserts documents with ids nobody else writes (keyed hashes). */
  insertAll(collection: CollectionName, docs: readonly Doc[]): Promise<void>;
  removeAll(collection: CollectionName, ids: readonly string[]): Promise<void>;
}

/** Why a problem was found, beyond the schema's own messages (which carry no rule). */
export type PromoRule =
  'termNotOfKind' | 'unknownId' | 'notPublished' | 'notBelowListPrice' | 'expiresInPast' | 'idTaken';

export type PromoProblem = Problem & { rule?: PromoRule };

export type Created<T> = { ok: true; doc: T; created: boolean } | { ok: false; problems: PromoProblem[] };

/** A new id for a document nobody named: `coupon-3f9a2b1c0d4e`. */
export function newPromoId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** The fields given, without those left out (a document never stores `undefined`). */
export function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The reader's problems, with `_id` called `id`; a missing `target` is left out, since the caller reported how the
 * target was (not) given already.
 */
export function named<T>(read: Validation<T>): PromoProblem[] {
  if (read.ok) return [];
  return read.problems
    .filter((p) => p.path !== 'target')
    .map((p) => (p.path === '_id' ? { path: 'id', message: p.message.replace(/^_id\b/, 'id') } : p));
}

export function takenId(id: string): PromoProblem[] {
  return [{ path: 'id', message: `id "${id}" is taken: choose another --id`, rule: 'idTaken' }];
}

/** The figures a coupon may carry, whatever its kind. */
export const TERM_FIELDS = ['amountFen', 'percentOff', 'maxOffFen', 'thresholdFen'] as const;

/** A problem for each figure given that the coupon's kind does not use (an unknown kind is the reader's to name). */
export function termProblems(kind: unknown, terms: Record<string, unknown>): PromoProblem[] {
  if (typeof kind !== 'string' || !(kind in COUPON_TERMS)) return [];
  const own = COUPON_TERMS[kind as keyof typeof COUPON_TERMS];
  return Object.keys(terms)
    .filter((field) => !(field in own.properties))
    .map((field) => ({
      path: field,
      message: `${field} is not used by a coupon of kind ${kind}`,
      rule: 'termNotOfKind',
    }));
}

/** The course's or bundle's list price, or undefined when it is not on sale. */
export async function publishedPrice(store: PromoStore, target: PromoTarget): Promise<number | undefined> {
  const collection = target.kind === 'course' ? COLLECTIONS.courses : COLLECTIONS.bundles;
  const doc = await store.byId(collection, target.id);
  const status = { status: doc?.status };
  const onSale = target.kind === 'course' ? isCourseOpen(status) : status.status === 'published';
  return onSale && typeof doc?.priceFen === 'number' ? doc.priceFen : undefined;
}

function notPublished(target: PromoTarget): PromoProblem {
  const name = target.kind;
  return { path: name, message: `${name} "${target.id}" is not a published ${name}`, rule: 'notPublished' };
}

/** A problem for each id of `ids` (at `path[i]`) that is not a document of the collection. */
export async function unknownIds(
  store: PromoStore,
  collection: CollectionName,
  ids: readonly string[] | undefined,
  path: string,
  what: string,
): Promise<PromoProblem[]> {
  if (!ids || ids.length === 0) return [];
  const found = await store.existing(collection, ids);
  return ids.flatMap((id, i) =>
    found.has(id)
      ? []
      : [
          {
            path: `${path}[${i}]`,
            message: `${path}[${i}] "${id}" is not a known ${what}`,
            rule: 'unknownId' as const,
          },
        ],
  );
}

async function insert<T extends { _id: string }>(
  store: PromoStore,
  collection: CollectionName,
  raw: Record<string, unknown>,
  doc: T,
): Promise<Created<T>> {
  if (!(await store.insertNew(collection, raw as Doc))) return { ok: false, problems: takenId(doc._id) };
  return { ok: true, doc, created: true };
}

/**
 * A new coupon from its fields (`claimed` 0 and `status` active are the caller's), after `problems` the caller found
 * in how they were given: read back, its terms per kind, its scope's courses, categories and bundles known.
 */
export async function saveCoupon(
  store: PromoStore,
  raw: Record<string, unknown>,
  problems: PromoProblem[] = [],
): Promise<Created<CouponDoc>> {
  const terms = defined(Object.fromEntries(TERM_FIELDS.map((field) => [field, raw[field]])));
  problems.push(...termProblems(raw.kind, terms));
  const read = readCoupon(raw);
  problems.push(...named(read));
  if (!read.ok || problems.length > 0) return { ok: false, problems };
  const scope = read.value.appliesTo;
  problems.push(
    ...(await unknownIds(store, COLLECTIONS.courses, scope.courseIds, 'courseIds', 'course')),
    ...(await unknownIds(store, COLLECTIONS.categories, scope.categories, 'categories', 'category')),
    ...(await unknownIds(store, COLLECTIONS.bundles, scope.bundleIds, 'bundleIds', 'bundle')),
  );
  if (problems.length > 0) return { ok: false, problems };
  return insert(store, COLLECTIONS.coupons, raw, read.value);
}

/** A new limited-time price: read back, its target on sale, its price below the target's list price. */
export async function saveDiscount(
  store: PromoStore,
  raw: Record<string, unknown>,
  problems: PromoProblem[] = [],
): Promise<Created<PromotionDoc>> {
  const read = readPromotion(raw);
  problems.push(...named(read));
  if (!read.ok || problems.length > 0) return { ok: false, problems };
  const listPrice = await publishedPrice(store, read.value.target);
  if (listPrice === undefined) return { ok: false, problems: [notPublished(read.value.target)] };
  if (read.value.priceFen >= listPrice) {
    const message = `priceFen must be below the list price ${listPrice} (${yuanText(listPrice)}), or it never applies`;
    return { ok: false, problems: [{ path: 'priceFen', message, rule: 'notBelowListPrice' }] };
  }
  return insert(store, COLLECTIONS.promotions, raw, read.value);
}

/** Codes per insert. */
const CODES_PER_WRITE = 500;

export interface IssuedCodes {
  batch: RedeemBatchDoc;
  /** As a person types them, `7K3M-Q9XD-2HWT-B8NE`: handed back once, stored nowhere. */
  codes: string[];
}

/**
 * A batch of redemption codes for a course or bundle on sale. The codes are generated here (80 random bits each) and
 * never stored: the database gets each code's hash under `key` and the batch. The codes go in first and the batch
 * last, so a run that stops half-way leaves codes without a batch, which redeem nothing.
 */
export async function issueCodes(
  store: PromoStore,
  raw: Record<string, unknown>,
  problems: PromoProblem[],
  now: Date,
  key: () => Promise<string>,
  random?: RandomBytes,
): Promise<{ ok: true; issued: IssuedCodes } | { ok: false; problems: PromoProblem[] }> {
  const read = readRedeemBatch(raw);
  problems.push(...named(read));
  if (!read.ok || problems.length > 0) return { ok: false, problems };
  const batch = read.value;
  if ((await publishedPrice(store, batch.target)) === undefined) {
    return { ok: false, problems: [notPublished(batch.target)] };
  }
  if (batch.expiresAt !== undefined && Date.parse(batch.expiresAt) <= now.getTime()) {
    return {
      ok: false,
      problems: [{ path: 'expiresAt', message: 'expiresAt must be in the future', rule: 'expiresInPast' }],
    };
  }
  // Checked before any code is written: a code under another batch's id would redeem under that batch.
  if (await store.byId(COLLECTIONS.redeemBatches, batch._id)) return { ok: false, problems: takenId(batch._id) };

  const secret = await key();
  const codes = generateCodes(batch.count, random);
  const stored: RedeemCodeDoc[] = codes.map((code) => ({
    _id: codeHash(secret, normalizeCode(code) as string),
    batchId: batch._id,
    target: batch.target,
    status: 'unused',
    ...(batch.expiresAt !== undefined ? { expiresAt: batch.expiresAt } : {}),
  }));
  const chunks: RedeemCodeDoc[][] = [];
  for (let i = 0; i < stored.length; i += CODES_PER_WRITE) chunks.push(stored.slice(i, i + CODES_PER_WRITE));
  for (const chunk of chunks) await store.insertAll(COLLECTIONS.redeemCodes, chunk);
  if (!(await store.insertNew(COLLECTIONS.redeemBatches, raw as Doc))) {
    // Another run took the id in between: its batch must not gain these codes.
    for (const chunk of chunks) {
      await store.removeAll(
        COLLECTIONS.redeemCodes,
        chunk.map((c) => c._id),
      );
    }
    return { ok: false, problems: takenId(batch._id) };
  }
  return { ok: true, issued: { batch, codes } };
}

/** What a status change does: nothing (already so), a write, or a refusal (a revoked one stays revoked). */
export type StatusChange = { ok: true; changed: boolean } | { ok: false; refusal: 'final' };

export function statusChange(from: PromoStatus, to: PromoStatus): StatusChange {
  if (from === to) return { ok: true, changed: false };
  if (from === 'revoked') return { ok: false, refusal: 'final' };
  return { ok: true, changed: true };
}

/** The collection of each kind the creator center and `revoke` change the status of. */
export const STATUS_COLLECTIONS = {
  coupon: COLLECTIONS.coupons,
  discount: COLLECTIONS.promotions,
  batch: COLLECTIONS.redeemBatches,
} as const satisfies Record<string, CollectionName>;
