/**
 * A course file's way to learners through the content checks, end to end: `course:import` through @cloudbase/node-sdk
 * stages the content, asks `contentCheck` (the real wx-server-sdk in the local cloud's function host) to check it,
 * the security sandbox answers msgSecCheck at once and mediaCheckAsync by a later push, and learners see the result
 * through the `catalog` function.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LocalCloud } from '../../../local/cloud';
import { adminApp } from '../../../local/demo';
import { attachSecuritySandbox, SECURITY_LABELS, type SecuritySandbox } from '../../../local/sandbox/security';
import { storageOf } from '../../../local/storage';
import { startTestCloud } from '../../../local/testing';
import type { CourseDoc, CourseRevisionDoc, LessonDoc } from '../../../shared/catalog';
import { COLLECTIONS } from '../../../shared/collections';
import type { CourseDetail } from '../../../shared/contract';
import { callAs, refusalOf } from '../../../testing/client-call';
import type { NodeApp } from '../../../toolchain/catalog-store';
import { importCourses } from '../course-import';

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'courses');
const ADMIN = 'oCreatorAdmin';
const BLOCKED = '博彩';

let cloud: LocalCloud;
let sandbox: SecuritySandbox;
let app: NodeApp;
let work: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  sandbox = attachSecuritySandbox(cloud);
  sandbox.media.setRules([{ name: 'risky-cover', suggest: 'risky', label: SECURITY_LABELS.porn }]);
  sandbox.media.configure({ delayMs: 30, failure: 'none' });
  app = adminApp(cloud);
  const db = app.database();
  await db
    .collection('settings')
    .doc('app')
    .set({ content: { blockedTerms: [BLOCKED] } });
  await db.collection(COLLECTIONS.creatorAdmins).add({ _id: ADMIN, creatorIds: ['example-creator'] });
  work = await mkdtemp(path.join(os.tmpdir(), 'course-publication-'));
}, 60_000);

afterAll(async () => {
  await cloud.close();
  await rm(work, { recursive: true, force: true });
});

/** A copy of the example course, its course file edited. */
async function copy(name: string, edit: (yaml: string) => string = (yaml) => yaml): Promise<string> {
  const dir = path.join(work, name);
  await cp(EXAMPLE, dir, { recursive: true });
  const file = path.join(dir, 'git-basics', 'course.yaml');
  await writeFile(file, edit(await readFile(file, 'utf8')));
  return dir;
}

async function run(dir: string): Promise<string[]> {
  const lines: string[] = [];
  const report = await importCourses({ target: dir, app, log: (line) => lines.push(line) });
  expect(report.problems).toEqual([]);
  return lines;
}

async function stored(id: string): Promise<{ course: CourseDoc & { moderation?: unknown }; lessons: LessonDoc[] }> {
  const db = app.database();
  const course = (await db.collection(COLLECTIONS.courses).where({ _id: id }).get()).data[0] as CourseDoc;
  const lessons = (await db.collection(COLLECTIONS.lessons).where({ courseId: id }).get()).data as LessonDoc[];
  return { course, lessons: lessons.sort((a, b) => a.order - b.order) };
}

async function revision(id: string): Promise<CourseRevisionDoc> {
  return (await app.database().collection(COLLECTIONS.courseRevisions).where({ _id: id }).get())
    .data[0] as CourseRevisionDoc;
}

/** What a learner's catalog.detail answers. */
async function detail(courseId: string) {
  return callAs<{ course: CourseDetail }>(cloud.url, 'catalog', 'oLearner', { action: 'detail', courseId });
}

/**
 * The bytes of the cover a learner's catalog.detail shows, downloaded through the temp URL it carries (storage is
 * admin-only: a cover reaches clients only as a temp URL of the published course's cover).
 */
async function shownCover(courseId: string): Promise<{ cover: string; bytes: Buffer }> {
  const reply = await detail(courseId);
  if (!reply.ok) throw new Error(`detail refused: ${reply.error.code}`);
  const { cover } = reply.data.course;
  expect(cover).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tcb\/.+\?sign=/);
  const res = await fetch(cover);
  expect(res.status).toBe(200);
  // Without its signature the same path opens nothing.
  expect((await fetch(cover.split('?')[0] ?? '')).status).toBe(403);
  return { cover, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function bytesOf(fileId: string): Promise<Buffer | undefined> {
  return storageOf(cloud).get(fileId);
}

/** Every media push delivered, each one re-checking its course's revision in contentCheck. */
async function pushes(): Promise<void> {
  await sandbox.media.idle();
}

describe('course:import through the content checks', () => {
  it('a blocked word in a lesson title leaves a new course unpublished with the reason; fixed, it is published', async () => {
    const blocked = await copy('blocked', (yaml) => yaml.replace('title: 第一次提交', `title: 第一次${BLOCKED}提交`));
    const first = await run(blocked);
    expect(first).toContain(`课程 git-basics：未通过：lessons[1].title 含有平台禁用词“${BLOCKED}”，请修改后重新导入`);
    const rejected = await stored('git-basics');
    expect(rejected.course).toMatchObject({
      status: 'rejected',
      moderation: { version: 1, state: 'rejected', field: 'lessons[1].title' },
    });
    expect(rejected.lessons).toEqual([]);
    expect(refusalOf(await detail('git-basics')).code).toBe('NOT_FOUND');
    // Text failed first: no file was submitted.
    expect(sandbox.media.submissions).toHaveLength(0);

    const fixed = await copy('fixed');
    const second = await run(fixed);
    expect(second).toContain('课程 git-basics：审核中（图片和音频检查中，结果通常在 30 分钟内返回。）');
    expect((await stored('git-basics')).course.status).toBe('reviewing');
    expect(refusalOf(await detail('git-basics')).code).toBe('NOT_FOUND');
    await pushes();
    const live = await stored('git-basics');
    expect(live.course).toMatchObject({ status: 'published', version: 1, lessonCount: 5 });
    expect(live.course.moderation).toBeUndefined();
    expect(live.course.publishedAt).toEqual(expect.any(String));
    expect(live.lessons.map((l) => l.title)[1]).toBe('第一次提交');
    expect(await revision('git-basics')).toMatchObject({ state: 'applied', version: 1 });
    const reply = await detail('git-basics');
    expect(reply.ok && reply.data.course.title).toBe('Git 版本控制入门');

    expect(await run(fixed)).toEqual(
      expect.arrayContaining(['课程 git-basics：无变化（版本 1）', '课程 git-basics：已发布']),
    );
  });

  it('a change to a published course is staged: learners keep the old version until it passes', async () => {
    // Time enough for learners' view before the verdict comes, on a loaded machine too.
    sandbox.media.configure({ delayMs: 1000, failure: 'none' });
    const before = await stored('git-basics');
    const changed = await copy('changed', (yaml) => yaml.replace('title: 查看历史与撤销修改', 'title: 查看历史与撤销'));
    const cover = path.join(changed, 'git-basics', 'cover.png');
    await writeFile(cover, Buffer.concat([await readFile(cover), Buffer.from([1])]));
    const lines = await run(changed);
    expect(lines).toContain('课程 git-basics：审核中（图片和音频检查中，结果通常在 30 分钟内返回。）');
    const staged = await stored('git-basics');
    expect(staged.course).toMatchObject({ status: 'published', version: 1, cover: before.course.cover });
    // The staged change's state is the creator's: in the revision, not on the document every client may read.
    expect(staged.course.moderation).toBeUndefined();
    expect(await revision('git-basics')).toMatchObject({ version: 2, state: 'reviewing' });
    expect(staged.lessons).toEqual(before.lessons);
    // Learners are shown the approved cover; the new one is named in the revision only, which no client reads.
    const newCover = (await revision('git-basics')).course.cover;
    expect(newCover).not.toBe(before.course.cover);
    const shown = await shownCover('git-basics');
    expect(shown.cover).not.toContain(newCover.split('/').pop());
    expect(shown.bytes).toEqual(await bytesOf(before.course.cover));

    await pushes();
    const after = await stored('git-basics');
    expect(after.course).toMatchObject({ status: 'published', version: 2, publishedAt: before.course.publishedAt });
    expect(after.course.cover).toBe(newCover);
    expect(after.course.moderation).toBeUndefined();
    expect(after.lessons[2]?.title).toBe('查看历史与撤销');
    expect((await shownCover('git-basics')).bytes).toEqual(await bytesOf(newCover));
    sandbox.media.configure({ delayMs: 30, failure: 'none' });
  });

  it('a risky new cover of a published course is rejected; learners keep the course as it was', async () => {
    const before = await stored('git-basics');
    const dir = await copy('risky-change', (yaml) => yaml.replace('cover: cover.png', 'cover: risky-cover.png'));
    await cp(path.join(dir, 'git-basics', 'cover.png'), path.join(dir, 'git-basics', 'risky-cover.png'));
    await run(dir);
    await pushes();
    const after = await stored('git-basics');
    expect(after.course).toMatchObject({
      status: 'published',
      version: before.course.version,
      cover: before.course.cover,
    });
    expect(after.course.moderation).toBeUndefined();
    expect(await revision('git-basics')).toMatchObject({
      version: before.course.version + 1,
      state: 'rejected',
      field: 'cover',
    });
    expect((await shownCover('git-basics')).bytes).toEqual(await bytesOf(before.course.cover));
    // The file set right again: identical to what is live, so the revision applies without a change for learners.
    await run(path.join(work, 'changed'));
    const undone = await stored('git-basics');
    expect(undone.course).toMatchObject({ version: before.course.version, cover: before.course.cover });
    expect(undone.course.moderation).toBeUndefined();
  });

  it('a cover the sandbox marks risky leaves a new course unpublished; a new cover publishes it', async () => {
    const asNew = (yaml: string) =>
      yaml.replace(/^id: git-basics$/m, 'id: git-cover').replace('cover: cover.png', 'cover: risky-cover.png');
    const risky = await copy('risky', asNew);
    await cp(path.join(risky, 'git-basics', 'cover.png'), path.join(risky, 'git-basics', 'risky-cover.png'));
    expect(await run(risky)).toContain('课程 git-cover：审核中（图片和音频检查中，结果通常在 30 分钟内返回。）');
    await pushes();
    expect((await stored('git-cover')).course).toMatchObject({
      status: 'rejected',
      moderation: { state: 'rejected', field: 'cover' },
    });
    expect(await revision('git-cover')).toMatchObject({ state: 'rejected', field: 'cover' });
    expect(refusalOf(await detail('git-cover')).code).toBe('NOT_FOUND');

    const fixed = await copy('risky-fixed', (yaml) => yaml.replace(/^id: git-basics$/m, 'id: git-cover'));
    await run(fixed);
    await pushes();
    expect((await stored('git-cover')).course).toMatchObject({ status: 'published', version: 1 });
    expect((await detail('git-cover')).ok).toBe(true);
  });

  it("waits with the reason when the creator admin's openid is stale, and checks again when asked", async () => {
    sandbox.setStaleOpenids([ADMIN]);
    const dir = await copy('stale', (yaml) => yaml.replace(/^id: git-basics$/m, 'id: git-stale'));
    const lines = await run(dir);
    expect(lines).toContain(
      '课程 git-stale：审核中（内容检查需要创作者管理员近两小时内打开过小程序：请管理员打开小程序后重新提交，课程在此之前不会发布。）',
    );
    expect((await stored('git-stale')).course.status).toBe('reviewing');
    sandbox.setStaleOpenids([]);
    const { result } = await app.callFunction({
      name: 'contentCheck',
      data: { action: 'checkRevisions', courseIds: ['git-stale'] },
    });
    expect(result).toEqual({ revisions: [expect.objectContaining({ courseId: 'git-stale', state: 'reviewing' })] });
    await pushes();
    expect((await stored('git-stale')).course.status).toBe('published');
  });

  it("video lessons wait for the operator's approval, a verdict the platform is unsure of for their decision", async () => {
    const asVideo = (yaml: string) =>
      yaml
        .replace(/^id: git-basics$/m, 'id: git-video')
        .replace('subtitle: 从第一次提交到团队协作的分支流程', 'subtitle: 从第一次提交到团队协作，加微信答疑')
        .replace('kind: audio', 'kind: video')
        .replace('media: media/welcome.wav', 'media: media/welcome.mp4');
    const dir = await copy('video', asVideo);
    await cp(
      path.join(dir, 'git-basics', 'media', 'welcome.wav'),
      path.join(dir, 'git-basics', 'media', 'welcome.mp4'),
    );
    const ask = async () => {
      const { result } = await app.callFunction({
        name: 'contentCheck',
        data: { action: 'checkRevisions', courseIds: ['git-video'] },
      });
      return (result as { revisions: { state: string; reason?: string }[] }).revisions[0];
    };
    const decide = (data: Record<string, unknown>) =>
      app.database().collection(COLLECTIONS.courseRevisions).doc('git-video').update(data);

    expect(await run(dir)).toContain(
      '课程 git-video：审核中（平台无法确定 subtitle 是否合规，等待运营者决定：在云开发控制台把 courseRevisions/git-video 的 operatorDecision 设为 approve 或 reject。）',
    );
    await decide({ operatorDecision: 'approve' });
    expect(await ask()).toMatchObject({ state: 'reviewing', reason: expect.stringContaining('图片和音频检查中') });
    await pushes();
    expect(await ask()).toMatchObject({
      state: 'reviewing',
      reason:
        '视频课时需运营者人工审核：确认无误后在云开发控制台把 courseRevisions/git-video 的 videoApproved 设为 true。',
    });
    expect((await stored('git-video')).course.status).toBe('reviewing');
    await decide({ videoApproved: true });
    expect(await ask()).toMatchObject({ state: 'published' });
    expect((await stored('git-video')).lessons[0]).toMatchObject({ kind: 'video' });
  });

  it('the price another source set is kept; a new price in the file applies, except while a price test runs', async () => {
    const db = app.database();
    await db.collection(COLLECTIONS.courses).doc('git-basics').update({ priceFen: 2900 });
    const retitled = await copy('retitled', (yaml) => yaml.replace('title: 分支与合并', 'title: 分支'));
    await run(retitled);
    expect((await stored('git-basics')).course).toMatchObject({ version: 3, priceFen: 2900 });

    await db.collection(COLLECTIONS.priceTests).add({ _id: 'pt-git', courseId: 'git-basics', status: 'running' });
    const repriced = await copy('repriced', (yaml) =>
      yaml.replace('title: 分支与合并', 'title: 分支').replace('priceFen: 1900', 'priceFen: 3900'),
    );
    expect(await run(repriced)).toContain(
      '课程 git-basics：已提交版本 4 待内容检查，通过前学员看到的仍是当前版本（写入 0 节课）；价格测试进行中，文件中的新价格未采用，价格保持不变',
    );
    // The price was all the file changed: nothing changes for learners, the version stays.
    const kept = await stored('git-basics');
    expect(kept.course).toMatchObject({ version: 3, priceFen: 2900 });
    expect(kept.course.moderation).toBeUndefined();

    await db.collection(COLLECTIONS.priceTests).doc('pt-git').update({ status: 'settled' });
    const again = await copy('repriced-again', (yaml) =>
      yaml.replace('title: 分支与合并', 'title: 分支').replace('priceFen: 1900', 'priceFen: 4900'),
    );
    await run(again);
    expect((await stored('git-basics')).course).toMatchObject({ version: 4, priceFen: 4900 });
  });

  it('taking a published course off sale is done at once, with no check to wait for', async () => {
    // No admin active: nothing can pass a check, yet the course leaves the catalog now.
    sandbox.setStaleOpenids([ADMIN]);
    const archived = await copy('archived', (yaml) => yaml.replace(/^status: published$/m, 'status: archived'));
    const lines = await run(archived);
    expect(
      lines.some(
        (line) =>
          line.startsWith('课程 git-basics：已提交版本') && line.endsWith('；已下架：不再出售，已购学员照常学习'),
      ),
    ).toBe(true);
    expect((await stored('git-basics')).course.status).toBe('archived');
    expect(refusalOf(await detail('git-basics')).code).toBe('NOT_FOUND');
    // Back on sale: that goes through the checks again.
    const published = await copy('republished');
    expect(await run(published)).toContain(
      '课程 git-basics：审核中（内容检查需要创作者管理员近两小时内打开过小程序：请管理员打开小程序后重新提交，课程在此之前不会发布。）',
    );
    expect((await stored('git-basics')).course.status).toBe('archived');
    sandbox.setStaleOpenids([]);
    await app.callFunction({ name: 'contentCheck', data: { action: 'checkRevisions', courseIds: ['git-basics'] } });
    await pushes();
    expect((await stored('git-basics')).course.status).toBe('published');
  });

  it('the mini-program may not ask for a check', async () => {
    const reply = await callAs(cloud.url, 'contentCheck', 'oLearner', {
      action: 'checkRevisions',
      courseIds: ['git-basics'],
    });
    expect(refusalOf(reply).code).toBe('FORBIDDEN');
  });
});
