/**
 * `npm run creator` against a local cloud through @cloudbase/node-sdk: an admin added, added again (nothing changes),
 * given a second creator, listed, removed; bad input refused with every problem named and nothing written; the command
 * line's usage errors and exit codes.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LocalCloud } from '../../../local/cloud';
import { adminApp } from '../../../local/demo';
import { startTestCloud } from '../../../local/testing';
import { COLLECTIONS } from '../../../shared/collections';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { addAdmin, listAdmins, removeAdmin } from '../creator-admins';

const REPO = path.join(__dirname, '..', '..', '..');
const ADMIN = 'oAdmin_1234567890abcdefghijk';

let cloud: LocalCloud;
let db: NodeDb;
const messages = (result: { ok: boolean; problems?: { message: string }[] }) =>
  result.ok ? [] : (result.problems ?? []).map((p) => p.message);
const stored = async () =>
  ((await db.collection(COLLECTIONS.creatorAdmins).get()) as { data: { _id: string; creatorIds: string[] }[] }).data;

beforeAll(async () => {
  cloud = await startTestCloud();
  db = adminApp(cloud).database();
  for (const id of ['cr-a', 'cr-b']) await db.collection(COLLECTIONS.creators).add({ _id: id, name: id });
});
afterAll(() => cloud.close());

test('bad input: every problem at once, named; nothing written', async () => {
  expect(messages(await addAdmin(db, 'o k', 'cr-a'))).toEqual([
    'openid "o k" is not an openid (6–64 letters, digits, - or _)',
  ]);
  expect(messages(await addAdmin(db))).toEqual(['openid is required', 'creatorId is required']);
  expect(messages(await removeAdmin(db, ADMIN, 'cr-a'))).toEqual([
    `openid "${ADMIN}" does not administer creator "cr-a"`,
  ]);
  expect(await stored()).toEqual([]);
});

test('add, add again, a second creator, list, remove', async () => {
  expect(await addAdmin(db, ADMIN, 'cr-a')).toEqual({
    ok: true,
    changed: true,
    unknownCreator: false,
    admins: [{ _id: ADMIN, creatorIds: ['cr-a'] }],
  });
  expect(await addAdmin(db, ADMIN, 'cr-a')).toMatchObject({ ok: true, changed: false });
  await addAdmin(db, ADMIN, 'cr-b');
  await addAdmin(db, 'oOther_admin', 'cr-b');
  // A creator not imported yet is saved (its first import wants the admin already), and said.
  expect(await addAdmin(db, 'oEarly_admin', 'cr-new')).toMatchObject({ ok: true, changed: true, unknownCreator: true });
  await removeAdmin(db, 'oEarly_admin', 'cr-new');
  expect(await stored()).toEqual(
    expect.arrayContaining([
      { _id: ADMIN, creatorIds: ['cr-a', 'cr-b'] },
      { _id: 'oOther_admin', creatorIds: ['cr-b'] },
    ]),
  );
  expect(await listAdmins(db, 'cr-a')).toMatchObject({ ok: true, admins: [{ _id: ADMIN }] });
  expect(await removeAdmin(db, ADMIN, 'cr-a')).toMatchObject({ admins: [{ _id: ADMIN, creatorIds: ['cr-b'] }] });
  expect(await removeAdmin(db, ADMIN, 'cr-b')).toMatchObject({ ok: true, admins: [] });
  expect(await stored()).toEqual([{ _id: 'oOther_admin', creatorIds: ['cr-b'] }]);
});

test('the command line: usage errors exit 2, a problem exits 1', async () => {
  const run = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      [path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/creator.ts', ...args],
      { cwd: REPO, env: { ...process.env, PORT: String(cloud.port) } },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  expect((await run('nope')).code).toBe(2);
  expect((await run('add-admin', ADMIN)).code).toBe(2);
  const refused = await run('add-admin', 'o!', 'cr-a');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('openid "o!" is not an openid');
  expect((await run('add-admin', 'oEarly_admin', 'cr-typo')).stdout).toContain('还没有这个 ID 的创作者');
  await run('remove-admin', 'oEarly_admin', 'cr-typo');
  const added = await run('add-admin', ADMIN, 'cr-a');
  expect(added.code).toBe(0);
  expect(added.stdout).toContain(`${ADMIN}：cr-a`);
  expect((await run('list-admins', 'cr-a')).stdout).toContain(ADMIN);
}, 60_000);
