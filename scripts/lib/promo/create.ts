/**
 * `npm run promo -- coupon | discount | bundle`: a coupon, a limited-time price (`promotions`), a membership or 专栏
 * (created, or updated in place by its id). Each document is read back through its reader (shared/promo/documents.ts)
 * and its references checked before anything is written; every problem is reported at once, naming the option. The
 * rules of coupons and limited-time prices are shared with the creator center (shared/promo/manage.ts): here the
 * options become document fields.
 */
import { COLLECTIONS } from '../../../shared/collections';
import { readBundle, type BundleDoc, type CouponDoc, type PromotionDoc } from '../../../shared/promo/documents';
import {
  defined,
  named,
  saveCoupon,
  saveDiscount,
  takenId,
  TERM_FIELDS,
  unknownIds,
  type Created,
} from '../../../shared/promo/manage';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { list, newId, numeric, targetOf, text, windowOf, type Options } from './options';
import { byId, nodePromoStore, type Doc } from './store';

export type { Created } from '../../../shared/promo/manage';

export async function createCoupon(db: NodeDb, options: Options, now: Date): Promise<Created<CouponDoc>> {
  const { window, problems } = windowOf(options, now);
  const appliesTo = defined({
    all: options.all === true ? true : undefined,
    courseIds: list(options, 'courseIds'),
    categories: list(options, 'categories'),
    bundleIds: list(options, 'bundleIds'),
  });
  const doc = defined({
    _id: text(options, 'id') ?? newId('coupon'),
    title: text(options, 'title'),
    kind: text(options, 'kind'),
    ...Object.fromEntries(TERM_FIELDS.map((field) => [field, numeric(options, field)])),
    ...window,
    stock: numeric(options, 'stock'),
    claimed: 0,
    perLearner: numeric(options, 'perLearner') ?? 1,
    appliesTo,
    status: 'active',
    createdAt: now.toISOString(),
  });
  return saveCoupon(nodePromoStore(db), doc, problems);
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
  return saveDiscount(nodePromoStore(db), doc, problems);
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
  problems.push(
    ...(await unknownIds(nodePromoStore(db), COLLECTIONS.courses, read.value.courseIds, 'courseIds', 'course')),
  );
  if (problems.length > 0) return { ok: false, problems };
  const { _id, ...fields } = merged;
  if (stored) await db.collection(COLLECTIONS.bundles).doc(id).set(fields);
  else if (!(await nodePromoStore(db).insertNew(COLLECTIONS.bundles, merged as Doc))) problems.push(...takenId(id));
  return problems.length === 0 ? { ok: true, doc: read.value, created: !stored } : { ok: false, problems };
}
