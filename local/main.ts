/**
 * The local cloud alone (`tsx local/main.ts`; `npm start` also serves the preview, scripts/start.ts): see ./serve.ts
 * for PORT and LOCAL_CLOUD_DATA. `local cloud listening on …` is printed once `/healthz` answers 200.
 */
import { closeOnSignals, serveLocalCloud, serveOptionsFromEnv } from './serve';

async function main(): Promise<void> {
  const cloud = await serveLocalCloud(serveOptionsFromEnv());
  console.log(`local cloud listening on ${cloud.url}`);
  closeOnSignals(() => cloud.close(), 'local cloud');
}

main().catch((error: unknown) => {
  console.error('[local cloud] failed to start:', error);
  process.exit(1);
});
