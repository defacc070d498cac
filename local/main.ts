/**
 * `npm start`: the local cloud on PORT (default 8787) with its data in LOCAL_CLOUD_DATA (default .local-cloud/).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadDemoCatalog } from './demo';
import { useLocalCloudFromThisProcess } from './sdk-env';
import { startLocalCloud } from './start';

async function main(): Promise<void> {
  const port = Number(process.env.PORT || 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${process.env.PORT}`);
  const dataDir = path.resolve(process.env.LOCAL_CLOUD_DATA || '.local-cloud');
  const firstStart = isNewFolder(dataDir);
  // /healthz answers 503 until the demo catalog is in.
  const cloud = await startLocalCloud({ port, dataDir, sandboxes: 'all' }, async (starting) => {
    // Scripts run in this process (the demo catalog loading) talk to the cloud through the SDKs as an admin.
    useLocalCloudFromThisProcess(`${starting.url}/admin`, starting.envId);
    if (!firstStart) return;
    const report = await loadDemoCatalog(starting);
    console.log(
      `demo catalog loaded: ${report.courses.created} courses, ${report.files} files (${(report.ms / 1000).toFixed(1)} s)`,
    );
  });

  console.log(`local cloud listening on http://127.0.0.1:${cloud.port}`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    cloud.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[local cloud] error while closing on ${signal}`, error);
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

main().catch((error: unknown) => {
  console.error('[local cloud] failed to start:', error);
  process.exit(1);
});
