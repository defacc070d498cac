/**
 * The demo catalog the local cloud loads on first start: `buildDemoCatalog()` returns the documents of every
 * collection it fills and the files to put in storage. Deterministic: the same call gives the same bytes.
 *
 * Each course goes through the same path as `npm run course:import` (course file → validation → documents →
 * upsert plan), so the demo cannot drift from what the import accepts. Media are generated, nothing is downloaded:
 * covers by ./png.ts, audio as beeps by ./wav.ts, video by ./video.ts, article bodies as Markdown below.
 * Every media lesson has its own file that shows (video) or sounds (audio, as beeps) its lesson number, so the
 * free trial never serves what a paid lesson plays and the demo shows what protecting paid media means.
 */
import {
  planCourseUpsert,
  toImportedCourse,
  validateCourseFile,
  type CategoryDoc,
  type CourseDoc,
  type CourseFile,
  type CreatorDoc,
  type ImportedCourse,
  type LessonDoc,
} from '../../../shared/catalog';
import { EMPTY_RATING } from '../../../shared/catalog/schema';
import { DEMO_CATEGORIES, DEMO_COURSES, DEMO_CREATORS, type DemoCourse } from './content';
import { drawCover } from './png';
import { demoVideo } from './video';
import { beepsWav } from './wav';

export interface DemoFile {
  /** Cloud path inside the bucket, e.g. `demo/covers/python-basics.png`. */
  path: string;
  /** The fileID the documents refer to. */
  fileID: string;
  contentType: string;
  bytes: Buffer;
}

/** A demo course as the import's upsert takes it (toolchain/catalog-store.ts `saveCourse`). */
export interface DemoImport {
  imported: ImportedCourse;
  /** When the course appeared: its createdAt, updatedAt and publishedAt. */
  at: string;
  /** Its learners and ratings: none here; ../index.ts counts them from the demo's learners (./learners.ts). */
  seed: Pick<CourseDoc, 'learnerCount' | 'rating'>;
}

export interface DemoCatalog {
  categories: CategoryDoc[];
  creators: CreatorDoc[];
  /** The documents `imports` gives, for tests and tools that read them directly. */
  courses: CourseDoc[];
  /** Each course's popularity: how many prospects it draws (./history.ts) and learners it has (./learners.ts). */
  reach: Map<string, number>;
  lessons: LessonDoc[];
  imports: DemoImport[];
  files: DemoFile[];
}

export interface DemoCatalogOptions {
  /** fileID of a cloud path. @default `cloud://local-env.local-bucket/<path>` (the local cloud's default env) */
  fileIdFor?: (path: string) => string;
}

const KINDS = { v: 'video', a: 'audio', t: 'article' } as const;
const LEVEL_NAMES = { beginner: '入门', intermediate: '进阶', advanced: '高级' } as const;

/** mulberry32: a small seeded generator, so demo numbers are the same on every machine. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function articleBody(course: DemoCourse, index: number, title: string, minutes: number): string {
  const previous = course.lessons[index - 1]?.[1];
  const next = course.lessons[index + 1]?.[1];
  return [
    `# ${title}`,
    '',
    `> 《${course.title}》第 ${index + 1} 课 · 阅读约 ${minutes} 分钟 · ${LEVEL_NAMES[course.level]}`,
    '',
    '## 本节目标',
    '',
    `- 理解「${title}」要解决什么问题，以及它在${course.tags[0] ?? '本课程'}中的位置`,
    '- 能读懂示例代码，并在自己的项目里复现一遍',
    '- 知道常见的误区和排查思路',
    '',
    '## 正文',
    '',
    previous
      ? `上一课我们学习了「${previous}」。` + '本节在此基础上继续深入。'
      : `本节是课程的第一课。${course.description}`,
    '',
    `学习「${title}」时，建议先通读一遍示例，再逐行运行、修改参数观察结果。遇到不理解的地方，把问题写下来，` +
      '带着问题继续阅读后面的小节，往往会豁然开朗。',
    '',
    '```text',
    `练习：用自己的话复述「${title}」的要点，并写一个最小可运行的例子。`,
    '```',
    '',
    '## 小结',
    '',
    next
      ? `下一课是「${next}」，我们会用到本节的内容。`
      : '恭喜你完成了整门课程！回顾一下笔记，挑一个小项目动手实践吧。',
    '',
  ].join('\n');
}

function courseFileOf(course: DemoCourse): CourseFile {
  const creator = DEMO_CREATORS.find((c) => c.id === course.creator);
  if (!creator) throw new Error(`demo course ${course.id}: unknown creator ${course.creator}`);
  return {
    id: course.id,
    status: 'published',
    title: course.title,
    subtitle: course.subtitle,
    description: course.description,
    category: course.category,
    tags: [...course.tags],
    level: course.level,
    priceFen: course.yuan * 100,
    cover: `demo/covers/${course.id}.png`,
    creator: { id: creator.id, name: creator.name, title: creator.title, bio: creator.bio },
    lessons: course.lessons.map(([kind, title, minutes], i) => {
      const id = `l${i + 1}`;
      // A free course is free throughout; a paid one offers its first lesson as the free trial.
      const free = course.yuan === 0 || i === 0;
      if (kind === 't')
        return {
          id,
          title,
          kind: 'article',
          durationSec: minutes * 60,
          free,
          body: articleBody(course, i, title, minutes),
        };
      const media = `demo/media/${course.id}/${id}.${kind === 'v' ? 'mp4' : 'wav'}`;
      return { id, title, kind: KINDS[kind], durationSec: minutes * 60, free, media };
    }),
  };
}

/** A plausible spread of popularity: more for cheaper and beginner courses. */
function demoReach(course: DemoCourse, index: number): number {
  const random = seeded(index + 1);
  const reach = course.yuan === 0 ? 3 : course.level === 'beginner' ? 1.6 : 1;
  return Math.round((40 + random() * 900) * reach);
}

export function buildDemoCatalog(options: DemoCatalogOptions = {}): DemoCatalog {
  const fileIdFor = options.fileIdFor ?? ((path: string) => `cloud://local-env.local-bucket/${path}`);
  const categoryIds = new Set(DEMO_CATEGORIES.map((c) => c.id));
  const files = new Map<string, DemoFile>();
  const addFile = (path: string, contentType: string, bytes: Buffer): void => {
    if (files.has(path)) throw new Error(`demo file ${path} made twice`);
    files.set(path, { path, fileID: fileIdFor(path), contentType, bytes });
  };

  const courses: CourseDoc[] = [];
  const lessons: LessonDoc[] = [];
  const imports: DemoImport[] = [];
  const creators = new Map<string, CreatorDoc>();
  const reach = new Map<string, number>();
  DEMO_COURSES.forEach((demo, index) => {
    const category = DEMO_CATEGORIES.findIndex((c) => c.id === demo.category);
    const colors = DEMO_CATEGORIES[category]?.colors;
    if (!colors) throw new Error(`demo course ${demo.id}: unknown category ${demo.category}`);
    const file = courseFileOf(demo);
    const checked = validateCourseFile(`${demo.id}.yaml`, file, { categories: categoryIds });
    if (!checked.ok) throw new Error(checked.problems.map((p) => p.message).join('\n'));

    addFile(file.cover, 'image/png', drawCover(colors[0], colors[1], category % 4, index + 1));
    file.lessons.forEach((lesson, i) => {
      if (lesson.kind === 'video' && lesson.media)
        addFile(lesson.media, 'video/mp4', demoVideo(colors[0], colors[1], { lesson: i + 1, course: index + 1 }));
      if (lesson.kind === 'audio' && lesson.media)
        addFile(lesson.media, 'audio/wav', beepsWav(220 + index * 11, i + 1));
    });
    const fileIds = new Map([...files.values()].map((f) => [f.path, f.fileID]));
    const imported = toImportedCourse(file, { fileIds, texts: new Map() });
    // Demo courses appear one day apart, the newest last.
    const at = new Date(Date.UTC(2024, 0, 1 + index, 8)).toISOString();
    const plan = planCourseUpsert(null, imported, at);
    const seed = { learnerCount: 0, rating: { ...EMPTY_RATING, histogram: [...EMPTY_RATING.histogram] } };
    reach.set(demo.id, demoReach(demo, index));
    courses.push({ ...plan.course, ...seed });
    imports.push({ imported, at, seed });
    lessons.push(...plan.upsertLessons);
    creators.set(plan.creator._id, plan.creator);
  });

  return {
    categories: DEMO_CATEGORIES.map((c, order) => ({ _id: c.id, name: c.name, order, description: c.description })),
    creators: [...creators.values()],
    courses,
    reach,
    lessons,
    imports,
    files: [...files.values()],
  };
}
