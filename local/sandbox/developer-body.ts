/**
 * The bodies of the sandboxes' developer routes (`/sandbox/pay`, `/sandbox/xpay/*`): a TypeBox object whose fields
 * may carry the sentence that refuses them (`refusal`); without one a field is refused as `<name> is required`. The
 * first failing field, in the schema's order, answers 400.
 */
import type { IncomingMessage } from 'node:http';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { HttpError, parseJsonObject, readBody } from '../server/http';

/** Callback or push deliveries after a payment: `0` delivers none. */
export const Deliveries = Type.Optional(Type.Integer({ minimum: 0, refusal: 'deliveries must be an integer >= 0' }));
/** Deliver them all at once instead of one after another. */
export const Concurrent = Type.Optional(Type.Boolean({ refusal: 'concurrent must be true or false' }));

/** Reads a developer route's JSON body and checks it against `schema`; a refusal is an HttpError 400. */
export async function readDeveloperBody<S extends TObject>(req: IncomingMessage, schema: S): Promise<Static<S>> {
  const body = parseJsonObject(await readBody(req));
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties)) {
    const value = body[name];
    const refused = value === undefined ? required.has(name) : !Value.Check(field, value);
    if (refused) throw new HttpError(400, (field as { refusal?: string }).refusal ?? `${name} is required`);
  }
  return body as Static<S>;
}
