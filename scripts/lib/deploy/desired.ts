/**
 * The desired state of a deployment, from the repository: each function bundled by `npm run build` with its
 * config.json and its variables, the collections of database/collections.ts, the course folder to import.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { collections } from '../../../database/collections';
import { REPO_ROOT } from '../../../toolchain/bundle';
import { listFunctions, readFunctionConfig } from '../../../toolchain/function-config';
import { buildFunctions, type BuildOptions } from '../build-functions';
import { BUNDLE_SHA_VARIABLE, type DesiredFunction, type DesiredState } from './state';

/** The files of a built function that the hash covers: the code and the dependency pins the cloud installs. */
const HASHED_FILES = ['index.js', 'package.json'];

/** SCF variable names: a letter, then letters, digits and underscores. */
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export class DeployInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployInputError';
  }
}

export interface DesiredOptions extends BuildOptions {
  /** The variables file (see deploy.env.example.json). */
  variablesFile: string;
  courses?: string;
}

export async function readDesiredState(options: DesiredOptions): Promise<DesiredState> {
  const { variablesFile, courses, ...build } = options;
  const variables = readVariablesFile(
    variablesFile,
    listFunctions(build.functionsDir ?? path.join(REPO_ROOT, 'cloudfunctions')),
  );
  const built = await buildFunctions(build);
  const functions = built.map((fn): DesiredFunction => {
    const config = readFunctionConfig(fn.dir);
    return {
      name: fn.name,
      dir: fn.dir,
      bundleSha: bundleSha(fn.dir),
      timeoutSeconds: config.timeoutSeconds,
      memoryMb: config.memoryMb,
      timers: config.timers.map(({ name, config: cron }) => ({ name, config: cron })),
      openapi: config.openapi,
      variables: variables[fn.name] ?? {},
    };
  });
  return { functions, collections, ...(courses === undefined ? {} : { courses }) };
}

/** SHA-256 over the bundle's files, each with its name, so moving bytes between them changes it too. */
export function bundleSha(dir: string): string {
  const hash = createHash('sha256');
  for (const file of HASHED_FILES) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * Reads the variables file: `{ "<function>": { "<NAME>": "<value>" } }`. An empty value means "not set", so the
 * example can be copied as it is. Every problem names the file and the entry.
 */
export function readVariablesFile(
  file: string,
  functionNames: readonly string[],
): Record<string, Record<string, string>> {
  const shown = path.relative(process.cwd(), file) || file;
  if (!existsSync(file)) {
    throw new DeployInputError(
      `找不到函数环境变量文件 ${shown}：复制 deploy.env.example.json 为 deploy.env.json 并填写（值可留空），或用 --vars 指定`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DeployInputError(`${shown}：不是有效的 JSON（${(error as Error).message}）`);
  }
  if (!isObject(raw)) throw new DeployInputError(`${shown}：应为 { "<函数名>": { "<变量名>": "<值>" } }`);
  const result: Record<string, Record<string, string>> = {};
  for (const [fn, vars] of Object.entries(raw)) {
    if (!functionNames.includes(fn)) {
      throw new DeployInputError(`${shown}：没有名为 ${fn} 的云函数（有 ${functionNames.join(', ')}）`);
    }
    if (!isObject(vars)) throw new DeployInputError(`${shown}：${fn} 应为 { "<变量名>": "<值>" }`);
    const set: Record<string, string> = {};
    for (const [name, value] of Object.entries(vars)) {
      if (!VARIABLE_NAME.test(name)) throw new DeployInputError(`${shown}：${fn}.${name} 不是有效的变量名`);
      if (name === BUNDLE_SHA_VARIABLE) throw new DeployInputError(`${shown}：${fn}.${name} 由部署自己设置`);
      if (typeof value !== 'string') throw new DeployInputError(`${shown}：${fn}.${name} 的值应为字符串`);
      if (value !== '') set[name] = value;
    }
    result[fn] = set;
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
