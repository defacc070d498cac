/**
 * The `retrain` timer and the `recommend` function through the local cloud: function host, client gateway, the real
 * wx-server-sdk, database and storage. The generated platform has a known answer: every learner takes courses of
 * one favourite category only (category = course number mod 4), and every 6th course is a draft.
 */
import * as wx from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import type { CourseDoc } from '../../../shared/catalog';
import type { Err, ForMeData, InterestsData, Ok, SimilarData } from '../../../shared/contract';
import type { ModelPointer, RetrainOutcome } from '../../../shared/recommender/job/types';
import { COLD_START_VERSION, REASONS } from '../../../shared/recommender/platform/serving';
import { isActive, ownedCourses, type InteractionSnapshot } from '../../../shared/recommender/data/snapshot';
import { recordCourseView, recordEnrollment } from '../../../shared/recommender/signals';
import { syntheticCourse, SyntheticPlatform } from '../../../shared/recommender/data/synthetic';
import { COLLECTIONS } from '../../../shared/collections';
import { callAs } from '../../../testing/client-call';

const USERS = 2000;
const COURSES = 24;
const now = new Date();
const platform = new SyntheticPlatform({
  users: USERS,
  courses: COURSES,
  interactions: USERS * 4,
  categories: 4,
  favouriteShare: 1,
  draftEvery: 6,
  activeShare: 0.5,
  now,
});
const snapshots = Array.from({ length: USERS }, (_v, u) => platform.snapshot(u));
const courses = Array.from({ length: COURSES }, (_v, c) => platform.course(c));
const byId = new Map(courses.map((c) => [c._id, c]));
const drafts = new Set(courses.filter((c) => c.status !== 'published').map((c) => c._id));
const categoryOf = (courseId: string) => byId.get(courseId)?.category;
const favouriteOf = (snapshot: InteractionSnapshot) => `cat${Number(snapshot._id.slice(1)) % 4}`;

/** Learners who own 2–4 courses, all of their favourite category: their best course is another of that category. */
function typical(active: boolean): InteractionSnapshot {
  const found = snapshots.find((s) => {
    const owned = [...ownedCourses(s)];
    return (
      isActive(s, now) === active &&
      owned.length >= 2 &&
      owned.length <= 4 &&
      owned.every((id) => categoryOf(id) === favouriteOf(s))
    );
  });
  if (found === undefined) throw new Error('fixture has no such learner');
  return found;
}

let cloud: LocalCloud;
let db: ReturnType<typeof wx.database>;
let pointer: ModelPointer;
const databaseCalls: string[] = [];

const invoke = <T>(name: string, data: unknown, openid?: string) => callAs<T>(cloud.url, name, openid, data);

async function ok<T>(name: string, data: unknown, openid: string): Promise<T> {
  const reply = await invoke<T>(name, data, openid);
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.data;
}

async function fireTimer(): Promise<Ok<RetrainOutcome> | Err> {
  const response = await fetch(`${cloud.url}/sandbox/timers/retrain`, { method: 'POST' });
  expect(response.status).toBe(200);
  return ((await response.json()) as { result: Ok<RetrainOutcome> | Err }).result;
}

beforeAll(async () => {
  cloud = await startTestCloud();
  wx.init({ env: wx.DYNAMIC_CURRENT_ENV as unknown as string });
  db = wx.database();
  await db.collection(COLLECTIONS.courses).add({ data: courses });
  for (let start = 0; start < USERS; start += 1000) {
    await db.collection(COLLECTIONS.interactions).add({ data: snapshots.slice(start, start + 1000) });
  }
  cloud.admin.observe(({ action }) => {
    if (action.startsWith('database.')) databaseCalls.push(action);
  });
}, 60_000);

afterAll(() => cloud.close());

describe('retrain (timer)', () => {
  it('refuses a call from the client gateway and writes nothing', async () => {
    const reply = await invoke('retrain', {}, 'o-intruder');
    expect(reply).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: '无权调用' } });
    const runs = (await db.collection(COLLECTIONS.jobRuns).count()) as unknown as { total: number };
    expect(runs.total).toBe(0);
  });

  it('runs on its timer: fits, writes the lists, switches the model; the next tick is idle', async () => {
    const first = await fireTimer();
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    expect(first.data).toMatchObject({ status: 'done', run: { switched: true, status: 'done' } });
    const found = (await db.collection(COLLECTIONS.recModels).where({ _id: 'current' }).get()) as unknown as {
      data: ModelPointer[];
    };
    pointer = found.data[0] as ModelPointer;
    expect(pointer.version).toBe(first.data.run?.version);
    expect(await fireTimer()).toEqual({ ok: true, data: { status: 'idle' } });
  });
});

describe('recommend.forMe', () => {
  it('serves a learner’s precomputed list in two database calls: unowned, published, with reasons', async () => {
    const learner = typical(true);
    const owned = ownedCourses(learner);
    await ok('recommend', { action: 'forMe' }, learner._id); // warms the instance (pointer cache)
    const before = databaseCalls.length;
    const data = await ok<ForMeData>('recommend', { action: 'forMe' }, learner._id);
    expect(databaseCalls.slice(before)).toEqual(['database.aggregateDocuments', 'database.getDocument']);
    expect(data.modelVersion).toBe(pointer.version);
    expect(data.items).toHaveLength(10);
    for (const item of data.items) {
      expect(owned.has(item.course.id)).toBe(false);
      expect(drafts.has(item.course.id)).toBe(false);
    }
    expect(data.items[0]?.course.category).toBe(favouriteOf(learner));
    const titles = [...owned].map((id) => byId.get(id)?.title);
    expect(titles.map((t) => REASONS.because(t as string))).toContain(data.items[0]?.reason);
    const scores = data.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('leaves out a course bought after the list was written', async () => {
    const learner = typical(true);
    const before = await ok<ForMeData>('recommend', { action: 'forMe', limit: 5 }, learner._id);
    const bought = before.items[0]?.course as ForMeData['items'][number]['course'];
    await recordEnrollment(db, learner._id, { courseId: bought.id, category: bought.category, paid: true });
    const after = await ok<ForMeData>('recommend', { action: 'forMe', limit: 5 }, learner._id);
    expect(after.modelVersion).toBe(pointer.version);
    expect(after.items.map((i) => i.course.id)).not.toContain(bought.id);
    expect(after.items.map((i) => i.course.id).slice(0, 4)).toEqual(before.items.map((i) => i.course.id).slice(1));
  });

  it('scores a learner without a list on demand from the current factors', async () => {
    const learner = typical(false);
    const lists = (await db
      .collection(COLLECTIONS.recommendations)
      .where({ version: pointer.version })
      .get()) as unknown as {
      data: { lists: Record<string, unknown> }[];
    };
    expect(lists.data.some((shard) => learner._id in shard.lists)).toBe(false);
    const owned = ownedCourses(learner);
    const data = await ok<ForMeData>('recommend', { action: 'forMe', limit: 12 }, learner._id);
    expect(data.modelVersion).toBe(pointer.version);
    expect(data.items).toHaveLength(12);
    for (const item of data.items) {
      expect(owned.has(item.course.id)).toBe(false);
      expect(drafts.has(item.course.id)).toBe(false);
    }
    expect(data.items[0]?.course.category).toBe(favouriteOf(learner));
    expect(data.items[0]?.reason).toMatch(/^因为你学习了《课程 \d+》$/);
  });

  it('answers a brand-new learner with popular courses of the categories they looked at, then overall', async () => {
    const openid = 'o-newcomer';
    await recordCourseView(db, openid, { category: 'cat2' });
    const data = await ok<ForMeData>('recommend', { action: 'forMe' }, openid);
    expect(data.modelVersion).toBe(COLD_START_VERSION);
    const cat2 = courses
      .filter((c) => c.category === 'cat2' && c.status === 'published')
      .sort((a, b) => b.learnerCount - a.learnerCount || a._id.localeCompare(b._id));
    expect(data.items.slice(0, cat2.length).map((i) => [i.course.id, i.reason])).toEqual(
      cat2.map((c) => [c._id, REASONS.category]),
    );
    expect(data.items.slice(cat2.length).every((i) => i.reason === REASONS.popular)).toBe(true);
    expect(data.items).toHaveLength(10);
  });

  it('answers a learner the platform has never seen with what most learners take', async () => {
    const data = await ok<ForMeData>('recommend', { action: 'forMe', limit: 3 }, 'o-stranger');
    const popular = courses
      .filter((c) => c.status === 'published')
      .sort((a, b) => b.learnerCount - a.learnerCount || a._id.localeCompare(b._id))
      .slice(0, 3);
    expect(data).toEqual({
      modelVersion: COLD_START_VERSION,
      items: popular.map((c) =>
        expect.objectContaining({ course: expect.objectContaining({ id: c._id }), reason: REASONS.popular }),
      ),
    });
  });
});

describe('recommend.setInterests', () => {
  const categoryIds = ['cat0', 'cat1', 'cat2', 'cat3'];
  const popularIn = (categories: string[]) =>
    courses
      .filter((c) => categories.includes(c.category) && c.status === 'published')
      .sort((a, b) => b.learnerCount - a.learnerCount || a._id.localeCompare(b._id))
      .map((c) => c._id);
  const snapshotOf = async (openid: string) =>
    (
      (await db.collection(COLLECTIONS.interactions).where({ _id: openid }).get()) as unknown as {
        data: InteractionSnapshot[];
      }
    ).data[0];

  beforeAll(async () => {
    await db.collection(COLLECTIONS.categories).add({
      data: categoryIds.map((id, order) => ({ _id: id, name: `分类 ${id}`, order })),
    });
  });

  it('records the picked categories, and a new learner’s forMe starts from them', async () => {
    const openid = 'o-picky';
    await recordCourseView(db, openid, { category: 'cat2' });
    const set = await ok<InterestsData>('recommend', { action: 'setInterests', categories: ['cat3', 'cat1'] }, openid);
    expect(set).toEqual({ categories: ['cat3', 'cat1'] });
    expect(await ok<InterestsData>('recommend', { action: 'interests' }, openid)).toEqual(set);
    expect(await snapshotOf(openid)).toMatchObject({ interests: ['cat3', 'cat1'], cats: ['cat2'] });

    const data = await ok<ForMeData>('recommend', { action: 'forMe', limit: 20 }, openid);
    expect(data.modelVersion).toBe(COLD_START_VERSION);
    const picked = popularIn(['cat3', 'cat1']);
    const looked = popularIn(['cat2']);
    expect(data.items.map((i) => [i.course.id, i.reason])).toEqual([
      ...picked.map((id) => [id, REASONS.interest]),
      ...looked.map((id) => [id, REASONS.category]),
      ...popularIn(['cat0']).map((id) => [id, REASONS.popular]),
    ]);
  });

  it('replaces the previous choice; an empty choice clears it', async () => {
    const openid = 'o-changes-mind';
    await ok('recommend', { action: 'setInterests', categories: ['cat0', 'cat1'] }, openid);
    await ok('recommend', { action: 'setInterests', categories: ['cat2'] }, openid);
    expect(await ok<InterestsData>('recommend', { action: 'interests' }, openid)).toEqual({ categories: ['cat2'] });
    const data = await ok<ForMeData>('recommend', { action: 'forMe', limit: 3 }, openid);
    expect(data.items.map((i) => i.course.id)).toEqual(popularIn(['cat2']).slice(0, 3));
    await ok('recommend', { action: 'setInterests', categories: [] }, openid);
    expect(await ok<InterestsData>('recommend', { action: 'interests' }, openid)).toEqual({ categories: [] });
    expect((await ok<ForMeData>('recommend', { action: 'forMe', limit: 3 }, openid)).items[0]?.reason).toBe(
      REASONS.popular,
    );
  });

  it('answers a learner who never chose with no interests', async () => {
    expect(await ok<InterestsData>('recommend', { action: 'interests' }, 'o-never-chose')).toEqual({ categories: [] });
  });

  it('refuses an unknown category naming the field, and writes nothing', async () => {
    const openid = 'o-typo';
    await ok('recommend', { action: 'setInterests', categories: ['cat1'] }, openid);
    const before = await snapshotOf(openid);
    const reply = await invoke('recommend', { action: 'setInterests', categories: ['cat0', 'cooking'] }, openid);
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((reply as Err).error.message).toBe('categories[1] is not a known category: cooking');
    expect(await snapshotOf(openid)).toEqual(before);
  });
});

describe('recommend.similar', () => {
  it('returns the nearest published courses by item factors', async () => {
    const data = await ok<SimilarData>('recommend', { action: 'similar', courseId: 'c0', limit: 4 }, 'o-a');
    expect(data.items).toHaveLength(4);
    const ids = data.items.map((i) => i.course.id);
    expect(ids).not.toContain('c0');
    expect(ids.some((id) => drafts.has(id))).toBe(false);
    // c0's category (cat0) has c4, c8, c12, c16, c20: the nearest are among them.
    expect(data.items.slice(0, 3).every((i) => i.course.category === 'cat0')).toBe(true);
    const scores = data.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBeLessThanOrEqual(1);
  });

  it('falls back to popular courses of the same category for a course the model does not know', async () => {
    const fresh: CourseDoc = { ...syntheticCourse(99, 'cat1', 0, true), _id: 'new-course' };
    await db.collection(COLLECTIONS.courses).add({ data: fresh });
    const data = await ok<SimilarData>('recommend', { action: 'similar', courseId: 'new-course', limit: 3 }, 'o-a');
    const expected = courses
      .filter((c) => c.category === 'cat1' && c.status === 'published')
      .sort((a, b) => b.learnerCount - a.learnerCount || a._id.localeCompare(b._id))
      .slice(0, 3);
    expect(data.items.map((i) => [i.course.id, i.score])).toEqual(expected.map((c) => [c._id, 0]));
  });

  it('answers NOT_FOUND for an unpublished course', async () => {
    const reply = await invoke('recommend', { action: 'similar', courseId: 'c5' }, 'o-a');
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('a course taken off sale after the retrain', () => {
  /** Withdraws the first course `serve` answers (any status but published), then serves again. */
  async function withdrawnFirst(serve: () => Promise<{ items: { course: { id: string } }[] }>) {
    const before = await serve();
    const withdrawn = before.items[0]?.course.id as string;
    const course = db.collection(COLLECTIONS.courses).doc(withdrawn);
    await course.update({ data: { status: 'archived' } });
    try {
      const after = await serve();
      return { withdrawn, before: before.items.map((i) => i.course.id), after: after.items.map((i) => i.course.id) };
    } finally {
      await course.update({ data: { status: 'published' } });
    }
  }

  const cases: [how: string, learner: () => string, action: 'forMe' | 'similar'][] = [
    ['from a precomputed list', () => typical(true)._id, 'forMe'],
    ['scored on demand', () => typical(false)._id, 'forMe'],
    ['to a learner with no signals (popular)', () => 'o-cold-start', 'forMe'],
    ['as similar to a course', () => 'o-a', 'similar'],
  ];
  it.each(cases)('is never recommended %s', async (_how, learner, action) => {
    const params = action === 'forMe' ? { action, limit: 5 } : { action, courseId: 'c0', limit: 4 };
    const { withdrawn, before, after } = await withdrawnFirst(() =>
      ok<ForMeData | SimilarData>('recommend', params, learner()),
    );
    expect(before).toContain(withdrawn);
    expect(after).not.toContain(withdrawn);
    expect(after.length).toBe(before.length);
  });
});

describe('recommend validation', () => {
  it.each([
    [{ action: 'forMe', limit: 0 }, 'limit'],
    [{ action: 'forMe', limit: 51 }, 'limit'],
    [{ action: 'forMe', limit: 2.5 }, 'limit'],
    [{ action: 'similar' }, 'courseId'],
    [{ action: 'similar', courseId: 'a/b' }, 'courseId'],
    [{ action: 'forMe', openid: 'o-other' }, 'openid'],
    [{ action: 'rank' }, 'action'],
    [{ action: 'setInterests' }, 'categories'],
    [{ action: 'setInterests', categories: 'cat0' }, 'categories'],
    [{ action: 'setInterests', categories: ['cat0', 'cat0'] }, 'categories'],
    [{ action: 'setInterests', categories: ['a/b'] }, 'categories[0]'],
    [{ action: 'setInterests', categories: Array.from({ length: 11 }, (_v, i) => `c${i}`) }, 'categories'],
    [{ action: 'interests', categories: [] }, 'categories'],
  ])('rejects %j naming %s', async (data, field) => {
    const reply = await invoke('recommend', data, 'o-a');
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((reply as Err).error.message).toContain(field);
  });

  it('answers UNAUTHENTICATED without an OPENID (a call from another function without identity)', async () => {
    const { result } = (await wx.callFunction({ name: 'recommend', data: { action: 'forMe' } })) as unknown as {
      result: Err;
    };
    expect(result.error.code).toBe('UNAUTHENTICATED');
  });
});
