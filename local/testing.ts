import type { LocalCloud, LocalCloudOptions } from './cloud';
import { useLocalCloudFromThisProcess } from './sdk-env';
import { startLocalCloud } from './start';

/**
 * A fresh in-memory local cloud for one test file, with this process's SDKs pointed at it. Each jest test file runs
 * in its own module registry and environment, so test files never share a store and can run in parallel. Timers fire
 * only when a test fires them: a real `orderSweep` every five wall-clock minutes would act in the middle of a test
 * that drives the orders with a fake clock.
 */
export async function startTestCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const cloud = await startLocalCloud({ dataDir: null, timers: false, ...options });
  useLocalCloudFromThisProcess(`${cloud.url}/admin`, cloud.envId);
  return cloud;
}
