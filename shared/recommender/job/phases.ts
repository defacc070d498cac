/**
 * The retrain's phases as a table: each phase does one step at a time (one ALS sweep, one batch of list shards) and
 * moves `run.phase` on; `Job.work` runs steps while the time left allows and `Job.checkpoint` stores what is only in
 * memory. The order: load → buyers → fit → evaluate → save → lists → switch → expected → done; a load without
 * signals goes straight to done, an evaluation that keeps the current model to expected.
 */
import { beijingDay } from '../../insights/daily/calendar';
import { ItemFactors } from '../algorithms/item-factors';
import { initialRankingFactors, rankingSweep } from '../algorithms/ranking-model';
import { arrayOf, decodeBinary, encodeBinary } from '../data/binary';
import type { InteractionMatrix } from '../data/interactions';
import {
  decodeSnapshotData,
  encodeSnapshotData,
  SnapshotCollector,
  trainingMatrix,
  type SnapshotData,
} from '../data/snapshot-data';
import { evaluateHeldOut, type HeldOutScores } from '../evaluation/held-out';
import { readAllSnapshots } from '../platform/cloud-store';
import type { BuyerTilt } from '../platform/buyer-tilt';
import { buildShards, shardCount } from '../platform/lists';
import { computeBuyers } from './buyers';
import type { Settings } from './settings';
import {
  CURRENT_MODEL_ID,
  LeaseLostError,
  type ModelPointer,
  type RetrainEnv,
  type RetrainPhase,
  type RetrainRun,
  type RetrainStore,
} from './types';

type StepPhase = Exclude<RetrainPhase, 'done'>;

/** One step of each phase, and its rough duration (ms) before one has been measured in this invocation. */
const STEPS: Record<StepPhase, { step: (job: Job) => Promise<void>; estimateMs: number }> = {
  load: { step: (job) => job.load(), estimateMs: 20_000 },
  buyers: { step: (job) => job.buyers(), estimateMs: 20_000 },
  fit: { step: (job) => job.fitSweep(), estimateMs: 5_000 },
  evaluate: { step: (job) => job.evaluate(), estimateMs: 5_000 },
  save: { step: (job) => job.save(), estimateMs: 5_000 },
  lists: { step: (job) => job.writeLists(), estimateMs: 5_000 },
  switch: { step: (job) => job.switchModel(), estimateMs: 2_000 },
  expected: { step: (job) => job.writeExpected(), estimateMs: 5_000 },
};

/** Courses whose expected buyers one step writes (one update each). */
const EXPECTED_PER_STEP = 50;

/** What an invocation holds in memory; anything not yet in storage is written by `checkpoint`. */
interface WorkState {
  data?: SnapshotData;
  itemFactors?: Float64Array;
  /** The iteration the stored fit file holds. */
  storedIteration: number;
  candidate?: ItemFactors;
}

/** One invocation's work on a run; `runRetrain` (lease.ts) creates it under the lease. */
export class Job {
  private readonly state: WorkState = { storedIteration: -1 };
  private readonly measured = new Map<RetrainPhase, number>();
  /** The fitting matrix and user factors, kept between the sweeps of one invocation. */
  private matrix?: InteractionMatrix;
  private userFactors?: Float64Array;
  /** Whether this invocation has removed the shards of a batch that was written but not recorded. */
  private listsResumed = false;
  /** The learners' purchase chances for the lists: computed by `buyers`, recomputed on a resume at `lists`. */
  private tilt?: BuyerTilt;

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
      const estimate = this.measured.get(phase) ?? STEPS[phase].estimateMs;
      if (steps > 0 && this.env.timeLeft() <= estimate) return false;
      const started = this.env.now();
      await STEPS[phase].step(this);
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
    if (run.phase === 'load' || run.phase === 'expected' || run.phase === 'done') return;
    if (dataFile === undefined) throw new Error(`run ${run._id} is at ${run.phase} without a data checkpoint`);
    state.data = decodeSnapshotData(await this.store.download(dataFile));
    if (run.phase === 'buyers') return;
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

  // The steps STEPS calls: each does one step of its phase and moves `run.phase` on when the phase is complete.
  async load(): Promise<void> {
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
    this.run.phase = data.items.length === 0 ? 'done' : 'buyers';
    if (this.run.phase === 'done') {
      this.run.switched = false;
      this.run.decision = 'no signals yet: nothing to fit';
    }
  }

  /** The run's start is the reference time, so a resumed run computes the same chances from the same orders. */
  private computeBuyers() {
    return computeBuyers(this.store, this.requireData(), new Date(this.run.startedAt), this.settings.pageSize);
  }

  async buyers(): Promise<void> {
    const { tilt, summary } = await this.computeBuyers();
    this.tilt = tilt;
    this.run.buyers = summary;
    this.run.checkpoint.expectedWritten = 0;
    this.run.phase = 'fit';
    this.env.log(
      `retrain ${this.run._id}: purchase propensity (${summary.source}, ${summary.buyers} of ${summary.learners} ` +
        `learners have bought): ${summary.catalogTotal.toFixed(1)} buyers expected in ${summary.horizonWeeks} weeks`,
    );
  }

  async fitSweep(): Promise<void> {
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

  async evaluate(): Promise<void> {
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
      this.run.phase = 'expected';
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

  async save(): Promise<void> {
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

  async writeLists(): Promise<void> {
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
    this.tilt ??= (await this.computeBuyers()).tilt;
    const docs = buildShards(data, candidate, this.run.version, shards, from, to, this.tilt);
    await this.store.insertShards(docs);
    checkpoint.shardsWritten = to;
    if (to >= shards) this.run.phase = 'switch';
    await this.store.putRun(this.run);
    this.env.log(`retrain ${this.run._id}: list shards ${to}/${shards} written`);
  }

  async switchModel(): Promise<void> {
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
    run.phase = 'expected';
    // Readers that cached the old pointer still find its shards; anything older goes.
    await this.store.removeShardsExcept([run.version, ...(old === null ? [] : [old.version])]);
    if (old?.previous) await this.store.deleteFiles([old.previous.itemsFile]);
    this.env.log(`retrain ${run._id}: switched the current model to ${run.version}`);
  }

  /** Writes the next batch of courses' expected buyers into their `courseInsights` documents. */
  async writeExpected(): Promise<void> {
    const { run } = this;
    const summary = run.buyers;
    if (summary === undefined) throw new Error(`run ${run._id} is at expected without buyers`);
    const from = run.checkpoint.expectedWritten ?? 0;
    const to = Math.min(summary.byCourse.length, from + EXPECTED_PER_STEP);
    const field = {
      horizonWeeks: summary.horizonWeeks,
      catalogTotal: Number(summary.catalogTotal.toFixed(2)),
      source: summary.source,
      day: beijingDay(new Date(run.startedAt)),
      computedAt: run.startedAt,
    };
    for (const [courseId, count] of summary.byCourse.slice(from, to)) {
      await this.store.writeExpectedBuyers(courseId, { count: Number(count.toFixed(2)), ...field });
    }
    run.checkpoint.expectedWritten = to;
    if (to >= summary.byCourse.length) run.phase = 'done';
    await this.store.putRun(run);
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
