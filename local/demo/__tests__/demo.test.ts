import type { LocalCloud } from '../../cloud';
import { storageOf } from '../../storage';
import { startTestCloud } from '../../testing';
import { adminDatabase, demoCatalogFor, loadDemoCatalog } from '..';
import { buildDemoModeration, DEMO_REJECTED_COURSE_ID } from '../catalog/moderation';
import { buildDemoPromo } from '../catalog/promo';
import { callAs, dataOf } from '../../../testing/client-call';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});

afterAll(() => cloud.close());

describe('loadDemoCatalog', () => {
  it('loads every course, lesson and file through the import upsert, and a second load changes nothing', async () => {
    const demo = demoCatalogFor(cloud);
    const first = await loadDemoCatalog(cloud);
    expect(first.courses).toEqual({ created: demo.courses.length, updated: 0, unchanged: 0 });
    expect(first.files).toBe(demo.files.length);
    const promo = buildDemoPromo(demo.courses, new Date());
    expect(first.promo).toBe(promo.coupons.length + promo.promotions.length + promo.bundles.length);

    const db = adminDatabase(cloud);
    const courses = (await db.collection('courses').limit(1000).get()).data;
    // Every demo course as approved (a staged change leaves its published document as it is), and the rejected one.
    const moderation = buildDemoModeration(demo);
    expect(courses.sort((a, b) => (a._id < b._id ? -1 : 1))).toEqual(
      [...demo.courses, ...moderation.courses].sort((a, b) => (a._id < b._id ? -1 : 1)),
    );
    expect((await db.collection('lessons').count()).total).toBe(demo.lessons.length);
    expect((await db.collection('categories').count()).total).toBe(demo.categories.length);
    const storage = storageOf(cloud);
    for (const file of demo.files) expect(await storage.exists(file.fileID)).toBe(true);

    const writes: string[] = [];
    cloud.admin.observe(({ action }) => {
      if (/insert|modify|remove/.test(action)) writes.push(action);
    });
    const second = await loadDemoCatalog(cloud);
    expect(second.courses).toEqual({ created: 0, updated: 0, unchanged: demo.courses.length });
    expect(second.promo).toBe(0);
    expect(writes).toEqual([]);
  }, 60_000);

  it('shows the content checks: a rejected course closed to learners, a staged change they do not see yet', async () => {
    const demo = demoCatalogFor(cloud);
    await loadDemoCatalog(cloud);
    const staged = buildDemoModeration(demo).revisions.find((r) => r.state === 'reviewing')!;
    const stagedId = staged._id;
    const detail = (courseId: string) =>
      callAs<Record<string, unknown>>(cloud.url, 'catalog', 'o-demo-visitor', { action: 'detail', courseId });
    expect(await detail(DEMO_REJECTED_COURSE_ID)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const live = demo.courses.find((c) => c._id === stagedId);
    const shown = dataOf(await detail(stagedId)) as { course: { subtitle: string; moderation?: unknown } };
    expect(shown.course.subtitle).toBe(live?.subtitle);
    expect(shown.course.moderation).toBeUndefined();
    const db = adminDatabase(cloud);
    const revisions = (await db.collection('courseRevisions').get()).data;
    expect(revisions.map((r) => [r._id, r.state])).toEqual(
      expect.arrayContaining([
        [DEMO_REJECTED_COURSE_ID, 'rejected'],
        [stagedId, 'reviewing'],
      ]),
    );
  });

  it('demo protected media: the free lesson downloads bytes that no paid lesson of its course plays', async () => {
    const demo = demoCatalogFor(cloud);
    await loadDemoCatalog(cloud);
    const storage = storageOf(cloud);
    const paidCourses = demo.courses.filter((c) => c.priceFen > 0);
    expect(paidCourses.length).toBeGreaterThan(30);
    for (const course of paidCourses) {
      const media = demo.lessons.filter((l) => l.courseId === course._id && l.media);
      const free = media.find((l) => l.free);
      if (!free) continue;
      const served = Buffer.from(await (await fetch(storage.tempUrl(free.media as string))).arrayBuffer());
      expect(served.length).toBeGreaterThan(0);
      for (const paid of media.filter((l) => !l.free)) {
        expect(paid.media).not.toBe(free.media);
        expect((await storage.get(paid.media as string))?.equals(served)).toBe(false);
      }
    }
  });

  it('shows every way of selling through the functions: a coupon to claim, a running price, a membership, a 专栏', async () => {
    await loadDemoCatalog(cloud);
    const call = async (fn: string, data: Record<string, unknown>) =>
      dataOf(await callAs<Record<string, unknown>>(cloud.url, fn, 'o-demo-visitor', data));
    const coupons = await call('promo', { action: 'coupons' });
    expect(coupons.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'demo-welcome' })]));
    await call('promo', { action: 'claim', couponId: 'demo-welcome' });
    const detail = await call('catalog', { action: 'detail', courseId: 'python-crawler' });
    expect(detail.course).toMatchObject({ priceFen: 12900, promotion: { priceFen: 7900, label: '限时特惠' } });
    const bundles = await call('catalog', { action: 'bundles' });
    const kinds = (bundles.items as { kind: string; termDays?: number; courseCount: number }[]).map((b) => [
      b.kind,
      b.termDays,
      b.courseCount,
    ]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['membership', 365, 6],
        ['column', undefined, 4],
      ]),
    );
  });
});
