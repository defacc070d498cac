/**
 * Generated secrets through the local cloud with the real wx-server-sdk: created once, whatever the concurrency,
 * and never replaced.
 */
import * as wx from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import { getById, type Database } from '../../db';
import { readSettings } from '..';
import { SECRETS_DOC_ID, storedSecret } from '../secrets';
import { COLLECTIONS } from '../../collections';

let cloud: LocalCloud;
let db: Database;

beforeAll(async () => {
  cloud = await startTestCloud();
  wx.init({ env: wx.DYNAMIC_CURRENT_ENV as unknown as string });
  db = wx.database();
});
afterAll(() => cloud.close());

const secretsDoc = () => getById<Record<string, unknown>>(db, COLLECTIONS.settings, SECRETS_DOC_ID);

test('20 concurrent first uses store one secret and all return it; later uses never replace it', async () => {
  await db.collection(COLLECTIONS.settings).where({ _id: SECRETS_DOC_ID }).remove();
  let generated = 0;
  const generate = () => `secret-${++generated}`;
  const values = await Promise.all(Array.from({ length: 20 }, () => storedSecret(db, 'learnerCode', generate)));
  const stored = (await secretsDoc())?.learnerCode;
  expect(typeof stored).toBe('string');
  expect(new Set(values)).toEqual(new Set([stored]));
  expect(await storedSecret(db, 'learnerCode', () => 'another')).toBe(stored);
});

test('a secrets document without the secret gets it added, other fields kept; settings/app is unaffected', async () => {
  await db.collection(COLLECTIONS.settings).where({ _id: SECRETS_DOC_ID }).remove();
  await db.collection(COLLECTIONS.settings).add({ data: { _id: SECRETS_DOC_ID, note: 'kept' } });
  const values = await Promise.all([1, 2, 3].map((n) => storedSecret(db, 'learnerCode', () => `s${n}`)));
  expect(new Set(values).size).toBe(1);
  expect(await secretsDoc()).toMatchObject({ note: 'kept', learnerCode: values[0] });
  await expect(readSettings(db)).resolves.toMatchObject({ payRail: expect.any(String) });
});
