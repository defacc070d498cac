/**
 * `npm run migrate` against a local cloud through @cloudbase/node-sdk: enrollments become grants under the same id,
 * what exists already is kept, and a second run changes nothing.
 */
import type { LocalCloud } from '../../local/cloud';
import { adminApp } from '../../local/demo';
import { startTestCloud } from '../../local/testing';
import { COLLECTIONS } from '../../shared/collections';
import { courseGrantId, type GrantDoc } from '../../shared/grants';
import type { NodeDb } from '../catalog-store';
import { migrateEnrollments } from '../migrate';

let cloud: LocalCloud;
let db: NodeDb;

beforeAll(async () => {
  cloud = await startTestCloud();
  db = adminApp(cloud).database();
});

afterAll(() => cloud.close());

const enrollment = (openid: string, courseId: string, extra: Record<string, unknown> = {}) => ({
  _id: courseGrantId(openid, courseId),
  _openid: openid,
  courseId,
  source: 'paid',
  orderId: `ord-${openid}-${courseId}`,
  status: 'active',
  createdAt: '2025-01-01T00:00:00.000Z',
  ...extra,
});

async function grants(): Promise<GrantDoc[]> {
  return ((await db.collection(COLLECTIONS.grants).limit(1000).get()) as { data: GrantDoc[] }).data;
}

test('copies every enrollment once, keeps grants written since, and a second run changes nothing', async () => {
  const docs = [
    enrollment('o-ann', 'c1'),
    enrollment('o-ann', 'c2', { source: 'free' }),
    enrollment('o-bob', 'c1', { status: 'revoked', revokedAt: '2025-02-01T00:00:00.000Z' }),
    enrollment('o-cat', 'c1'),
  ];
  for (const doc of docs) await db.collection(COLLECTIONS.enrollments).add(doc);
  // o-cat bought c1 again after the upgrade: the order code wrote the grant, which the migration must not undo.
  const newer = { ...enrollment('o-cat', 'c1'), via: 'purchase', target: 'course:c1', orderId: 'ord-new' };
  delete (newer as { source?: string }).source;
  await db.collection(COLLECTIONS.grants).add(newer);

  expect(await migrateEnrollments(db, { dryRun: true })).toEqual({ read: 4, copied: 3, kept: 1 });
  expect(await grants()).toHaveLength(1);

  expect(await migrateEnrollments(db, { dryRun: false })).toEqual({ read: 4, copied: 3, kept: 1 });
  const byId = new Map((await grants()).map((g) => [g._id, g]));
  expect(byId.size).toBe(4);
  expect(byId.get(courseGrantId('o-ann', 'c1'))).toMatchObject({
    via: 'purchase',
    target: 'course:c1',
    status: 'active',
  });
  expect(byId.get(courseGrantId('o-ann', 'c2'))).toMatchObject({ via: 'free' });
  expect(byId.get(courseGrantId('o-bob', 'c1'))).toMatchObject({
    status: 'revoked',
    revokedAt: '2025-02-01T00:00:00.000Z',
  });
  expect(byId.get(courseGrantId('o-cat', 'c1'))).toMatchObject({ orderId: 'ord-new' });

  expect(await migrateEnrollments(db, { dryRun: false })).toEqual({ read: 4, copied: 0, kept: 4 });
});
