/**
 * `npm run creator`: the operator names who administers which creator, in `creatorAdmins` (`{ _id: <openid>,
 * creatorIds }`, no client access), through @cloudbase/node-sdk. A creator admin's openid is what the content checks
 * of that creator's courses are sent with (shared/content/revision-check.ts), and, with the creator center, who may
 * read the creator's numbers. Every problem is reported at once, named by its argument, and then nothing is written.
 */
import { COLLECTIONS } from '../../shared/collections';
import type { Problem } from '../../shared/contract';
import type { NodeDb } from '../../toolchain/catalog-store';
import { byId, everything } from './promo/store';

export interface CreatorAdminDoc {
  _id: string;
  creatorIds: string[];
}

export type AdminResult =
  | { ok: true; admins: CreatorAdminDoc[]; changed: boolean; unknownCreator?: boolean }
  | { ok: false; problems: Problem[] };

/** WeChat openids are 28 letters, digits, `-` and `_`; a wide range, so a test or another app's id passes too. */
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

function checked(openid: string | undefined, creatorId: string | undefined): Problem[] {
  const problems: Problem[] = [];
  if (openid === undefined) problems.push({ path: 'openid', message: 'openid is required' });
  else if (!OPENID.test(openid))
    problems.push({ path: 'openid', message: `openid "${openid}" is not an openid (6–64 letters, digits, - or _)` });
  if (creatorId === undefined) problems.push({ path: 'creatorId', message: 'creatorId is required' });
  return problems;
}

/**
 * `add-admin <openid> <creatorId>`: the openid administers the creator too (nothing changes if it already does). The
 * creator need not exist yet (the first `course:import` creates it, and its checks want the admin already), so one
 * that does not is saved and said (`unknownCreator`), a typo being the likelier reason.
 */
export async function addAdmin(db: NodeDb, openid?: string, creatorId?: string): Promise<AdminResult> {
  const problems = checked(openid, creatorId);
  if (problems.length > 0 || openid === undefined || creatorId === undefined) return { ok: false, problems };
  const unknownCreator = (await byId(db, COLLECTIONS.creators, creatorId)) === undefined;
  const admin = await byId<CreatorAdminDoc>(db, COLLECTIONS.creatorAdmins, openid);
  if (admin?.creatorIds.includes(creatorId)) return { ok: true, admins: [admin], changed: false, unknownCreator };
  const creatorIds = [...(admin?.creatorIds ?? []), creatorId];
  await db.collection(COLLECTIONS.creatorAdmins).doc(openid).set({ creatorIds });
  return { ok: true, admins: [{ _id: openid, creatorIds }], changed: true, unknownCreator };
}

/** `remove-admin <openid> <creatorId>`: the openid no longer administers the creator (the document goes with its last). */
export async function removeAdmin(db: NodeDb, openid?: string, creatorId?: string): Promise<AdminResult> {
  const problems: Problem[] = [];
  if (openid === undefined) problems.push({ path: 'openid', message: 'openid is required' });
  if (creatorId === undefined) problems.push({ path: 'creatorId', message: 'creatorId is required' });
  const admin = openid === undefined ? undefined : await byId<CreatorAdminDoc>(db, COLLECTIONS.creatorAdmins, openid);
  if (openid !== undefined && creatorId !== undefined && !admin?.creatorIds.includes(creatorId))
    problems.push({ path: 'openid', message: `openid "${openid}" does not administer creator "${creatorId}"` });
  if (problems.length > 0 || admin === undefined) return { ok: false, problems };
  const creatorIds = admin.creatorIds.filter((id) => id !== creatorId);
  if (creatorIds.length === 0) await db.collection(COLLECTIONS.creatorAdmins).doc(admin._id).remove();
  else await db.collection(COLLECTIONS.creatorAdmins).doc(admin._id).set({ creatorIds });
  return { ok: true, admins: creatorIds.length === 0 ? [] : [{ _id: admin._id, creatorIds }], changed: true };
}

/** `list-admins [creatorId]`: every admin, or those of one creator. */
export async function listAdmins(db: NodeDb, creatorId?: string): Promise<AdminResult> {
  const all = await everything<CreatorAdminDoc>(
    db,
    COLLECTIONS.creatorAdmins,
    creatorId ? { creatorIds: creatorId } : {},
  );
  return { ok: true, admins: all.sort((a, b) => (a._id < b._id ? -1 : 1)), changed: false };
}
