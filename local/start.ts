import { LocalCloud, type LocalCloudOptions } from './cloud';
import { attachDatabase } from './db/attach';
import { attachFunctionHost } from './functions';
import { attachOpenApi } from './openapi';
import { attachSecuritySandbox } from './sandbox/security';
import { attachPaySandbox, providePaySandboxParts } from './sandbox/pay';
import { attachXpaySandbox, provideXpaySandboxParts } from './sandbox/xpay';
import { attachStorage } from './storage';

/**
 * Builds every part of the local cloud, starts listening, runs `prepare` (loading data through the cloud, such as the
 * demo catalog) and then reports ready on `GET /healthz`. A failed `prepare` closes the cloud and is thrown.
 */
export async function startLocalCloud(
  options: LocalCloudOptions = {},
  prepare?: (cloud: LocalCloud) => Promise<void>,
): Promise<LocalCloud> {
  const cloud = new LocalCloud(options);
  const db = attachDatabase(cloud);
  const host = attachFunctionHost(cloud, { timers: cloud.options.timers });
  attachStorage(cloud);
  attachOpenApi(cloud);
  providePaySandboxParts(cloud, { host, db });
  provideXpaySandboxParts(cloud, { host, db });
  // A persistent cloud (`npm start`) answers msgSecCheck from the sandbox's word list. An in-memory test cloud starts
  // without it, so a test can register its own handler; tests of the product attach it with attachSecuritySandbox.
  if (cloud.options.dataDir) attachSecuritySandbox(cloud);
  // The same for the pay sandbox: tests of the product call attachPaySandbox(cloud).
  if (cloud.options.dataDir) attachPaySandbox(cloud);
  await cloud.listen();
  // The virtual-payment sandbox needs the cloud's URL (the functions call it over HTTP), so it attaches once listening.
  if (cloud.options.dataDir) attachXpaySandbox(cloud);
  try {
    await prepare?.(cloud);
  } catch (error) {
    await cloud.close();
    throw error;
  }
  cloud.markReady();
  return cloud;
}
