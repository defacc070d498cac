/**
 * npm run course:import -- <file|folder> [--env <envId>] [--dry-run]
 *
 * Validates course files (YAML/JSON; see examples/courses/README.md for the format) and reports every problem at
 * once; then uploads covers and media and upserts categories, creators, courses and lessons, into the local cloud
 * (`npm start`) or, with --env, a real CloudBase environment. Exit code 1 on any problem, 2 on a usage error.
 */
import { connect, parseArgs } from './lib/cloudbase-app';
import { runCommand } from './lib/run-command';
import { importCourses } from './lib/course-import';

const USAGE = '用法：npm run course:import -- <课程文件或文件夹> [--env <环境 ID>] [--dry-run]';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), { values: ['--env'], flags: ['--dry-run', '--help'] });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [target, ...extra] = args.positional;
  if (args.flags.has('--help') || target === undefined || extra.length > 0) {
    console.error(USAGE);
    return args.flags.has('--help') ? 0 : 2;
  }
  const dryRun = args.flags.has('--dry-run');
  const { app, description } = await connect(args.values.get('--env'));
  console.log(`${dryRun ? '试运行：' : ''}导入 ${target} → ${description}`);
  const report = await importCourses({ target, app, dryRun });
  if (!report.ok) {
    console.error(`发现 ${report.problems.length} 个问题，未写入任何内容：`);
    for (const problem of report.problems) console.error(`  ${problem.message}`);
    return 1;
  }
  return 0;
}

runCommand(main);
