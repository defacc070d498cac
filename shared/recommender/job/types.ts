/**
 * The retrain job's persisted documents (lock, run record, model pointer), the store and environment it runs against,
 * and what an invocation returns.
 */
import type { PaidCourseOrder } from '../../insights/propensity/learners';
import type { ExpectedBuyersField } from '../../insights/propensity/store';
import type { InteractionSnapshot } from '../data/snapshot';
import type { HeldOutScores } from '../evaluation/held-out';
import type { ListShardDoc } from '../platform/lists';
import type { BuyersSummary } from './buyers';

export const RETRAIN_JOB = 'retrain';
export const RETRAIN_LOCK_ID = 'retrain-lock';
export const CURRENT_MODEL_ID = 'current';

export type RetrainPhase = 'load' | 'buyers' | 'fit' | 'evaluate' | 'save' | 'lists' | 'switch' | 'expected' | 'done';

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
    /** Courses whose expected buyers are written (phase `expected`). */
    expectedWritten?: number;
  };
  data?: { learners: number; courses: number; signals: number; activeLearners: number; heldOut: number };
  metrics?: { candidate: HeldOutScores; previous: HeldOutScores | null; previousVersion: string | null };
  switched?: boolean;
  decision?: string;
  /** Purchase propensity and each course's expected buyers (phase `buyers`). */
  buyers?: BuyersSummary;
}

/** What the job needs from the database and storage (platform/cloud-store.ts implements it with wx-server-sdk). */
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
  /** Published courses with a price (what a learner can buy). */
  paidCourseIds(): Promise<string[]>;
  /** Paid course orders paid before `before`, in `_id` order after `afterId`, at most `limit`. */
  readPaidCourseOrders(
    before: Date,
    afterId: string | null,
    limit: number,
  ): Promise<(PaidCourseOrder & { _id: string })[]>;
  /** Sets the course's `expectedBuyers` in `courseInsights`. */
  writeExpectedBuyers(courseId: string, field: ExpectedBuyersField): Promise<void>;
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
