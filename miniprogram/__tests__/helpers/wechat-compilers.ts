/**
 * WeChat's own compilers over a mini-program folder, offline: `wcc` and `wcsc` (the WXML and WXSS compilers of
 * DevTools, shipped for Linux in miniprogram-compiler), glass-easel's template compiler, and DevTools' compile module
 * (miniprogram-ci, in a child process: `devtools-compile.ts`). Each checker returns its findings, one line per error
 * or warning, naming the file; an empty list is a pass.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { TmplGroup } from 'glass-easel-template-compiler';
import { MINIPROGRAM_DIR, walk } from '../../../scripts/lib/build-miniprogram';

const REPO = path.resolve(MINIPROGRAM_DIR, '..');
const BINARIES = path.join(REPO, 'node_modules/miniprogram-compiler/bin/linux');

/** Root-relative paths (with `/`) of the files of `root` ending in `ext`, sorted. */
function filesOf(root: string, ext: string): string[] {
  return walk(root)
    .filter((file) => file.endsWith(ext))
    .map((file) => path.relative(root, file).split(path.sep).join('/'))
    .sort();
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined; // a missing or broken JSON is the DevTools compile's finding
  }
}

/**
 * The package ships the binaries with mode 0644: they run as executable copies in a temp folder named after the
 * package's version (made once, renamed into place so that parallel test files never run a half-written copy).
 */
function binary(name: 'wcc' | 'wcsc'): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(BINARIES, '../../package.json'), 'utf8')) as {
    version: string;
  };
  const file = path.join(os.tmpdir(), `miniprogram-compiler-${version}`, name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}`;
    fs.copyFileSync(path.join(BINARIES, name), partial);
    fs.chmodSync(partial, 0o755);
    fs.renameSync(partial, file);
  }
  return file;
}

function stderrLines(stderr: Buffer): string[] {
  return stderr
    .toString()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^error file count: \d+$/.test(line));
}

/**
 * `wcc` over every template, with each page's and component's custom tags (`-cc "<N> <file.wxml> <k> <tag…> …"`, as
 * miniprogram-compiler passes them). Errors come on stderr; compile-time warnings are `_wp('…')` lines of the output.
 * `js` defines `$gwx`, the template functions miniprogram-simulate's official compiler renders with.
 */
export function compileWxml(root: string): { js: string; findings: string[] } {
  const files = filesOf(root, '.wxml');
  const tags: (string | number)[] = [];
  let withTags = 0;
  for (const file of files) {
    const using = readJson(path.join(root, file.replace(/\.wxml$/, '.json')))?.usingComponents;
    const names = using && typeof using === 'object' ? Object.keys(using) : [];
    if (names.length) {
      tags.push(file, names.length, ...names);
      withTags++;
    }
  }
  const result = spawnSync(binary('wcc'), ['-d', '-cc', [withTags, ...tags].join(' '), ...files, '-gn', '$gwx'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const js = result.stdout.toString();
  const findings = result.status === 0 ? [] : stderrLines(result.stderr);
  if (result.status !== 0 && !findings.length) findings.push(`wcc exited with ${result.status ?? result.signal}`);
  for (const [, warning] of js.matchAll(/^_wp\('(.*)'\)$/gm)) findings.push(`warning: ${warning}`);
  return { js, findings };
}

/** `wcsc` over every style: the pages' and components' (those beside a `.json`, app.wxss too) first, then the rest. */
export function compileWxss(root: string): string[] {
  const files = filesOf(root, '.wxss');
  const own = files.filter((file) => fs.existsSync(path.join(root, file.replace(/\.wxss$/, '.json'))));
  const imported = files.filter((file) => !own.includes(file));
  const result = spawnSync(binary('wcsc'), ['-db', '-pc', String(own.length), ...own, ...imported], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const findings = stderrLines(result.stderr);
  if (result.status !== 0 && !findings.length) findings.push(`wcsc exited with ${result.status ?? result.signal}`);
  return findings;
}

/** glass-easel's template compiler over every template: its errors and warnings, at 1-based line:column. */
export function checkGlassEasel(root: string): string[] {
  const group = new TmplGroup();
  const findings: string[] = [];
  try {
    for (const file of filesOf(root, '.wxml')) {
      const problems = group.addTmpl(file.replace(/\.wxml$/, ''), fs.readFileSync(path.join(root, file), 'utf8')) as {
        level: string;
        message: string;
        startLine: number;
        startColumn: number;
      }[];
      for (const p of problems)
        findings.push(`${file}:${p.startLine + 1}:${p.startColumn + 1}: ${p.level} ${p.message}`);
    }
  } finally {
    group.free();
  }
  return findings;
}

/** Up to the end of an opening tag, with `>` allowed inside quoted attribute values. */
const OPEN_TEXT = /<text\b(?:[^>"']|"[^"]*"|'[^']*')*>/g;

/**
 * `<text>` keeps its white space on a phone (line breaks are line breaks), and in a `<view>` a line break before or
 * after an inline `<text>` shows as a space. So: no `<text>` content starts or ends with white space, and no text
 * beside a `<text>` is separated from it by a line break.
 */
export function checkTextWhitespace(root: string): string[] {
  const findings: string[] = [];
  for (const file of filesOf(root, '.wxml')) {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    const at = (index: number): string => `${file}:${source.slice(0, index).split('\n').length}`;
    for (const open of source.matchAll(OPEN_TEXT)) {
      const start = (open.index ?? 0) + open[0].length;
      if (open[0].endsWith('/>')) continue;
      const end = source.indexOf('</text>', start);
      const content = source.slice(start, end);
      if (/^\s|\s$/.test(content)) findings.push(`${at(start)}: <text> content starts or ends with white space`);
      const before = source.slice(source.lastIndexOf('>', (open.index ?? 0) - 1) + 1, open.index);
      if (/\S\s*\n\s*$/.test(before)) findings.push(`${at(open.index ?? 0)}: a line break between text and <text>`);
      const afterStart = end + '</text>'.length;
      const after = source.slice(afterStart, source.indexOf('<', afterStart));
      if (/^\s*\n\s*\S/.test(after)) findings.push(`${at(afterStart)}: a line break between </text> and text`);
    }
  }
  return findings;
}

/**
 * A copy of the DevTools project (project.config.json and miniprogram/ without its tests or npm build) in a new temp
 * folder.
 */
export function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-project-'));
  fs.copyFileSync(path.join(REPO, 'project.config.json'), path.join(dir, 'project.config.json'));
  const root = path.join(dir, 'miniprogram');
  fs.cpSync(MINIPROGRAM_DIR, root, {
    recursive: true,
    filter: (source) => !['__tests__', 'miniprogram_npm'].includes(path.basename(source)),
  });
  return dir;
}

/** Rewrites one file of a copy (`rel` from the copy's root). */
export function breakFile(root: string, rel: string, edit: (source: string) => string): void {
  const file = path.join(root, rel);
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
}

const DEVTOOLS_COMPILE = path.join(__dirname, 'devtools-compile.ts');
const TSX = path.join(REPO, 'node_modules/tsx/dist/cli.mjs');
/** Every request miniprogram-ci makes goes to this closed local port: the tests stay offline. */
const NO_NETWORK = 'http://127.0.0.1:9';

/**
 * DevTools' compile (miniprogram-ci `getCompiledResult`, then `checkCodeQuality` on its output) of each project
 * folder, in one child process (it forks workers and keeps watchers open) run from a temp working directory (it leaves
 * a folder there). Returns each folder's findings.
 */
export function devtoolsCompile(projects: string[]): Map<string, string[]> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'miniprogram-ci-'));
  try {
    const child = spawnSync(process.execPath, [TSX, DEVTOOLS_COMPILE, ...projects], {
      cwd,
      env: { ...process.env, HTTPS_PROXY: NO_NETWORK, HTTP_PROXY: NO_NETWORK, NO_PROXY: '', no_proxy: '' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 150_000,
    });
    const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`devtools-compile gave no result (${child.status ?? child.signal}):\n${child.stderr}`);
    return new Map(Object.entries(JSON.parse(line.slice('RESULT '.length)) as Record<string, string[]>));
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}
