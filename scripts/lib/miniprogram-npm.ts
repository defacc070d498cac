/**
 * The mini-program's npm packages (`MINIPROGRAM_PACKAGES`) as WeChat DevTools loads them: `miniprogram_npm/<name>/`
 * beside app.json, written by DevTools' own npm builder (miniprogram-ci `packNpmManually`, what 工具 → 构建 npm runs).
 *
 * The root package.json cannot be DevTools' npm manifest: its `dependencies` are the cloud functions' runtime
 * packages (toolchain/bundle.ts), which the builder would pack into the mini-program. So the builder gets a staging
 * folder with a package.json of the mini-program's packages alone, at the versions the root package.json pins (one
 * install, one lock file), each copied from node_modules. Only mini-program packages are accepted (a `miniprogram`
 * folder in their package.json, self-contained), so no other package has to be staged.
 *
 * esbuild's build for jest and the preview (build-miniprogram.ts) bundles the same packages from node_modules.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');

/** What the mini-program imports from npm: pinned in the root package.json `devDependencies`. */
export const MINIPROGRAM_PACKAGES = ['@antv/f2'] as const;

interface Manifest {
  version?: string;
  miniprogram?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readManifest(file: string): Manifest {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
}

/** Each package → its pinned version, checked against the installed one; throws naming what is wrong. */
export function miniprogramPackages(repo = REPO): Record<string, string> {
  const root = readManifest(path.join(repo, 'package.json'));
  const pinned: Record<string, string> = {};
  for (const name of MINIPROGRAM_PACKAGES) {
    const version = root.devDependencies?.[name];
    if (!version || !/^\d+\.\d+\.\d+$/.test(version))
      throw new Error(`package.json devDependencies must pin ${name} to an exact version (is ${version ?? 'missing'})`);
    const installed = readManifest(path.join(repo, 'node_modules', name, 'package.json'));
    if (installed.version !== version)
      throw new Error(`node_modules has ${name} ${installed.version ?? '?'}, package.json pins ${version}: npm ci`);
    if (!installed.miniprogram)
      throw new Error(`${name} is not a mini-program package (no "miniprogram" folder in its package.json)`);
    pinned[name] = version;
  }
  return pinned;
}

/**
 * Writes `<miniprogramDir>/miniprogram_npm` with DevTools' builder (the folder is replaced). Returns the packages
 * built. miniprogram-ci is loaded here, not at import: it is slow to load and only this needs it.
 */
export async function buildMiniprogramNpm(miniprogramDir: string, repo = REPO): Promise<string[]> {
  const packages = miniprogramPackages(repo);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-npm-'));
  try {
    fs.writeFileSync(
      path.join(staging, 'package.json'),
      JSON.stringify({ name: 'cloudcourse-miniprogram', private: true, dependencies: packages }),
    );
    for (const name of Object.keys(packages)) {
      fs.cpSync(path.join(repo, 'node_modules', name), path.join(staging, 'node_modules', name), {
        recursive: true,
        dereference: true,
        // Its own dependencies are bundled into its mini-program folder already.
        filter: (source) => !source.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}node_modules`),
      });
    }
    fs.rmSync(path.join(miniprogramDir, 'miniprogram_npm'), { recursive: true, force: true });
    const ci = (await import('miniprogram-ci')) as typeof import('miniprogram-ci');
    const result = await ci.packNpmManually({
      packageJsonPath: path.join(staging, 'package.json'),
      miniprogramNpmDistDir: miniprogramDir,
    });
    if (result.warnList.length)
      throw new Error(`DevTools' npm build warned:\n${result.warnList.map((w) => `${w.jsPath}: ${w.msg}`).join('\n')}`);
    return Object.keys(packages);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
