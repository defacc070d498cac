/**
 * The local cloud as a developer runs it (`npm start`, and `tsx local/main.ts` alone): on PORT (default 8787) with its
 * data in LOCAL_CLOUD_DATA (default .local-cloud/), every sandbox, and on a first start the demo catalog with its past,
 * its learners and a first night of the nightly jobs (courseStats, insights, retrain) (a later start migrates the folder's data to this version: toolchain/migrate.ts).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { LocalCloud } from './cloud';
import { migrateEnrollments } from '../toolchain/migrate';
import { adminDatabase, loadDemoCatalog, loadDemoHistory } from './demo';
import { useLocalCloudFromThisProcess } from './sdk-env';
import { startLocalCloud } from './start';

export interface ServeOptions {
  port: number;
  dataDir: string;
}

/** PORT and LOCAL_CLOUD_DATA, checked. */
export function serveOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServeOptions {
  const port = Number(env.PORT || 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  return { port, dataDir: path.resolve(env.LOCAL_CLOUD_DATA || '.local-cloud') };
}

/** Starts the cloud; `/healthz` answers 503 until the demo catalog of a first start is in. */
export async function serveLocalCloud({ port, dataDir }: ServeOptions): Promise<LocalCloud> {
  const firstStart = isNewFolder(dataDir);
  return startLocalCloud({ port, dataDir, sandboxes: 'all' }, async (starting) => {
    // Scripts run in this process (the demo catalog loading) talk to the cloud through the SDKs as an admin.
    useLocalCloudFromThisProcess(`${starting.url}/admin`, starting.envId);
    if (!firstStart) {
      // A data folder from an earlier version: its data brought up to this one (idempotent, nothing to do usually).
      const migrated = await migrateEnrollments(adminDatabase(starting), { dryRun: false });
      if (migrated.copied > 0) console.log(`migrated ${migrated.copied} enrollments to grants`);
      return;
    }
    const report = await loadDemoCatalog(starting);
    console.log(
      `demo catalog loaded: ${report.courses.created} courses, ${report.files} files (${(report.ms / 1000).toFixed(1)} s)`,
    );
    const history = await loadDemoHistory(starting);
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const ticks = (n: number) => `${n} tick${n === 1 ? '' : 's'}`;
    console.log(
      `demo history and learners loaded: ${history.added} documents (${seconds(history.writeMs)}); nightly jobs: ` +
        `courseStats ${seconds(history.jobMs.courseStats)} (${history.quality} quality scores), insights ` +
        `${seconds(history.jobMs.insights)} (${history.insights} courses, ${ticks(history.ticks.insights)}), retrain ` +
        `${seconds(history.jobMs.retrain)} (${ticks(history.ticks.retrain)})`,
    );
  });
}

/** On SIGINT or SIGTERM: `close`, then exit (1 if closing failed). */
export function closeOnSignals(close: () => Promise<void>, name: string): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[${name}] error while closing on ${signal}`, error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** A data folder that does not exist yet or holds nothing: the first start. */
function isNewFolder(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}
