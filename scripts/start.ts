/**
 * `npm start`: the local cloud (local/serve.ts: PORT, default 8787, its data in LOCAL_CLOUD_DATA, `/healthz`) and the
 * browser preview of the mini-program against it on PREVIEW_PORT (default 8790). The preview's address comes first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeOnSignals, serveLocalCloud, serveOptionsFromEnv } from '../local/serve';
import { previewGuide, startPreview } from './screenshots/server';

async function main(): Promise<void> {
  const cloud = await serveLocalCloud(serveOptionsFromEnv());
  const buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudcourse-preview-'));
  const preview = await startPreview({ cloudUrl: cloud.url, buildDir, port: Number(process.env.PREVIEW_PORT || 8790) });
  console.log(previewGuide(preview.url, cloud.url));
  console.log(`local cloud listening on ${cloud.url}`);
  closeOnSignals(async () => {
    await preview.close();
    await cloud.close();
    fs.rmSync(buildDir, { recursive: true, force: true });
  }, 'npm start');
}

main().catch((error: unknown) => {
  console.error('[npm start] failed to start:', error);
  process.exit(1);
});
