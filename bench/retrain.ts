/**
 * The nightly retrain at platform scale: a synthetic, skewed platform is written into an on-disk local cloud by a
 * child process (so generating it costs this process neither time, calls nor memory), then the local cloud starts
 * on it with `--latency-ms` added to every server call, and the `retrain` timer is fired through the function host
 * until the run is done (each fire is one invocation with the function's own 60 s timeout; a run that needs more
 * continues from its checkpoint on the next fire, and the figures are the totals).
 *
 *   npm run bench:retrain -- [--users 100000 --courses 2000 --interactions 2000000 --latency-ms 20] [--json]
 *
 * wallSeconds: from the first fire to the end of the last; serverCalls: server-API calls the local cloud answered in
 * that time (database actions and storage metadata calls; the file PUT/GET that follow those are not counted); peakRssMb: the
 * highest resident set of this process sampled every 20 ms during the run, which holds the local cloud's in-memory
 * database as well as the function (the baseline before the run is printed beside it).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as wx from 'wx-server-sdk';
import { collections } from '../database/collections';
import { LocalDatabase } from '../local/db/database';
import type { Doc } from '../local/db/ejson';
import { SqlitePersistence } from '../local/db/persistence';
import { useLocalCloudFromThisProcess } from '../local/sdk-env';
import { startLocalCloud } from '../local/start';
import type { ListShardDoc } from '../shared/recommender/platform/lists';
import type { RetrainOutcome } from '../shared/recommender/job/types';
import { SyntheticPlatform } from '../shared/recommender/data/synthetic';
import { COLLECTIONS } from '../shared/collections';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    courses: { type: 'string', default: '2000' },
    interactions: { type: 'string', default: '2000000' },
    'latency-ms': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    'generate-into': { type: 'string' },
  },
});

const spec = {
  users: positive('users'),
  courses: positive('courses'),
  interactions: positive('interactions'),
  now: new Date(),
};

function positive(name: 'users' | 'courses' | 'interactions' | 'latency-ms'): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < (name === 'latency-ms' ? 0 : 1)) {
    throw new Error(`--${name} must be a ${name === 'latency-ms' ? 'non-negative' : 'positive'} integer`);
  }
  return value;
}

/** Child mode: writes the platform straight into the database files (not through the server API). */
function generate(dataDir: string): void {
  const db = new LocalDatabase(collections, new SqlitePersistence(path.join(dataDir, 'database')));
  const platform = new SyntheticPlatform(spec);
  const batch = 5000;
  for (let start = 0; start < spec.users; start += batch) {
    const docs: Doc[] = [];
    for (let u = start; u < Math.min(spec.users, start + batch); u++) docs.push({ ...platform.snapshot(u) });
    db.insert('interactions', docs);
  }
  db.insert(
    'courses',
    Array.from({ length: spec.courses }, (_v, c) => ({ ...platform.course(c) })),
  );
  db.close();
}

function generateInChild(dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [...process.argv.slice(2), '--generate-into', dataDir], {
      execArgv: process.execArgv,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generator exited with ${code}`))));
  });
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

async function main(): Promise<void> {
  const latencyMs = positive('latency-ms');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-retrain-'));
  const log = (line: string) => {
    if (!values.json) console.log(line);
  };
  try {
    log(`generating ${spec.users} learners, ${spec.courses} courses, ~${spec.interactions} signals in ${dataDir} …`);
    await generateInChild(dataDir);
    const cloud = await startLocalCloud({ dataDir, latencyMs, sandboxes: 'all' });
    useLocalCloudFromThisProcess(`${cloud.url}/admin`, cloud.envId);
    const byAction = new Map<string, number>();
    let counting = false;
    cloud.admin.observe(({ action }) => {
      if (counting) byAction.set(action, (byAction.get(action) ?? 0) + 1);
    });
    const baselineRss = process.memoryUsage.rss();
    let peakRss = baselineRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
    const originalLog = console.log;
    if (values.json) console.log = () => undefined;
    const started = process.hrtime.bigint();
    counting = true;
    const outcomes: RetrainOutcome[] = [];
    try {
      for (;;) {
        const response = await fetch(`${cloud.url}/sandbox/timers/retrain`, { method: 'POST' });
        const body = (await response.json()) as { result?: { ok: boolean; data: RetrainOutcome }; errMsg?: string };
        if (!body.result?.ok) throw new Error(`retrain failed: ${JSON.stringify(body)}`);
        outcomes.push(body.result.data);
        if (body.result.data.status !== 'continued') break;
      }
    } finally {
      counting = false;
      console.log = originalLog;
      clearInterval(sampler);
    }
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const run = outcomes[outcomes.length - 1]?.run;
    wx.init({ env: wx.DYNAMIC_CURRENT_ENV as unknown as string });
    const shards = (await wx
      .database()
      .collection(COLLECTIONS.recommendations)
      .where({ version: run?.version ?? '' })
      .limit(1000)
      .get()) as unknown as { data: ListShardDoc[] };
    const usersWithLists = shards.data.reduce((sum, doc) => sum + Object.keys(doc.lists).length, 0);
    await cloud.close();
    const serverCalls = [...byAction.values()].reduce((a, b) => a + b, 0);
    const summary = {
      wallSeconds: Number(wallSeconds.toFixed(2)),
      serverCalls,
      peakRssMb: mb(peakRss),
      usersWithLists,
      baselineRssMb: mb(baselineRss),
      invocations: outcomes.length,
      status: outcomes[outcomes.length - 1]?.status,
      switched: run?.switched ?? false,
      callsByAction: Object.fromEntries([...byAction].sort()),
      data: run?.data,
      metrics: run?.metrics?.candidate,
      latencyMs,
    };
    if (values.json) {
      console.log(JSON.stringify(summary));
    } else {
      console.log(
        `wallSeconds ${summary.wallSeconds}  serverCalls ${serverCalls}  peakRssMb ${summary.peakRssMb}  ` +
          `usersWithLists ${usersWithLists}`,
      );
      console.log(JSON.stringify(summary, null, 2));
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (values['generate-into'] !== undefined) {
  generate(values['generate-into']);
} else {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
