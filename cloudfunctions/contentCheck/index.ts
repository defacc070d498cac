import * as sdk from 'wx-server-sdk';
import { cloudContentCheckDeps, handleContentInvocation } from '../../shared/content';
import { initCloud, platformFunction } from '../../shared/entry';

const cloud = initCloud(sdk);

/**
 * The content checks' platform side (shared/content/pushes.ts): the `wxa_media_check` and `wxa_punish_event`
 * message pushes (云开发 → 设置 → 其他设置 → 消息推送, mode 云函数, one entry each), the timer that resubmits media
 * checks the platform never answered and checks the staged course revisions, and `course:import`'s request to check
 * the revisions it wrote (`{ action: 'checkRevisions', courseIds }`, answered `{ revisions }`). The mini-program may
 * not call it.
 */
export const main = platformFunction(cloud, 'push', async (event) => {
  const handled = await handleContentInvocation(cloudContentCheckDeps(cloud), event);
  // The platform discards what a timer returns; the log is where an operator finds it.
  console.log('[contentCheck]', JSON.stringify(handled));
  if (handled.kind === 'sweep') return handled.report;
  if (handled.kind === 'revisions') return { revisions: handled.revisions };
  return handled.reply;
});
