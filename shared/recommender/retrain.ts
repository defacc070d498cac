/**
 * The nightly retrain as a resumable job. One invocation takes the lease on the job's lock document, resumes the run
 * in progress (or starts one when the last finished long enough ago), and does steps until the run is done or the
 * time left is shorter than the next step; then it checkpoints to storage and the run record and releases the lease,
 * and the next timer tick continues. Steps: load the snapshots → fit (one ALS sweep per step) → evaluate candidate and
 * current model on the held-out slice → (if not worse by the margin) save the item factors → write the list shards in
 * batches → switch the `current` pointer in one transaction fenced by the lease.
 *
 * A crashed invocation leaves its lease to expire; the next one resumes from the last checkpoint: phases before the
 * save are recomputed from the stored data and fit state (deterministic: the same result as an uninterrupted run),
 * shards past the last recorded batch are removed and rewritten, and readers keep using the previous model until the
 * pointer switches.
 */
import { ItemFactors } from './algorithms/item-factors';
import { buildShards, LEARNERS_PER_SHARD, shardCount, type ListShardDoc } from './platform/lists';
import { checkRankingModelOptions, type RankingModelOptions } from './algorithms/options';
import { initialRankingFactors, rankingSweep } from './algorithms/ranking-model';
import { SNAPSHOT_BUCKETS, type InteractionSnapshot } from './signals';
import {
  decodeSnapshotData,
  encodeSnapshotData,
  evaluateHeldOut,
  SnapshotCollector,
  trainingMatrix,
  type HeldOutScores,
  type SnapshotData,
} from './data/snapshot-data';
import { arrayOf, decodeBinary, encodeBinary } from './data/binary';

export const RETRAIN_JOB = 'retrain';
export const RETRAIN_LOCK_ID = 'retrain-lock';
export const CURRENT_MODEL_ID = 'current';

export interface RetrainSettings {
  /** @default rankingModelDefaults with retrainModelDefaults over them */
  model?: RankingModelOptions;
  /** Learners in the held-out slice. @default 2000 */
  heldOutUsers?: number;
  /** Keep the current model when the candidate's NDCG@10 is below the current one's × (1 − margin). @default 0.05 */
  keepMargin?: number;
  /** Learners with a signal in this many days get a precomputed list. @default 30 */
  activeDays?: number;
  /** A new run starts only this long after the last one finished (timer ticks in between are idle). @default 20 h */
  minIntervalMs?: number;
  /** The lease of an invocation on the lock; longer than the function timeout. @default 120 s */
  leaseMs?: number;
  /** Snapshot documents per read (CloudBase's server maximum). @default 1000 */
  pageSize?: number;
  /** List shard documents per batch insert. @default 20 */
  shardsPerWrite?: number;
  /** Learners per list shard document. @default LEARNERS_PER_SHARD (250) */
  learnersPerShard?: number;
  /** Seed of the held-out sample. @default 42 */
  seed?: number;
}

type Settings = Required<Omit<RetrainSettings, 'model'>> & { model: Required<RankingModelOptions> };

/**
 * The nightly fit differs from rec:eval's defaults only in its sweeps: on the synthetic platform of bench:retrain the
 * held-out NDCG@10 is flat from 6 sweeps on (0.196 at 6, 8 and 12), and each sweep over 2,000,000 signals costs ~2 s.
 */
export const retrainModelDefaults: Readonly<RankingModelOptions> = { iterations: 8 };

export const retrainDefaults: Readonly<Required<Omit<RetrainSettings, 'model'>>> = {
  heldOutUsers: 2000,
  keepMargin: 0.05,
  activeDays: 30,
  minIntervalMs: 20 * 3_600_000,
  leaseMs: 120_000,
  pageSize: 1000,
  shardsPerWrite: 20,
  learnersPerShard: LEARNERS_PER_SHARD,
  seed: 42,
};

export type RetrainPhase = 'load' | 'fit' | 'evaluate' | 'save' | 'lists' | 'switch' | 'done';

/** The lock and head of the job (`jobRuns/retrain-lock`). */
export interface RetrainLock {
  _id: string;
  job: string;
  owner: string | null;
  /** Epoch ms until which `owner` holds the lease. */
  leaseUntil: number;
  activeRunId: string | null;
  lastFinishedAt: number | null;
}

/** The model readers use (`recModels/current`), replaced in one update. */
export interface ModelPointer {
  _id: string;
  version: string;
  itemsFile: string;
  shards: number;
  switchedAt: string;
  metrics: HeldOutScores;
  /** The model before this one: its list shards and file are kept until the next switch. */
  previous: { version: string; itemsFile: string } | null;
}

/** The run record (`jobRuns/<runId>`), also the checkpoint. */
export interface RetrainRun {
  _id: string;
  job: typeof RETRAIN_JOB;
  /** The model version this run produces (= the run id). */
  version: string;
  status: 'running' | 'done';
  phase: RetrainPhase;
  startedAt: string;
  finishedAt?: string;
  /** From the start of the first invocation to the end of the last. */
  durationMs?: number;
  /** Time spent working, summed over invocations. */
  workMs: number;
  invocations: number;
  checkpoint: {
    dataFile?: string;
    fitFile?: string;
    /** ALS sweeps done. */
    iteration: number;
    itemsFile?: string;
    shards?: number;
    shardsWritten: number;
  };
  data?: { learners: number; courses: number; signals: number; activeLearners: number; heldOut: number };
  metrics?: { candidate: HeldOutScores; previous: HeldOutScores | null; previousVersion: string | null };
  switched?: boolean;
  decision?: string;
}

/** What the job needs from the database and storage (cloud-store.ts implements it with wx-server-sdk). */
export interface RetrainStore {
  /** Takes the lease if it is free or expired (one conditional update); null when another invocation holds it. */
  acquireLock(owner: string, now: number, leaseMs: number): Promise<RetrainLock | null>;
  /** Extends the lease; false when it is no longer ours. */
  renewLock(owner: string, now: number, leaseMs: number): Promise<boolean>;
  releaseLock(owner: string, head: Pick<RetrainLock, 'activeRunId' | 'lastFinishedAt'>): Promise<void>;
  getRun(id: string): Promise<RetrainRun | null>;
  putRun(run: RetrainRun): Promise<void>;
  /** Snapshots with a bucket in [fromBucket, toBucket), in `_id` order after `afterId`, at most `limit`. */
  readSnapshots(
    fromBucket: number,
    toBucket: number,
    afterId: string | null,
    limit: number,
  ): Promise<InteractionSnapshot[]>;
  publishedCourseIds(): Promise<string[]>;
  currentModel(): Promise<ModelPointer | null>;
  insertShards(docs: ListShardDoc[]): Promise<void>;
  /** Removes the shards of `version` numbered `fromShard` and up. */
  removeShards(version: string, fromShard: number): Promise<void>;
  /** Removes every shard of versions other than `keep`. */
  removeShardsExcept(keep: string[]): Promise<void>;
  /** Replaces the pointer in one transaction that also renews our lease (fails if the lease is not ours). */
  switchModel(owner: string, pointer: ModelPointer, now: number, leaseMs: number): Promise<boolean>;
  upload(cloudPath: string, bytes: Buffer): Promise<string>;
  download(fileId: string): Promise<Buffer>;
  deleteFiles(fileIds: string[]): Promise<void>;
}

export interface RetrainEnv {
  /** Epoch ms. */
  now(): number;
  /** Unique per invocation: the lease owner. */
  owner: string;
  /** Ms this invocation may still work (the function timeout minus a safety margin). */
  timeLeft(): number;
  log(message: string): void;
}

export interface RetrainOutcome {
  /** busy: another invocation holds the lease; idle: nothing due; continued: checkpointed, next tick goes on. */
  status: 'busy' | 'idle' | 'continued' | 'done';
  run?: RetrainRun;
}

export class LeaseLostError extends Error {
  constructor() {
    super('the retrain lease was taken over by another invocation');
    this.name = 'LeaseLostError';
  }
}

/** What an invocation holds in memory; anything not yet in storage is written by `checkpoint`. */
interface WorkState {
  data?: SnapshotData;
  itemFactors?: Float64Array;
  /** The iteration the stored fit file holds. */
  storedIteration: number;
  candidate?: ItemFactors;
}

/** Rough first-step durations (ms) before one has been measured in this invocation. */
const FIRST_STEP_ESTIMATE: Record<RetrainPhase, number> = {
  load: 20_000,
  fit: 5_000,
  evaluate: 5_000,
  save: 5_000,
  lists: 5_000,
  switch: 2_000,
  done: 0,
};

export function checkRetrainSettings(settings: RetrainSettings = {}): Settings {
  const { model, ...rest } = settings;
  const merged = { ...retrainDefaults, ...rest };
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`Retrain setting ${key} must be a non-negative number, got ${String(value)}`);
    }
  }
  if (merged.pageSize < 1 || merged.pageSize > 1000) throw new RangeError('Retrain setting pageSize must be 1–1000');
  for (const key of ['shardsPerWrite', 'learnersPerShard'] as const) {
    if (merged[key] < 1) throw new RangeError(`Retrain setting ${key} must be at least 1`);
  }
  return { ...merged, model: checkRankingModelOptions({ ...retrainModelDefaults, ...model }) };
}

/** One invocation of the job (see the module comment). */
export async function runRetrain(
  store: RetrainStore,
  settingsInput: RetrainSettings,
  env: RetrainEnv,
): Promise<RetrainOutcome> {
  const settings = checkRetrainSettings(settingsInput);
  const invocationStart = env.now();
  const lock = await store.acquireLock(env.owner, invocationStart, settings.leaseMs);
  if (lock === null) {
    env.log('retrain: another invocation holds the lease; nothing to do');
    return { status: 'busy' };
  }
  let head: Pick<RetrainLock, 'activeRunId' | 'lastFinishedAt'> = {
    activeRunId: lock.activeRunId,
    lastFinishedAt: lock.lastFinishedAt,
  };
  try {
    let run = lock.activeRunId === null ? null : await store.getRun(lock.activeRunId);
    if (run === null || run.status === 'done') {
      // A run recorded as done whose invocation died before releasing the lock still counts as the last one.
      const lastFinishedAt = run?.finishedAt === undefined ? lock.lastFinishedAt : Date.parse(run.finishedAt);
      if (lastFinishedAt !== null && invocationStart - lastFinishedAt < settings.minIntervalMs) {
        return { status: 'idle' };
      }
      run = newRun(invocationStart, env.owner);
      await store.putRun(run);
      head = { ...head, activeRunId: run._id };
      env.log(`retrain ${run._id}: started`);
    } else {
      env.log(`retrain ${run._id}: resuming at ${run.phase} (invocation ${run.invocations + 1})`);
    }
    run.invocations += 1;
    const job = new Job(store, settings, env, run);
    const finished = await job.work();
    run.workMs += env.now() - invocationStart;
    if (finished) {
      run.status = 'done';
      run.finishedAt = new Date(env.now()).toISOString();
      run.durationMs = env.now() - Date.parse(run.startedAt);
      await store.putRun(run);
      await job.cleanUp();
      head = { activeRunId: null, lastFinishedAt: env.now() };
      env.log(
        `retrain ${run._id}: done in ${run.durationMs} ms over ${run.invocations} invocation(s); ` +
          `switched=${run.switched} (${run.decision})`,
      );
      return { status: 'done', run };
    }
    await job.checkpoint();
    env.log(`retrain ${run._id}: checkpointed at ${run.phase}; the next invocation continues`);
    return { status: 'continued', run };
  } finally {
    await store.releaseLock(env.owner, head);
  }
}

/**
 * Reads every snapshot in bucket ranges sized from the density seen so far, aiming at 80 % of a page: a range that
 * fills the page is read again in halves (or, for one bucket, continued after its last id). Returns the reads made.
 */
export async function readAllSnapshots(
  store: Pick<RetrainStore, 'readSnapshots'>,
  pageSize: number,
  take: (doc: InteractionSnapshot) => void,
): Promise<number> {
  let reads = 0;
  let from = 0;
  let width = 1;
  let after: string | null = null;
  while (from < SNAPSHOT_BUCKETS) {
    const to = Math.min(SNAPSHOT_BUCKETS, from + width);
    const page = await store.readSnapshots(from, to, after, pageSize);
    reads++;
    if (page.length >= pageSize && width > 1) {
      width = Math.max(1, Math.floor(width / 2));
      continue;
    }
    for (const doc of page) take(doc);
    if (page.length >= pageSize) {
      after = (page[page.length - 1] as InteractionSnapshot)._id;
      continue;
    }
    const density = page.length / (to - from);
    after = null;
    from = to;
    width = Math.max(1, Math.min(SNAPSHOT_BUCKETS, Math.floor((0.8 * pageSize) / Math.max(density, 1e-3))));
  }
  return reads;
}

function newRun(now: number, owner: string): RetrainRun {
  // Sortable, unique and safe in document ids and storage paths.
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '');
  const id = `r${stamp}-${owner.replace(/[^A-Za-z0-9]/g, '').slice(0, 6)}`;
  return {
    _id: id,
    job: RETRAIN_JOB,
    version: id,
    status: 'running',
    phase: 'load',
    startedAt: new Date(now).toISOString(),
    workMs: 0,
    invocations: 0,
    checkpoint: { iteration: 0, shardsWritten: 0 },
  };
}

class Job {
  private readonly state: WorkState = { storedIteration: -1 };
  private readonly measured = new Map<RetrainPhase, number>();

  constructor(
    private readonly store: RetrainStore,
    private readonly settings: Settings,
    private readonly env: RetrainEnv,
    private readonly run: RetrainRun,
  ) {}

  /** Steps until done (true) or out of time (false). Always does at least one step. */
  async work(): Promise<boolean> {
    await this.restore();
    let steps = 0;
    while (this.run.phase !== 'done') {
      const phase = this.run.phase;
      const estimate = this.measured.get(phase) ?? FIRST_STEP_ESTIMATE[phase];
      if (steps > 0 && this.env.timeLeft() <= estimate) return false;
      const started = this.env.now();
      await this.step();
      this.measured.set(phase, Math.max(this.measured.get(phase) ?? 0, this.env.now() - started));
      steps++;
      if (!(await this.store.renewLock(this.env.owner, this.env.now(), this.settings.leaseMs))) {
        throw new LeaseLostError();
      }
    }
    return true;
  }

  /** Stores what is only in memory and records the checkpoint in the run record. */
  async checkpoint(): Promise<void> {
    const { run, state } = this;
    if (state.data !== undefined && run.checkpoint.dataFile === undefined) {
      run.checkpoint.dataFile = await this.store.upload(this.path('data.bin'), encodeSnapshotData(state.data));
    }
    const fitting = run.phase === 'fit' || run.phase === 'evaluate' || run.phase === 'save';
    if (fitting && state.itemFactors !== undefined && state.storedIteration !== run.checkpoint.iteration) {
      const bytes = encodeBinary({ iteration: run.checkpoint.iteration }, { itemFactors: state.itemFactors });
      run.checkpoint.fitFile = await this.store.upload(this.path('fit.bin'), bytes);
      state.storedIteration = run.checkpoint.iteration;
    }
    await this.store.putRun(run);
  }

  /** Deletes the run's checkpoint files once it is done. */
  async cleanUp(): Promise<void> {
    const files = [this.run.checkpoint.dataFile, this.run.checkpoint.fitFile].filter(
      (file): file is string => file !== undefined,
    );
    if (files.length > 0) await this.store.deleteFiles(files);
  }

  private path(name: string): string {
    return `recommender/runs/${this.run._id}/${name}`;
  }

  /** Reloads what the persisted phase needs from storage. */
  private async restore(): Promise<void> {
    const { run, state } = this;
    const { dataFile, fitFile, itemsFile } = run.checkpoint;
    if (run.phase === 'load' || run.phase === 'done') return;
    if (dataFile === undefined) throw new Error(`run ${run._id} is at ${run.phase} without a data checkpoint`);
    state.data = decodeSnapshotData(await this.store.download(dataFile));
    if (run.phase === 'lists' || run.phase === 'switch') {
      if (itemsFile === undefined) throw new Error(`run ${run._id} is at ${run.phase} without item factors`);
      state.candidate = ItemFactors.decode(await this.store.download(itemsFile));
      return;
    }
    if (fitFile !== undefined) {
      const { header, arrays } = decodeBinary<{ iteration: number }>(await this.store.download(fitFile));
      state.itemFactors = arrayOf(arrays, 'itemFactors', 'f64');
      state.storedIteration = header.iteration;
      run.checkpoint.iteration = header.iteration;
    } else {
      run.checkpoint.iteration = 0;
    }
    if (run.phase !== 'fit' && run.checkpoint.iteration < this.settings.model.iterations) run.phase = 'fit';
    if (run.phase !== 'fit') this.makeCandidate();
  }

  private async step(): Promise<void> {
    switch (this.run.phase) {
      case 'load':
        return this.load();
      case 'fit':
        return this.fitSweep();
      case 'evaluate':
        return this.evaluate();
      case 'save':
        return this.save();
      case 'lists':
        return this.writeLists();
      case 'switch':
        return this.switchModel();
      case 'done':
        return;
    }
  }

  private async load(): Promise<void> {
    const collector = new SnapshotCollector({
      now: new Date(this.env.now()),
      heldOutUsers: this.settings.heldOutUsers,
      seed: this.settings.seed,
      activeDays: this.settings.activeDays,
    });
    const pages = await readAllSnapshots(this.store, this.settings.pageSize, (doc) => collector.add(doc));
    const data = collector.finish(await this.store.publishedCourseIds());
    this.state.data = data;
    this.run.data = {
      learners: data.userIds.length,
      courses: data.itemIds.length,
      signals: data.items.length,
      activeLearners: data.active.length,
      heldOut: data.heldUsers.length,
    };
    this.env.log(
      `retrain ${this.run._id}: read ${data.userIds.length} learners, ${data.items.length} signals on ` +
        `${data.itemIds.length} courses in ${pages} page(s); ${data.active.length} active`,
    );
    this.run.checkpoint.iteration = 0;
    this.run.phase = data.items.length === 0 ? 'done' : 'fit';
    if (this.run.phase === 'done') {
      this.run.switched = false;
      this.run.decision = 'no signals yet: nothing to fit';
    }
  }

  private matrix?: ReturnType<typeof trainingMatrix>;
  private userFactors?: Float64Array;

  private async fitSweep(): Promise<void> {
    const data = this.requireData();
    const model = this.settings.model;
    this.matrix ??= trainingMatrix(data);
    const m = this.matrix;
    if (this.state.itemFactors === undefined) {
      const initial = initialRankingFactors(m.users.size, m.items.size, model);
      this.state.itemFactors = initial.itemFactors;
      this.userFactors = initial.userFactors;
    }
    // Every sweep solves the users from the items first, so only the item factors carry over between sweeps.
    this.userFactors ??= new Float64Array(m.users.size * model.factors);
    rankingSweep(m, this.userFactors, this.state.itemFactors, model);
    this.run.checkpoint.iteration += 1;
    this.env.log(`retrain ${this.run._id}: sweep ${this.run.checkpoint.iteration}/${model.iterations}`);
    if (this.run.checkpoint.iteration >= model.iterations) {
      this.makeCandidate();
      this.matrix = undefined;
      this.userFactors = undefined;
      this.run.phase = 'evaluate';
    }
  }

  private makeCandidate(): void {
    const data = this.requireData();
    const factors = this.state.itemFactors;
    if (factors === undefined) throw new Error('no fitted item factors');
    const model = this.settings.model;
    // Rounded to float32 now, so lists written before and after a resume come from identical factors.
    this.state.candidate = new ItemFactors(
      data.itemIds,
      factors,
      model.factors,
      model.regularization,
      model.alpha,
    ).rounded();
  }

  private async evaluate(): Promise<void> {
    const data = this.requireData();
    const candidate = this.requireCandidate();
    const pointer = await this.store.currentModel();
    const previous = pointer === null ? null : await this.previousModel(pointer);
    const candidateScores = evaluateHeldOut(data, candidate);
    const previousScores = previous === null ? null : evaluateHeldOut(data, previous);
    this.run.metrics = {
      candidate: candidateScores,
      previous: previousScores,
      previousVersion: pointer?.version ?? null,
    };
    const floor = previousScores === null ? -Infinity : previousScores.ndcg10 * (1 - this.settings.keepMargin);
    const fmt = (s: HeldOutScores) => `NDCG@10 ${s.ndcg10.toFixed(4)}, Recall@10 ${s.recall10.toFixed(4)}`;
    if (candidateScores.ndcg10 < floor) {
      this.run.switched = false;
      this.run.decision =
        `kept ${pointer?.version}: candidate ${fmt(candidateScores)} is more than ` +
        `${this.settings.keepMargin * 100}% below its ${fmt(previousScores as HeldOutScores)}`;
      this.run.phase = 'done';
    } else {
      this.run.decision =
        pointer === null
          ? `first model: ${fmt(candidateScores)}`
          : previousScores === null
            ? `replacing unreadable ${pointer.version}: ${fmt(candidateScores)}`
            : `candidate ${fmt(candidateScores)} against ${pointer?.version}'s ${fmt(previousScores)}`;
      this.run.phase = 'save';
    }
    this.env.log(`retrain ${this.run._id}: ${this.run.decision}`);
  }

  /** The current model's item factors; one that cannot be read (its file deleted) is not worth keeping. */
  private async previousModel(pointer: ModelPointer): Promise<ItemFactors | null> {
    try {
      return ItemFactors.decode(await this.store.download(pointer.itemsFile));
    } catch (error) {
      this.env.log(`retrain ${this.run._id}: current model ${pointer.version} unreadable (${String(error)})`);
      return null;
    }
  }

  private async save(): Promise<void> {
    const data = this.requireData();
    const candidate = this.requireCandidate();
    if (this.run.checkpoint.dataFile === undefined) {
      this.run.checkpoint.dataFile = await this.store.upload(this.path('data.bin'), encodeSnapshotData(data));
    }
    this.run.checkpoint.itemsFile = await this.store.upload(
      `recommender/models/${this.run.version}/items.bin`,
      candidate.encode(),
    );
    this.run.checkpoint.shards = shardCount(data.active.length, this.settings.learnersPerShard);
    this.run.checkpoint.shardsWritten = 0;
    this.run.phase = 'lists';
    await this.store.putRun(this.run);
  }

  private listsResumed = false;

  private async writeLists(): Promise<void> {
    const data = this.requireData();
    const candidate = this.requireCandidate();
    const { checkpoint } = this.run;
    const shards = checkpoint.shards as number;
    if (!this.listsResumed) {
      // A batch that was written but not recorded (an interrupted invocation) is removed and written again.
      await this.store.removeShards(this.run.version, checkpoint.shardsWritten);
      this.listsResumed = true;
    }
    const from = checkpoint.shardsWritten;
    const to = Math.min(shards, from + this.settings.shardsPerWrite);
    const docs = buildShards(data, candidate, this.run.version, shards, from, to);
    await this.store.insertShards(docs);
    checkpoint.shardsWritten = to;
    if (to >= shards) this.run.phase = 'switch';
    await this.store.putRun(this.run);
    this.env.log(`retrain ${this.run._id}: list shards ${to}/${shards} written`);
  }

  private async switchModel(): Promise<void> {
    const { run } = this;
    const old = await this.store.currentModel();
    const pointer: ModelPointer = {
      _id: CURRENT_MODEL_ID,
      version: run.version,
      itemsFile: run.checkpoint.itemsFile as string,
      shards: run.checkpoint.shards as number,
      switchedAt: new Date(this.env.now()).toISOString(),
      metrics: (run.metrics as NonNullable<RetrainRun['metrics']>).candidate,
      previous: old === null ? null : { version: old.version, itemsFile: old.itemsFile },
    };
    if (!(await this.store.switchModel(this.env.owner, pointer, this.env.now(), this.settings.leaseMs))) {
      throw new LeaseLostError();
    }
    run.switched = true;
    run.phase = 'done';
    // Readers that cached the old pointer still find its shards; anything older goes.
    await this.store.removeShardsExcept([run.version, ...(old === null ? [] : [old.version])]);
    if (old?.previous) await this.store.deleteFiles([old.previous.itemsFile]);
    this.env.log(`retrain ${run._id}: switched the current model to ${run.version}`);
  }

  private requireData(): SnapshotData {
    if (this.state.data === undefined) throw new Error('no snapshot data loaded');
    return this.state.data;
  }

  private requireCandidate(): ItemFactors {
    if (this.state.candidate === undefined) throw new Error('no candidate model');
    return this.state.candidate;
  }
}
