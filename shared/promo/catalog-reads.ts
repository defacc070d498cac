/**
 * What the catalog shows of the selling documents, read for it (the catalog owns no promo collection): published
 * bundles, and the limited-time prices running on a page of courses or bundles — the same for every learner.
 */
import type { PromotionBrief } from '../contract';
import { countWhere, found, getById, type Database } from '../db';
import { COLLECTIONS } from '../collections';
import { readBundle, readPromotion, type BundleDoc, type PromotionDoc, type TargetKind } from './documents';
import { priceInForce } from './pricing';

/** Promotions of one page of targets in one read: a few per target at most. */
const MAX_PROMOTIONS = 500;

/** A bundle document that fails its schema, for the log (it is left out of the answer). */
export interface SkippedBundle {
  id: string;
  message: string;
}

function readPublished(raw: unknown, onSkip: (skipped: SkippedBundle) => void): BundleDoc | undefined {
  const read = readBundle(raw);
  if (!read.ok) {
    const id = String((raw as { _id?: unknown } | null)?._id ?? '(no _id)');
    onSkip({ id, message: `bundle ${id} left out: ${read.problems.map((p) => p.message).join('; ')}` });
    return undefined;
  }
  return read.value.status === 'published' ? read.value : undefined;
}

/** A page of published bundles, newest first, and how many are published. */
export async function publishedBundles(
  db: Database,
  page: { skip: number; limit: number },
  onSkip: (skipped: SkippedBundle) => void,
): Promise<{ bundles: BundleDoc[]; total: number }> {
  const where = { status: 'published' };
  const [rows, total] = await Promise.all([
    found<unknown>(
      db
        .collection(COLLECTIONS.bundles)
        .where(where)
        .orderBy('createdAt', 'desc')
        .orderBy('_id', 'asc')
        .skip(page.skip)
        .limit(page.limit),
    ),
    countWhere(db, COLLECTIONS.bundles, where),
  ]);
  return { bundles: rows.flatMap((raw) => readPublished(raw, onSkip) ?? []), total };
}

/** The published bundle with this id, or undefined. */
export async function publishedBundle(
  db: Database,
  id: string,
  onSkip: (skipped: SkippedBundle) => void,
): Promise<BundleDoc | undefined> {
  const raw = await getById<unknown>(db, COLLECTIONS.bundles, id);
  return raw === null ? undefined : readPublished(raw, onSkip);
}

/** The active promotions of these targets (any window: `promotionBrief` picks the running one). One read. */
export async function targetPromotions(
  db: Database,
  kind: TargetKind,
  ids: readonly string[],
): Promise<PromotionDoc[]> {
  if (ids.length === 0) return [];
  const rows = await found<unknown>(
    db
      .collection(COLLECTIONS.promotions)
      .where({ 'target.kind': kind, 'target.id': db.command.in([...ids]), status: 'active' })
      .limit(MAX_PROMOTIONS),
  );
  return rows.flatMap((row) => {
    const read = readPromotion(row);
    return read.ok ? [read.value] : [];
  });
}

/** What a card shows of the limited-time price in force at `now` among a target's promotions, if one is below its list price. */
export function promotionBrief(
  target: { id: string; listPriceFen: number },
  promotions: readonly PromotionDoc[],
  now: Date,
): PromotionBrief | undefined {
  const own = promotions.filter((p) => p.target.id === target.id);
  const { promotion } = priceInForce(target.listPriceFen, own, now);
  return promotion && { priceFen: promotion.priceFen, endsAt: promotion.endsAt, label: promotion.label };
}

/** The limited-time price running now on each of the targets (id → brief), for those that have one. */
export async function promotionBriefs(
  db: Database,
  kind: TargetKind,
  targets: readonly { id: string; listPriceFen: number }[],
  now: Date,
): Promise<Map<string, PromotionBrief>> {
  const promotions = await targetPromotions(
    db,
    kind,
    targets.map((t) => t.id),
  );
  const briefs = new Map<string, PromotionBrief>();
  for (const target of targets) {
    const brief = promotionBrief(target, promotions, now);
    if (brief) briefs.set(target.id, brief);
  }
  return briefs;
}
