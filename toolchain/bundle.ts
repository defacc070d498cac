import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/** The repository root (this file is toolchain/bundle.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * The Node version of the CloudBase runtime the bundles target. Syntax newer than this is lowered by esbuild.
 * CloudBase offers Node 16 and 18 runtimes; 16 is the lowest a new function can pick.
 */
export const RUNTIME_TARGET = 'node16';

/**
 * The packages a deployed function may require at run time: the root package.json's `dependencies`, each pinned to
 * an exact version. They stay external (the cloud installs them from the generated package.json, exactly the versions
 * this repository tests with); code of `shared/` is inlined. Importing anything else (a devDependency, a package that
 * is only a transitive dependency) fails the bundle, because the deployed function could not load it.
 */
export function readRuntimePackages(rootDir = REPO_ROOT): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(rootDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const packages = manifest.dependencies ?? {};
  for (const [name, version] of Object.entries(packages)) {
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
      throw new Error(`package.json pins ${name} to "${version}"; runtime dependencies must be exact versions`);
    }
  }
  return packages;
}

export interface BundleOptions {
  /** The function's `index.ts`. */
  entry: string;
  outfile: string;
  /** Name → exact version of the packages that may stay external (see readRuntimePackages). */
  runtimePackages: Record<string, string>;
  /** Inline source maps (the local host) or none (the deployable bundle, one file). @default false */
  sourcemap?: boolean;
}

/** The runtime packages the bundle requires, name → version, for its package.json. */
export type BundleDependencies = Record<string, string>;

/** Bundles one cloud function into a single CommonJS file that exports its `main`. */
export async function bundleFunction(options: BundleOptions): Promise<BundleDependencies> {
  const used = new Map<string, string>();
  const externals: Plugin = {
    name: 'runtime-packages',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (path.isAbsolute(args.path)) return undefined;
        const name = packageName(args.path);
        if (args.path.startsWith('node:') || builtinModules.includes(name)) return { path: args.path, external: true };
        const version = options.runtimePackages[name];
        if (version === undefined) {
          return {
            errors: [
              {
                text: `"${name}" is not a runtime dependency in package.json "dependencies"; the deployed function could not load it`,
              },
            ],
          };
        }
        used.set(name, version);
        return { path: args.path, external: true };
      });
    },
  };
  await build({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: RUNTIME_TARGET,
    sourcemap: options.sourcemap ? 'inline' : false,
    plugins: [externals],
    logLevel: 'silent',
  });
  return Object.fromEntries([...used].sort(([a], [b]) => a.localeCompare(b)));
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}
