/**
 * Checking staged course revisions (shared/content/revision-check.ts) through the local cloud with the real
 * wx-server-sdk, where runs meet: two checks of one revision at once, and a check overtaken by a new import.
 */
import type { LocalCloud } from '../../../local/cloud';
import { attachSecuritySandbox, type SecuritySandbox } from '../../../local/sandbox/security';
import { storageOf } from '../../../local/storage';
import { startTestCloud } from '../../../local/testing';
import { planStage, type CourseRevisionDoc, type ImportedCourse } from '../../../shared/catalog';
import { COLLECTIONS } from '../../../shared/collections';
import { checkRevision, cloudContentCheckDeps, type RevisionCheckDeps } from '../../../shared/content';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wx-server-sdk's database is loosely typed
let sdk: any;
let cloud: LocalCloud;
let deps: RevisionCheckDeps;
let sandbox: SecuritySandbox;
const COVER = 'cloud://local-env.bucket/covers/c/abc-cover.png';
const T0 = '2026-12-01T00:00:00.000Z';

beforeAll(async () => {
  cloud = await startTestCloud();
  sandbox = attachSecuritySandbox(cloud);
  sandbox.media.configure({ delayMs: 10 });
  sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  deps = cloudContentCheckDeps(sdk);
  await sdk
    .database()
    .collection(COLLECTIONS.creatorAdmins)
    .doc('oAdmin')
    .set({ data: { creatorIds: ['ada'] } });
});
afterAll(() => cloud.close());

function course(id: string, lessonTitles: string[]): ImportedCourse {
  return {
    course: {
      _id: id,
      status: 'published',
      title: 'Git 入门',
      subtitle: '',
      description: '',
      category: 'dev',
      tags: [],
      level: 'beginner',
      cover: COVER,
      creator: { id: 'ada', name: 'Ada' },
      priceFen: 1900,
      lessonCount: lessonTitles.length,
    },
    lessons: lessonTitles.map((title, i) => ({
      _id: `${id}_l${i + 1}`,
      courseId: id,
      order: i + 1,
      title,
      kind: 'article' as const,
      durationSec: 60,
      free: i === 0,
      body: '正文',
    })),
    creator: { _id: 'ada', name: 'Ada' },
  };
}

/** Stages a new course as the import does, its cover already checked (`cover` the check's fields). */
async function staged(
  imported: ImportedCourse,
  at = T0,
  cover: Record<string, unknown> = { status: 'pass' },
): Promise<CourseRevisionDoc> {
  const plan = planStage(null, null, imported, { now: at, priceTestRunning: false });
  const db = sdk.database();
  const { _id, ...revision } = plan.revision;
  await db.collection(COLLECTIONS.courseRevisions).doc(_id).set({ data: revision });
  const { _id: courseId, ...doc } = plan.create as NonNullable<typeof plan.create>;
  await db.collection(COLLECTIONS.courses).doc(courseId).set({ data: doc });
  await db
    .collection(COLLECTIONS.mediaChecks)
    .doc(`trace-${_id}`)
    .set({
      data: { courseId: _id, fieldPath: 'cover', fileId: imported.course.cover, mediaType: 2, attempt: 1, ...cover },
    });
  return plan.revision;
}

async function read(collection: string, where: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  return (await sdk.database().collection(collection).where(where).get()).data;
}

test('two checks of one revision at once: one applies it, the other steps aside', async () => {
  // Both runs find it passed; the second finds it claimed.
  const revision = await staged(course('c-twice', ['一', '二', '三']));
  const outcomes = await Promise.all([checkRevision(deps, revision), checkRevision(deps, revision)]);
  expect(outcomes.map((o) => o.state).sort()).toEqual(['published', 'reviewing']);
  expect((await read(COLLECTIONS.lessons, { courseId: 'c-twice' })).map((l) => l.title).sort()).toEqual([
    '一',
    '三',
    '二',
  ]);
  expect((await read(COLLECTIONS.courses, { _id: 'c-twice' }))[0]).toMatchObject({ status: 'published', version: 1 });
  expect((await read(COLLECTIONS.courseRevisions, { _id: 'c-twice' }))[0]).toMatchObject({ state: 'applied' });
});

test('a check overtaken by a new import writes nothing over the new revision', async () => {
  // The old content would be rejected (the sandbox's risky word), the new one passes.
  const old = await staged(course('c-overtaken', ['赌博一']));
  // The creator imports again while the check of the old content runs.
  const newer = await staged(course('c-overtaken', ['一（修订）']), '2026-12-01T00:05:00.000Z');
  expect(await checkRevision(deps, old)).toMatchObject({ state: 'reviewing' });
  expect(await read(COLLECTIONS.lessons, { courseId: 'c-overtaken' })).toEqual([]);
  const stored = (await read(COLLECTIONS.courseRevisions, { _id: 'c-overtaken' }))[0];
  expect(stored).toMatchObject({ state: 'reviewing', updatedAt: newer.updatedAt });
  expect(stored?.lessons).toEqual(newer.lessons);
  expect(stored?.field).toBeUndefined();

  expect(await checkRevision(deps, newer)).toMatchObject({ state: 'published' });
  expect((await read(COLLECTIONS.lessons, { courseId: 'c-overtaken' })).map((l) => l.title)).toEqual(['一（修订）']);
});

test('a cover the platform never answered, after the last attempt, waits with what the creator can do', async () => {
  const revision = await staged(course('c-expired', ['一']), T0, { status: 'expired', attempt: 3 });
  expect(await checkRevision(deps, revision)).toEqual({
    courseId: 'c-expired',
    version: 1,
    state: 'reviewing',
    reason: '微信多次未返回 cover 的检查结果：请换一个文件（或修改文件内容）后重新导入，或联系运营者。',
  });
});

test("the timer resubmits an unanswered cover with the creator admin's openid, not the stale one it was sent with", async () => {
  const cover = await storageOf(cloud).put('covers/c-silent/abc-cover.png', Buffer.from('89504e47', 'hex'));
  const imported = course('c-silent', ['一']);
  imported.course.cover = cover;
  sandbox.setStaleOpenids(['oStale']);
  await staged(imported, T0, { status: 'pending', openid: 'oStale', submittedAt: Date.now() - 31 * 60_000 });
  const res = await fetch(`${cloud.url}/sandbox/timers/contentCheck`, { method: 'POST' });
  expect(((await res.json()) as { result: unknown }).result).toMatchObject({ resubmitted: 1 });
  const resubmitted = (await read(COLLECTIONS.mediaChecks, { courseId: 'c-silent', attempt: 2 }))[0];
  expect(resubmitted).toMatchObject({ openid: 'oAdmin', fileId: cover });
  await sandbox.media.idle();
  sandbox.setStaleOpenids([]);
});
