/**
 * A learner's call through the local cloud's client gateway (what `wx.cloud.callFunction` does), for the tests of the
 * functions: the envelope of API.md §1 as it comes back, and its data or its refusal.
 */
import type { Result } from '../shared/contract';

export type Envelope<T> = Result<T>;

/** Calls function `fn` as the learner `openid` (signed out: undefined) on the cloud at `cloudUrl`. */
export async function callAs<T>(
  cloudUrl: string,
  fn: string,
  openid: string | undefined,
  data: unknown,
): Promise<Envelope<T>> {
  const res = await fetch(`${cloudUrl}/client/functions/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid === undefined ? {} : { 'x-wx-openid': openid }) },
    body: JSON.stringify({ data }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: Envelope<T> }).result;
}

/** The data of a reply that must have succeeded. */
export function dataOf<T>(reply: Envelope<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.data;
}

/** The error of a reply that must have been refused. */
export function refusalOf(reply: Envelope<unknown>): Extract<Envelope<unknown>, { ok: false }>['error'] {
  if (reply.ok) throw new Error('expected a refusal');
  return reply.error;
}
