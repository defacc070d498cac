/**
 * `npm run preview`: the mini-program in your own browser against a local cloud, to click through browse → buy
 * (sandbox payment sheet) → learn → review without WeChat DevTools. Uses the cloud at CLOUD_URL if set (e.g. a running
 * `npm start`), else starts one with a fresh data folder. PREVIEW_PORT (default 8790) is where it listens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChildCloud } from './cloud';
import { previewGuide, startPreview } from './server';

async function main(): Promise<void> {
  const cloud = process.env.CLOUD_URL ? undefined : await startChildCloud();
  const cloudUrl = process.env.CLOUD_URL ?? (cloud?.url as string);
  const buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudcourse-preview-'));
  const preview = await startPreview({ cloudUrl, buildDir, port: Number(process.env.PREVIEW_PORT || 8790) });
  console.log(previewGuide(preview.url, cloudUrl));
  console.log(`local cloud: ${cloudUrl}`);
  const stop = (): void => {
    void preview
      .close()
      .then(() => cloud?.stop())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
