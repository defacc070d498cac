/**
 * Short codes derived from a learner's openid, for text other people may see: the watermark over a lesson and the
 * author of a review. A keyed hash (HMAC-SHA256 with the deployment's secret) so that the code cannot be computed from
 * a leaked openid, nor the openid recovered from the code; the operator, who has the secret, can find the learner
 * behind a leaked recording by computing the codes of the course's learners.
 *
 * The secret is the function environment variable `LEARNER_CODE_SECRET` when it is set; otherwise a random one the
 * environment generated for itself on first use (`settings/secrets`, see ../settings/secrets.ts). There is no
 * unkeyed fallback: a code is never computable from the openid alone.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Database } from '../db';
import { storedSecret } from '../settings/secrets';

/** The variable that, when set, is the secret (the same value on every function that derives codes). */
export const LEARNER_CODE_SECRET_VARIABLE = 'LEARNER_CODE_SECRET';

/**
 * The secret of this environment's learner codes: the configured variable, else the stored one (created on first
 * use, then kept by the instance). A failed read is not cached, so the next call tries again.
 */
export function learnerCodeSecret(db: Database, env: NodeJS.ProcessEnv): () => Promise<string> {
  let secret: Promise<string> | undefined;
  return () => {
    // Read at call time: a function's variables are those of the invocation.
    const configured = env[LEARNER_CODE_SECRET_VARIABLE];
    if (configured) return Promise.resolve(configured);
    secret ??= storedSecret(db, 'learnerCode', () => randomBytes(32).toString('hex')).catch((error: unknown) => {
      secret = undefined;
      throw error;
    });
    return secret;
  };
}

/** Crockford's base32: no I, L, O or U, so a code read off a screen recording is unambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `length` base32 characters of HMAC(secret, purpose + openid). Different purposes give unlinkable codes. */
export function learnerCode(openid: string, secret: string, purpose: 'watermark' | 'author', length: number): string {
  const digest = createHmac('sha256', secret).update(`${purpose}\u0000${openid}`).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[(digest[i] as number) % 32];
  return out;
}

/** The text a player overlays on a lesson: `ID 7KQ2-M9XA` (40 bits, unique among any realistic set of learners). */
export function watermarkText(openid: string, secret: string): string {
  const code = learnerCode(openid, secret, 'watermark', 8);
  return `ID ${code.slice(0, 4)}-${code.slice(4)}`;
}

/** How a review names its author: `学员 K3TQ`. */
export function authorName(openid: string, secret: string): string {
  return `学员 ${learnerCode(openid, secret, 'author', 4)}`;
}
