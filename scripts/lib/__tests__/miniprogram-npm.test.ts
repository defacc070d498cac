import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { miniprogramPackages } from '../miniprogram-npm';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A repository with a root package.json pinning F2 and an installed F2 of the given manifest. */
function repo(pin: string | undefined, installed: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-npm-test-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ devDependencies: pin ? { '@antv/f2': pin } : {} }));
  fs.mkdirSync(path.join(dir, 'node_modules/@antv/f2'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules/@antv/f2/package.json'), JSON.stringify(installed));
  return dir;
}

describe('miniprogramPackages: what DevTools builds into miniprogram_npm', () => {
  it('the repository: F2 at the version package.json pins, a mini-program package', () => {
    const root = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(miniprogramPackages()).toEqual({ '@antv/f2': root.devDependencies['@antv/f2'] });
  });

  it.each([
    [undefined, { version: '5.14.0', miniprogram: 'dist' }, /must pin @antv\/f2 to an exact version \(is missing\)/],
    ['^5.14.0', { version: '5.14.0', miniprogram: 'dist' }, /must pin @antv\/f2 to an exact version \(is \^5\.14\.0\)/],
    [
      '5.14.0',
      { version: '5.13.0', miniprogram: 'dist' },
      /node_modules has @antv\/f2 5\.13\.0, package\.json pins 5\.14\.0/,
    ],
    ['5.14.0', { version: '5.14.0' }, /@antv\/f2 is not a mini-program package/],
  ])('refuses a pin of %s with %j installed', (pin, installed, message) => {
    expect(() => miniprogramPackages(repo(pin, installed))).toThrow(message);
  });
});
