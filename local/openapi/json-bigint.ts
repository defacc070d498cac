import { randomBytes } from 'node:crypto';

/**
 * JSON with integers beyond 2^53 kept exact as `bigint`, the way wx-server-sdk writes open-API parameters and reads
 * replies (json-bigint). Each call marks big integer literals with a fresh random tag, so no string a caller sends can
 * be mistaken for one.
 */
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

export function parseJsonBigInt(text: string): unknown {
  const tag = `bigint-${randomBytes(8).toString('hex')}:`;
  const marked = text.replace(TOKENS, (token) =>
    /^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token)) ? `"${tag}${token}"` : token,
  );
  return JSON.parse(marked, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(tag) ? BigInt(value.slice(tag.length)) : value,
  );
}

export function stringifyJsonBigInt(value: unknown): string {
  const tag = `bigint-${randomBytes(8).toString('hex')}:`;
  const text = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${tag}${item}` : item));
  return text.replace(new RegExp(`"${tag}(-?\\d+)"`, 'g'), '$1');
}
