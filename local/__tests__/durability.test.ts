/**
 * A write the local cloud acknowledged survives `kill -9`: the server (`npm start`'s entry) is killed while a burst of
 * inserts, updates, removals and transactions is in flight, restarted on the same data folder, and every acknowledged
 * write is found whole, while no write (a transaction included) is found half-applied.
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK ships no useful types for these calls
type Sdk = any;
type Doc = { _id: string; [field: string]: unknown };

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function sdkFor(url: string): Sdk {
  useLocalCloudFromThisProcess(`${url}/admin`, 'local-env');
  const sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  return sdk.database();
}

async function allDocs(db: Sdk): Promise<Map<string, Doc>> {
  const found = new Map<string, Doc>();
  for (let offset = 0; ; offset += 1000) {
    const { data } = await db.collection('durability').skip(offset).limit(1000).get();
    for (const doc of data as Doc[]) found.set(doc._id, doc);
    if (data.length < 1000) return found;
  }
}

const BASE = 120;
const TRANSACTIONS = 60;

/**
 * One write of the burst: what it does, and what the restarted store must hold for it, acknowledged (`done`) or not
 * (whole or not at all).
 */
interface Write {
  name: string;
  run(db: Sdk): Promise<unknown>;
  /** The store after restart agrees with this write having been applied entirely. */
  applied(docs: Map<string, Doc>): boolean;
  /** … or with it never having happened. */
  absent(docs: Map<string, Doc>): boolean;
}

function burst(): Write[] {
  const writes: Write[] = [];
  for (let i = 0; i < BASE; i++) {
    const id = `base-${i}`;
    if (i % 2 === 0) {
      writes.push({
        name: `update ${id}`,
        run: (db) =>
          db
            .collection('durability')
            .doc(id)
            .update({ data: { v: i + 1 } }),
        applied: (docs) => docs.get(id)?.v === i + 1,
        absent: (docs) => docs.get(id)?.v === 0,
      });
    } else {
      writes.push({
        name: `remove ${id}`,
        run: (db) => db.collection('durability').doc(id).remove(),
        applied: (docs) => !docs.has(id),
        absent: (docs) => docs.get(id)?.v === 0,
      });
    }
  }
  for (let k = 0; k < 120; k++) {
    const id = `new-${k}`;
    writes.push({
      name: `insert ${id}`,
      run: (db) => db.collection('durability').add({ data: { _id: id, k, text: 'x'.repeat(200) } }),
      applied: (docs) => docs.get(id)?.k === k && docs.get(id)?.text === 'x'.repeat(200),
      absent: (docs) => !docs.has(id),
    });
  }
  for (let k = 0; k < TRANSACTIONS; k++) {
    // Each transaction inserts two documents, removes one and updates one: all four or none.
    const [a, b, gone, moved] = [`txa-${k}`, `txb-${k}`, `txr-${k}`, `txu-${k}`];
    writes.push({
      name: `transaction ${k}`,
      run: (db) =>
        db.runTransaction(async (tx: Sdk) => {
          await tx.collection('durability').add({ data: { _id: a, k } });
          await tx.collection('durability').doc(gone).remove();
          await tx
            .collection('durability')
            .doc(moved)
            .update({ data: { v: k + 1 } });
          await tx.collection('durability').add({ data: { _id: b, k } });
        }, 0),
      applied: (docs) => docs.has(a) && docs.has(b) && !docs.has(gone) && docs.get(moved)?.v === k + 1,
      absent: (docs) => !docs.has(a) && !docs.has(b) && docs.has(gone) && docs.get(moved)?.v === 0,
    });
  }
  // Interleave the kinds, so the kill falls among all of them.
  return writes
    .map((write, n) => ({ write, key: (n * 7919) % writes.length }))
    .sort((x, y) => x.key - y.key)
    .map((x) => x.write);
}

it('keeps every acknowledged write across SIGKILL in the middle of a burst, and half-applies none', async () => {
  const first = await startServer();
  const db = sdkFor(first.url);
  await db.createCollection('durability');
  // Acknowledged before the burst: sequential, concurrent and batch inserts.
  const base = Array.from({ length: BASE }, (_, i) => ({ _id: `base-${i}`, v: 0 }));
  for (const doc of base.slice(0, 20)) await db.collection('durability').add({ data: doc });
  await Promise.all(base.slice(20, 60).map((doc) => db.collection('durability').add({ data: doc })));
  await db.collection('durability').add({ data: base.slice(60) });
  const fixtures = Array.from({ length: TRANSACTIONS }, (_, k) => [
    { _id: `txr-${k}`, k },
    { _id: `txu-${k}`, v: 0 },
  ]).flat();
  await db.collection('durability').add({ data: fixtures });

  // The burst: 16 lanes, each making its share of the writes one after another (so that writes of every kind,
  // transactions included, are in flight at any moment); the server is killed once half are acknowledged.
  const writes = burst();
  const acknowledged = new Set<Write>();
  let killed: Promise<void> | undefined;
  const LANES = 16;
  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      for (let n = lane; n < writes.length && !killed; n += LANES) {
        const write = writes[n] as Write;
        try {
          await write.run(db);
        } catch {
          return; // The server is gone.
        }
        // A reply that arrives after the kill was sent is an acknowledgement all the same.
        acknowledged.add(write);
        if (!killed && acknowledged.size >= writes.length / 2) killed = killHard(first.child);
      }
    }),
  );
  await killed;
  // The kill did fall in the middle: some writes were never acknowledged.
  expect(acknowledged.size).toBeLessThan(writes.length);

  const second = await startServer();
  try {
    const docs = await allDocs(sdkFor(second.url));
    const lost = writes.filter((write) => acknowledged.has(write) && !write.applied(docs));
    expect(lost.map((write) => write.name)).toEqual([]);
    const halfApplied = writes.filter((write) => !write.applied(docs) && !write.absent(docs));
    expect(halfApplied.map((write) => write.name)).toEqual([]);
  } finally {
    await killHard(second.child);
  }
});
