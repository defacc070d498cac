/**
 * `npm run deploy` end to end against environment descriptions (`--state`), offline: the whole plan for a fresh
 * environment, a deploy, then "nothing to do" on every later run; the options' errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collections } from '../../../../database/collections';
import { listFunctions, readFunctionConfig } from '../../../../toolchain/function-config';
import { runDeploy } from '../cli';
import { BUNDLE_SHA_VARIABLE, type EnvironmentDescription } from '../state';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const FRESH = path.join(FIXTURES, 'fresh-env.json');
const VARS = path.join(FIXTURES, 'deploy.env.json');
const COURSES = path.join(REPO, 'examples', 'courses');
const FUNCTIONS = listFunctions(path.join(REPO, 'cloudfunctions'));

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-cli-'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the command line; returns its exit code and what it printed. */
async function deploy(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDeploy(argv, {
    log: (line) => out.push(...line.split('\n')),
    error: (line) => err.push(line),
    buildDir: path.join(tmp, 'build'),
  });
  return { code, out, err: err.join('\n') };
}

const withState = (file: string, ...more: string[]) => ['--state', file, '--vars', VARS, '--courses', COURSES, ...more];

function copyOf(file: string, name: string): string {
  const copy = path.join(tmp, name);
  writeFileSync(copy, readFileSync(file));
  return copy;
}

describe('a fresh environment', () => {
  it('--dry-run prints every function, trigger, collection, index, rule and course to create, and changes nothing', async () => {
    const before = readFileSync(FRESH, 'utf8');
    const { code, out } = await deploy(...withState(FRESH, '--dry-run'));
    expect(code).toBe(0);
    expect(out[0]).toBe(`试运行：部署计划 → 环境描述 ${FRESH}（fresh-env，离线）`);
    for (const name of FUNCTIONS) {
      const config = readFunctionConfig(path.join(REPO, 'cloudfunctions', name));
      expect(out).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^  \\+ ${name}  新建：Nodejs20\\.19，超时 ${config.timeoutSeconds} s，内存 ${config.memoryMb} MB，`,
          ),
        ),
      );
      for (const timer of config.timers) {
        expect(out).toContain(`      + 定时触发器 ${timer.name}：${timer.config}  新建`);
      }
    }
    for (const spec of collections) {
      expect(out).toContain(`  + ${spec.name}  新建集合`);
      for (const index of spec.indexes) {
        expect(out).toContainEqual(expect.stringMatching(new RegExp(`^      \\+ 索引 ${index.name}[（：]`)));
      }
      expect(out).toContain(`      + 安全规则 → ${JSON.stringify(spec.rules)}`);
    }
    expect(out).toContain('课程（examples/courses，课程集合尚未建立，按空目录预览）');
    expect(out).toContain('  + git-basics  新建：版本 1，写入 5 节课');
    expect(out).toContain('  ! order：wxa.sec.order.uploadShippingInfo');
    expect(out).toContainEqual(expect.stringMatching(/环境变量 MP_APP_SECRET$/));
    expect(out.join('\n')).not.toContain('test-app-secret');

    const configs = FUNCTIONS.map((name) => readFunctionConfig(path.join(REPO, 'cloudfunctions', name)));
    const timers = configs.flatMap((config) => config.timers);
    const indexes = collections.reduce((n, spec) => n + spec.indexes.length, 0);
    // Functions, timers, collections, their indexes and rules; a course, its category, creator and two files.
    const total = FUNCTIONS.length + timers.length + 2 * collections.length + indexes + 1 + 1 + 1 + 2;
    // A new environment's storage is readable by all; the deploy makes it admin-only.
    expect(out).toContain(
      '  ~ 权限 READONLY → ADMINONLY（仅管理员可读写：课程文件和封面只经云函数给出的临时链接打开）',
    );
    // One cloud-call permission grant per function that needs any.
    const manual = configs.filter((config) => config.openapi.length > 0).length;
    expect(out.at(-1)).toBe(
      `合计：新建 ${total} 项，更改 1 项，删除 0 项，不变 0 项，需在开发者工具中完成 ${manual} 项`,
    );
    expect(readFileSync(FRESH, 'utf8')).toBe(before);
  });
});

describe('deploying, then deploying again', () => {
  let state: string;

  beforeAll(async () => {
    state = copyOf(FRESH, 'env.json');
    const { code, out } = await deploy(...withState(state));
    expect(code).toBe(0);
    expect(out).toContain('✓ 云函数 order：已创建');
    expect(out).toContain('✓ 课程：已导入 examples/courses');
    expect(out).toContain('部署完成，还差一步：');
  });

  it('leaves an environment where two more dry runs print "nothing to do"', async () => {
    for (let run = 0; run < 2; run += 1) {
      const { code, out } = await deploy(...withState(state, '--dry-run'));
      expect(code).toBe(0);
      expect(out.at(-1)).toMatch(/^nothing to do：云开发环境 fresh-env 已与仓库一致（不变 \d+ 项）$/);
      expect(out.filter((line) => /^\s+[+~-] /.test(line))).toEqual([]);
    }
  });

  it('changes nothing when run for real again', async () => {
    const before = readFileSync(state, 'utf8');
    const { code, out } = await deploy(...withState(state));
    expect(code).toBe(0);
    expect(out.at(-1)).toMatch(/^nothing to do：/);
    expect(out.filter((line) => line.startsWith('✓'))).toEqual([]);
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it('uploads only the function whose recorded bundle differs, and updates only a changed timeout', async () => {
    const description = JSON.parse(readFileSync(state, 'utf8')) as EnvironmentDescription;
    for (const fn of description.functions) {
      if (fn.name === 'review') fn.variables[BUNDLE_SHA_VARIABLE] = '0'.repeat(64);
      if (fn.name === 'catalog') fn.timeoutSeconds = 3;
    }
    const changed = path.join(tmp, 'changed.json');
    writeFileSync(changed, JSON.stringify(description));
    const { out } = await deploy(...withState(changed, '--dry-run'));
    expect(out.filter((line) => /^\s+[+~-] /.test(line))).toEqual([
      '  ~ catalog  更改：超时 3 s → 5 s',
      expect.stringMatching(/^ {2}~ review {2}更改：代码 000000000000 → [0-9a-f]{12}$/),
    ]);
    expect(out.at(-1)).toBe(`合计：新建 0 项，更改 2 项，删除 0 项，不变 ${out.at(-1)?.match(/不变 (\d+)/)?.[1]} 项`);
  });
});

describe('options', () => {
  it.each([
    [['--env'], '--env 需要一个值'],
    [['--env', 'e', '--dryrun'], '未知选项 --dryrun'],
    [['--env', 'e', 'extra'], '多余的参数 extra'],
    [['--dry-run'], '需要 --env <环境 ID>（或 --state <环境描述文件>）'],
    [['--env', 'e', '--state', FRESH], '--env 和 --state 只能指定一个'],
  ])('%j is a usage error naming the flag', async (argv, message) => {
    const { code, err } = await deploy(...argv);
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toBe(message);
    expect(err).toContain('用法：npm run deploy -- --env <环境 ID>');
  });

  it('a missing variables file says which and how to make it', async () => {
    const { code, err } = await deploy('--state', FRESH, '--vars', path.join(tmp, 'none.json'));
    expect(code).toBe(1);
    expect(err).toMatch(/^找不到函数环境变量文件 .*none\.json：复制 deploy\.env\.example\.json 为 deploy\.env\.json/);
  });

  it('a variables file naming an unknown function is refused', async () => {
    const vars = path.join(tmp, 'bad-vars.json');
    writeFileSync(vars, JSON.stringify({ ordr: { MP_APP_SECRET: 'x' } }));
    const { code, err } = await deploy('--state', FRESH, '--vars', vars);
    expect(code).toBe(1);
    expect(err).toContain('没有名为 ordr 的云函数');
  });

  it('--env needs the Tencent Cloud API keys', async () => {
    const saved = { id: process.env.TENCENTCLOUD_SECRETID, key: process.env.TENCENTCLOUD_SECRETKEY };
    delete process.env.TENCENTCLOUD_SECRETID;
    delete process.env.TENCENTCLOUD_SECRETKEY;
    try {
      const { code, err } = await deploy('--env', 'env-1', '--vars', VARS, '--dry-run');
      expect(code).toBe(1);
      expect(err).toBe('--env 需要环境变量 TENCENTCLOUD_SECRETID 和 TENCENTCLOUD_SECRETKEY（腾讯云 API 密钥）');
    } finally {
      if (saved.id !== undefined) process.env.TENCENTCLOUD_SECRETID = saved.id;
      if (saved.key !== undefined) process.env.TENCENTCLOUD_SECRETKEY = saved.key;
    }
  });

  it('the example variables file is valid and sets nothing', async () => {
    const { code, out } = await deploy(
      '--state',
      FRESH,
      '--vars',
      path.join(REPO, 'deploy.env.example.json'),
      '--dry-run',
    );
    expect(code).toBe(0);
    expect(out.filter((line) => line.includes('环境变量') && !line.endsWith('环境变量 无'))).toEqual([]);
  });
});
