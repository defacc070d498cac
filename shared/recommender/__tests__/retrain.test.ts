/**
 * The retrain job through the local cloud with the real wx-server-sdk (platform/cloud-store.ts), on a generated
 * platform whose answer is known: every learner takes courses of one favourite category only, so their list must lead
 * with unowned courses of that category. The clock and the time budget are injected, so nothing here depends on
 * timing.
 */
import * as wx from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import { cloudRetrainStore } from '../platform/cloud-store';
import { ItemFactors } from '../algorithms/item-factors';
import { parseList, type ListShardDoc } from '../platform/lists';
import { runRetrain } from '../job/lease';
import type { RetrainSettings } from '../job/settings';
import { RETRAIN_LOCK_ID, type ModelPointer, type RetrainEnv, type RetrainRun, type RetrainStore } from '../job/types';
import { isActive, ownedCourses, type InteractionSnapshot } from '../data/snapshot';
import { SyntheticPlatform } from '../data/synthetic';
import { COLLECTIONS } from '../../collections';

const HOUR = 3_600_000;
const NOW = Date.parse('2024-05-01T03:07:00Z');
/** Later runs happen within minutes of each other, so the same learners are active and lists can be compared. */
const LATER = NOW + 48 * HOUR;
const USERS = 240;
const COURSES = 24;
const platform = new SyntheticPlatform({
  users: USERS,
  courses: COURSES,
  interactions: USERS * 4,
  categories: 4,
  favouriteShare: 1,
  draftEvery: 6,
  activeShare: 0.5,
  now: new Date(NOW),
});
const snapshots = Array.from({ length: USERS }, (_v, u) => platform.snapshot(u));
const courses = Array.from({ length: COURSES }, (_v, c) => platform.course(c));
const drafts = new Set(courses.filter((c) => c.status !== 'published').map((c) => c._id));
const settings: RetrainSettings = {
  model: { factors: 8, iterations: 8, regularization: 1 },
  heldOutUsers: 40,
  learnersPerShard: 20,
  shardsPerWrite: 2,
  minIntervalMs: 0,
};

let cloud: LocalCloud;
let db: ReturnType<typeof wx.database>;
let store: RetrainStore;
const logs: string[] = [];

function env(now: number, owner: string, timeLeft = () => 60_000): RetrainEnv {
  return { now: () => now, owner, timeLeft, log: (message) => logs.push(message) };
}

beforeAll(async () => {
  cloud = await startTestCloud();
  wx.init({ env: wx.DYNAMIC_CURRENT_ENV as unknown as string });
  db = wx.database();
  store = cloudRetrainStore(wx);
  await db.collection(COLLECTIONS.courses).add({ data: courses });
  await db.collection(COLLECTIONS.interactions).add({ data: snapshots });
});

afterAll(() => cloud.close());

async function pointer(): Promise<ModelPointer> {
  const found = (await db.collection(COLLECTIONS.recModels).where({ _id: 'current' }).get()) as unknown as {
    data: ModelPointer[];
  };
  return found.data[0] as ModelPointer;
}

async function shardsOf(version: string): Promise<ListShardDoc[]> {
  const found = (await db.collection(COLLECTIONS.recommendations).where({ version }).limit(1000).get()) as unknown as {
    data: ListShardDoc[];
  };
  return found.data;
}

async function listsOf(version: string): Promise<Record<string, string[]>> {
  return Object.assign({}, ...(await shardsOf(version)).map((doc) => doc.lists));
}

async function runRecord(id: string): Promise<RetrainRun> {
  return (await store.getRun(id)) as RetrainRun;
}

const activeLearners = snapshots.filter((s) => isActive(s, new Date(NOW))).map((s) => s._id);
const byOpenid = new Map<string, InteractionSnapshot>(snapshots.map((s) => [s._id, s]));

let firstVersion: string;

describe('a first run', () => {
  let run: RetrainRun;

  beforeAll(async () => {
    const outcome = await runRetrain(store, settings, env(NOW, 'inv-first'));
    expect(outcome.status).toBe('done');
    run = outcome.run as RetrainRun;
    firstVersion = run.version;
  });

  it('switches the current model to its version, with float32 item factors in storage', async () => {
    const current = await pointer();
    expect(current).toMatchObject({ version: run.version, shards: Math.ceil(activeLearners.length / 20) });
    expect(current.previous).toBeNull();
    const model = ItemFactors.decode(await store.download(current.itemsFile));
    expect(model.k).toBe(8);
    expect([...model.items.ids].sort()).toEqual(courses.map((c) => c._id).sort());
  });

  it('writes a list for exactly the learners active in the last 30 days, in the recorded number of shards', async () => {
    const shards = await shardsOf(run.version);
    expect(shards.map((s) => s.shard).sort((a, b) => a - b)).toEqual([...Array(run.checkpoint.shards).keys()]);
    expect(Object.keys(await listsOf(run.version)).sort()).toEqual([...activeLearners].sort());
  });

  it('never lists an owned, rated or unpublished course, and leads with an unowned course of the category', async () => {
    const lists = await listsOf(run.version);
    let checked = 0;
    let leading = 0;
    for (const [openid, raw] of Object.entries(lists)) {
      const snapshot = byOpenid.get(openid) as InteractionSnapshot;
      const owned = ownedCourses(snapshot);
      const entries = parseList(raw);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(owned.has(entry.courseId)).toBe(false);
        expect(drafts.has(entry.courseId)).toBe(false);
        if (entry.because !== undefined) expect(owned.has(entry.because)).toBe(true);
      }
      // The known answer, for learners who own courses of their favourite category only and not all of them.
      const favourite = Number(openid.slice(1)) % 4;
      const inCategory = (id: string) => Number(id.slice(1)) % 4 === favourite;
      if ([...owned].every(inCategory) && owned.size <= 4) {
        checked++;
        if (inCategory(entries[0]?.courseId as string)) leading++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(leading / checked).toBeGreaterThan(0.9);
  });

  it('records the run: data size, held-out metrics, the decision, and no checkpoint left to resume', async () => {
    const record = await runRecord(run._id);
    expect(record).toMatchObject({
      status: 'done',
      phase: 'done',
      switched: true,
      invocations: 1,
      data: { learners: USERS, courses: COURSES, activeLearners: activeLearners.length, heldOut: 40 },
      metrics: { previous: null, previousVersion: null },
    });
    expect(record.decision).toMatch(/^first model/);
    // Pure block structure: the hidden course is one of the few unowned courses of the learner's category.
    expect(record.metrics?.candidate.recall10).toBeGreaterThan(0.6);
    const lock = (await db.collection(COLLECTIONS.jobRuns).doc(RETRAIN_LOCK_ID).get()) as unknown as {
      data: { owner: string | null; activeRunId: string | null; lastFinishedAt: number };
    };
    expect(lock.data).toMatchObject({ owner: null, activeRunId: null, lastFinishedAt: NOW });
  });
});

describe('the keep-old-model gate', () => {
  it('leaves a run idle until minIntervalMs has passed since the last one', async () => {
    const outcome = await runRetrain(store, { ...settings, minIntervalMs: 20 * HOUR }, env(NOW + HOUR, 'inv-early'));
    expect(outcome.status).toBe('idle');
  });

  it('keeps the current model and its lists when the candidate is worse by more than the margin', async () => {
    const weak = { ...settings, model: { factors: 1, iterations: 1, regularization: 1e4 } };
    const outcome = await runRetrain(store, weak, env(NOW + 24 * HOUR, 'inv-weak'));
    const run = outcome.run as RetrainRun;
    expect(outcome.status).toBe('done');
    expect(run.switched).toBe(false);
    expect(run.decision).toMatch(new RegExp(`^kept ${firstVersion}`));
    expect(run.metrics?.previousVersion).toBe(firstVersion);
    expect(run.metrics?.candidate.ndcg10).toBeLessThan((run.metrics?.previous?.ndcg10 ?? 0) * 0.95);
    expect((await pointer()).version).toBe(firstVersion);
    expect(await shardsOf(run.version)).toEqual([]);
    // Expected buyers are written whether or not the model switches (none here: nobody has paid).
    const insights = (await db.collection(COLLECTIONS.courseInsights).limit(100).get()) as unknown as {
      data: { expectedBuyers: { count: number; computedAt: string } }[];
    };
    expect(insights.data.length).toBeGreaterThan(0);
    for (const doc of insights.data) expect(doc.expectedBuyers).toMatchObject({ count: 0, computedAt: run.startedAt });
  });
});

describe('the lease', () => {
  let reference: Record<string, string[]>;

  it('lets exactly one of two concurrent invocations work; the other returns busy', async () => {
    const now = LATER;
    const outcomes = await Promise.all([
      runRetrain(store, settings, env(now, 'inv-a')),
      runRetrain(store, settings, env(now, 'inv-b')),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['busy', 'done']);
    const done = outcomes.find((o) => o.status === 'done')?.run as RetrainRun;
    expect((await pointer()).version).toBe(done.version);
    expect((await pointer()).previous?.version).toBe(firstVersion);
    reference = await listsOf(done.version);
    expect(Object.keys(reference).length).toBeGreaterThan(100);
  });

  it('refuses while a crashed invocation’s lease lasts, and takes over once it expired', async () => {
    const now = LATER + 10;
    await db
      .collection(COLLECTIONS.jobRuns)
      .doc(RETRAIN_LOCK_ID)
      .update({ data: { owner: 'inv-crashed', leaseUntil: now + 60_000 } });
    expect((await runRetrain(store, settings, env(now, 'inv-c'))).status).toBe('busy');
    expect((await runRetrain(store, settings, env(now + 60_001, 'inv-d'))).status).toBe('done');
  });

  it('checkpoints when out of time and continues in the next invocation with the same result', async () => {
    const now = LATER + 120_000;
    const statuses: string[] = [];
    let outcome;
    do {
      // No time left: every invocation does exactly one step.
      outcome = await runRetrain(
        store,
        settings,
        env(now + statuses.length, `inv-step-${statuses.length}`, () => 0),
      );
      statuses.push(outcome.status);
    } while (outcome.status === 'continued');
    const run = outcome.run as RetrainRun;
    const batches = Math.ceil((run.checkpoint.shards as number) / 2);
    // load + buyers + 8 sweeps + evaluate + save + list batches + switch + expected buyers (one batch of courses)
    expect(run.invocations).toBe(1 + 1 + 8 + 1 + 1 + batches + 1 + 1);
    expect(statuses.filter((s) => s === 'continued')).toHaveLength(run.invocations - 1);
    expect(await listsOf(run.version)).toEqual(reference);
    expect((await pointer()).version).toBe(run.version);
  });

  it('resumes an invocation that failed while writing lists, without duplicates and without reading again', async () => {
    const now = LATER + 240_000;
    let inserts = 0;
    let reads = 0;
    const flaky: RetrainStore = {
      ...store,
      async insertShards(docs) {
        await store.insertShards(docs);
        // The second batch lands, but the invocation dies before recording it.
        if (++inserts === 2) throw new Error('instance frozen');
      },
      async readSnapshots(from, to, after, limit) {
        reads++;
        return store.readSnapshots(from, to, after, limit);
      },
    };
    await expect(runRetrain(flaky, settings, env(now, 'inv-flaky'))).rejects.toThrow('instance frozen');
    const readsOfFirst = reads;
    expect(readsOfFirst).toBeGreaterThan(0);
    const outcome = await runRetrain(flaky, settings, env(now + 1000, 'inv-resume'));
    const run = outcome.run as RetrainRun;
    expect(outcome.status).toBe('done');
    expect(run.invocations).toBe(2);
    expect(reads).toBe(readsOfFirst);
    expect(logs).toContain(`retrain ${run._id}: resuming at lists (invocation 2)`);
    expect((await shardsOf(run.version)).length).toBe(run.checkpoint.shards);
    expect(await listsOf(run.version)).toEqual(reference);
  });

  it('keeps only the current and the previous version of the lists', async () => {
    const current = await pointer();
    const versions = new Set(
      (
        (await db.collection(COLLECTIONS.recommendations).limit(1000).get()) as unknown as { data: ListShardDoc[] }
      ).data.map((d) => d.version),
    );
    expect([...versions].sort()).toEqual([current.version, current.previous?.version].sort());
  });
});
