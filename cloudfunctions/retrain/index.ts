import * as sdk from 'wx-server-sdk';
import { ok } from '../../shared/contract';
import { initCloud, platformFunction } from '../../shared/entry';
import { cloudRetrainStore } from '../../shared/recommender/platform/cloud-store';
import { runRetrain } from '../../shared/recommender/job/lease';

const cloud = initCloud(sdk);

/** Time kept back from the function timeout for the checkpoint upload and the lease release. */
const SAFETY_MS = 12_000;

/**
 * Timer, every 5 minutes from 03:07 to 04:57 (UTC+8): the first tick of the night starts a run, later ticks continue
 * a run that ran out of time and are idle otherwise (shared/recommender/job/lease.ts). Refuses client calls.
 */
export const main = platformFunction(
  cloud,
  'timer',
  async (_event, context: { request_id: string; getRemainingTimeInMillis(): number }) => {
    const outcome = await runRetrain(
      cloudRetrainStore(cloud),
      {},
      {
        now: () => Date.now(),
        owner: context.request_id,
        timeLeft: () => context.getRemainingTimeInMillis() - SAFETY_MS,
        // The resident set size tells whether memorySize in config.json still fits the platform's data.
        log: (message) =>
          console.log(`[retrain] ${message} (rss ${Math.round(process.memoryUsage.rss() / 1048576)} MB)`),
      },
    );
    // The platform discards a timer's result; the run record in jobRuns and the log are what remain.
    return ok(outcome);
  },
);
