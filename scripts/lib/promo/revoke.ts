/**
 * `npm run promo -- revoke <coupon|discount|batch|bundle> <id>`. What each revoke stops:
 * - a coupon: no longer claimed nor used (unused claims show as expired; an order that holds one keeps its price
 *   until it expires, the orders' rule);
 * - a discount (a limited-time price): no longer in force;
 * - a batch of codes: its unused codes no longer redeem (redeemed ones keep what they opened);
 * - a bundle: archived, no longer listed or sold; its holders keep their access until their term ends.
 * A paused coupon, discount or batch (the creator center) is revoked all the same.
 */
import { COLLECTIONS, type CollectionName } from '../../../shared/collections';
import type { Problem } from '../../../shared/contract';
import { STATUS_COLLECTIONS } from '../../../shared/promo/manage';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { byId } from './store';

export const REVOCABLE = {
  coupon: { collection: STATUS_COLLECTIONS.coupon, status: 'revoked' },
  discount: { collection: STATUS_COLLECTIONS.discount, status: 'revoked' },
  batch: { collection: STATUS_COLLECTIONS.batch, status: 'revoked' },
  bundle: { collection: COLLECTIONS.bundles, status: 'archived' },
} as const satisfies Record<string, { collection: CollectionName; status: string }>;

export type RevocableKind = keyof typeof REVOCABLE;

export async function revoke(
  db: NodeDb,
  kind: string,
  id: string | undefined,
  now: Date,
): Promise<{ ok: true; changed: boolean } | { ok: false; problems: Problem[] }> {
  if (!(kind in REVOCABLE)) {
    return {
      ok: false,
      problems: [{ path: 'kind', message: `kind must be one of ${Object.keys(REVOCABLE).join(', ')}` }],
    };
  }
  if (id === undefined) return { ok: false, problems: [{ path: 'id', message: 'id is required' }] };
  const { collection, status } = REVOCABLE[kind as RevocableKind];
  const doc = await byId<{ status?: unknown }>(db, collection, id);
  if (!doc) return { ok: false, problems: [{ path: 'id', message: `there is no ${kind} "${id}"` }] };
  if (doc.status === status) return { ok: true, changed: false };
  const fields: Record<string, unknown> = { status };
  if (kind === 'bundle') fields.updatedAt = now.toISOString();
  await db.collection(collection).doc(id).update(fields);
  return { ok: true, changed: true };
}
