/**
 * `npm run promo -- codes`: a batch of redemption codes for one published course or bundle. The codes are generated
 * here (shared/promo/codes.ts: 80 random bits each), handed back once to be printed, and never stored: the database
 * gets each code's keyed hash and the batch. The codes go in first and the batch last, so a run that stops half-way
 * leaves codes without a batch, which redeem nothing. The rules are shared with the creator center
 * (shared/promo/manage.ts `issueCodes`); here the options become the batch's fields.
 */
import type { RandomBytes } from '../../../shared/promo/codes';
import { issueCodes, type Created, type IssuedCodes } from '../../../shared/promo/manage';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { cliCodeKey, type CodeKey } from './code-key';
import { newId, numeric, targetOf, text, windowOf, type Options } from './options';
import { nodePromoStore } from './store';

export interface IssuedBatch extends IssuedCodes {
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
  let source: CodeKey['source'] = 'stored';
  const key = async () => {
    const read = await cliCodeKey(db, env);
    source = read.source;
    return read.key;
  };
  const result = await issueCodes(nodePromoStore(db), batch, problems, now, key, random);
  return result.ok ? { ok: true, issued: { ...result.issued, keySource: source } } : result;
}
