/**
 * The @cloudbase/node-sdk app a command line tool writes with: the local cloud (http://127.0.0.1:$PORT, default 8787)
 * unless `--env <envId>` names a real environment, which needs TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY.
 */
import tcb from '@cloudbase/node-sdk';
import { useLocalCloudFromThisProcess } from '../../local/sdk-env';
import type { NodeApp } from '../../toolchain/catalog-store';

/** The environment id `npm start`'s local cloud answers to (local/cloud.ts). */
const LOCAL_ENV_ID = 'local-env';

export interface Target {
  app: NodeApp;
  /** What the tool writes to, for its messages. */
  description: string;
}

export async function connect(envId: string | undefined): Promise<Target> {
  if (envId !== undefined) {
    const secretId = process.env.TENCENTCLOUD_SECRETID;
    const secretKey = process.env.TENCENTCLOUD_SECRETKEY;
    if (!secretId || !secretKey) {
      throw new Error('--env 需要环境变量 TENCENTCLOUD_SECRETID 和 TENCENTCLOUD_SECRETKEY（腾讯云 API 密钥）');
    }
    return {
      app: tcb.init({ env: envId, secretId, secretKey, throwOnCode: true }),
      description: `云开发环境 ${envId}`,
    };
  }
  const port = Number(process.env.PORT || 8787);
  const url = `http://127.0.0.1:${port}`;
  try {
    const health = await fetch(`${url}/healthz`);
    if (!health.ok) throw new Error(`HTTP ${health.status}`);
  } catch {
    throw new Error(`无法连接本地云 ${url}：请先在另一个终端运行 npm start（或用 --env 指定云开发环境）`);
  }
  useLocalCloudFromThisProcess(`${url}/admin`, LOCAL_ENV_ID);
  return { app: tcb.init({ env: LOCAL_ENV_ID, throwOnCode: true }), description: `本地云 ${url}` };
}

/** `--name value` and `--flag` options after the positional arguments, as a small command line needs. */
export function parseArgs(
  argv: readonly string[],
  spec: { values: readonly string[]; flags: readonly string[] },
): { positional: string[]; values: Map<string, string>; flags: Set<string> } {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) positional.push(arg);
    else if (spec.flags.includes(arg)) flags.add(arg);
    else if (spec.values.includes(arg)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${arg} 需要一个值`);
      values.set(arg, value);
      i += 1;
    } else throw new Error(`未知选项 ${arg}`);
  }
  return { positional, values, flags };
}

/**
 * A command line's arguments, or the exit code after printing `usage`: 2 for an option it cannot read, 0 for
 * `--help` (always accepted).
 */
export function readCommandLine(
  argv: readonly string[],
  spec: { values: readonly string[]; flags?: readonly string[] },
  usage: string,
): ReturnType<typeof parseArgs> | number {
  let args;
  try {
    args = parseArgs(argv, { values: spec.values, flags: ['--help', ...(spec.flags ?? [])] });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (args.flags.has('--help')) {
    console.error(usage);
    return 0;
  }
  return args;
}
