/**
 * The `learning` function through the local cloud's client gateway, with the real wx-server-sdk inside.
 */
import { LIMITS } from '../../../shared/limits';
import {
  openLesson,
  progressId,
  reportProgress,
  watermarkText,
  type CourseProgressDoc,
  type LearningDeps,
} from '../../../shared/learning';
import { course as courseDoc, lesson as lessonDoc } from '../../../testing/catalog-fixtures';
import { getById, type Database } from '../../../shared/db';
import { SECRETS_DOC_ID } from '../../../shared/settings/secrets';
import { COURSE_ID, emptyRating, insert, startWorld, type World } from '../../../testing/learning-world';
import { COLLECTIONS } from '../../../shared/collections';
import { storageOf } from '../../../local/storage';

let world: World;
beforeAll(async () => {
  world = await startWorld();
  await world.enrol('o-paid', COURSE_ID);
  await world.enrol('o-two-devices', COURSE_ID);
  await world.enrol('o-refunded', COURSE_ID);
});
afterAll(() => world.close());

const T0 = Date.UTC(2024, 4, 1, 8);
const report = (lessonId: string, positionSec: number, durationSec: number, reportedAt?: number) => ({
  action: 'progress',
  courseId: COURSE_ID,
  lessonId,
  positionSec,
  durationSec,
  ...(reportedAt === undefined ? {} : { reportedAt }),
});

describe('learning.lesson', () => {
  test('an enrolled learner gets a private-file temp URL that lives at most an hour, and a watermark', async () => {
    const reply = await world.call('learning', 'o-paid', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'py-101-2',
    });
    expect(reply.ok).toBe(true);
    const lesson = reply.data.lesson;
    expect(lesson).toMatchObject({ id: 'py-101-2', kind: 'video', durationSec: 600, free: false });
    expect(lesson.body).toBeUndefined();
    const lifetimeMs = Date.parse(lesson.mediaExpiresAt) - Date.now();
    expect(lifetimeMs).toBeGreaterThan(0);
    expect(lifetimeMs).toBeLessThanOrEqual(3600_000);
    const media = await fetch(lesson.mediaUrl);
    expect(media.status).toBe(200);
    expect(await media.text()).toBe('video bytes');
    expect(lesson.watermark).toMatch(/^ID [0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(lesson.watermark).not.toContain('o-paid');
  });

  test('an article comes as its body, with no media URL', async () => {
    const reply = await world.call('learning', 'o-paid', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'py-101-4',
    });
    expect(reply.data.lesson).toMatchObject({ kind: 'article', body: '# 变量\n\n变量是名字。' });
    expect(reply.data.lesson.mediaUrl).toBeUndefined();
  });

  test("an article's images come as temp URLs of their files; one whose file is gone keeps its alt text", async () => {
    const figure = await storageOf(world.cloud).put('media/py-101/fig-1.png', Buffer.from('png bytes'));
    const gone = figure.replace('fig-1.png', 'gone.png');
    const body = `# 图解\n\n![调用栈](${figure} "图一")\n\n再看一遍：![调用栈](${figure})\n\n![缺图](${gone})`;
    await insert(world.db, COLLECTIONS.lessons, [
      { ...lessonDoc({ _id: 'py-101-9', order: 9, kind: 'article', durationSec: 60, free: true }), body },
    ]);
    const reply = await world.call('learning', 'o-stranger', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'py-101-9',
    });
    const shown: string = reply.data.lesson.body;
    expect(shown).not.toContain('cloud://');
    const urls = [...shown.matchAll(/!\[调用栈\]\((http[^)]+)\)/g)].map((m) => m[1] ?? '');
    expect(urls).toHaveLength(2);
    expect(await (await fetch(urls[0] ?? '')).text()).toBe('png bytes');
    expect(shown.endsWith('\n\n缺图')).toBe(true);
    await world.db.collection(COLLECTIONS.lessons).doc('py-101-9').remove();
  });

  test('anyone signed in opens a free lesson; a paid one is FORBIDDEN without an enrollment', async () => {
    const free = await world.call('learning', 'o-stranger', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'py-101-1',
    });
    expect(free.ok).toBe(true);
    expect(free.data.lesson.mediaUrl).toEqual(expect.any(String));
    const paid = await world.call('learning', 'o-stranger', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'py-101-2',
    });
    expect(paid).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: '购买本课程后即可学习该课时' } });
  });

  test('a free lesson of a draft course is FORBIDDEN; an unknown lesson is NOT_FOUND', async () => {
    const draft = await world.call('learning', 'o-paid', {
      action: 'lesson',
      courseId: 'draft-1',
      lessonId: 'draft-1-1',
    });
    expect(draft.error?.code).toBe('FORBIDDEN');
    const unknown = await world.call('learning', 'o-paid', { action: 'lesson', courseId: COURSE_ID, lessonId: 'nope' });
    expect(unknown.error?.code).toBe('NOT_FOUND');
    // A lesson of another course is not a lesson of this one.
    const other = await world.call('learning', 'o-paid', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'draft-1-1',
    });
    expect(other.error?.code).toBe('NOT_FOUND');
  });

  test('a refunded (revoked) learner loses access to paid lessons and to progress reports', async () => {
    const before = await world.call('learning', 'o-refunded', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'py-101-2',
    });
    expect(before.ok).toBe(true);
    await world.enrol('o-refunded', COURSE_ID, { status: 'revoked', revokedAt: '2024-03-05T00:00:00.000Z' });
    const after = await world.call('learning', 'o-refunded', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'py-101-2',
    });
    expect(after.error?.code).toBe('FORBIDDEN');
    const progress = await world.call('learning', 'o-refunded', report('py-101-2', 10, 600));
    expect(progress.error?.code).toBe('FORBIDDEN');
    const mine = await world.call('learning', 'o-refunded', { action: 'myCourses' });
    expect(mine.data.items).toEqual([]);
  });

  test('the lesson reply carries where the learner stopped, from any device', async () => {
    await world.call('learning', 'o-paid', report('py-101-3', 42.7, 200, T0));
    const reply = await world.call('learning', 'o-paid', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'py-101-3',
    });
    expect(reply.data.lesson.progress).toMatchObject({ lessonId: 'py-101-3', positionSec: 42, completed: false });
  });
});

describe('learning.progress', () => {
  const learner = 'o-progress';
  beforeAll(() => world.enrol(learner, COURSE_ID));
  const stored = () => getById<CourseProgressDoc>(world.db, 'courseProgress', progressId(learner, COURSE_ID));

  test('the resume position is the latest report, the furthest never goes back, 90 % completes', async () => {
    let reply = await world.call('learning', learner, report('py-101-2', 500, 600, T0));
    expect(reply.data.progress.lesson).toMatchObject({ positionSec: 500, furthestSec: 500, completed: false });
    reply = await world.call('learning', learner, report('py-101-2', 540, 600, T0 + 1000));
    expect(reply.data.progress).toMatchObject({ percent: 25, completedLessonIds: ['py-101-2'] });
    expect(reply.data.progress.lesson).toMatchObject({ positionSec: 540, furthestSec: 540, completed: true });
    // Seeking back: resume follows, furthest and completion stay.
    reply = await world.call('learning', learner, report('py-101-2', 30, 600, T0 + 2000));
    expect(reply.data.progress.lesson).toMatchObject({ positionSec: 30, furthestSec: 540, completed: true });
    expect(reply.data.progress).toMatchObject({ percent: 25, lastLessonId: 'py-101-2', lastPositionSec: 30 });
    // The recommender's snapshot heard of the quarter reached.
    expect(await getById(world.db, 'interactions', learner)).toMatchObject({ q1: [COURSE_ID] });
  });

  test('a report older than the stored one does not rewind the resume position or the last lesson', async () => {
    await world.call('learning', learner, report('py-101-3', 20, 200, T0 + 10_000));
    // A phone that was offline sends its queued report of earlier.
    const late = await world.call('learning', learner, report('py-101-2', 300, 600, T0 + 1500));
    expect(late.data.progress.lesson).toMatchObject({ positionSec: 30, furthestSec: 540 });
    expect(late.data.progress).toMatchObject({ lastLessonId: 'py-101-3', lastPositionSec: 20 });
    expect(late.data.progress.updatedAt).toBe(new Date(T0 + 10_000).toISOString());
  });

  test('an article completes only when read to the end', async () => {
    let reply = await world.call('learning', learner, report('py-101-4', 115, 120, T0 + 20_000));
    expect(reply.data.progress.lesson.completed).toBe(false);
    reply = await world.call('learning', learner, report('py-101-4', 120, 120, T0 + 21_000));
    expect(reply.data.progress.lesson.completed).toBe(true);
    expect(reply.data.progress.percent).toBe(50);
  });

  test('a duplicate report writes nothing', async () => {
    const before = await stored();
    await world.call('learning', learner, report('py-101-4', 120, 120, T0 + 21_000));
    expect((await stored())?.rev).toBe(before?.rev);
  });

  test.each([
    [{ positionSec: 601 }, 'positionSec must be <= durationSec'],
    [{ positionSec: 700, durationSec: 700 }, 'durationSec must be about 600'],
    [{ positionSec: -1 }, 'positionSec must be >= 0'],
    [{ durationSec: 0 }, 'durationSec must be > 0'],
    [{ lessonId: 'no-such-lesson' }, 'lessonId must be a lesson of the course'],
    [{ lessonId: 'draft-1-1' }, 'lessonId must be a lesson of the course'],
  ])('%j is INVALID_ARGUMENT naming the field', async (change, message) => {
    const before = await stored();
    const reply = await world.call('learning', learner, { ...report('py-101-2', 100, 600), ...change });
    expect(reply.error?.code).toBe('INVALID_ARGUMENT');
    expect(reply.error?.message).toContain(message);
    expect((await stored())?.rev).toBe(before?.rev);
  });

  test('reports for a course the learner cannot open are FORBIDDEN; a free lesson can be reported', async () => {
    expect((await world.call('learning', 'o-stranger', report('py-101-2', 10, 600))).error?.code).toBe('FORBIDDEN');
    const draft = { ...report('draft-1-1', 10, 300), courseId: 'draft-1' };
    expect((await world.call('learning', 'o-stranger', draft)).error?.code).toBe('FORBIDDEN');
    const free = await world.call('learning', 'o-stranger', report('py-101-1', 10, 300));
    expect(free.data.progress.lesson.positionSec).toBe(10);
  });

  test('two devices reporting at once: every report lands, one write each, nothing lost', async () => {
    const openid = 'o-two-devices';
    const phone = Array.from({ length: 12 }, (_, i) => report('py-101-2', 20 + i * 45, 600, T0 + i * 2000));
    const tablet = Array.from({ length: 12 }, (_, i) => report('py-101-3', 10 + i * 17, 200, T0 + i * 2000 + 1000));
    const replies = await Promise.all(
      phone.flatMap((p, i) => [world.call('learning', openid, p), world.call('learning', openid, tablet[i] ?? p)]),
    );
    expect(replies.every((r) => r.ok)).toBe(true);
    const doc = await getById<CourseProgressDoc>(world.db, 'courseProgress', progressId(openid, COURSE_ID));
    expect(doc?.lessons['py-101-2']).toMatchObject({ pos: 515, max: 515, at: T0 + 22_000, done: false });
    expect(doc?.lessons['py-101-3']).toMatchObject({ pos: 197, max: 197, at: T0 + 23_000, done: true });
    expect(doc).toMatchObject({ percent: 25, lastLessonId: 'py-101-3', lastPositionSec: 197 });
    // The revision counts the writes: at most one per report (a report overtaken by a newer one writes nothing).
    expect(doc?.rev).toBeLessThanOrEqual(24);
  });
});

/** Bound property of `target`, so a proxy can forward methods of the SDK's classes. */
function forward(target: object, key: string | symbol): unknown {
  const value: unknown = Reflect.get(target, key);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

/**
 * `db` whose first progress write (`add`, or `where(…).update`) waits for `meanwhile` first: the report has read the
 * document, and another device's report lands before it writes. A deterministic read-modify-write race.
 */
function racing(db: Database, meanwhile: () => Promise<unknown>): Database {
  let pending: (() => Promise<unknown>) | null = meanwhile;
  const first = async () => {
    const run = pending;
    pending = null;
    if (run) await run();
  };
  const delayWrite = <T extends object>(target: T, method: 'add' | 'update'): T =>
    new Proxy(target, {
      get: (t, key) =>
        key === method
          ? async (arg: unknown) => {
              await first();
              return (forward(t, key) as (a: unknown) => Promise<unknown>)(arg);
            }
          : forward(t, key),
    });
  return new Proxy(db, {
    get: (target, key) => {
      if (key !== 'collection') return forward(target, key);
      return (name: string) => {
        const collection = target.collection(name);
        if (name !== COLLECTIONS.courseProgress) return collection;
        return new Proxy(delayWrite(collection, 'add'), {
          get: (c, k) =>
            k === 'where' ? (condition: object) => delayWrite(collection.where(condition), 'update') : forward(c, k),
        });
      };
    },
  });
}

describe('learning.progress between two devices (a forced race)', () => {
  const deps = (db: Database): LearningDeps => ({
    db,
    now: () => new Date(),
    tempFileUrl: async () => 'unused',
    identitySecret: async () => 'unused',
  });
  const params = (lessonId: string, positionSec: number, durationSec: number, reportedAt: number) => ({
    courseId: COURSE_ID,
    lessonId,
    positionSec,
    durationSec,
    reportedAt,
  });
  const stored = (openid: string) =>
    getById<CourseProgressDoc>(world.db, COLLECTIONS.courseProgress, progressId(openid, COURSE_ID));

  test('a report whose document changed after it was read is re-applied: both land, one write each', async () => {
    const openid = 'o-race-update';
    await world.enrol(openid, COURSE_ID);
    await reportProgress(deps(world.db), openid, params('py-101-2', 60, 600, T0));
    expect((await stored(openid))?.rev).toBe(1);
    // The phone has read rev 1 when the tablet's report is written; the phone's write must not undo the tablet's.
    const tablet = () => reportProgress(deps(world.db), openid, params('py-101-3', 190, 200, T0 + 1000));
    const phone = await reportProgress(deps(racing(world.db, tablet)), openid, params('py-101-2', 540, 600, T0 + 2000));
    expect(phone).toMatchObject({ percent: 50, lastLessonId: 'py-101-2', lastPositionSec: 540 });
    const doc = await stored(openid);
    expect(doc?.lessons['py-101-3']).toMatchObject({ pos: 190, max: 190, done: true });
    expect(doc?.lessons['py-101-2']).toMatchObject({ pos: 540, max: 540, done: true });
    expect(doc?.completedLessonIds).toEqual(['py-101-3', 'py-101-2']);
    expect(doc?.rev).toBe(3);
  });

  test('two first reports at once: the second insert loses on the id and is applied on top', async () => {
    const openid = 'o-race-insert';
    await world.enrol(openid, COURSE_ID);
    const tablet = () => reportProgress(deps(world.db), openid, params('py-101-3', 50, 200, T0 + 5000));
    await reportProgress(deps(racing(world.db, tablet)), openid, params('py-101-2', 100, 600, T0));
    const doc = await stored(openid);
    expect(doc?.lessons).toMatchObject({ 'py-101-2': { pos: 100 }, 'py-101-3': { pos: 50 } });
    // The later report (the tablet's) stays the place to resume.
    expect(doc).toMatchObject({ lastLessonId: 'py-101-3', lastPositionSec: 50, rev: 2 });
  });

  test('a first report costs one insert and later ones one update each (no signal while the percent is 0)', async () => {
    const openid = 'o-one-write';
    await world.enrol(openid, COURSE_ID);
    const actions: string[] = [];
    const stop = world.cloud.admin.observe(({ action }) => {
      if (action.startsWith('database.')) actions.push(action);
    });
    try {
      await world.call('learning', openid, report('py-101-2', 10, 600, T0));
      const first = actions.splice(0);
      await world.call('learning', openid, report('py-101-2', 20, 600, T0 + 5000));
      const second = actions.splice(0);
      const writes = (list: string[]) => list.filter((a) => /insert|modify|remove/i.test(a));
      expect(writes(first)).toEqual(['database.insertDocument']);
      expect(writes(second)).toEqual(['database.modifyDocument']);
    } finally {
      stop();
    }
  });
});

describe('refund policy bypass: what learning.lesson hands out is recorded', () => {
  const deps = (db: Database, now: () => Date = () => new Date()): LearningDeps => ({
    db,
    now,
    tempFileUrl: async (fileId) => `https://temp.example/${fileId}`,
    identitySecret: async () => 'secret',
  });
  const open = (lessonId: string, courseId = COURSE_ID) => ({ courseId, lessonId });
  const stored = (openid: string, courseId = COURSE_ID) =>
    getById<CourseProgressDoc>(world.db, COLLECTIONS.courseProgress, progressId(openid, courseId));
  /** The database writes `run` makes. */
  /** The database writes `run` makes, but those of the daily counters (shared/insights/daily, tested on their own). */
  async function writesOf(run: () => Promise<unknown>): Promise<string[]> {
    const actions: string[] = [];
    const stop = world.cloud.admin.observe(({ action, params }) => {
      if ((params as { collectionName?: string }).collectionName === COLLECTIONS.courseDaily) return;
      if (/^database\..*(insert|modify|remove|update)/i.test(action)) actions.push(action);
    });
    try {
      await run();
    } finally {
      stop();
    }
    return actions;
  }

  test('a paid lesson handed out is recorded once, under the order that paid; a free one and a reopen write nothing', async () => {
    const openid = 'o-deliver';
    await world.enrol(openid, COURSE_ID, { orderId: 'order-deliver-1' });
    const lesson = (lessonId: string) => world.call('learning', openid, { action: 'lesson', ...open(lessonId) });

    expect(await writesOf(async () => expect((await lesson('py-101-2')).ok).toBe(true))).toEqual([
      'database.insertDocument',
    ]);
    const first = await stored(openid);
    expect(first).toMatchObject({
      _openid: openid,
      percent: 0,
      lastLessonId: 'py-101-2',
      lastPositionSec: 0,
      delivered: { orderId: 'order-deliver-1', lessons: { 'py-101-2': expect.any(Number) } },
      rev: 1,
    });
    // Opening it again (a fresh URL after the old one expired) writes nothing.
    expect(await writesOf(() => lesson('py-101-2'))).toEqual([]);
    // The free-trial lesson does not count.
    expect(await writesOf(() => lesson('py-101-1'))).toEqual([]);
    expect(await writesOf(() => lesson('py-101-4'))).toEqual(['database.modifyDocument']);
    expect((await stored(openid))?.delivered).toEqual({
      orderId: 'order-deliver-1',
      lessons: { 'py-101-2': first?.delivered?.lessons['py-101-2'], 'py-101-4': expect.any(Number) },
    });
    // Someone without the course opening the free lesson leaves no trace (but in the day's counters: a trial start).
    expect(await writesOf(() => world.call('learning', 'o-trial', { action: 'lesson', ...open('py-101-1') }))).toEqual(
      [],
    );
  });

  test('a progress report keeps the delivery record, and a delivery keeps the reports', async () => {
    const openid = 'o-deliver-report';
    await world.enrol(openid, COURSE_ID);
    await world.call('learning', openid, { action: 'lesson', ...open('py-101-3') });
    await world.call('learning', openid, report('py-101-2', 540, 600, T0));
    expect(await stored(openid)).toMatchObject({
      delivered: { lessons: { 'py-101-3': expect.any(Number) } },
      lessons: { 'py-101-2': { pos: 540, done: true } },
      percent: 25,
    });
    await world.call('learning', openid, { action: 'lesson', ...open('py-101-2') });
    const doc = await stored(openid);
    expect(Object.keys(doc?.delivered?.lessons ?? {}).sort()).toEqual(['py-101-2', 'py-101-3']);
    expect(doc).toMatchObject({ lessons: { 'py-101-2': { pos: 540, done: true } }, percent: 25, rev: 3 });
  });

  test('a delivery while another device reports is applied on top: both land', async () => {
    const openid = 'o-deliver-race';
    await world.enrol(openid, COURSE_ID);
    await reportProgress(deps(world.db), openid, { ...open('py-101-2'), positionSec: 60, durationSec: 600 });
    const tablet = () =>
      reportProgress(deps(world.db), openid, { ...open('py-101-3'), positionSec: 190, durationSec: 200 });
    await openLesson(deps(racing(world.db, tablet)), openid, open('py-101-4'));
    const doc = await stored(openid);
    expect(doc?.lessons['py-101-3']).toMatchObject({ pos: 190, done: true });
    expect(doc?.delivered?.lessons).toEqual({ 'py-101-4': expect.any(Number) });
    expect(doc?.rev).toBe(3);
  });

  test('two first deliveries at once (no document yet): the second insert loses on the id and is applied on top', async () => {
    const openid = 'o-deliver-insert';
    await world.enrol(openid, COURSE_ID);
    const tablet = () => openLesson(deps(world.db), openid, open('py-101-3'));
    await openLesson(deps(racing(world.db, tablet)), openid, open('py-101-2'));
    const doc = await stored(openid);
    expect(Object.keys(doc?.delivered?.lessons ?? {}).sort()).toEqual(['py-101-2', 'py-101-3']);
    expect(doc?.rev).toBe(2);
  });

  test('buying again after a refund starts a new record: lessons opened under the refunded order do not carry over', async () => {
    const openid = 'o-deliver-again';
    await world.enrol(openid, COURSE_ID, { orderId: 'order-again-1' });
    await openLesson(deps(world.db), openid, open('py-101-2'));
    await world.enrol(openid, COURSE_ID, { orderId: 'order-again-2' });
    await openLesson(deps(world.db), openid, open('py-101-3'));
    expect((await stored(openid))?.delivered).toEqual({
      orderId: 'order-again-2',
      lessons: { 'py-101-3': expect.any(Number) },
    });
    // Opening the earlier lesson again under the new order records it again.
    await openLesson(deps(world.db), openid, open('py-101-2'));
    expect(Object.keys((await stored(openid))?.delivered?.lessons ?? {}).sort()).toEqual(['py-101-2', 'py-101-3']);
  });
});

describe('no limits on writes: learning', () => {
  const at = new Date(T0);
  const deps = (db: Database): LearningDeps => ({
    db,
    now: () => at,
    tempFileUrl: async (fileId) => `https://temp.example/${fileId}`,
    identitySecret: async () => 'secret',
  });

  test('progress reports over the limit are RESOURCE_EXHAUSTED with retryAfterSec, and write nothing', async () => {
    const openid = 'o-report-flood';
    await world.enrol(openid, COURSE_ID);
    const send = (i: number) =>
      reportProgress(deps(world.db), openid, {
        courseId: COURSE_ID,
        lessonId: 'py-101-2',
        positionSec: i,
        durationSec: 600,
        reportedAt: T0 - 100_000 + i,
      });
    for (let i = 0; i < LIMITS.progress.burst; i++) await send(i);
    const before = await getById<CourseProgressDoc>(
      world.db,
      COLLECTIONS.courseProgress,
      progressId(openid, COURSE_ID),
    );
    await expect(send(LIMITS.progress.burst)).rejects.toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      details: { retryAfterSec: 1 },
    });
    const after = await getById<CourseProgressDoc>(world.db, COLLECTIONS.courseProgress, progressId(openid, COURSE_ID));
    expect(after).toEqual(before);
  });

  test('first deliveries over the limit are RESOURCE_EXHAUSTED and hand out nothing; reopening stays free', async () => {
    const openid = 'o-open-flood';
    const courseId = 'bulk-101';
    const count = LIMITS.lessonDelivery.burst + 1;
    await insert(world.db, 'courses', [courseDoc({ _id: courseId, lessonCount: count, rating: emptyRating() })]);
    await insert(
      world.db,
      'lessons',
      Array.from({ length: count }, (_, i) => {
        const { media: _none, ...article } = lessonDoc({
          _id: `bulk-101-${i + 1}`,
          courseId,
          order: i + 1,
          kind: 'article',
          free: false,
        });
        return { ...article, body: `第 ${i + 1} 课` };
      }),
    );
    await world.enrol(openid, courseId);
    const openNth = (i: number) => openLesson(deps(world.db), openid, { courseId, lessonId: `bulk-101-${i}` });
    for (let i = 1; i < count; i++) expect((await openNth(i)).body).toBe(`第 ${i} 课`);
    await expect(openNth(count)).rejects.toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      message: expect.stringContaining('操作太频繁'),
      details: { retryAfterSec: 10 },
    });
    expect((await openNth(1)).body).toBe('第 1 课');
  });
});

describe('learning.myCourses', () => {
  test('courses ordered by the latest report in each, an unstudied one by its enrollment', async () => {
    const openid = 'o-order';
    const other = 'js-101';
    await insert(world.db, 'courses', [
      courseDoc({ _id: other, title: 'JavaScript 入门', lessonCount: 1, learnerCount: 0, rating: emptyRating() }),
      courseDoc({ _id: 'sql-101', title: 'SQL 入门', lessonCount: 1, learnerCount: 0, rating: emptyRating() }),
    ]);
    await insert(world.db, 'lessons', [
      lessonDoc({ _id: 'js-101-1', courseId: other, order: 1, free: false, durationSec: 300 }),
    ]);
    await world.enrol(openid, COURSE_ID, { createdAt: '2024-03-01T00:00:00.000Z' });
    await world.enrol(openid, other, { createdAt: '2024-03-02T00:00:00.000Z' });
    await world.enrol(openid, 'sql-101', { createdAt: '2024-06-01T00:00:00.000Z' });
    const order = async () =>
      ((await world.call('learning', openid, { action: 'myCourses' })).data.items as { course: { id: string } }[]).map(
        (item) => item.course.id,
      );
    expect(await order()).toEqual(['sql-101', other, COURSE_ID]);
    await world.call('learning', openid, report('py-101-2', 30, 600, T0));
    await world.call('learning', openid, { ...report('js-101-1', 30, 300, T0 + 60_000), courseId: other });
    expect(await order()).toEqual(['sql-101', other, COURSE_ID]);
    // Studying the first course again (a later report) brings it ahead of the other studied one.
    await world.call('learning', openid, report('py-101-2', 60, 600, T0 + 120_000));
    expect(await order()).toEqual(['sql-101', COURSE_ID, other]);
    // A report sent late (an older time) does not reorder.
    await world.call('learning', openid, { ...report('js-101-1', 40, 300, T0 + 90_000), courseId: other });
    expect(await order()).toEqual(['sql-101', COURSE_ID, other]);
  });

  test('enrolled courses by latest activity, with their percent', async () => {
    const openid = 'o-my-courses';
    await world.enrol(openid, COURSE_ID, { createdAt: '2024-03-01T00:00:00.000Z' });
    let reply = await world.call('learning', openid, { action: 'myCourses' });
    expect(reply.data.items).toEqual([expect.objectContaining({ percent: 0, updatedAt: '2024-03-01T00:00:00.000Z' })]);
    expect(reply.data.items[0].course).toMatchObject({ id: COURSE_ID, title: 'Python 入门' });
    await world.call('learning', openid, report('py-101-3', 190, 200, T0));
    reply = await world.call('learning', openid, { action: 'myCourses' });
    expect(reply.data.items[0]).toMatchObject({
      percent: 25,
      lastLessonId: 'py-101-3',
      updatedAt: new Date(T0).toISOString(),
    });
  });
});

describe('the watermark secret', () => {
  const openLesson = async (openid: string) => {
    const reply = await world.call('learning', openid, { action: 'lesson', courseId: COURSE_ID, lessonId: 'py-101-1' });
    expect(reply.ok).toBe(true);
    return { watermark: reply.data.lesson.watermark as string, text: JSON.stringify(reply) };
  };
  const stored = () => getById<{ learnerCode?: string }>(world.db, 'settings', SECRETS_DOC_ID);

  test('without LEARNER_CODE_SECRET the code is keyed by a random secret the environment stored once', async () => {
    expect(process.env.LEARNER_CODE_SECRET).toBeUndefined();
    const first = await openLesson('o-watermarked');
    const secret = (await stored())?.learnerCode as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(first.watermark).toBe(watermarkText('o-watermarked', secret));
    // Not the code anyone could compute from the openid with an empty key, and the secret never leaves the server.
    expect(first.watermark).not.toBe(watermarkText('o-watermarked', ''));
    expect(first.text).not.toContain(secret);
    expect((await openLesson('o-watermarked')).watermark).toBe(first.watermark);
    expect((await stored())?.learnerCode).toBe(secret);
  });

  test('LEARNER_CODE_SECRET, when set, is the key', async () => {
    process.env.LEARNER_CODE_SECRET = 'configured-secret';
    try {
      expect((await openLesson('o-watermarked')).watermark).toBe(watermarkText('o-watermarked', 'configured-secret'));
    } finally {
      delete process.env.LEARNER_CODE_SECRET;
    }
  });
});
