/**
 * `npm run build:miniprogram-npm`: writes miniprogram/miniprogram_npm (git-ignored) with WeChat DevTools' npm builder,
 * so that DevTools (and a phone preview or upload) finds the mini-program's npm packages; see
 * scripts/lib/miniprogram-npm.ts. Run it after `npm ci` and after a change of those packages' versions.
 */
import path from 'node:path';
import { MINIPROGRAM_DIR } from './lib/build-miniprogram';
import { buildMiniprogramNpm } from './lib/miniprogram-npm';
import { runCommand } from './lib/run-command';

runCommand(async () => {
  const built = await buildMiniprogramNpm(MINIPROGRAM_DIR);
  console.log(
    `built ${built.join(', ')} -> ${path.relative(process.cwd(), path.join(MINIPROGRAM_DIR, 'miniprogram_npm'))}`,
  );
  return 0;
});
