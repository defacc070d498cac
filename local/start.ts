import { LocalCloud, type LocalCloudOptions } from './cloud';
import { attachDatabase } from './db/attach';
import { attachFunctionHost } from './functions';
import { attachOpenApi } from './openapi';
import { attachStorage } from './storage';

/** Builds every part of the local cloud and starts listening. */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const cloud = new LocalCloud(options);
  attachDatabase(cloud);
  attachFunctionHost(cloud);
  attachStorage(cloud);
  attachOpenApi(cloud);
  await cloud.listen();
  return cloud;
}
