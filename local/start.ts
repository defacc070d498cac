import { LocalCloud, type LocalCloudOptions } from './cloud';
import { attachDatabase } from './db/attach';

/** Builds every part of the local cloud and starts listening. */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const cloud = new LocalCloud(options);
  attachDatabase(cloud);
  await cloud.listen();
  return cloud;
}
