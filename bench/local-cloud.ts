/**
 * Local cloud speed through the real wx-server-sdk, with the database on disk as `npm start` runs it:
 * get-by-id round trips, an equality query on an indexed field over 100,000 documents (beside the same query on an
 * unindexed field, measured in the same run), and sequential inserts per second.
 *
 *   npm run bench:local-cloud [-- --docs 100000 --json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CollectionSpec } from '../database/collections';
import { useLocalCloudFromThisProcess } from '../local/sdk-env';
import { startLocalCloud } from '../local/start';

const { values } = parseArgs({
  options: { docs: { type: 'string', default: '100000' }, json: { type: 'boolean', default: false } },
});
const docCount = Number(values.docs);

const collections: CollectionSpec[] = [
  { name: 'bench_docs', indexes: [{ name: 'owner', keys: { owner: 1 } }], rules: { read: false, write: false } },
  { name: 'bench_inserts', indexes: [], rules: { read: false, write: false } },
];

function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))] ?? NaN;
}

async function timeEach(runs: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await call(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-local-cloud-'));
  const cloud = await startLocalCloud({ dataDir, collections, sandboxes: 'all' });
  useLocalCloudFromThisProcess(`${cloud.url}/admin`, cloud.envId);
  const sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  const db = sdk.database();
  try {
    // 100k documents, 10 per owner, loaded in batches of 1000 (one call each).
    for (let start = 0; start < docCount; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, docCount - start) }, (_, i) => {
        const n = start + i;
        return { owner: `u${Math.floor(n / 10)}`, shadowOwner: `u${Math.floor(n / 10)}`, n, title: `document ${n}` };
      });
      await db.collection('bench_docs').add({ data: batch });
    }
    const ids = (await db.collection('bench_docs').limit(1000).field({ _id: true }).get()).data.map(
      (d: { _id: string }) => d._id,
    );
    const owners = docCount / 10;
    const pick = (i: number) => `u${(i * 7919) % owners}`;

    const warm = () =>
      timeEach(50, (i) =>
        db
          .collection('bench_docs')
          .doc(ids[i % ids.length])
          .get(),
      );
    await warm();
    const getById = await timeEach(1000, (i) =>
      db
        .collection('bench_docs')
        .doc(ids[i % ids.length])
        .get(),
    );
    const indexed = await timeEach(300, (i) =>
      db
        .collection('bench_docs')
        .where({ owner: pick(i) })
        .get(),
    );
    const unindexed = await timeEach(30, (i) =>
      db
        .collection('bench_docs')
        .where({ shadowOwner: pick(i) })
        .get(),
    );
    const insertStart = process.hrtime.bigint();
    const inserts = 2000;
    for (let i = 0; i < inserts; i++) await db.collection('bench_inserts').add({ data: { i, at: new Date() } });
    const insertSeconds = Number(process.hrtime.bigint() - insertStart) / 1e9;

    const result = {
      docs: docCount,
      getByIdP50Ms: percentile(getById, 50),
      getByIdP99Ms: percentile(getById, 99),
      indexedEqualityP50Ms: percentile(indexed, 50),
      unindexedEqualityP50Ms: percentile(unindexed, 50),
      sequentialInsertsPerSecond: inserts / insertSeconds,
    };
    const round = (x: number) => Math.round(x * 100) / 100;
    console.log(`documents                          ${docCount}`);
    console.log(
      `get-by-id p50 / p99                ${round(result.getByIdP50Ms)} / ${round(result.getByIdP99Ms)} ms   (target p50 <= 3)`,
    );
    console.log(`indexed equality p50               ${round(result.indexedEqualityP50Ms)} ms   (target <= 10)`);
    console.log(
      `same query, unindexed field, p50   ${round(result.unindexedEqualityP50Ms)} ms   (baseline: full scan)`,
    );
    console.log(
      `sequential inserts                 ${Math.round(result.sequentialInsertsPerSecond)} /s   (target >= 1000)`,
    );
    if (values.json) console.log(JSON.stringify(result));
  } finally {
    await cloud.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
