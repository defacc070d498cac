/**
 * npm run migrate -- [--env <envId>] [--dry-run]
 *
 * Brings the data of the local cloud (`npm start`) or, with --env, a deployed CloudBase environment up to this version
 * of the code (toolchain/migrate.ts lists the steps). Run it after `npm run db:apply` when upgrading; it is safe to
 * run again. Exit code 2 on a usage error.
 */
import { connect, readCommandLine } from './lib/cloudbase-app';
import { migrateEnrollments } from '../toolchain/migrate';
import { runCommand } from './lib/run-command';

const USAGE = '用法：npm run migrate -- [--env <环境 ID>] [--dry-run]';

async function main(): Promise<number> {
  const args = readCommandLine(process.argv.slice(2), { values: ['--env'], flags: ['--dry-run'] }, USAGE);
  if (typeof args === 'number') return args;
  if (args.positional.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const dryRun = args.flags.has('--dry-run');
  const { app, description } = await connect(args.values.get('--env'));
  const report = await migrateEnrollments(app.database(), { dryRun });
  console.log(
    `${dryRun ? '试运行：' : ''}${description} enrollments → grants：读取 ${report.read} 条，` +
      `${dryRun ? '将写入' : '写入'} ${report.copied} 条，已存在 ${report.kept} 条`,
  );
  return 0;
}

runCommand(main);
