/**
 * Loads the demo catalog (./catalog) into a local cloud: files straight into its storage, documents
 * through @cloudbase/node-sdk with the import's own upsert (toolchain/catalog-store.ts), so loading twice changes
 * nothing. Then the selling documents (./catalog/promo.ts), each created only when its id is missing: their windows
 * start at the first load, and a later load leaves them (and what learners did with them) alone. `npm start` calls
 * it on a new data folder; tests call it to seed a test cloud. `loadDemoHistory` then gives a new data folder its
 * past (./catalog/history.ts) and runs the nightly insights job once, so the creator insights are there at once.
 */
import tcb from '@cloudbase/node-sdk';
import { buildDemoCatalog, type DemoCatalog } from './catalog';
import { buildDemoHistory } from './catalog/history';
import { buildDemoModeration, DEMO_CREATOR_ADMINS } from './catalog/moderation';
import { buildDemoPromo } from './catalog/promo';
import { COLLECTIONS, type CollectionName } from '../../shared/collections';
import { saveCourse, upsertById, type NodeApp, type NodeDb } from '../../toolchain/catalog-store';
import type { LocalCloud } from '../cloud';
import { storageOf } from '../storage';

/** Courses written at once: enough to hide latency, few enough not to queue hundreds of requests. */
const CONCURRENCY = 8;

/** Building takes seconds (covers and video are drawn), so it is done once per environment and process. */
const built = new Map<string, DemoCatalog>();

/** The demo catalog with the fileIDs of `cloud`'s storage. */
export function demoCatalogFor(cloud: LocalCloud): DemoCatalog {
  const storage = storageOf(cloud);
  const key = storage.fileId('');
  let catalog = built.get(key);
  if (!catalog) {
    catalog = buildDemoCatalog({ fileIdFor: (path) => storage.fileId(path) });
    built.set(key, catalog);
  }
  return catalog;
}

/** An admin app (node-sdk) of `cloud`, whatever this process's SDK environment points at. */
export function adminApp(cloud: LocalCloud): NodeApp {
  return tcb.init({
    env: cloud.envId,
    serviceUrl: `${cloud.url}/admin`,
    secretId: 'local-secret-id',
    secretKey: 'local-secret-key',
    throwOnCode: true,
  });
}

export function adminDatabase(cloud: LocalCloud): NodeDb {
  return adminApp(cloud).database();
}

export interface DemoLoadReport {
  courses: { created: number; updated: number; unchanged: number };
  /** Coupons, limited-time prices and bundles created by this load (0 when they were there already). */
  promo: number;
  files: number;
  ms: number;
}

/** Documents checked and added per call. */
const CHUNK = 500;

/** Adds the documents whose id the collection does not have; returns how many it added. */
async function createMissing(
  db: NodeDb,
  collection: CollectionName,
  docs: readonly { _id: string }[],
): Promise<number> {
  if (docs.length > CHUNK) {
    let added = 0;
    for (let i = 0; i < docs.length; i += CHUNK) added += await createMissing(db, collection, docs.slice(i, i + CHUNK));
    return added;
  }
  const ids = docs.map((d) => d._id);
  const stored = (await db
    .collection(collection)
    .where({ _id: db.command.in(ids) })
    .field({ _id: true })
    .limit(ids.length)
    .get()) as { data: { _id: string }[] };
  const have = new Set(stored.data.map((d) => d._id));
  const missing = docs.filter((d) => !have.has(d._id));
  if (missing.length > 0) await db.collection(collection).add(missing);
  return missing.length;
}

export async function loadDemoCatalog(cloud: LocalCloud, now: Date = new Date()): Promise<DemoLoadReport> {
  const started = Date.now();
  const catalog = demoCatalogFor(cloud);
  const storage = storageOf(cloud);
  const db = adminDatabase(cloud);
  await Promise.all(catalog.files.map((file) => storage.put(file.path, file.bytes)));
  await upsertById(db, 'categories', catalog.categories);
  await upsertById(db, 'creators', catalog.creators);
  const courses = { created: 0, updated: 0, unchanged: 0 };
  const queue = [...catalog.imports];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const outcome = await saveCourse(db, next.imported, next.at, { seed: next.seed });
      courses[outcome.outcome] += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  // A rejected course and a staged change, each written only when missing (./catalog/moderation.ts).
  const moderation = buildDemoModeration(catalog);
  await createMissing(db, COLLECTIONS.courses, moderation.courses);
  await createMissing(db, COLLECTIONS.creatorAdmins, DEMO_CREATOR_ADMINS);
  await createMissing(db, COLLECTIONS.courseRevisions, moderation.revisions);
  const promo = buildDemoPromo(catalog.courses, now);
  const created = await Promise.all([
    createMissing(db, COLLECTIONS.bundles, promo.bundles),
    createMissing(db, COLLECTIONS.promotions, promo.promotions),
    createMissing(db, COLLECTIONS.coupons, promo.coupons),
  ]);
  return {
    courses,
    promo: created.reduce((a, b) => a + b, 0),
    files: catalog.files.length,
    ms: Date.now() - started,
  };
}

export interface DemoHistoryReport {
  /** Documents added: course days, orders, price tests (0 when they were there already). */
  added: number;
  /** Timer ticks the insights job took, and the courses it wrote an insight for. */
  ticks: number;
  insights: number;
  ms: number;
}

/** Ticks of the insights job at most: the first night folds every day of the history. */
const MAX_TICKS = 30;

/**
 * The demo's past (./catalog/history.ts), each document added only when its id is missing, then the `insights`
 * timer fired through the cloud until the night's run is done (or had been): every priced course gets its forecast,
 * price response and advice, and the running price test its week.
 */
export async function loadDemoHistory(cloud: LocalCloud, now: Date = new Date()): Promise<DemoHistoryReport> {
  const started = Date.now();
  const db = adminDatabase(cloud);
  const history = buildDemoHistory(demoCatalogFor(cloud).courses, now);
  let added = 0;
  added += await createMissing(db, COLLECTIONS.courseDaily, history.daily);
  added += await createMissing(db, COLLECTIONS.orders, history.orders);
  added += await createMissing(db, COLLECTIONS.priceTests, history.priceTests);
  let ticks = 0;
  for (let status = ''; status !== 'done' && status !== 'idle'; ticks++) {
    if (ticks >= MAX_TICKS) throw new Error(`the insights job did not finish in ${MAX_TICKS} ticks`);
    const res = await fetch(`${cloud.url}/sandbox/timers/insights`, { method: 'POST' });
    const body = (await res.json()) as { result?: { ok: boolean; data?: { status: string } }; errMsg?: string };
    if (!res.ok || !body.result?.ok) throw new Error(`the insights job failed: ${body.errMsg ?? JSON.stringify(body)}`);
    status = body.result.data?.status ?? '';
  }
  const insights = (await db.collection(COLLECTIONS.courseInsights).count()).total;
  return { added, ticks, insights, ms: Date.now() - started };
}
