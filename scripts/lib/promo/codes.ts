/**
 * `npm run promo -- codes`: a batch of redemption codes for one published course or bundle. The codes are generated
 * here (shared/promo/codes.ts: 80 random bits each), handed back once to be printed, and never stored: the database
 * gets each code's keyed hash and the batch. The codes go in first and the batch last, so a run that stops half-way
 * leaves codes without a batch, which redeem nothing.
 */
import { COLLECTIONS } from '../../../shared/collections';
import { codeHash, generateCodes, normalizeCode, type RandomBytes } from '../../../shared/promo/codes';
import { readRedeemBatch, type RedeemBatchDoc, type RedeemCodeDoc } from '../../../shared/promo/documents';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { cliCodeKey, type CodeKey } from './code-key';
import { named, type Created } from './create';
import { newId, numeric, targetOf, text, windowOf, type Options } from './options';
import { byId, insertNew, publishedPrice, takenId, type Doc } from './store';

/** Codes per insert. */
const CODES_PER_WRITE = 500;

export interface IssuedBatch {
  batch: RedeemBatchDoc;
  /** As a person types them, `7K3M-Q9XD-2HWT-B8NE`: shown once, stored nowhere. */
  codes: string[];
  keySource: CodeKey['source'];
}

export async function createCodes(
  db: NodeDb,
  options: Options,
  now: Date,
  env: NodeJS.ProcessEnv,
  random?: RandomBytes,
): Promise<{ ok: true; issued: IssuedBatch } | Extract<Created<never>, { ok: false }>> {
  const { target, problems } = targetOf(options);
  const expires = text(options, 'expiresAt') !== undefined || text(options, 'days') !== undefined;
  const { window, problems: windowProblems } = expires
    ? windowOf(options, now, 'expiresAt')
    : { window: {}, problems: [] };
  problems.push(...windowProblems);
  const batch: Record<string, unknown> = {
    _id: text(options, 'id') ?? newId('batch'),
    target,
    count: numeric(options, 'count'),
    ...window,
    status: 'active',
    createdAt: now.toISOString(),
  };
  const note = text(options, 'note');
  if (note !== undefined) batch.note = note;
  if (target === undefined) delete batch.target;
  const read = readRedeemBatch(batch);
  problems.push(...named(read));
  if (!read.ok || problems.length > 0) return { ok: false, problems };
  const doc = read.value;
  if ((await publishedPrice(db, doc.target)) === undefined) {
    const name = doc.target.kind;
    return { ok: false, problems: [{ path: name, message: `${name} "${doc.target.id}" is not a published ${name}` }] };
  }
  if (doc.expiresAt !== undefined && Date.parse(doc.expiresAt) <= now.getTime()) {
    return { ok: false, problems: [{ path: 'expiresAt', message: 'expiresAt must be in the future' }] };
  }
  // Checked before any code is written: a code under another batch's id would redeem under that batch.
  if (await byId(db, COLLECTIONS.redeemBatches, doc._id)) return { ok: false, problems: takenId(doc._id) };

  const key = await cliCodeKey(db, env);
  const codes = generateCodes(doc.count, random);
  const stored: RedeemCodeDoc[] = codes.map((code) => ({
    _id: codeHash(key.key, normalizeCode(code) as string),
    batchId: doc._id,
    target: doc.target,
    status: 'unused',
    ...(doc.expiresAt !== undefined ? { expiresAt: doc.expiresAt } : {}),
  }));
  for (let i = 0; i < stored.length; i += CODES_PER_WRITE) {
    await db.collection(COLLECTIONS.redeemCodes).add(stored.slice(i, i + CODES_PER_WRITE));
  }
  const taken = await insertNew(db, COLLECTIONS.redeemBatches, batch as Doc);
  if (taken.length > 0) {
    // Another run took the id in between: its batch must not gain these codes.
    for (let i = 0; i < stored.length; i += CODES_PER_WRITE) {
      const ids = stored.slice(i, i + CODES_PER_WRITE).map((c) => c._id);
      await db
        .collection(COLLECTIONS.redeemCodes)
        .where({ _id: db.command.in(ids) })
        .remove();
    }
    return { ok: false, problems: taken };
  }
  return { ok: true, issued: { batch: doc, codes, keySource: key.source } };
}
