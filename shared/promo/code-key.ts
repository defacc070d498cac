/**
 * The key of the redemption codes' hashes (codes.ts `codeHash`), kept as the learner-code secret is
 * (../learning/identity.ts): the function environment variable `REDEEM_CODE_SECRET` when it is set, otherwise a random
 * key the environment generated for itself on first use (`settings/secrets`, field `redeemCode`, a collection no
 * client can read). Only with the variable set does a copy of the database redeem nothing; `npm run promo -- codes`
 * must then run with the same variable, since it hashes the codes it generates with the same key.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../db';
import { storedSecret } from '../settings/secrets';

/** The variable that, when set, is the key (on the promo function and in the shell of `npm run promo`). */
export const REDEEM_CODE_SECRET_VARIABLE = 'REDEEM_CODE_SECRET';

/** 256 random bits, in hex: the stored key a new environment generates. */
export function newCodeKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The code key of this environment: the configured variable, else the stored one (created on first use, then kept
 * by the instance). A failed read is not cached, so the next call tries again.
 */
export function redeemCodeKey(db: Database, env: NodeJS.ProcessEnv): () => Promise<string> {
  let key: Promise<string> | undefined;
  return () => {
    // Read at call time: a function's variables are those of the invocation.
    const configured = env[REDEEM_CODE_SECRET_VARIABLE];
    if (configured) return Promise.resolve(configured);
    key ??= storedSecret(db, 'redeemCode', newCodeKey).catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };
}
