/**
 * Loads the demo catalog (./catalog) into a local cloud: files straight into its storage, documents
 * through @cloudbase/node-sdk with the import's own upsert (toolchain/catalog-store.ts), so loading twice changes
 * nothing. Then the selling documents (./catalog/promo.ts), each created only when its id is missing: their windows
 * start at the first load, and a later load leaves them (and what learners did with them) alone. `npm start` calls
 * it on a new data folder; tests call it to seed a test cloud. `loadDemoHistory` then gives a new data folder its
 * past (./catalog/history.ts) and its learners (./catalog/learners.ts: grants, progress, reviews, reports), and runs
 * each nightly job once through its timer (courseStats, insights, retrain), so every creator number is there at once.
 *
 * A course's learner count and rating summary are counted from the demo's learners of the day of the load
 * (`demoCatalogFor(cloud, now)`), so the catalog loaded and the learners written the same day agree.
 */
import { randomBytes } from 'node:crypto';
import tcb from '@cloudbase/node-sdk';
import { buildDemoCatalog, type DemoCatalog } from './catalog';
import { buildDemoHistory, demoHistoryStart, type DemoHistory } from './catalog/history';
import { buildDemoLearners, type DemoLearners } from './catalog/learners';
import { buildDemoModeration, DEMO_CREATOR_ADMINS, DEMO_NEW_CREATOR } from './catalog/moderation';
import { buildDemoPromo } from './catalog/promo';
import { COLLECTIONS, type CollectionName } from '../../shared/collections';
import { beijingDay } from '../../shared/insights/daily/calendar';
import { authorName } from '../../shared/learning/identity';
import { SECRETS_DOC_ID } from '../../shared/settings/secrets';
import { saveCourse, upsertById, type NodeApp, type NodeDb } from '../../toolchain/catalog-store';
import type { LocalCloud } from '../cloud';
import { storageOf } from '../storage';

/** Courses written at once: enough to hide latency, few enough not to queue hundreds of requests. */
const CONCURRENCY = 8;

/** Building takes seconds (covers and video are drawn), so it is done once per environment and process. */
const built = new Map<string, DemoCatalog>();

function baseCatalogFor(cloud: LocalCloud): DemoCatalog {
  const storage = storageOf(cloud);
  const key = storage.fileId('');
  let catalog = built.get(key);
  if (!catalog) {
    catalog = buildDemoCatalog({ fileIdFor: (path) => storage.fileId(path) });
    built.set(key, catalog);
  }
  return catalog;
}

/** The demo's past and learners as of a day of the load. */
export interface DemoPopulation {
  history: DemoHistory;
  learners: DemoLearners;
}

/** Per environment and Beijing day of the load: the history's dates move with the day. */
const populations = new Map<string, { population: DemoPopulation; catalog: DemoCatalog }>();

function populatedFor(cloud: LocalCloud, now: Date): { population: DemoPopulation; catalog: DemoCatalog } {
  const base = baseCatalogFor(cloud);
  const key = `${storageOf(cloud).fileId('')}\u0000${beijingDay(now)}`;
  let entry = populations.get(key);
  if (!entry) {
    const history = buildDemoHistory(base.courses, base.reach, now);
    const learners = buildDemoLearners({
      courses: base.courses,
      lessons: base.lessons,
      reach: base.reach,
      orders: history.orders,
      historyStart: demoHistoryStart(now),
      now,
    });
    const seeded = (courseId: string) => learners.seeds.get(courseId);
    const catalog: DemoCatalog = {
      ...base,
      courses: base.courses.map((c) => ({ ...c, ...seeded(c._id) })),
      imports: base.imports.map((i) => ({ ...i, seed: seeded(i.imported.course._id) ?? i.seed })),
    };
    entry = { population: { history, learners }, catalog };
    populations.set(key, entry);
  }
  return entry;
}

/**
 * The demo catalog with the fileIDs of `cloud`'s storage, each course's learner count and rating summary counted
 * from the demo's learners as of `now`'s day.
 */
export function demoCatalogFor(cloud: LocalCloud, now: Date = new Date()): DemoCatalog {
  return populatedFor(cloud, now).catalog;
}

/** The demo's past (orders, counters, a price test) and learners (grants, progress, reviews, reports) as of `now`. */
export function demoPopulationFor(cloud: LocalCloud, now: Date = new Date()): DemoPopulation {
  return populatedFor(cloud, now).population;
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
async function createMissing<T extends { _id: string }>(
  db: NodeDb,
  collection: CollectionName,
  docs: readonly T[],
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
  const catalog = demoCatalogFor(cloud, now);
  const storage = storageOf(cloud);
  const db = adminDatabase(cloud);
  await Promise.all(catalog.files.map((file) => storage.put(file.path, file.bytes)));
  await upsertById(db, 'categories', catalog.categories);
  await upsertById(db, 'creators', catalog.creators);
  // A new creator, with an admin and no course yet: the creator center's empty state.
  await createMissing(db, COLLECTIONS.creators, [DEMO_NEW_CREATOR]);
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
  /** Documents added: course days, orders, price tests, grants, progress, reviews, … (0 when they were there already). */
  added: number;
  /** Timer ticks each nightly job took (a job done already answers in one), and its milliseconds. */
  ticks: Record<DemoJob, number>;
  jobMs: Record<DemoJob, number>;
  /** Courses the insights job wrote an insight for, and courses with a quality score. */
  insights: number;
  quality: number;
  /** Milliseconds writing the documents, and running the jobs. */
  writeMs: number;
  ms: number;
}

/** Ticks of a job at most: the first night of insights folds every day of the history. */
const MAX_TICKS = 30;

const DEMO_JOBS = ['courseStats', 'insights', 'retrain'] as const;
type DemoJob = (typeof DEMO_JOBS)[number];

/** Fires `fn`'s timer through the cloud until its run says `done` or `idle` (or once, for a job without a status). */
async function runTimer(cloud: LocalCloud, fn: DemoJob): Promise<number> {
  for (let ticks = 1; ; ticks++) {
    if (ticks > MAX_TICKS) throw new Error(`the ${fn} job did not finish in ${MAX_TICKS} ticks`);
    const res = await fetch(`${cloud.url}/sandbox/timers/${fn}`, { method: 'POST' });
    const body = (await res.json()) as { result?: { ok: boolean; data?: { status?: string } }; errMsg?: string };
    if (!res.ok || !body.result?.ok) throw new Error(`the ${fn} job failed: ${body.errMsg ?? JSON.stringify(body)}`);
    const status = body.result.data?.status;
    if (status === undefined || status === 'done' || status === 'idle') return ticks;
  }
}

/**
 * The environment's secret of learner codes (shared/learning/identity.ts), as the functions read it: the stored one,
 * created here the way `storedSecret` creates it when the environment has none yet (the demo's reviews name their
 * authors with it, as `review.submit` would).
 */
async function learnerCodeSecret(db: NodeDb): Promise<string> {
  const settings = db.collection(COLLECTIONS.settings);
  const read = async () =>
    ((await settings.where({ _id: SECRETS_DOC_ID }).limit(1).get()) as { data: Record<string, unknown>[] }).data[0];
  const doc = await read();
  if (typeof doc?.learnerCode === 'string' && doc.learnerCode !== '') return doc.learnerCode;
  const generated = randomBytes(32).toString('hex');
  if (doc === undefined)
    await createMissing(db, COLLECTIONS.settings, [{ _id: SECRETS_DOC_ID, learnerCode: generated }]);
  else
    await settings
      .where({ _id: SECRETS_DOC_ID, learnerCode: db.command.exists(false) })
      .update({ learnerCode: generated });
  const stored = (await read())?.learnerCode;
  if (typeof stored !== 'string' || stored === '') throw new Error(`settings/${SECRETS_DOC_ID} has no learnerCode`);
  return stored;
}

/**
 * The demo's past (./catalog/history.ts) and learners (./catalog/learners.ts), each document added only when its id
 * is missing, then each nightly job's timer fired through the cloud until its run is done (or had been): `courseStats`
 * (every course's figures and a published course's quality score; the recount finds every learner count right),
 * `insights` (every priced course's forecast, price response and advice, the running price test's week) and
 * `retrain` (the recommender, each learner's purchase propensity and each course's expected buyers).
 */
export async function loadDemoHistory(cloud: LocalCloud, now: Date = new Date()): Promise<DemoHistoryReport> {
  const started = Date.now();
  const db = adminDatabase(cloud);
  const { history, learners } = demoPopulationFor(cloud, now);
  const secret = await learnerCodeSecret(db);
  const reviews = learners.reviews.map((r) => ({ ...r, author: authorName(r._openid, secret) }));
  const batches: [CollectionName, readonly { _id: string }[]][] = [
    [COLLECTIONS.courseDaily, history.daily],
    [COLLECTIONS.cardImpressions, history.impressions],
    [COLLECTIONS.orders, [...history.orders, ...learners.orders]],
    [COLLECTIONS.priceTests, history.priceTests],
    [COLLECTIONS.grants, learners.grants],
    [COLLECTIONS.courseProgress, learners.progress],
    [COLLECTIONS.reviews, reviews],
    [COLLECTIONS.reports, learners.reports],
    [COLLECTIONS.redeemBatches, learners.redeemBatches],
    [COLLECTIONS.redeemCodes, learners.redeemCodes],
    [COLLECTIONS.interactions, learners.interactions],
  ];
  let added = 0;
  for (const [collection, docs] of batches) added += await createMissing(db, collection, docs);
  const writeMs = Date.now() - started;
  const ticks = { courseStats: 0, insights: 0, retrain: 0 };
  const jobMs = { courseStats: 0, insights: 0, retrain: 0 };
  // In the nightly order: the figures, then the insights, then the retrain whose expected buyers join the insights.
  for (const job of DEMO_JOBS) {
    const at = Date.now();
    ticks[job] = await runTimer(cloud, job);
    jobMs[job] = Date.now() - at;
  }
  const insights = (await db.collection(COLLECTIONS.courseInsights).count()).total;
  const quality = (
    await db
      .collection(COLLECTIONS.courseStats)
      .where({ quality: db.command.exists(true) })
      .count()
  ).total;
  return { added, ticks, jobMs, insights, quality, writeMs, ms: Date.now() - started };
}
