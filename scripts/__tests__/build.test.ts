import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const fixtures = path.join(__dirname, 'fixtures');
const rootDependencies = (
  JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies;

let tmp: string;
let out: string;
let buildOutput: string;

/** `npm run build` with the fixture functions, through the real CLI. */
function build(functionsDir: string, outDir: string) {
  return run(
    path.join(repo, 'node_modules', '.bin', 'tsx'),
    ['scripts/build.ts', '--functions-dir', functionsDir, '--out', outDir],
    { cwd: repo },
  );
}

/**
 * Runs a built function's `main` in a fresh Node process that can resolve only the packages its package.json
 * declares: the folder lives outside the repository, and its node_modules links just those packages.
 */
async function runBundle(fnDir: string, event: unknown, link: 'declared' | 'none' = 'declared'): Promise<unknown> {
  const app = mkdtempSync(path.join(tmp, 'app-'));
  cpSync(fnDir, app, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  if (link === 'declared') {
    for (const name of Object.keys(manifest.dependencies)) {
      mkdirSync(path.dirname(path.join(app, 'node_modules', name)), { recursive: true });
      symlinkSync(path.join(repo, 'node_modules', name), path.join(app, 'node_modules', name), 'junction');
    }
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: 'build-test-env',
    WX_CONTEXT_KEYS: 'WX_OPENID',
    WX_OPENID: 'oBuildTest',
  };
  const script = `require('./index.js').main(${JSON.stringify(event)}, {}).then((r) => process.stdout.write(JSON.stringify(r)))`;
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: app, env });
  return JSON.parse(stdout);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cloudcourse-build-test-'));
  out = path.join(tmp, 'out');
  buildOutput = (await build(path.join(fixtures, 'cloudfunctions'), out)).stdout;
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('writes one deployable folder per function: index.js, package.json, config.json', () => {
  expect(buildOutput).toContain('built hello');
  expect(buildOutput).toContain('built plain');
  expect(readdirSync(out).sort()).toEqual(['hello', 'plain']);
  expect(readdirSync(path.join(out, 'hello')).sort()).toEqual(['config.json', 'index.js', 'package.json']);
  expect(readdirSync(path.join(out, 'plain')).sort()).toEqual(['index.js', 'package.json']);
  expect(readFileSync(path.join(out, 'hello', 'config.json'), 'utf8')).toBe(
    readFileSync(path.join(fixtures, 'cloudfunctions', 'hello', 'config.json'), 'utf8'),
  );
});

test('package.json pins exactly the runtime packages the bundle requires, at the root versions', () => {
  const hello = JSON.parse(readFileSync(path.join(out, 'hello', 'package.json'), 'utf8')) as Record<string, unknown>;
  expect(hello).toMatchObject({ name: 'hello', main: 'index.js', private: true });
  expect(hello.dependencies).toEqual({
    'wx-server-sdk': rootDependencies['wx-server-sdk'],
    yaml: rootDependencies.yaml,
  });
  const plain = JSON.parse(readFileSync(path.join(out, 'plain', 'package.json'), 'utf8')) as Record<string, unknown>;
  expect(plain.dependencies).toEqual({});
});

test('shared code is inlined; runtime packages stay external', () => {
  const bundle = readFileSync(path.join(out, 'hello', 'index.js'), 'utf8');
  expect(bundle).toContain('hello, ');
  expect(bundle).toMatch(/require\("wx-server-sdk"\)/);
  expect(bundle).toMatch(/require\("yaml"\)/);
  expect(bundle).not.toMatch(/require\("\.\.?\//);
  expect(bundle).not.toContain('sourceMappingURL');
});

test('each bundle runs in a fresh Node process with only its declared dependencies', async () => {
  expect(await runBundle(path.join(out, 'hello'), { name: 'ann' })).toEqual({
    greeting: 'hello, ann',
    openid: 'oBuildTest',
    yaml: 'n: 1\n',
  });
  expect(await runBundle(path.join(out, 'plain'), { name: 'bob' })).toEqual({
    greeting: 'hello, bob',
    digest: expect.stringMatching(/^[0-9a-f]{8}$/),
  });
});

test('the isolation is real: without its declared packages the bundle cannot load', async () => {
  await expect(runBundle(path.join(out, 'hello'), { name: 'x' }, 'none')).rejects.toThrow(
    /Cannot find module 'wx-server-sdk'/,
  );
});

test('importing a package that is not a runtime dependency fails the build, naming it', async () => {
  const failed = build(path.join(fixtures, 'bad-functions'), path.join(tmp, 'bad-out'));
  await expect(failed).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('"fast-check" is not a runtime dependency'),
  });
});

test('refuses an out folder that contains the sources', async () => {
  await expect(build(path.join(fixtures, 'cloudfunctions'), fixtures)).rejects.toMatchObject({
    stderr: expect.stringContaining('refusing to empty'),
  });
});
