import { BSONRegExp, EJSON } from 'bson';
import { CloudApiError, ErrorCodes } from '../server/errors';

export type Doc = Record<string, unknown>;

/**
 * Decodes an EJSON value the SDK sent (canonical: `$numberInt`, `$date`, `$regularExpression`, …) into plain JS,
 * resolving `db.serverDate({ offset })` (`{ $tcb_server_date: { offset } }`) to the server's clock as CloudBase does.
 */
export function decodeEjson(value: unknown, field: string, now: Date): unknown {
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? EJSON.parse(value, { relaxed: true }) : EJSON.deserialize(value as Doc);
  } catch (error) {
    throw new CloudApiError(ErrorCodes.invalidParam, `${field} is not valid EJSON: ${(error as Error).message}`);
  }
  return normalize(parsed, field, now);
}

function normalize(value: unknown, field: string, now: Date): unknown {
  if (value instanceof BSONRegExp) return compileRegExp(value, field);
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return value;
  if (Array.isArray(value)) return value.map((item) => normalize(item, field, now));
  const record = value as Doc;
  if ('$tcb_server_date' in record) {
    const spec = record.$tcb_server_date as { offset?: unknown } | null;
    const offset = Number(spec?.offset ?? 0);
    return new Date(now.getTime() + (Number.isFinite(offset) ? offset : 0));
  }
  const out: Doc = {};
  for (const [key, item] of Object.entries(record)) out[key] = normalize(item, field, now);
  return out;
}

/** A pattern MongoDB would refuse to compile is a parameter error of the request, as on the real service. */
function compileRegExp(value: BSONRegExp, field: string): RegExp {
  try {
    return new RegExp(value.pattern, toJsFlags(value.options));
  } catch (error) {
    throw new CloudApiError(
      ErrorCodes.invalidParam,
      `${field} holds an invalid regular expression /${value.pattern}/: ${(error as Error).message}`,
    );
  }
}

/** MongoDB regex options that JavaScript also knows; `x` (extended) has no JS equivalent and is dropped. */
function toJsFlags(options: string): string {
  return [...options].filter((flag) => 'imsu'.includes(flag)).join('');
}

/** Encodes a document for a reply: canonical EJSON, which the SDK parses back with `EJSON.parse`. */
export function encodeEjson(doc: unknown): string {
  return EJSON.stringify(doc as Doc, { relaxed: false });
}
