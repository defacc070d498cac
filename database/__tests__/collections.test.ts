import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COLLECTIONS } from '../../shared/collections';
import { collections } from '../collections';

const byName = new Map(collections.map((c) => [c.name, c]));

describe('collections', () => {
  it('have unique names and index names, within the CloudBase limit of 20 indexes', () => {
    expect(byName.size).toBe(collections.length);
    for (const { indexes } of collections) {
      expect(new Set(indexes.map((i) => i.name)).size).toBe(indexes.length);
      expect(indexes.length).toBeLessThanOrEqual(20);
    }
  });

  it('are exactly the names the code uses (shared/collections.ts)', () => {
    expect([...byName.keys()].sort()).toEqual(Object.values(COLLECTIONS).sort());
  });

  it('take their rule from exactly one console-ready file each', () => {
    const dir = path.join(__dirname, '..', 'rules');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual([...byName.keys()].sort());
    for (const file of files) {
      const rule = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      expect(byName.get(file.replace(/\.json$/, ''))?.rules).toEqual(rule);
    }
  });

  it.each([
    ['orders', { outTradeNo: 1 }],
    ['grants', { _openid: 1, via: 1, target: 1 }],
    ['courseProgress', { _openid: 1, courseId: 1 }],
    ['reviews', { courseId: 1, _openid: 1 }],
    ['lessons', { courseId: 1, order: 1 }],
    ['recommendations', { version: 1, shard: 1 }],
  ])('make the business key of %s unique', (name, keys) => {
    expect(byName.get(name)?.indexes).toContainEqual(expect.objectContaining({ keys, unique: true }));
  });
});
