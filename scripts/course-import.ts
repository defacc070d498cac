/**
 * npm run course:import -- <file|folder> [--env <envId>] [--dry-run]
 *
 * Validates course files (YAML/JSON; see examples/courses/README.md for the format) and reports every problem at
 * once; then uploads covers and media and upserts categories, creators, courses and lessons, into the local cloud
 * (`npm start`) or, with --env, a real CloudBase environment. Exit code 1 on any problem, 2 on a usage error.
 */
import { connect, readCommandLine } from './lib/cloudbase-app';
import { printProblems, runCommand } from './lib/run-command';
import { importCourses } from './lib/course-import';

const USAGE = '用法：npm run course:import -- <课程文件或文件夹> [--env <环境 ID>] [--dry-run]';

async function main(): Promise<number> {
  const args = readCommandLine(process.argv.slice(2), { values: ['--env'], flags: ['--dry-run'] }, USAGE);
  if (typeof args === 'number') return args;
  const [target, ...extra] = args.positional;
  if (target === undefined || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const dryRun = args.flags.has('--dry-run');
  const { app, description } = await connect(args.values.get('--env'));
  console.log(`${dryRun ? '试运行：' : ''}导入 ${target} → ${description}`);
  const report = await importCourses({ target, app, dryRun });
  if (!report.ok) return printProblems(report.problems);
  return 0;
}

runCommand(main);
