import type { LocalCloud } from '../../../local/cloud';
import { adminApp } from '../../../local/demo';
import { startTestCloud } from '../../../local/testing';
import { collections } from '../../../database/collections';
import { applyDatabase, consoleSteps } from '../apply-database';
import { COLLECTIONS } from '../../../shared/collections';

let cloud: LocalCloud;

beforeAll(async () => {
  // A cloud that starts without any collection, like a new environment.
  cloud = await startTestCloud({ collections: [] });
});

afterAll(() => cloud.close());

describe('db:apply', () => {
  it('creates every missing collection once, and the collections then take documents', async () => {
    const app = adminApp(cloud);
    const lines: string[] = [];
    const first = await applyDatabase({ app, specs: collections, real: false, log: (l) => lines.push(l) });
    expect(first).toEqual({ created: collections.map((c) => c.name), existing: [] });
    expect(lines).toContain('集合 orders：已创建');

    const second = await applyDatabase({ app, specs: collections, real: false, log: () => undefined });
    expect(second).toEqual({ created: [], existing: collections.map((c) => c.name) });

    await app.database().collection(COLLECTIONS.categories).add({ _id: 'python', name: 'Python', order: 0 });
    const found = await app.database().collection(COLLECTIONS.categories).where({ _id: 'python' }).get();
    expect(found.data).toEqual([{ _id: 'python', name: 'Python', order: 0 }]);
  });

  it('prints console steps with every index and every rule for a real environment', () => {
    const steps = consoleSteps(collections);
    for (const spec of collections) {
      expect(steps).toContain(`集合 ${spec.name}`);
      expect(steps).toContain(`安全规则：${JSON.stringify(spec.rules)}`);
      for (const index of spec.indexes) expect(steps).toContain(`索引名称 ${index.name}，`);
    }
    expect(steps).toContain('索引名称 owner_course，唯一：_openid 升序，courseId 升序');
    expect(steps).toContain('索引名称 status_popular，非唯一：status 升序，learnerCount 降序，_id 升序');
  });
});
