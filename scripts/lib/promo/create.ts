/**
 * `npm run promo -- coupon | discount | bundle`: a coupon, a limited-time price (`promotions`), a membership or 专栏
 * (created, or updated in place by its id). Each document is read back through its reader (shared/promo/documents.ts)
 * and its references checked before anything is written; every problem is reported at once, naming the option.
 */
import { COLLECTIONS } from '../../../shared/collections';
import type { Problem, Validation } from '../../../shared/contract';
import {
  COUPON_TERMS,
  readBundle,
  readCoupon,
  readPromotion,
  type BundleDoc,
  type CouponDoc,
  type PromotionDoc,
} from '../../../shared/promo/documents';
import { yuanText } from '../../../shared/promo/labels';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { list, newId, numeric, targetOf, text, windowOf, type Options } from './options';
import { byId, insertNew, publishedPrice, unknownIds, type Doc } from './store';

export type Created<T> = { ok: true; doc: T; created: boolean } | { ok: false; problems: Problem[] };

/** The fields given, without those left out (a document never stores `undefined`). */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The reader's problems, with `_id` called by its option's name; a missing `target` is left out, since `--course` or
 * `--bundle` was reported missing already (./options.ts `targetOf`).
 */
export function named<T>(read: Validation<T>): Problem[] {
  if (read.ok) return [];
  return read.problems
    .filter((p) => p.path !== 'target')
    .map((p) => (p.path === '_id' ? { path: 'id', message: p.message.replace(/^_id\b/, 'id') } : p));
}

const TERM_FIELDS = ['amountFen', 'percentOff', 'maxOffFen', 'thresholdFen'] as const;

export async function createCoupon(db: NodeDb, options: Options, now: Date): Promise<Created<CouponDoc>> {
  const kind = text(options, 'kind');
  const { window, problems } = windowOf(options, now);
  const appliesTo = defined({
    all: options.all === true ? true : undefined,
    courseIds: list(options, 'courseIds'),
    categories: list(options, 'categories'),
    bundleIds: list(options, 'bundleIds'),
  });
  const terms = defined(Object.fromEntries(TERM_FIELDS.map((field) => [field, numeric(options, field)])));
  const own = kind !== undefined && kind in COUPON_TERMS ? COUPON_TERMS[kind as keyof typeof COUPON_TERMS] : undefined;
  if (own) {
    for (const field of Object.keys(terms)) {
      if (!(field in own.properties))
        problems.push({ path: field, message: `${field} is not used by a coupon of kind ${kind}` });
    }
  }
  const doc = defined({
    _id: text(options, 'id') ?? newId('coupon'),
    title: text(options, 'title'),
    kind,
    ...terms,
    ...window,
    stock: numeric(options, 'stock'),
    claimed: 0,
    perLearner: numeric(options, 'perLearner') ?? 1,
    appliesTo,
    status: 'active',
    createdAt: now.toISOString(),
  });
  const read = readCoupon(doc);
  problems.push(...named(read));
  if (!read.ok || problems.length > 0) return { ok: false, problems };
  const scope = read.value.appliesTo;
  problems.push(
    ...(await unknownIds(db, COLLECTIONS.courses, scope.courseIds, 'courseIds', 'course')),
    ...(await unknownIds(db, COLLECTIONS.categories, scope.categories, 'categories', 'category')),
    ...(await unknownIds(db, COLLECTIONS.bundles, scope.bundleIds, 'bundleIds', 'bundle')),
  );
  if (problems.length === 0) problems.push(...(await insertNew(db, COLLECTIONS.coupons, doc as Doc)));
  return problems.length === 0 ? { ok: true, doc: read.value, created: true } : { ok: false, problems };
}

export async function createDiscount(db: NodeDb, options: Options, now: Date): Promise<Created<PromotionDoc>> {
  const { target, problems } = targetOf(options);
  const { window, problems: windowProblems } = windowOf(options, now);
  problems.push(...windowProblems);
  const doc = defined({
    _id: text(options, 'id') ?? newId('discount'),
    target,
    priceFen: numeric(options, 'priceFen'),
    ...window,
    label: text(options, 'label') ?? '限时特惠',
    status: 'active',
    createdAt: now.toISOString(),
  });
  const read = readPromotion(doc);
  problems.push(...named(read));
  if (!read.ok || problems.length > 0) return { ok: false, problems };
  const listPrice = await publishedPrice(db, read.value.target);
  const name = read.value.target.kind;
  if (listPrice === undefined) {
    problems.push({ path: name, message: `${name} "${read.value.target.id}" is not a published ${name}` });
  } else if (read.value.priceFen >= listPrice) {
    problems.push({
      path: 'priceFen',
      message: `priceFen must be below the list price ${listPrice} (${yuanText(listPrice)}), or it never applies`,
    });
  }
  if (problems.length === 0) problems.push(...(await insertNew(db, COLLECTIONS.promotions, doc as Doc)));
  return problems.length === 0 ? { ok: true, doc: read.value, created: true } : { ok: false, problems };
}

/**
 * Creates the bundle `--id`, or updates it: the options given replace the stored fields (a course added to
 * `--courseIds` opens to its holders at once). A new bundle without `--cover` takes its first course's cover.
 */
export async function saveBundle(db: NodeDb, options: Options, now: Date): Promise<Created<BundleDoc>> {
  const id = text(options, 'id');
  if (id === undefined) return { ok: false, problems: [{ path: 'id', message: 'id is required' }] };
  const stored = await byId<Doc>(db, COLLECTIONS.bundles, id);
  const courseIds = list(options, 'courseIds');
  const given = defined({
    title: text(options, 'title'),
    subtitle: text(options, 'subtitle'),
    cover: text(options, 'cover'),
    priceFen: numeric(options, 'priceFen'),
    kind: text(options, 'kind'),
    termDays: numeric(options, 'termDays'),
    courseIds,
    status: text(options, 'status'),
  });
  const merged: Record<string, unknown> = {
    subtitle: '',
    courseIds: [],
    status: 'published',
    createdAt: now.toISOString(),
    ...stored,
    ...given,
    _id: id,
    updatedAt: now.toISOString(),
  };
  // A membership made a 专栏 loses its term unless one is given (and refused) again.
  if (given.kind === 'column' && given.termDays === undefined) delete merged.termDays;
  if (merged.cover === undefined) {
    const first = (merged.courseIds as unknown[])[0];
    const course = typeof first === 'string' ? await byId<Doc>(db, COLLECTIONS.courses, first) : undefined;
    if (typeof course?.cover === 'string') merged.cover = course.cover;
  }
  const read = readBundle(merged);
  const problems = named(read);
  if (!read.ok) return { ok: false, problems };
  problems.push(...(await unknownIds(db, COLLECTIONS.courses, read.value.courseIds, 'courseIds', 'course')));
  if (problems.length > 0) return { ok: false, problems };
  const { _id, ...fields } = merged;
  if (stored) await db.collection(COLLECTIONS.bundles).doc(id).set(fields);
  else problems.push(...(await insertNew(db, COLLECTIONS.bundles, merged as Doc)));
  return problems.length === 0 ? { ok: true, doc: read.value, created: !stored } : { ok: false, problems };
}
