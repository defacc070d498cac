/**
 * Redemption codes (兑换码): 80 bits from the system's cryptographic random source, written in Crockford's base32
 * (digits and capitals without I, L, O and U, so nothing reads as another character) as four groups of four:
 * `7K3M-Q9XD-2HWT-B8NE`. Only `codeHash(key, code)` is stored (the `redeemCodes` `_id`), so one code cannot be
 * guessed from others; with the key kept out of the database (./code-key.ts), a copy of the database redeems nothing.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 16 symbols of 5 bits. */
export const CODE_LENGTH = 16;
export const CODE_BITS = CODE_LENGTH * 5;
const GROUP = 4;
/** The HMAC key must be at least this long (128 bits). */
export const MIN_KEY_BYTES = 16;

/** A source of cryptographically random bytes; `crypto.randomBytes` unless a test gives fixed ones. */
export type RandomBytes = (size: number) => Uint8Array;

/** `7K3MQ9XD2HWTB8NE` → `7K3M-Q9XD-2HWT-B8NE`. */
export function formatCode(canonical: string): string {
  return canonical.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? '';
}

/** One new code, formatted for a person to type. */
export function generateCode(random: RandomBytes = randomBytes): string {
  const bytes = random(CODE_BITS / 8);
  if (bytes.length !== CODE_BITS / 8) throw new Error(`random source gave ${bytes.length} bytes, not ${CODE_BITS / 8}`);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = CODE_LENGTH - 1; i >= 0; i--) code += CODE_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return formatCode(code);
}

/** `count` distinct codes (a repeat among 2^80 is drawn again, not handed out twice). */
export function generateCodes(count: number, random: RandomBytes = randomBytes): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(generateCode(random));
  return [...codes];
}

/** Characters a person types for a symbol that looks the same (Crockford's decoding rules). */
const LOOKALIKES: Record<string, string> = { O: '0', I: '1', L: '1' };

/**
 * The canonical form of what a learner typed, or undefined when it cannot be a code: full-width forms folded (NFKC),
 * case ignored, spaces and dashes dropped, O read as 0 and I, L as 1.
 */
export function normalizeCode(input: string): string | undefined {
  const folded = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—―−_]/gu, '')
    .replace(/[OIL]/g, (c) => LOOKALIKES[c] ?? c);
  if (folded.length !== CODE_LENGTH) return undefined;
  for (const c of folded) if (!CODE_ALPHABET.includes(c)) return undefined;
  return folded;
}

/** The stored id of a code: HMAC-SHA256 of its canonical form (`normalizeCode`), in hex. */
export function codeHash(key: string | Uint8Array, canonical: string): string {
  if (Buffer.byteLength(key) < MIN_KEY_BYTES) throw new Error(`the code key must be at least ${MIN_KEY_BYTES} bytes`);
  if (normalizeCode(canonical) !== canonical) throw new Error('codeHash takes a code in its canonical form');
  return createHmac('sha256', key).update(canonical).digest('hex');
}
