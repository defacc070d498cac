/**
 * `npm run deploy`, without the process: parse the options, build the desired state, read the target, print the
 * plan, and apply it unless it is a dry run. Returns the exit code: 0 done, 1 a problem, 2 a usage error.
 */
import path from 'node:path';
import { REPO_ROOT } from '../../../toolchain/bundle';
import { parseArgs } from '../cloudbase-app';
import { catalogExists } from './courses';
import { DeployInputError, readDesiredState } from './desired';
import { DescriptionPort, readDescription, writeDescription } from './description-port';
import { executePlan } from './execute';
import { managerPort } from './manager-port';
import { hasChanges, planDeployment } from './plan';
import type { DeployPort } from './port';
import type { DesiredState } from './state';
import { manualSteps, renderPlan } from './render';

export const USAGE = [
  '用法：npm run deploy -- --env <环境 ID> [--dry-run] [--courses <课程文件夹>] [--vars <变量文件>]',
  '      npm run deploy -- --state <环境描述.json> [--dry-run] [--courses <课程文件夹>] [--vars <变量文件>]',
  '  --env      部署到这个云开发环境（需要环境变量 TENCENTCLOUD_SECRETID、TENCENTCLOUD_SECRETKEY）',
  '  --state    改为读写一个环境描述文件（离线）',
  '  --dry-run  只打印计划，不做任何改动',
  '  --courses  同时导入这个文件夹的课程（格式见 examples/courses/README.md）',
  '  --vars     云函数环境变量文件，默认 deploy.env.json（见 deploy.env.example.json）',
].join('\n');

export interface DeployIo {
  log: (line: string) => void;
  error: (line: string) => void;
  /** Where the bundles are built. @default build/cloudfunctions */
  buildDir?: string;
  /** The port of a real environment. @default manager-node with the TENCENTCLOUD_* credentials */
  connect?: (envId: string) => DeployPort;
}

export async function runDeploy(argv: readonly string[], io: DeployIo): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, { values: ['--env', '--state', '--courses', '--vars'], flags: ['--dry-run', '--help'] });
  } catch (error) {
    io.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.flags.has('--help')) {
    io.log(USAGE);
    return 0;
  }
  const envId = args.values.get('--env');
  const stateFile = args.values.get('--state');
  const usage = (message: string): number => {
    io.error(`${message}\n${USAGE}`);
    return 2;
  };
  if (args.positional.length > 0) return usage(`多余的参数 ${args.positional.join(' ')}`);
  if (envId === undefined && stateFile === undefined) return usage('需要 --env <环境 ID>（或 --state <环境描述文件>）');
  if (envId !== undefined && stateFile !== undefined) return usage('--env 和 --state 只能指定一个');
  const dryRun = args.flags.has('--dry-run');
  const courses = args.values.get('--courses');
  const variablesFile = path.resolve(args.values.get('--vars') ?? path.join(REPO_ROOT, 'deploy.env.json'));

  try {
    const port =
      stateFile === undefined
        ? (io.connect ?? connectWithCredentials)(envId as string)
        : await DescriptionPort.open(readDescription(path.resolve(stateFile)), stateFile);
    try {
      const desired = await readDesiredState({
        variablesFile,
        ...(courses === undefined ? {} : { courses: path.resolve(courses) }),
        ...(io.buildDir === undefined ? {} : { outDir: io.buildDir }),
      });
      return await deploy(port, desired, { dryRun, io, stateFile });
    } finally {
      await port.close();
    }
  } catch (error) {
    if (error instanceof DeployInputError) {
      io.error(error.message);
      return 1;
    }
    throw error;
  }
}

async function deploy(
  port: DeployPort,
  desired: DesiredState,
  options: { dryRun: boolean; io: DeployIo; stateFile: string | undefined },
): Promise<number> {
  const { io } = options;
  const current = await port.readState(
    desired.functions.map((fn) => fn.name),
    desired.collections.map((c) => c.name),
  );
  const preview = desired.courses ? await port.previewCourses(desired.courses, catalogExists(current)) : null;
  const plan = planDeployment(desired, current, preview);
  io.log(`${options.dryRun ? '试运行：' : ''}部署计划 → ${port.description}`);
  io.log('');
  for (const line of renderPlan(plan)) io.log(line);
  if (plan.courses && plan.courses.problems.length > 0) return 1;
  if (options.dryRun || !hasChanges(plan)) return 0;

  io.log('');
  await executePlan(plan, port, io.log);
  if (options.stateFile !== undefined && port instanceof DescriptionPort) {
    writeDescription(path.resolve(options.stateFile), await port.snapshot());
    io.log(`✓ 环境描述已写回 ${options.stateFile}`);
  }
  const manual = manualSteps(plan);
  io.log(manual.length > 0 ? ['', '部署完成，还差一步：', ...manual].join('\n') : '部署完成。');
  return 0;
}

function connectWithCredentials(envId: string): DeployPort {
  const secretId = process.env.TENCENTCLOUD_SECRETID;
  const secretKey = process.env.TENCENTCLOUD_SECRETKEY;
  if (!secretId || !secretKey) {
    throw new DeployInputError('--env 需要环境变量 TENCENTCLOUD_SECRETID 和 TENCENTCLOUD_SECRETKEY（腾讯云 API 密钥）');
  }
  const token = process.env.TENCENTCLOUD_SESSIONTOKEN;
  return managerPort(envId, { secretId, secretKey, ...(token ? { token } : {}) });
}
