import { LocalCloud, type LocalCloudOptions } from './cloud';
import { databasePart } from './db/attach';
import { functionHostPart } from './functions';
import { openApiPart } from './openapi';
import { SANDBOX_NAMES, type CloudPart, type PartName, type SandboxName } from './parts';
import { paySandboxPart } from './sandbox/pay';
import { securityPart } from './sandbox/security';
import { xpaySandboxPart } from './sandbox/xpay';
import { storagePart } from './storage';

/**
 * Every part `startLocalCloud` can attach, in start order: each uses only parts above it (the pay sandbox seeds
 * `settings/app` before the xpay sandbox adds its section), and they close in reverse.
 */
const START_ORDER: readonly { [N in PartName]: (options: LocalCloudOptions) => CloudPart<N> }[PartName][] = [
  () => databasePart(),
  (options) => functionHostPart({ timers: options.timers }),
  () => storagePart(),
  () => openApiPart(),
  () => securityPart(),
  () => paySandboxPart(),
  () => xpaySandboxPart(),
];

/**
 * Builds every part of the local cloud (the sandboxes `options.sandboxes` names), starts listening, runs `prepare`
 * (loading data through the cloud, such as the demo catalog) and then reports ready on `GET /healthz`. A failed
 * `prepare` closes the cloud and is thrown.
 */
export async function startLocalCloud(
  options: LocalCloudOptions = {},
  prepare?: (cloud: LocalCloud) => Promise<void>,
): Promise<LocalCloud> {
  const cloud = new LocalCloud(options);
  const sandboxes = sandboxesOf(options);
  for (const create of START_ORDER) {
    const part = create(options);
    if (!isSandbox(part.name) || sandboxes.has(part.name)) cloud.parts.add(part);
  }
  await cloud.listen();
  try {
    await prepare?.(cloud);
  } catch (error) {
    await cloud.close();
    throw error;
  }
  cloud.markReady();
  return cloud;
}

function sandboxesOf(options: LocalCloudOptions): ReadonlySet<SandboxName> {
  const wanted = options.sandboxes ?? 'none';
  if (wanted === 'all') return new Set(SANDBOX_NAMES);
  return new Set(wanted === 'none' ? [] : wanted);
}

function isSandbox(name: string): name is SandboxName {
  return (SANDBOX_NAMES as readonly string[]).includes(name);
}
