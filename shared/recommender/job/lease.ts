/**
 * The nightly retrain as a resumable job. One invocation takes the lease on the job's lock document, resumes the run
 * in progress (or starts one when the last finished long enough ago), and does steps until the run is done or the
 * time left is shorter than the next step; then it checkpoints to storage and the run record and releases the lease,
 * and the next timer tick continues. Steps: load the snapshots → each learner's purchase propensity from the paid
 * orders (./buyers.ts) → fit (one ALS sweep per step) → evaluate candidate and current model on the held-out slice →
 * (if not worse by the margin) save the item factors → write the list shards in batches → switch the `current`
 * pointer in one transaction fenced by the lease → (switched or not) each course's expected buyers, in batches.
 *
 * A crashed invocation leaves its lease to expire; the next one resumes from the last checkpoint: phases before the
 * save are recomputed from the stored data and fit state (deterministic: the same result as an uninterrupted run),
 * shards past the last recorded batch are removed and rewritten, and readers keep using the previous model until the
 * pointer switches.
 */
import { Job } from './phases';
import { checkRetrainSettings, type RetrainSettings } from './settings';
import {
  RETRAIN_JOB,
  type RetrainEnv,
  type RetrainLock,
  type RetrainOutcome,
  type RetrainRun,
  type RetrainStore,
} from './types';

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
