/**
 * The mini-program through WeChat's own compilers (helpers/wechat-compilers.ts), offline: every error and warning
 * fails, with its message. Each checker is also shown to fail on a copy with one deliberately broken file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MINIPROGRAM_DIR } from '../../scripts/lib/build-miniprogram';
import {
  breakFile,
  checkGlassEasel,
  checkTextWhitespace,
  compileWxml,
  compileWxss,
  copyProject,
  devtoolsCompile,
} from './helpers/wechat-compilers';

const copies: string[] = [];

/** A copy of the project with one file rewritten; its mini-program folder is `<copy>/miniprogram`. */
function brokenCopy(rel: string, edit: (source: string) => string): string {
  const copy = copyProject();
  copies.push(copy);
  breakFile(copy, path.join('miniprogram', rel), edit);
  return copy;
}

afterAll(() => {
  for (const copy of copies) fs.rmSync(copy, { recursive: true, force: true });
});

describe('WXML and WXSS', () => {
  it('wcc compiles every template without an error or a warning', () => {
    expect(compileWxml(MINIPROGRAM_DIR).findings).toEqual([]);
  });

  it('wcsc compiles every style without an error', () => {
    expect(compileWxss(MINIPROGRAM_DIR)).toEqual([]);
  });

  it('glass-easel compiles every template without an error or a warning', () => {
    expect(checkGlassEasel(MINIPROGRAM_DIR)).toEqual([]);
  });

  it('no <text> starts or ends with white space, nor sits a line break away from the text beside it', () => {
    expect(checkTextWhitespace(MINIPROGRAM_DIR)).toEqual([]);
  });
});

describe('a broken template or style fails', () => {
  const unclosed = (wxml: string): string => wxml.replace('</state-view>', '');

  it('wcc: a missing end tag, and a key that is not a field of the item', () => {
    const root = path.join(brokenCopy('pages/orders/index.wxml', unclosed), 'miniprogram');
    expect(compileWxml(root).findings.join('\n')).toMatch(/^pages\/orders\/index\.wxml:\d+:\d+: .*state-view/m);
    const keyed = brokenCopy('pages/orders/index.wxml', (wxml) => wxml.replace('wx:key="id"', 'wx:key="item.id"'));
    expect(compileWxml(path.join(keyed, 'miniprogram')).findings).toEqual([
      expect.stringMatching(/^warning: pages\/orders\/index\.wxml:.*wx:key="item\.id" does not look like a valid key/),
    ]);
  });

  it('glass-easel: a missing end tag', () => {
    const root = path.join(brokenCopy('pages/orders/index.wxml', unclosed), 'miniprogram');
    expect(checkGlassEasel(root)).toEqual([expect.stringMatching(/^pages\/orders\/index\.wxml:\d+:\d+: Warn missing/)]);
  });

  it('wcsc: an unclosed rule', () => {
    const root = path.join(
      brokenCopy('pages/orders/index.wxss', (wxss) => `${wxss}\n.broken {`),
      'miniprogram',
    );
    expect(compileWxss(root)).toEqual([expect.stringMatching(/^ERR: .*pages\/orders\/index\.wxss/)]);
  });

  it('a <text> the formatter split over lines', () => {
    const split = (wxml: string): string => wxml.replace('>{{item.statusText}}<', '>\n  {{item.statusText}}\n<');
    const root = path.join(brokenCopy('pages/orders/index.wxml', split), 'miniprogram');
    expect(checkTextWhitespace(root)).toEqual([
      expect.stringMatching(/^pages\/orders\/index\.wxml:\d+: <text> content starts or ends with white space$/),
    ]);
  });
});

describe('DevTools compile (miniprogram-ci)', () => {
  let results: Map<string, string[]>;
  let project: string;
  let badJson: string;
  let badTs: string;

  beforeAll(() => {
    project = copyProject();
    copies.push(project);
    badJson = brokenCopy('pages/orders/index.json', (json) =>
      json.replace('"enablePullDownRefresh": true', '"enablePullDownRefresh": "yes"'),
    );
    badTs = brokenCopy('pages/orders/index.ts', (ts) => `${ts}\nconst broken = ;\n`);
    results = devtoolsCompile([project, badJson, badTs]);
  }, 180_000);

  it('compiles the TypeScript, checks every JSON against its schema and passes every code quality check', () => {
    expect(results.get(project)).toEqual([]);
  });

  it('fails on a page JSON against its schema', () => {
    expect(results.get(badJson)).toEqual([
      'compile: miniprogram/pages/orders/index.json: enablePullDownRefresh field needs to be boolean',
    ]);
  });

  it('fails on a TypeScript syntax error', () => {
    expect(results.get(badTs)).toEqual([
      expect.stringMatching(/^compile: file: pages\/orders\/index\.ts\n.*Unexpected token/),
    ]);
  });
});
