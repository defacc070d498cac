/**
 * A write the local cloud acknowledged survives `kill -9`: the server (`npm start`'s entry) is killed right after a
 * burst of acknowledged writes, restarted on the same data folder, and every acknowledged write is found.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useLocalCloudFromThisProcess } from '../sdk-env';

const root = path.join(__dirname, '..', '..');
let dataDir: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durability-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Starts `local/main.ts` on a free port and resolves once it prints that it is listening. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'local', 'main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOCAL_CLOUD_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /local cloud listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK ships no useful types for these calls
function sdkFor(url: string): any {
  useLocalCloudFromThisProcess(`${url}/admin`, 'local-env');
  const sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  return sdk.database();
}

it('keeps every acknowledged write across SIGKILL and restart', async () => {
  const first = await startServer();
  const db = sdkFor(first.url);
  await db.createCollection('durability');
  const acknowledged: string[] = [];
  // Sequential single inserts, concurrent inserts, a batch insert, an update and a committed transaction.
  for (let i = 0; i < 50; i++) acknowledged.push((await db.collection('durability').add({ data: { i } }))._id);
  const concurrent = await Promise.all(
    Array.from({ length: 50 }, (_, i) => db.collection('durability').add({ data: { i: 100 + i } })),
  );
  acknowledged.push(...concurrent.map((result: { _id: string }) => result._id));
  const batch = await db
    .collection('durability')
    .add({ data: Array.from({ length: 100 }, (_, i) => ({ i: 200 + i })) });
  acknowledged.push(...batch._ids);
  await db
    .collection('durability')
    .doc(acknowledged[0])
    .update({ data: { updated: true } });
  await db.runTransaction(async (tx: { collection(name: string): { add(o: unknown): Promise<unknown> } }) => {
    await tx.collection('durability').add({ data: { _id: 'from-transaction', inTx: true } });
  });
  acknowledged.push('from-transaction');
  await killHard(first.child);

  const second = await startServer();
  try {
    const db2 = sdkFor(second.url);
    const found = new Set<string>();
    for (let offset = 0; ; offset += 1000) {
      const { data } = await db2.collection('durability').skip(offset).limit(1000).get();
      for (const doc of data) found.add(doc._id);
      if (data.length < 1000) break;
    }
    expect(acknowledged.filter((id) => !found.has(id))).toEqual([]);
    expect(found.size).toBe(acknowledged.length);
    expect((await db2.collection('durability').doc(acknowledged[0]).get()).data.updated).toBe(true);
  } finally {
    await killHard(second.child);
  }
});
