/**
 * `__proto__` slips through validation: events sent as JSON bodies through the local cloud's client gateway (what
 * `wx.cloud.callFunction` does), so `__proto__`, `constructor` and `prototype` arrive as the ordinary own keys that
 * JSON.parse makes of them. Each is INVALID_ARGUMENT naming it, and nothing is written.
 */
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import { course } from '../../../testing/catalog-fixtures';
import { attachPlatforms } from '../../../testing/order-platforms';
import type { Database } from '../../../shared/db';

import * as sdk from 'wx-server-sdk';
import { COLLECTIONS } from '../../../shared/collections';

let learners = 0;
/** A fresh learner per test, so each proves on its own that nothing was written. */
const learner = () => `oLearnerProto${++learners}`;
const COURSE = 'course-proto';
let cloud: LocalCloud;
let db: Database;

beforeAll(async () => {
  cloud = await startTestCloud();
  attachPlatforms(cloud);
  sdk.init({ env: cloud.envId });
  db = sdk.database();
  const { _id, ...data } = course({ _id: COURSE, lessonCount: 0 });
  await db.collection(COLLECTIONS.courses).doc(_id).set({ data });
});
afterAll(() => cloud.close());

type Envelope = { ok: boolean; data?: unknown; error?: { code: string; message: string } };

/** Sends `data` as raw JSON text, so keys JSON.stringify of an object literal could not carry reach the function. */
async function send(fn: string, openid: string, data: string): Promise<Envelope> {
  const res = await fetch(`${cloud.url}/client/functions/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: `{"data":${data}}`,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: Envelope }).result;
}

const orders = async (openid: string) =>
  ((await db.collection(COLLECTIONS.orders).where({ _openid: openid }).count()) as { total: number }).total;

describe('__proto__ slips through validation', () => {
  test.each([
    [`{"action":"create","courseId":"${COURSE}","__proto__":"x"}`, '__proto__ is not allowed'],
    [`{"action":"create","courseId":"${COURSE}","__proto__":{"rail":"wxpay"}}`, '__proto__ is not allowed'],
    [
      `{"action":"create","__proto__":{"courseId":"${COURSE}"}}`,
      'courseId or bundleId is required; __proto__ is not allowed',
    ],
    [`{"action":"create","courseId":"${COURSE}","constructor":"x"}`, 'constructor is not allowed'],
    [`{"action":"create","courseId":"${COURSE}","prototype":{"x":1}}`, 'prototype is not allowed'],
    [`{"action":"create","courseId":"${COURSE}","foo":"x"}`, 'foo is not allowed'],
  ])('order.create %s is INVALID_ARGUMENT (%s) and makes no order', async (event, message) => {
    const openid = learner();
    const reply = await send('order', openid, event);
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message } });
    expect(await orders(openid)).toBe(0);
  });

  test('catalog.detail with its courseId under __proto__ is refused', async () => {
    const reply = await send('catalog', learner(), `{"action":"detail","__proto__":{"courseId":"${COURSE}"}}`);
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'courseId is required; __proto__ is not allowed' },
    });
  });

  test('the same events without the extra key do their work', async () => {
    const openid = learner();
    expect(await send('catalog', openid, `{"action":"detail","courseId":"${COURSE}"}`)).toMatchObject({ ok: true });
    expect(await send('order', openid, `{"action":"create","courseId":"${COURSE}"}`)).toMatchObject({ ok: true });
    expect(await orders(openid)).toBe(1);
  });
});
