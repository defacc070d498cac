/**
 * `npm start`: the local cloud on PORT (default 8787) with its data in LOCAL_CLOUD_DATA (default .local-cloud/).
 */
import path from 'node:path';
import { useLocalCloudFromThisProcess } from './sdk-env';
import { startLocalCloud } from './start';

async function main(): Promise<void> {
  const port = Number(process.env.PORT || 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${process.env.PORT}`);
  const dataDir = path.resolve(process.env.LOCAL_CLOUD_DATA || '.local-cloud');
  const cloud = await startLocalCloud({ port, dataDir });
  // Scripts run in this process (the demo catalog loading) talk to the cloud through the SDKs as an admin.
  useLocalCloudFromThisProcess(`${cloud.url}/admin`, cloud.envId);

  // Demo catalog: loaded here on the first start with an empty data folder (comes with the catalog import).

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

main().catch((error: unknown) => {
  console.error('[local cloud] failed to start:', error);
  process.exit(1);
});
