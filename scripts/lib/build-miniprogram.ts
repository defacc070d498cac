/**
 * Builds the mini-program for miniprogram-simulate (jest and the browser preview): every page and component entry
 * (`index.ts` beside an `index.json`) is bundled by esbuild into one script without `import`/`export` (the browser
 * build of simulate runs page JS with `new Function('require', 'module', src)`), and `.wxml/.wxss/.json` are copied
 * alongside. WeChat DevTools compiles the TypeScript itself; this output is for rendering outside it.
 *
 * esbuild runs as its own process: its JS API refuses to load under jest's jsdom environment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export const MINIPROGRAM_DIR = path.resolve(__dirname, '../../miniprogram');
const ESBUILD = path.resolve(__dirname, '../../node_modules/esbuild/bin/esbuild');

const COPIED = new Set(['.wxml', '.wxss', '.json']);
const SKIPPED_DIRS = new Set(['__tests__', 'typings', 'node_modules', 'miniprogram_npm']);

/**
 * Every file under `dir`, without the folders that are not its source (tests, typings, node_modules, and DevTools'
 * npm build: esbuild bundles the packages from node_modules).
 */
export function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(full, out);
    } else out.push(full);
  }
  return out;
}

/** Writes the build to `outDir` and returns its files by root-relative path (`pages/home/index.js` → source). */
export function buildMiniprogram(outDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const write = (rel: string, content: string): void => {
    const target = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    files.set(rel.split(path.sep).join('/'), content);
  };
  const entries: string[] = [];
  for (const file of walk(MINIPROGRAM_DIR)) {
    const rel = path.relative(MINIPROGRAM_DIR, file);
    if (COPIED.has(path.extname(file)) && !rel.startsWith('tsconfig')) write(rel, fs.readFileSync(file, 'utf8'));
    if (path.basename(file) === 'index.ts' && fs.existsSync(path.join(path.dirname(file), 'index.json'))) {
      entries.push(file);
    }
  }
  if (entries.length) {
    const jsDir = fs.mkdtempSync(path.join(outDir, '.js-'));
    execFileSync(
      ESBUILD,
      [...entries, '--bundle', '--format=iife', '--platform=neutral', '--target=es2018', '--log-level=error'].concat([
        // The mini-program's npm packages (miniprogram-npm.ts), from their ES build
        '--main-fields=module,main',
        `--outbase=${MINIPROGRAM_DIR}`,
        `--outdir=${jsDir}`,
      ]),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    for (const file of walk(jsDir)) {
      const rel = path.relative(jsDir, file);
      write(rel, fs.readFileSync(file, 'utf8'));
    }
    fs.rmSync(jsDir, { recursive: true, force: true });
  }
  return files;
}
