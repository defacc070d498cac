/**
 * The `catalog` function through the local cloud: the client gateway, the function host, the real wx-server-sdk and
 * the local database, seeded with the demo catalog through the import's own upsert.
 */
import type { LocalCloud } from '../../../local/cloud';
import { databaseOf } from '../../../local/db/attach';
import type { QueryPlan } from '../../../local/db/database';
import { adminDatabase, demoCatalogFor, loadDemoCatalog } from '../../../local/demo';
import { startTestCloud } from '../../../local/testing';
import type { DemoCatalog } from '../../../local/demo/catalog';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { CATALOG_SORT_ORDERS, type CourseDoc } from '../../../shared/catalog';
import type { CatalogSort, CourseCard, Err, Ok } from '../../../shared/contract';
import { courseGrantId } from '../../../shared/grants';
import { progressId } from '../../../shared/learning/progress';
import { COLLECTIONS } from '../../../shared/collections';
import { callAs } from '../../../testing/client-call';

interface AdminCall {
  action: string;
  params: Record<string, unknown>;
  apiToken?: string;
}

let cloud: LocalCloud;
let db: NodeDb;
let demo: DemoCatalog;
const calls: AdminCall[] = [];
/** How the local database answered each read: the index it used (undefined for a scan of every document). */
const plans: QueryPlan[] = [];
const LEARNER = 'o-learner-1';

beforeAll(async () => {
  cloud = await startTestCloud();
  await loadDemoCatalog(cloud);
  demo = demoCatalogFor(cloud);
  db = adminDatabase(cloud);
  cloud.admin.observe(({ action, params, apiToken }) => calls.push({ action, params, apiToken }));
  databaseOf(cloud).observePlans((plan) => plans.push(plan));
}, 60_000);

afterAll(() => cloud.close());

/**
 * Invokes the function as a mini-program user; returns its reply, the server calls the invocation made and the plans
 * of the reads they ran.
 */
async function call<T = unknown>(
  data: unknown,
  openid = LEARNER,
): Promise<{ reply: Ok<T> | Err; made: AdminCall[]; planned: QueryPlan[] }> {
  const before = calls.length;
  const plansBefore = plans.length;
  const reply = await callAs<T>(cloud.url, 'catalog', openid, data);
  return { reply, made: calls.slice(before), planned: plans.slice(plansBefore) };
}

async function ok<T>(data: unknown, openid?: string): Promise<T> {
  const { reply } = await call<T>(data, openid);
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.data;
}

interface ListData {
  items: CourseCard[];
  total: number;
  page: number;
  pageSize: number;
}

const published = (): CourseDoc[] => demo.courses.filter((c) => c.status === 'published');

/** The catalog's order for a sort, computed here from the documents. */
function sortedIds(courses: CourseDoc[], sort: CatalogSort): string[] {
  const value = (c: CourseDoc, field: string): unknown =>
    field.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], c);
  return [...courses]
    .sort((a, b) => {
      for (const [field, direction] of CATALOG_SORT_ORDERS[sort]) {
        const x = value(a, field) as number | string;
        const y = value(b, field) as number | string;
        if (x !== y) return (x < y ? -1 : 1) * (direction === 'asc' ? 1 : -1);
      }
      return 0;
    })
    .map((c) => c._id);
}

/** The collection and index of each read, in a stable order (the function runs its reads in parallel). */
const indexesUsed = (planned: QueryPlan[]) =>
  planned.map((plan) => `${plan.collection}:${plan.index ?? 'SCAN'}`).sort();

describe('catalog.list', () => {
  it('answers the first page of published courses, most popular first, with the total', async () => {
    const data = await ok<ListData>({ action: 'list' });
    expect(data.total).toBe(published().length);
    expect(data.page).toBe(1);
    expect(data.pageSize).toBe(20);
    expect(data.items.map((c) => c.id)).toEqual(sortedIds(published(), 'popular').slice(0, 20));
    expect(Object.keys(data.items[0] as object).sort()).toEqual(
      [
        'category',
        'cover',
        'creatorName',
        'id',
        'learnerCount',
        'lessonCount',
        'level',
        'priceFen',
        'rating',
        'subtitle',
        'tags',
        'title',
      ].sort(),
    );
  });

  it.each(['popular', 'newest', 'rating', 'priceAsc', 'priceDesc'] as const)(
    'pages through the whole catalog by %s without repeating or skipping a course',
    async (sort) => {
      const seen: string[] = [];
      for (let page = 1; ; page += 1) {
        const data = await ok<ListData>({ action: 'list', sort, page, pageSize: 7 });
        expect(data.total).toBe(published().length);
        if (data.items.length === 0) break;
        seen.push(...data.items.map((c) => c.id));
      }
      expect(seen).toEqual(sortedIds(published(), sort));
    },
  );

  it('answers a page beyond the end with an empty list and the right total', async () => {
    const data = await ok<ListData>({ action: 'list', category: 'python', page: 99, pageSize: 50 });
    expect(data.items).toEqual([]);
    expect(data.total).toBe(published().filter((c) => c.category === 'python').length);
    expect(data.total).toBeGreaterThan(0);
  });

  it('filters by category and by tag', async () => {
    const byCategory = await ok<ListData>({ action: 'list', category: 'frontend', pageSize: 50 });
    expect(byCategory.items.map((c) => c.id).sort()).toEqual(
      published()
        .filter((c) => c.category === 'frontend')
        .map((c) => c._id)
        .sort(),
    );
    const byTag = await ok<ListData>({ action: 'list', tag: 'JavaScript', pageSize: 50 });
    const expected = published().filter((c) => c.tags.includes('JavaScript'));
    expect(expected.length).toBeGreaterThan(1);
    expect(byTag.items.map((c) => c.id).sort()).toEqual(expected.map((c) => c._id).sort());
  });

  it('matches the keyword in title, subtitle and tags, case-insensitively', async () => {
    const matching = (keyword: string) =>
      published()
        .filter((c) => [c.title, c.subtitle, ...c.tags].some((t) => t.toLowerCase().includes(keyword.toLowerCase())))
        .map((c) => c._id)
        .sort();
    for (const keyword of ['python', 'NODE.JS', '入门', 'docker']) {
      const data = await ok<ListData>({ action: 'list', keyword, pageSize: 50 });
      expect(matching(keyword).length).toBeGreaterThan(0);
      expect(data.items.map((c) => c.id).sort()).toEqual(matching(keyword));
      expect(data.total).toBe(matching(keyword).length);
    }
  });

  it('matches regular-expression characters literally', async () => {
    const template = demo.courses[0] as CourseDoc;
    await db.collection(COLLECTIONS.courses).add([
      { ...template, _id: 'literal-dot', title: '数据 a.b 实战', tags: [], subtitle: '' },
      { ...template, _id: 'literal-axb', title: '数据 axb 实战', tags: [], subtitle: '' },
      { ...template, _id: 'literal-cpp', title: 'C++ (a+)+$ 入门', tags: ['C++'], subtitle: '' },
    ]);
    try {
      const ids = async (keyword: string) =>
        (await ok<ListData>({ action: 'list', keyword, pageSize: 50 })).items.map((c) => c.id).sort();
      expect(await ids('a.b')).toEqual(['literal-dot']);
      expect(await ids('c++')).toEqual(['literal-cpp']);
      expect(await ids('(A+)+$')).toEqual(['literal-cpp']);
      for (const keyword of ['.*', '[', '\\', '^数据', '|', '?', '{2}']) expect(await ids(keyword)).toEqual([]);
      expect(await ids('(a+)+b'.repeat(6))).toEqual([]);
    } finally {
      await db
        .collection(COLLECTIONS.courses)
        .where({ _id: db.command.in(['literal-dot', 'literal-axb', 'literal-cpp']) })
        .remove();
    }
  });

  it('leaves out a course document broken by hand and logs its id and failing field', async () => {
    const template = demo.courses[0] as CourseDoc;
    await db
      .collection(COLLECTIONS.courses)
      .add({ ...template, _id: 'broken-by-hand', priceFen: '99', learnerCount: 1e9 });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const data = await ok<ListData>({ action: 'list', pageSize: 5 });
      expect(data.items.map((c) => c.id)).toEqual(sortedIds(published(), 'popular').slice(0, 4));
      expect(data.total).toBe(published().length + 1);
      const logged = warn.mock.calls.map((args) => args.join(' ')).join('\n');
      expect(logged).toContain('broken-by-hand');
      expect(logged).toContain('priceFen');
      const detail = await call({ action: 'detail', courseId: 'broken-by-hand' });
      expect(detail.reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      warn.mockRestore();
      await db.collection(COLLECTIONS.courses).doc('broken-by-hand').remove();
    }
  });

  it('makes three database calls, each on an index: the page, its count, then its limited-time prices', async () => {
    for (const data of [
      { action: 'list' },
      { action: 'list', category: 'python', sort: 'newest' },
      { action: 'list', tag: 'Python', sort: 'rating', page: 2, pageSize: 3 },
      { action: 'list', keyword: 'Python', sort: 'priceDesc' },
    ]) {
      const { reply, made, planned } = await call(data);
      expect(reply.ok).toBe(true);
      expect(made.map((m) => m.action).sort()).toEqual([
        'database.calculateDocument',
        'database.getDocument',
        'database.getDocument',
      ]);
      // Every course is published, so the status index holds them all; what matters is that no read scans.
      expect(planned).toHaveLength(3);
      const [courses, promotions] = [
        planned.filter((plan) => plan.collection === 'courses'),
        planned.filter((plan) => plan.collection === 'promotions'),
      ];
      expect(courses).toHaveLength(2);
      expect(courses.every((plan) => plan.index?.startsWith('status_'))).toBe(true);
      expect(promotions).toEqual([expect.objectContaining({ index: 'target_ends' })]);
      expect(new Set(made.map((m) => m.apiToken)).size).toBe(1);
    }
  });
});

describe('catalog.detail', () => {
  /**
   * The course by id, its lessons through the lookup's index, the grants by owner, the progress by id (learning's
   * readProgress), the course's promotions by target.
   */
  const DETAIL_INDEXES = [
    'courseProgress:_id',
    'courses:_id',
    'grants:owner_via_target',
    'lessons:course_order',
    'promotions:target_ends',
  ];
  const paid = () => published().find((c) => c.priceFen > 0) as CourseDoc;

  it('answers the course with its outline in order, not enrolled, with no media, body or URL', async () => {
    const course = paid();
    const { reply, made, planned } = await call({ action: 'detail', courseId: course._id });
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    const data = reply.data as { course: { lessons: { id: string }[]; description: string }; enrolled: boolean };
    expect(data.enrolled).toBe(false);
    expect(data).not.toHaveProperty('progress');
    expect(data.course.description).toBe(course.description);
    const lessons = demo.lessons.filter((l) => l.courseId === course._id).sort((a, b) => a.order - b.order);
    expect(data.course.lessons).toEqual(
      lessons.map((l) => ({ id: l._id, title: l.title, kind: l.kind, durationSec: l.durationSec, free: l.free })),
    );
    // The reads, and the prospect's view in the course's counters of the day (shared/insights/daily): its first
    // event of the day, so an update that matches nothing and the insert.
    expect(made.map((m) => m.action).sort()).toEqual([
      'database.aggregateDocuments',
      'database.getDocument',
      'database.getDocument',
      'database.getDocument',
      'database.insertDocument',
      'database.modifyDocument',
    ]);
    expect(indexesUsed(planned)).toEqual(['courseDaily:_id', ...DETAIL_INDEXES]);
    const lessonsRead = planned.find((plan) => plan.collection === 'lessons');
    expect(lessonsRead).toMatchObject({ examined: lessons.length, matched: lessons.length });
  });

  it('tells an enrolled learner so, with their progress; a revoked enrollment is not enrolled', async () => {
    const course = paid();
    const owner = 'o-owner';
    const enrollment = {
      _openid: owner,
      courseId: course._id,
      target: `course:${course._id}`,
      via: 'purchase',
      orderId: 'ord-1',
      createdAt: '2024-05-01T00:00:00.000Z',
    };
    const id = courseGrantId(owner, course._id);
    await db.collection(COLLECTIONS.grants).add({ _id: id, ...enrollment, status: 'active' });
    await db.collection(COLLECTIONS.courseProgress).add({
      _id: progressId(owner, course._id),
      _openid: owner,
      courseId: course._id,
      percent: 40,
      completedLessonIds: [`${course._id}_l1`],
      lastLessonId: `${course._id}_l2`,
      updatedAt: '2024-05-02T00:00:00.000Z',
    });
    const { reply, made, planned } = await call({ action: 'detail', courseId: course._id }, owner);
    expect(reply).toMatchObject({
      ok: true,
      data: {
        enrolled: true,
        access: { via: 'purchase' },
        progress: {
          percent: 40,
          completedLessonIds: [`${course._id}_l1`],
          lastLessonId: `${course._id}_l2`,
          updatedAt: '2024-05-02T00:00:00.000Z',
        },
      },
    });
    expect(made).toHaveLength(4);
    expect(indexesUsed(planned)).toEqual(DETAIL_INDEXES);
    const stranger = await ok({ action: 'detail', courseId: course._id }, 'o-someone-else');
    expect(stranger).toMatchObject({ enrolled: false });
    expect(stranger).not.toHaveProperty('access');

    await db
      .collection(COLLECTIONS.grants)
      .doc(id)
      .set({ ...enrollment, status: 'revoked' });
    const revoked = await ok<Record<string, unknown>>({ action: 'detail', courseId: course._id }, owner);
    expect(revoked.enrolled).toBe(false);
    expect(revoked).not.toHaveProperty('progress');
  });

  it('answers NOT_FOUND naming courseId for an unknown course and for one that is not published', async () => {
    const closed = ['draft', 'reviewing', 'rejected', 'archived'] as const;
    for (const status of closed) {
      await db
        .collection(COLLECTIONS.courses)
        .add({ ...(demo.courses[1] as CourseDoc), _id: `${status}-course`, status });
    }
    for (const courseId of ['no-such-course', ...closed.map((status) => `${status}-course`)]) {
      const { reply, made } = await call({ action: 'detail', courseId });
      expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      if (!reply.ok) expect(reply.error.message).toContain('courseId');
      expect(made.length).toBeLessThanOrEqual(4);
    }
    // Nor listed, nor counted in their category.
    const listed = await ok<ListData>({ action: 'list', pageSize: 50 });
    expect(listed.items.map((c) => c.id)).toEqual(expect.not.arrayContaining(closed.map((s) => `${s}-course`)));
    expect(listed.total).toBe(published().length);
    for (const status of closed) await db.collection(COLLECTIONS.courses).doc(`${status}-course`).remove();
  });
});

describe('catalog.categories', () => {
  it('lists every category in order with its number of published courses', async () => {
    const { reply, made } = await call({ action: 'categories' });
    expect(reply).toEqual({
      ok: true,
      data: {
        items: demo.categories.map((c) => ({
          id: c._id,
          name: c.name,
          count: published().filter((course) => course.category === c._id).length,
        })),
      },
    });
    expect(made.length).toBeLessThanOrEqual(2);
  });
});

describe('what no reply reveals', () => {
  it("carries no media fileID, article body or temp URL but a cover's in any answer", async () => {
    const answers = [
      await call({ action: 'list', pageSize: 50 }),
      await call({ action: 'categories' }),
      ...(await Promise.all(published().map((c) => call({ action: 'detail', courseId: c._id })))),
    ].map(({ reply }) => reply);
    // Covers are the one file a client is given, as a temp URL of the cover's own path (and only in `cover`).
    const coverPaths = new Map(published().map((c) => [c._id, c.cover.replace(/^cloud:\/\/[^/]+\//, '/')]));
    const replies = answers.map((reply) =>
      JSON.stringify(reply, function (key, value: unknown) {
        if (key !== 'cover') return value;
        const course = this as { id: string };
        expect(String(value)).toContain(`${coverPaths.get(course.id)}?sign=`);
        return 'COVER';
      }),
    );
    expect(replies.join()).toContain('"cover":"COVER"');
    const media = new Set(demo.lessons.flatMap((l) => (l.media ? [l.media] : [])));
    const bodies = demo.lessons.flatMap((l) => (l.body ? [l.body.slice(0, 40)] : []));
    expect(media.size).toBeGreaterThan(0);
    for (const text of replies) {
      expect(text).not.toMatch(/\/media\/|"media"|"body"|tempFileURL|sign=|\/tcb\//);
      for (const fileID of media) expect(text).not.toContain(fileID);
      for (const body of bodies) expect(text).not.toContain(JSON.stringify(body).slice(1, -1));
    }
  });
});

describe('bad events', () => {
  it.each([
    [{ action: 'remove' }, 'INVALID_ARGUMENT', 'action'],
    [{}, 'INVALID_ARGUMENT', 'action'],
    [{ action: 'list', page: 'x' }, 'INVALID_ARGUMENT', 'page'],
    [{ action: 'list', page: 0 }, 'INVALID_ARGUMENT', 'page'],
    [{ action: 'list', pageSize: 0 }, 'INVALID_ARGUMENT', 'pageSize'],
    [{ action: 'list', pageSize: 51 }, 'INVALID_ARGUMENT', 'pageSize'],
    [{ action: 'list', pageSize: 2.5 }, 'INVALID_ARGUMENT', 'pageSize'],
    [{ action: 'list', sort: 'cheapest' }, 'INVALID_ARGUMENT', 'sort'],
    [{ action: 'list', keyword: 42 }, 'INVALID_ARGUMENT', 'keyword'],
    [{ action: 'list', category: { $ne: null } }, 'INVALID_ARGUMENT', 'category'],
    [{ action: 'list', limit: 5 }, 'INVALID_ARGUMENT', 'limit'],
    [{ action: 'detail' }, 'INVALID_ARGUMENT', 'courseId'],
    [{ action: 'detail', courseId: 7 }, 'INVALID_ARGUMENT', 'courseId'],
    [{ action: 'detail', courseId: 'a/../b' }, 'INVALID_ARGUMENT', 'courseId'],
    [{ action: 'categories', page: 1 }, 'INVALID_ARGUMENT', 'page'],
    // Control characters: a NUL once reached the database's regular expression and answered INTERNAL.
    [{ action: 'list', keyword: '\u0000' }, 'INVALID_ARGUMENT', 'keyword'],
    [{ action: 'list', keyword: 'python\u0007' }, 'INVALID_ARGUMENT', 'keyword'],
    [{ action: 'list', tag: '\u0000' }, 'INVALID_ARGUMENT', 'tag'],
    [{ action: 'list', category: 'dev\u0000' }, 'INVALID_ARGUMENT', 'category'],
  ])('%j → %s naming %s, with no database call', async (event, code, field) => {
    const { reply, made } = await call(event);
    expect(reply).toMatchObject({ ok: false, error: { code } });
    if (!reply.ok) expect(reply.error.message).toContain(field);
    expect(made).toEqual([]);
  });
});
