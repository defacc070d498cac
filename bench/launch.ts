/**
 * A course launch: N learners create and pay for one course at the same moment, through a local cloud on disk (as
 * `npm start` runs it) with `--latency-ms` added to every server call. Each learner calls `order.create` through the
 * client gateway, pays in the cloudPay sandbox, and then the platform's first callback delivery to `payNotify` races
 * the learner's page polling `order.get` (testing/launch-crowd.ts). Afterwards the order timer runs once (the
 * work it finds is what the launch left unsettled) and so does the nightly `courseStats`, and the course's numbers
 * are checked: `learnerCount` on the course (cards, the course page, the catalog's popular order) and in courseStats.
 *
 *   npm run bench:launch -- --buyers 1000 [--latency-ms 20] [--in-flight 32] [--json]
 *
 * Every learner starts at once; `--in-flight` caps how many of the crowd's HTTP requests the local cloud serves at the
 * same time. It runs every function invocation in its one process, so past a few dozen at once on a busy 2-core
 * machine invocations wait on each other beyond the SDK's 15 s request timeout (100 did, under a load of 9); on
 * CloudBase each invocation has its own instance. What a launch tests, many transactions of one course's buyers at
 * the same moment (create, callback and the learner's polls of each racing the others'), happens at any cap above a
 * handful, and the learners' requests are all queued at once.
 *
 * firstDeliveryRate: callbacks acknowledged on their first delivery (a non-zero answer makes the platform deliver
 * again later); callbackMs: how long the first delivery took; getErrorLearners: learners who saw any error from
 * `order.get`; sweep: the report of the order timer's run after the launch (all zeros = nothing left to settle). The
 * local cloud runs the functions' timers on their schedule too, so a launch longer than five minutes also meets the
 * order timer's own runs, as it would in production.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as wx from 'wx-server-sdk';
import { useLocalCloudFromThisProcess } from '../local/sdk-env';
import { startLocalCloud } from '../local/start';
import type { CatalogListData } from '../shared/contract';
import { countWhere, getById, type Database } from '../shared/db';
import { launchCourse, launchCrowd } from '../testing/launch-crowd';
import type { CourseStatsDoc } from '../shared/stats';
import { COLLECTIONS } from '../shared/collections';

const { values } = parseArgs({
  options: {
    buyers: { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '0' },
    'in-flight': { type: 'string', default: '32' },
    json: { type: 'boolean', default: false },
  },
});

function integer(name: 'buyers' | 'latency-ms' | 'in-flight', min: number): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return value;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** How many times each value occurs. */
function tally(items: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

const COURSE_ID = 'launch-course';
/** The console before the functions' logs are muted: the figures and a failure of the bench itself go here. */
const originalLog = console.log;
const originalError = console.error;

async function post(url: string, body: unknown = {}, openid?: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  return ((await res.json()) as { result: unknown }).result;
}

async function learnerCount(db: Database): Promise<number | undefined> {
  return (await getById<{ learnerCount?: number }>(db, COLLECTIONS.courses, COURSE_ID))?.learnerCount;
}

async function main(): Promise<void> {
  const buyers = integer('buyers', 1);
  const latencyMs = integer('latency-ms', 0);
  const inFlight = integer('in-flight', 1);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-launch-'));
  const report = (line: string) => {
    if (!values.json) originalLog(line);
  };
  // The functions' own logs (one line per fulfilment) would drown the figures; errors are counted from the replies.
  // They stay muted to the end: a timer run the local cloud's schedule started may still be logging as it closes.
  let functionErrors = 0;
  console.log = () => undefined;
  console.error = () => {
    functionErrors += 1;
  };
  const cloud = await startLocalCloud({ dataDir, latencyMs, sandboxes: 'all' });
  try {
    useLocalCloudFromThisProcess(`${cloud.url}/admin`, cloud.envId);
    wx.init({ env: cloud.envId });
    const db = wx.database();
    const { _id, ...course } = launchCourse(COURSE_ID);
    await db.collection(COLLECTIONS.courses).doc(_id).set({ data: course });
    // A rival course the catalog ranked above the new one before the launch.
    const { _id: rivalId, ...rival } = launchCourse('rival-course', { title: '老课', learnerCount: buyers - 1 });
    await db.collection(COLLECTIONS.courses).doc(rivalId).set({ data: rival });

    report(
      `${buyers} learners buy ${COURSE_ID} at once (latency ${latencyMs} ms per server call, ` +
        `at most ${inFlight} of their requests in flight) …`,
    );
    const started = performance.now();
    const outcomes = await launchCrowd({ url: cloud.url, db, courseId: COURSE_ID, buyers, prefix: 'oBuyer', inFlight });
    const launchSeconds = (performance.now() - started) / 1000;

    const enrolled = await countWhere(db, COLLECTIONS.enrollments, { courseId: COURSE_ID, status: 'active' });
    const countAfterLaunch = await learnerCount(db);
    const popular = (await post(`${cloud.url}/client/functions/catalog`, { data: { action: 'list' } }, 'oVisitor')) as {
      ok: boolean;
      data?: CatalogListData;
    };
    const cards = popular.data?.items ?? [];
    const sweep = await post(`${cloud.url}/sandbox/timers/orderSweep`);
    // A failed nightly job is a figure too (the course's numbers then stay as the launch left them).
    const nightlyError = await post(`${cloud.url}/sandbox/timers/courseStats`).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300),
    );
    const stats = await getById<CourseStatsDoc>(db, COLLECTIONS.courseStats, COURSE_ID);

    const callbackMs = outcomes
      .flatMap((o) => (o.callbackMs === undefined ? [] : [o.callbackMs]))
      .sort((a, b) => a - b);
    const summary = {
      buyers,
      latencyMs,
      inFlight,
      launchSeconds: Number(launchSeconds.toFixed(2)),
      createErrors: outcomes.filter((o) => o.createError).length,
      firstDeliveryRate: Number((outcomes.filter((o) => o.firstDeliveryAcked).length / buyers).toFixed(4)),
      enrolled,
      paidOnLastGet: outcomes.filter((o) => o.lastStatus === 'paid').length,
      getErrorLearners: outcomes.filter((o) => o.getErrors.length > 0).length,
      getErrorCodes: tally(outcomes.flatMap((o) => o.getErrors)),
      createErrorCodes: tally(outcomes.flatMap((o) => (o.createError ? [o.createError] : []))),
      callbackP50Ms: Math.round(percentile(callbackMs, 50)),
      callbackP99Ms: Math.round(percentile(callbackMs, 99)),
      sweep,
      functionErrorsLogged: functionErrors,
      learnerCountAfterLaunch: countAfterLaunch,
      popularFirst: cards[0]?.id === COURSE_ID,
      cardLearnerCount: cards.find((card) => card.id === COURSE_ID)?.learnerCount,
      nightlyError,
      learnerCountAfterNightly: await learnerCount(db),
      statsLearners: stats?.learners,
      statsPaidOrders: stats?.paidOrders,
      statsRevenueFen: stats?.revenueFen,
    };
    const right =
      summary.firstDeliveryRate === 1 &&
      enrolled === buyers &&
      summary.getErrorLearners === 0 &&
      summary.learnerCountAfterNightly === buyers &&
      summary.statsLearners === buyers;
    if (values.json) {
      originalLog(JSON.stringify({ ...summary, right }));
    } else {
      report(
        `first delivery acknowledged ${(summary.firstDeliveryRate * 100).toFixed(1)} %  enrolled ${enrolled}/${buyers}  ` +
          `learners who saw an order.get error ${summary.getErrorLearners}  callback p50 ${summary.callbackP50Ms} ms ` +
          `p99 ${summary.callbackP99Ms} ms  in ${summary.launchSeconds} s`,
      );
      if (summary.getErrorLearners > 0) report(`order.get errors ${JSON.stringify(summary.getErrorCodes)}`);
      if (summary.createErrors > 0) report(`order.create errors ${JSON.stringify(summary.createErrorCodes)}`);
      report(`sweep work left ${JSON.stringify(sweep)}`);
      if (nightlyError) report(`the nightly courseStats run failed: ${nightlyError}`);
      report(
        `learnerCount ${countAfterLaunch} after the launch (card ${summary.cardLearnerCount}, popular first ` +
          `${summary.popularFirst}), ${summary.learnerCountAfterNightly} after the nightly job; courseStats ` +
          `learners ${summary.statsLearners}, paid orders ${summary.statsPaidOrders}  → ${right ? 'right' : 'WRONG'}`,
      );
    }
    if (!right) process.exitCode = 1;
  } finally {
    await cloud.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    originalError(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
