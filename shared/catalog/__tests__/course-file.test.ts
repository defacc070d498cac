import {
  assetCloudPath,
  assetRequests,
  parseCourseFile,
  planCourseUpsert,
  readCourse,
  toImportedCourse,
  validateCourseFile,
  type CourseFile,
  type ResolvedAssets,
} from '..';

const YAML = `
id: python-basics
status: published
title: Python 零基础入门
subtitle: 从安装到写出第一个自动化脚本
description: |
  面向零基础的 Python 课程。
category: python
tags: [Python, 入门]
level: beginner
priceFen: 9900
cover: cover.png
creator: { id: lin, name: 林老师, title: 后端工程师 }
lessons:
  - id: install
    title: 安装 Python 与编辑器
    kind: video
    durationSec: 420
    free: true
    media: media/install.mp4
  - id: variables
    title: 变量与类型
    kind: article
    durationSec: 600
    bodyFile: lessons/variables.md
  - id: podcast
    title: 程序员的学习方法
    kind: audio
    durationSec: 900
    media: cloud://env.bucket/media/shared/podcast.mp3
`;

function parsed(): CourseFile {
  const result = parseCourseFile('python-basics.yaml', YAML);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.course;
}

const assets: ResolvedAssets = {
  fileIds: new Map([
    ['cover.png', 'cloud://env.bucket/covers/python-basics/aaaa-cover.png'],
    ['media/install.mp4', 'cloud://env.bucket/media/python-basics/bbbb-install.mp4'],
  ]),
  texts: new Map([['lessons/variables.md', '## 变量\n\n变量是值的名字。']]),
};

describe('parseCourseFile', () => {
  it('reads a valid YAML file', () => {
    const course = parsed();
    expect(course.id).toBe('python-basics');
    expect(course.lessons.map((l) => l.id)).toEqual(['install', 'variables', 'podcast']);
  });

  it('reads the same course from JSON', () => {
    const json = parseCourseFile('python-basics.json', JSON.stringify(parsed()));
    expect(json).toEqual({ ok: true, course: parsed() });
  });

  it('reports every problem at once with the file and the field path', () => {
    const bad = {
      ...parsed(),
      price: 99,
      priceFen: 99.5,
      level: 'expert',
      cover: '../secret.png',
      lessons: [
        { id: 'install', title: '安装', kind: 'video', durationSec: 60 },
        { id: 'install', title: '变量', kind: 'article', durationSec: 60, media: 'a.mp4' },
        { id: 'Bad Id', title: '', kind: 'audio', durationSec: 0, media: 'x.mp4' },
      ],
    };
    const result = validateCourseFile('python-basics.yaml', bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.message)).toEqual([
      'python-basics.yaml: price is not allowed: use priceFen, an integer number of fen (¥99 = 9900)',
      'python-basics.yaml: level must be one of beginner, intermediate, advanced',
      'python-basics.yaml: priceFen must be an integer between 0 and 10000000',
      'python-basics.yaml: lessons[2].id must be a slug of at most 23 lowercase letters, digits and dashes',
      'python-basics.yaml: lessons[2].title must have at least 1 characters',
      'python-basics.yaml: lessons[2].durationSec must be >= 1',
    ]);
    expect(result.problems.every((p) => p.file === 'python-basics.yaml')).toBe(true);
  });

  it('reports the checks a schema cannot make, all at once', () => {
    const bad = {
      ...parsed(),
      cover: '../secret.png',
      lessons: [
        { id: 'install', title: '安装', kind: 'video', durationSec: 60 },
        { id: 'install', title: '变量', kind: 'article', durationSec: 60, media: 'a.mp4' },
        { id: 'talk', title: '访谈', kind: 'audio', durationSec: 60, media: 'x.mp4', body: '…' },
        { id: 'notes', title: '笔记', kind: 'article', durationSec: 60, bodyFile: '/etc/passwd' },
      ],
    };
    const result = validateCourseFile('c.yaml', bad, { categories: new Set(['web']) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.message)).toEqual([
      'c.yaml: category "python" is not a known category (web)',
      'c.yaml: cover must stay inside the course folder',
      'c.yaml: lessons[0].media is required for a video lesson',
      'c.yaml: lessons[1].id "install" is already used by lessons[0]',
      'c.yaml: lessons[1].media is not allowed on an article (use body or bodyFile)',
      'c.yaml: lessons[1] must have exactly one of body and bodyFile',
      'c.yaml: lessons[2] must not have body or bodyFile (a audio lesson plays media)',
      'c.yaml: lessons[2].media must be a .mp3, .m4a, .aac, .wav file',
      'c.yaml: lessons[3].bodyFile must be relative to the course file',
    ]);
  });

  it('reports syntax errors with their place', () => {
    expect(parseCourseFile('a.yaml', 'id: [unclosed\ntitle: x')).toMatchObject({
      ok: false,
      problems: [{ file: 'a.yaml', message: expect.stringMatching(/^a\.yaml: invalid YAML: line \d+, column \d+: /) }],
    });
    expect(parseCourseFile('a.json', '{"id": ')).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringMatching(/^a\.json: invalid JSON: /) }],
    });
    expect(parseCourseFile('a.txt', '')).toMatchObject({
      problems: [{ message: 'a.txt: a course file must end in .yaml, .yml or .json' }],
    });
  });
});

describe('assets', () => {
  it('lists the local files to upload or read, not cloud fileIDs', () => {
    expect(assetRequests(parsed())).toEqual([
      { role: 'cover', field: 'cover', ref: 'cover.png' },
      { role: 'media', field: 'lessons[0].media', ref: 'media/install.mp4' },
      { role: 'body', field: 'lessons[1].bodyFile', ref: 'lessons/variables.md' },
    ]);
  });

  it('names uploads by content so the same bytes keep their fileID', () => {
    expect(assetCloudPath('python-basics', 'media', 'media/install.mp4', 'ab'.repeat(32))).toBe(
      'media/python-basics/abababababababab-install.mp4',
    );
    expect(assetCloudPath('python-basics', 'cover', 'cover.png', '0'.repeat(64))).toBe(
      'covers/python-basics/0000000000000000-cover.png',
    );
  });
});

describe('import plan', () => {
  const imported = () => toImportedCourse(parsed(), assets);

  it('builds documents with fileIDs, bodies and order', () => {
    const { course, lessons, creator } = imported();
    expect(course).toMatchObject({ _id: 'python-basics', lessonCount: 3, cover: assets.fileIds.get('cover.png') });
    expect(lessons.map((l) => [l._id, l.order, l.free])).toEqual([
      ['python-basics_install', 1, true],
      ['python-basics_variables', 2, false],
      ['python-basics_podcast', 3, false],
    ]);
    expect(lessons[1]?.body).toBe('## 变量\n\n变量是值的名字。');
    expect(lessons[2]?.media).toBe('cloud://env.bucket/media/shared/podcast.mp3');
    expect(creator).toEqual({ _id: 'lin', name: '林老师', title: '后端工程师' });
  });

  it('creates a new course at version 1, published now, as a valid course document', () => {
    const plan = planCourseUpsert(null, imported(), '2024-03-01T00:00:00.000Z');
    expect(plan).toMatchObject({ changed: true, deleteLessonIds: [] });
    expect(plan.course).toMatchObject({
      version: 1,
      learnerCount: 0,
      createdAt: '2024-03-01T00:00:00.000Z',
      updatedAt: '2024-03-01T00:00:00.000Z',
      publishedAt: '2024-03-01T00:00:00.000Z',
    });
    expect(plan.upsertLessons).toHaveLength(3);
    expect(readCourse(plan.course).ok).toBe(true);
  });

  it('changes nothing when the same content is imported again', () => {
    const first = planCourseUpsert(null, imported(), '2024-03-01T00:00:00.000Z');
    const stored = { course: { ...first.course, learnerCount: 7 }, lessons: first.upsertLessons };
    const again = planCourseUpsert(stored, imported(), '2024-04-01T00:00:00.000Z');
    expect(again).toEqual({
      changed: false,
      course: stored.course,
      upsertLessons: [],
      deleteLessonIds: [],
      creator: first.creator,
    });
  });

  it('bumps version and updatedAt on a change, keeping learners, rating and dates', () => {
    const first = planCourseUpsert(null, imported(), '2024-03-01T00:00:00.000Z');
    const stored = {
      course: { ...first.course, learnerCount: 7, rating: { avg: 5, count: 1, histogram: [0, 0, 0, 0, 1] } },
      lessons: first.upsertLessons,
    };
    const edited = imported();
    edited.course.priceFen = 12900;
    edited.lessons = edited.lessons.filter((l) => l._id !== 'python-basics_podcast');
    edited.course.lessonCount = 2;
    const lesson0 = edited.lessons[0];
    if (lesson0) lesson0.title = '安装 Python 3.12';
    const plan = planCourseUpsert(stored, edited, '2024-04-01T00:00:00.000Z');
    expect(plan.changed).toBe(true);
    expect(plan.course).toMatchObject({
      priceFen: 12900,
      version: 2,
      learnerCount: 7,
      rating: { avg: 5, count: 1 },
      createdAt: '2024-03-01T00:00:00.000Z',
      publishedAt: '2024-03-01T00:00:00.000Z',
      updatedAt: '2024-04-01T00:00:00.000Z',
    });
    expect(plan.upsertLessons.map((l) => [l._id, l.updatedAt])).toEqual([
      ['python-basics_install', '2024-04-01T00:00:00.000Z'],
    ]);
    expect(plan.deleteLessonIds).toEqual(['python-basics_podcast']);
  });

  it('leaves a draft unpublished', () => {
    const draft = imported();
    draft.course.status = 'draft';
    expect(planCourseUpsert(null, draft, '2024-03-01T00:00:00.000Z').course.publishedAt).toBeUndefined();
  });
});
