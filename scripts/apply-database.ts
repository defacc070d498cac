/**
 * npm run db:apply -- [--env <envId>]
 *
 * Creates the collections of database/collections.ts that are missing in the local cloud (`npm start`) or, with
 * --env and TENCENTCLOUD_SECRETID/TENCENTCLOUD_SECRETKEY, in a real CloudBase environment, and prints the console
 * steps for its indexes and security rules (see scripts/lib/apply-database.ts for why they are not applied by API).
 */
import { collections } from '../database/collections';
import { applyDatabase } from './lib/apply-database';
import { connect, readCommandLine } from './lib/cloudbase-app';
import { runCommand } from './lib/run-command';

const USAGE = '用法：npm run db:apply -- [--env <环境 ID>]';

async function main(): Promise<number> {
  const args = readCommandLine(process.argv.slice(2), { values: ['--env'] }, USAGE);
  if (typeof args === 'number') return args;
  if (args.positional.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const envId = args.values.get('--env');
  const { app, description } = await connect(envId);
  console.log(`应用数据库配置 → ${description}`);
  await applyDatabase({ app, specs: collections, real: envId !== undefined });
  return 0;
}

runCommand(main);
