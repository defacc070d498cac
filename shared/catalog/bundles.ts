/**
 * The `catalog` function's bundle actions: memberships and 专栏 as the catalog shows them. A bundle lists only its
 * published courses, in the creator's order; a limited-time price shows on the bundle and on each course card, the
 * same for every learner.
 *
 * Database calls per action:
 * - `bundles`: the page and its count (`status`, index status_created), then the published courses among theirs
 *   (`_id`) beside their running promotions (`target`, index target_ends);
 * - `bundle`: the bundle beside the caller's grants (`_openid` + `status`), then its published courses (`_id`) beside
 *   the bundle's promotions, then the courses' promotions.
 */
import {
  AppError,
  BUNDLE_LIST_DEFAULTS,
  type Bundle,
  type CatalogBundleData,
  type CatalogBundleParams,
  type CatalogBundlesData,
  type CatalogBundlesParams,
  type PromotionBrief,
} from '../contract';
import { found, type Database } from '../db';
import { COLLECTIONS } from '../collections';
import { accessOf, learnerGrants, longestGrant } from '../grants';
import type { BundleDoc } from '../promo/documents';
import { promotionBriefs, publishedBundle, publishedBundles } from '../promo/catalog-reads';
import { cardsWithPromotions } from './cards';
import { readCourses } from './reader';
import type { CatalogDeps } from './service';
import { OPEN_COURSE_WHERE } from './visibility';

/** Ids per `_id in` read (the server's largest page). */
const IDS_PER_READ = 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Which of these course ids are published courses. */
async function publishedCourseIds(db: Database, ids: readonly string[]): Promise<Set<string>> {
  const reads = chunks([...new Set(ids)], IDS_PER_READ).map((part) =>
    found<{ _id: string }>(
      db
        .collection(COLLECTIONS.courses)
        .where({ _id: db.command.in(part), ...OPEN_COURSE_WHERE })
        .field({ _id: true })
        .limit(part.length),
    ),
  );
  return new Set((await Promise.all(reads)).flat().map((c) => c._id));
}

export function toBundle(doc: BundleDoc, published: ReadonlySet<string>, promotion?: PromotionBrief): Bundle {
  const courseIds = doc.courseIds.filter((id) => published.has(id));
  const bundle: Bundle = {
    id: doc._id,
    title: doc.title,
    subtitle: doc.subtitle,
    cover: doc.cover,
    priceFen: doc.priceFen,
    kind: doc.kind,
    courseCount: courseIds.length,
    courseIds,
  };
  if (doc.termDays !== undefined) bundle.termDays = doc.termDays;
  if (promotion) bundle.promotion = promotion;
  return bundle;
}

const priced = (docs: readonly { _id: string; priceFen: number }[]) =>
  docs.map((d) => ({ id: d._id, listPriceFen: d.priceFen }));

/** A page of published bundles, newest first, with the total. */
export async function listBundles(deps: CatalogDeps, params: CatalogBundlesParams): Promise<CatalogBundlesData> {
  const { db } = deps;
  const now = deps.now();
  const page = params.page ?? BUNDLE_LIST_DEFAULTS.page;
  const limit = params.pageSize ?? BUNDLE_LIST_DEFAULTS.pageSize;
  const { bundles, total } = await publishedBundles(db, { skip: (page - 1) * limit, limit }, deps.logSkipped);
  const [published, briefs] = await Promise.all([
    publishedCourseIds(
      db,
      bundles.flatMap((b) => b.courseIds),
    ),
    promotionBriefs(db, 'bundle', priced(bundles), now),
  ]);
  return { items: bundles.map((b) => toBundle(b, published, briefs.get(b._id))), total };
}

/** A published bundle with the cards of its published courses, and the caller's access to it when they have one. */
export async function bundleDetail(
  deps: CatalogDeps,
  params: CatalogBundleParams,
  openid: string,
): Promise<CatalogBundleData> {
  const { db } = deps;
  const now = deps.now();
  const [doc, grants] = await Promise.all([
    publishedBundle(db, params.bundleId, deps.logSkipped),
    learnerGrants(db, openid),
  ]);
  if (!doc) {
    throw new AppError('NOT_FOUND', `bundleId 对应的会员或专栏不存在或未上架：${params.bundleId}`, {
      field: 'bundleId',
    });
  }
  const [rows, briefs] = await Promise.all([
    doc.courseIds.length === 0
      ? []
      : found<unknown>(
          db
            .collection(COLLECTIONS.courses)
            .where({ _id: db.command.in(doc.courseIds), ...OPEN_COURSE_WHERE })
            .limit(doc.courseIds.length),
        ),
    promotionBriefs(db, 'bundle', priced([doc]), now),
  ]);
  const byId = new Map(readCourses(rows, deps.logSkipped).map((c) => [c._id, c]));
  const courses = doc.courseIds.flatMap((id) => byId.get(id) ?? []);
  const cards = await cardsWithPromotions(db, courses, now);
  const data: CatalogBundleData = {
    bundle: { ...toBundle(doc, new Set(byId.keys()), briefs.get(doc._id)), courses: cards },
  };
  const longest = longestGrant(
    grants.filter((g) => g.bundleId === doc._id),
    now,
  );
  if (longest) data.access = accessOf(longest);
  return data;
}
