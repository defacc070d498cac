/**
 * Secrets the product generates for itself, one per environment, in the deny-all `settings` collection (document
 * `secrets`; never read by a client, never part of a reply). A secret is created on its first use and never changes
 * afterwards: every instance and every concurrent first use ends up with the one value that was stored first.
 */
import { found, isDuplicateKey, type Database } from '../db';
import { COLLECTIONS } from '../collections';

export const SECRETS_DOC_ID = 'secrets';

/** The generated secrets by name. */
export type SecretName = 'learnerCode' | 'redeemCode';

async function read(db: Database, name: SecretName): Promise<string | undefined> {
  const [doc] = await found<Record<string, unknown>>(
    db.collection(COLLECTIONS.settings).where({ _id: SECRETS_DOC_ID }).limit(1),
  );
  if (doc === undefined) return undefined;
  const value = doc[name];
  return typeof value === 'string' && value !== '' ? value : '';
}

/**
 * The stored secret `name`, created from `generate()` when missing: by inserting the document (a concurrent insert
 * loses on the duplicate id), or, when the document exists without it, by an update conditional on its absence.
 * Either way the value is read back, so every caller returns the one that won.
 */
export async function storedSecret(db: Database, name: SecretName, generate: () => string): Promise<string> {
  const existing = await read(db, name);
  if (existing) return existing;
  if (existing === undefined) {
    try {
      await db.collection(COLLECTIONS.settings).add({ data: { _id: SECRETS_DOC_ID, [name]: generate() } });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  } else {
    await db
      .collection(COLLECTIONS.settings)
      .where({ _id: SECRETS_DOC_ID, [name]: db.command.exists(false) })
      .update({ data: { [name]: generate() } });
  }
  const stored = await read(db, name);
  if (!stored) throw new Error(`settings/${SECRETS_DOC_ID} has no ${name} after creating it`);
  return stored;
}
