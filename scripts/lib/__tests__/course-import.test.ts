/**
 * `npm run course:import` against a local cloud, through @cloudbase/node-sdk: every problem at once, uploads,
 * idempotent re-import, version bump on change, dry run. The content checks pass here (the security sandbox, a
 * creator admin); what they refuse is course-publication.test.ts's.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LocalCloud } from '../../../local/cloud';
import { adminApp } from '../../../local/demo';
import { attachSecuritySandbox, type SecuritySandbox } from '../../../local/sandbox/security';
import { storageOf } from '../../../local/storage';
import { startTestCloud } from '../../../local/testing';
import type { CourseDoc, LessonDoc } from '../../../shared/catalog';
import type { NodeApp } from '../../../toolchain/catalog-store';
import { importCourses, type ImportReport } from '../course-import';
import { COLLECTIONS } from '../../../shared/collections';

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'courses');
const REPO = path.join(__dirname, '..', '..', '..');

let cloud: LocalCloud;
let app: NodeApp;
let work: string;
let sandbox: SecuritySandbox;
const actions: string[] = [];

beforeAll(async () => {
  cloud = await startTestCloud();
  sandbox = attachSecuritySandbox(cloud);
  sandbox.media.configure({ delayMs: 10 });
  app = adminApp(cloud);
  await app
    .database()
    .collection(COLLECTIONS.creatorAdmins)
    .add({ _id: 'oAdmin', creatorIds: ['example-creator'] });
  cloud.admin.observe(({ action }) => actions.push(action));
  work = await mkdtemp(path.join(os.tmpdir(), 'course-import-'));
});

afterAll(async () => {
  await cloud.close();
  await rm(work, { recursive: true, force: true });
});

/** Runs an import (and waits for the media checks' pushes); returns its report, what it printed and the server actions it made. */
async function run(target: string, options: { dryRun?: boolean; now?: string } = {}) {
  const before = actions.length;
  const lines: string[] = [];
  const report: ImportReport = await importCourses({
    target,
    app,
    dryRun: options.dryRun,
    now: () => options.now ?? '2024-06-01T00:00:00.000Z',
    log: (line) => lines.push(line),
  });
  await sandbox.media.idle();
  return { report, lines, made: actions.slice(before) };
}

const WRITES = ['database.insertDocument', 'database.modifyDocument', 'database.removeDocument'];
const UPLOAD = 'storage.getUploadMetadata';

async function stored(id: string): Promise<{ course: CourseDoc; lessons: LessonDoc[] }> {
  const db = app.database();
  const course = (await db.collection(COLLECTIONS.courses).where({ _id: id }).get()).data[0] as CourseDoc;
  const lessons = (await db.collection('lessons').where({ courseId: id }).get()).data as LessonDoc[];
  return { course, lessons: lessons.sort((a, b) => a.order - b.order) };
}

describe('course:import', () => {
  it('reports every problem of every file with its file and field path, and writes nothing', async () => {
    const dir = path.join(work, 'bad');
    await cp(EXAMPLE, dir, { recursive: true });
    const course = path.join(dir, 'git-basics', 'course.yaml');
    const text = await readFile(course, 'utf8');
    await writeFile(
      course,
      text
        .replace('priceFen: 1900', 'priceFen: 19.5')
        .replace('category: cs-basics', 'category: cooking')
        .replace('durationSec: 480', 'durationSec: 0')
        .replace('media: media/welcome.wav', 'media: media/missing.wav'),
    );
    await writeFile(path.join(dir, 'second.json'), JSON.stringify({ id: 'Bad Id', title: '' }));
    await writeFile(path.join(dir, 'third.yaml'), 'id: [unclosed\n');
    await writeFile(path.join(dir, 'categories.yaml'), '- { id: cs-basics, name: 计算机基础, order: -1 }\n');

    const { report, made } = await run(dir);
    expect(report.ok).toBe(false);
    const messages = report.problems.map((p) => `${path.basename(p.file)} ${p.path} | ${p.message}`);
    const expectProblem = (file: string, field: string, text: RegExp) =>
      expect(messages.some((m) => m.startsWith(`${file} ${field} |`) && text.test(m))).toBe(true);
    expectProblem('course.yaml', 'priceFen', /priceFen must be an integer/);
    expectProblem('course.yaml', 'lessons[1].durationSec', /lessons\[1\]\.durationSec must be >= 1/);
    expectProblem('second.json', 'id', /id must be a slug/);
    expectProblem('second.json', 'title', /title must have at least 1 characters/);
    expectProblem('second.json', 'lessons', /lessons is required/);
    expectProblem('third.yaml', '', /invalid YAML: line \d+, column \d+/);
    expectProblem('categories.yaml', '[0].order', /must be >= 0/);
    expectProblem('course.yaml', 'category', /"cooking" is not a known category/);
    for (const problem of report.problems) expect(problem.message).toContain(path.basename(problem.file));
    expect(made.filter((a) => WRITES.includes(a) || a === UPLOAD)).toEqual([]);

    // Files are checked once their schema passes: with the rest fixed, the missing media is reported.
    await writeFile(
      course,
      text.replace('category: cs-basics', 'category: cooking').replace('welcome.wav', 'gone.wav'),
    );
    await rm(path.join(dir, 'second.json'));
    await rm(path.join(dir, 'third.yaml'));
    await rm(path.join(dir, 'categories.yaml'));
    const second = await run(dir);
    expect(second.report.problems.map((p) => p.path).sort()).toEqual(['category']);
    await writeFile(course, text.replace('welcome.wav', 'gone.wav'));
    await writeFile(path.join(dir, 'categories.yaml'), '- { id: cs-basics, name: 计算机基础, order: 6 }\n');
    const third = await run(dir);
    expect(third.report.problems).toEqual([
      expect.objectContaining({ path: 'lessons[0].media', message: expect.stringContaining('no such file') }),
    ]);
    expect([...second.made, ...third.made].filter((a) => WRITES.includes(a) || a === UPLOAD)).toEqual([]);
  });

  it('imports the example: category, creator, course, lessons; media uploaded to private storage', async () => {
    const { report, lines } = await run(EXAMPLE);
    expect(report.ok).toBe(true);
    expect(report.courses).toEqual([
      { id: 'git-basics', outcome: 'created', version: 1, lessonsWritten: 5, lessonsRemoved: 0 },
    ]);
    expect(report.uploaded).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        '课程 git-basics：已创建，版本 1 待内容检查（写入 5 节课）',
        '课程 git-basics：审核中（图片和音频检查中，结果通常在 30 分钟内返回。）',
      ]),
    );

    const { course, lessons } = await stored('git-basics');
    expect(course).toMatchObject({ status: 'published', priceFen: 1900, version: 1, lessonCount: 5 });
    // Applied by contentCheck once the pushes came, on its own clock.
    expect(Date.parse(course.updatedAt)).not.toBeNaN();
    expect(lessons.map((l) => l._id)).toEqual([
      'git-basics_welcome',
      'git-basics_first-commit',
      'git-basics_history',
      'git-basics_branches',
      'git-basics_remote',
    ]);
    expect(lessons[1]?.body).toContain('git init hello-git');

    const storage = storageOf(cloud);
    const media = lessons[0]?.media as string;
    expect(media).toMatch(/\/media\/git-basics\/[0-9a-f]{16}-welcome\.wav$/);
    expect(await storage.get(media)).toEqual(await readFile(path.join(EXAMPLE, 'git-basics', 'media', 'welcome.wav')));
    expect(await storage.exists(course.cover)).toBe(true);
    // Private: the bytes come only with a signed temp URL.
    const cloudPath = media.slice(media.indexOf('/media/') + 1);
    const unsigned = await fetch(`${cloud.url}/tcb/${storage.bucket}/${cloudPath}`);
    expect(unsigned.status).toBe(403);
    const db = app.database();
    const creator = (await db.collection('creators').where({ _id: 'example-creator' }).get()).data[0];
    expect(creator).toEqual({ _id: 'example-creator', name: '示例讲师', title: '软件工程师' });
  });

  it('changes nothing when the same content is imported again', async () => {
    const before = await stored('git-basics');
    const { report, lines, made } = await run(EXAMPLE, { now: '2024-07-01T00:00:00.000Z' });
    expect(report.courses).toEqual([
      { id: 'git-basics', outcome: 'unchanged', version: 1, lessonsWritten: 0, lessonsRemoved: 0 },
    ]);
    expect(report.uploaded).toEqual([]);
    expect(report.reused).toHaveLength(2);
    expect(lines).toEqual([
      '课程 git-basics：无变化（版本 1）',
      '课程 git-basics：已发布',
      expect.stringContaining('文件：'),
    ]);
    expect(made.filter((a) => WRITES.includes(a) || a === UPLOAD)).toEqual([]);
    expect(await stored('git-basics')).toEqual(before);
  });

  it('bumps the version and updatedAt on a change, rewriting only what changed; a dry run writes nothing', async () => {
    const dir = path.join(work, 'changed');
    await cp(EXAMPLE, dir, { recursive: true });
    const course = path.join(dir, 'git-basics', 'course.yaml');
    await writeFile(
      course,
      (await readFile(course, 'utf8'))
        .replace('title: 查看历史与撤销修改', 'title: 查看历史与撤销')
        .replace(/ {2}- id: remote[\s\S]*$/, ''),
    );
    const cover = path.join(dir, 'git-basics', 'cover.png');
    await writeFile(cover, Buffer.concat([await readFile(cover), Buffer.from([0])]));
    const before = await stored('git-basics');

    const dry = await run(dir, { dryRun: true, now: '2024-08-01T00:00:00.000Z' });
    expect(dry.report.courses).toEqual([
      { id: 'git-basics', outcome: 'updated', version: 2, lessonsWritten: 1, lessonsRemoved: 1 },
    ]);
    expect(dry.report.uploaded).toEqual([expect.stringMatching(/^covers\/git-basics\/[0-9a-f]{16}-cover\.png$/)]);
    expect(dry.lines.join('\n')).toContain('将提交版本 2 待内容检查');
    expect(dry.made.filter((a) => WRITES.includes(a) || a === UPLOAD)).toEqual([]);
    expect(await stored('git-basics')).toEqual(before);

    const real = await run(dir, { now: '2024-08-01T00:00:00.000Z' });
    expect(real.report.courses).toEqual(dry.report.courses);
    const after = await stored('git-basics');
    expect(after.course).toMatchObject({ version: 2, lessonCount: 4 });
    expect(after.course.updatedAt > before.course.updatedAt).toBe(true);
    expect(after.course.createdAt).toBe(before.course.createdAt);
    expect(after.course.cover).not.toBe(before.course.cover);
    // Only the changed lesson was rewritten.
    const unchanged = (id: string) => before.lessons.find((l) => l._id === id)?.updatedAt;
    expect(after.lessons.map((l) => [l._id, l.title, l.updatedAt === unchanged(l._id)])).toEqual([
      ['git-basics_welcome', '课程介绍：为什么要用 Git', true],
      ['git-basics_first-commit', '第一次提交', true],
      ['git-basics_history', '查看历史与撤销', false],
      ['git-basics_branches', '分支与合并', true],
    ]);

    const again = await run(dir, { now: '2024-09-01T00:00:00.000Z' });
    expect(again.report.courses[0]).toMatchObject({ outcome: 'unchanged', version: 2 });
  });

  it("uploads an article's local images to private storage and writes their fileIDs in its body", async () => {
    const dir = path.join(work, 'with-images');
    await cp(EXAMPLE, dir, { recursive: true });
    const course = path.join(dir, 'git-basics');
    const yaml = await readFile(path.join(course, 'course.yaml'), 'utf8');
    await writeFile(path.join(course, 'course.yaml'), yaml.replace(/^id: git-basics$/m, 'id: git-images'));
    const png = await readFile(path.join(course, 'cover.png'));
    await cp(path.join(course, 'cover.png'), path.join(course, 'lessons', 'graph.png'));
    const bodyFile = path.join(course, 'lessons', 'first-commit.md');
    const body = await readFile(bodyFile, 'utf8');
    await writeFile(bodyFile, `${body}\n![提交图](graph.png "图一")\n`);

    const first = await run(dir);
    expect(first.report.problems).toEqual([]);
    const image = first.report.uploaded.find((p) => p.endsWith('-graph.png'));
    expect(image).toMatch(/^media\/git-images\/[0-9a-f]{16}-graph\.png$/);
    const { lessons } = await stored('git-images');
    const fileId = /!\[提交图\]\((cloud:\/\/[^)]+)\)/.exec(lessons[1]?.body ?? '')?.[1] ?? '';
    expect(fileId.endsWith(`/${image}`)).toBe(true);
    expect(await storageOf(cloud).get(fileId)).toEqual(png);
    // It went through the image check like a cover.
    expect(sandbox.media.submissions.some((s) => s.mediaUrl.includes('-graph.png'))).toBe(true);

    const again = await run(dir);
    expect(again.report.uploaded).toEqual([]);
    expect(again.report.reused).toContain(image);
  });

  it.each([
    ['missing.png', 'lessons[1].body.images[0] cannot be read: no such file (lessons/missing.png)'],
    ['../../outside.png', 'lessons[1].body.images[0] must stay inside the course folder (../../outside.png)'],
    ['notes.pdf', 'lessons[1].body.images[0] must be a .png, .jpg, .jpeg, .webp, .gif file (notes.pdf)'],
    ['https://example.com/a.png', 'lessons[1].body.images[0] must be a file in the course folder (or a cloud fileID)'],
  ])('an article image %s is a problem of its field, and nothing is written', async (ref, message) => {
    const dir = path.join(work, `bad-image-${ref.replace(/\W/g, '')}`);
    await cp(EXAMPLE, dir, { recursive: true });
    const course = path.join(dir, 'git-basics');
    const yaml = await readFile(path.join(course, 'course.yaml'), 'utf8');
    await writeFile(path.join(course, 'course.yaml'), yaml.replace(/^id: git-basics$/m, 'id: git-bad-image'));
    const bodyFile = path.join(course, 'lessons', 'first-commit.md');
    await writeFile(bodyFile, `${await readFile(bodyFile, 'utf8')}\n![图](${ref})\n`);
    const { report, made } = await run(dir);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.path, p.message])).toEqual([
      ['lessons[1].body.images[0]', expect.stringContaining(message)],
    ]);
    expect(made.filter((a) => WRITES.includes(a) || a === UPLOAD)).toEqual([]);
  });

  it('exits non-zero from the command line and prints every problem', async () => {
    const file = path.join(work, 'cli-bad.yaml');
    await writeFile(file, 'id: x\ntitle: t\nprice: 99\n');
    const result = await promisify(execFile)(
      process.execPath,
      [path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/course-import.ts', file],
      { cwd: REPO, env: { ...process.env, PORT: String(cloud.port) } },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('price is not allowed: use priceFen');
    expect(result.stderr).toContain('subtitle is required');
    expect(result.stderr).toContain('lessons is required');
  }, 30_000);
});
