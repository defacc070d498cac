/**
 * The code key as `npm run promo -- codes` reads it: the same key the promo function hashes with
 * (shared/promo/code-key.ts) — `REDEEM_CODE_SECRET` in this shell when set, else the environment's stored key in
 * `settings/secrets`, created here when the environment has none yet (as the function would on its first redeem, and
 * with the same race rule: the first value stored wins and is read back).
 */
import { COLLECTIONS } from '../../../shared/collections';
import { isDuplicateKey } from '../../../shared/db';
import { newCodeKey, REDEEM_CODE_SECRET_VARIABLE } from '../../../shared/promo/code-key';
import { SECRETS_DOC_ID } from '../../../shared/settings/secrets';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { byId } from './store';

export interface CodeKey {
  key: string;
  /** Where it came from, for the command's message. */
  source: 'variable' | 'stored';
}

async function stored(db: NodeDb): Promise<string | undefined> {
  const doc = await byId<Record<string, unknown>>(db, COLLECTIONS.settings, SECRETS_DOC_ID);
  const value = doc?.redeemCode;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export async function cliCodeKey(db: NodeDb, env: NodeJS.ProcessEnv): Promise<CodeKey> {
  const configured = env[REDEEM_CODE_SECRET_VARIABLE];
  if (configured) return { key: configured, source: 'variable' };
  const existing = await stored(db);
  if (existing) return { key: existing, source: 'stored' };
  const settings = db.collection(COLLECTIONS.settings);
  try {
    await settings.add({ _id: SECRETS_DOC_ID, redeemCode: newCodeKey() });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await settings
      .where({ _id: SECRETS_DOC_ID, redeemCode: db.command.exists(false) })
      .update({ redeemCode: newCodeKey() });
  }
  const key = await stored(db);
  if (!key) throw new Error(`settings/${SECRETS_DOC_ID} has no redeemCode after creating it`);
  return { key, source: 'stored' };
}
