/**
 * Course files: what a creator writes to publish a course with `npm run course:import`, and the pure half of the
 * import (parse, validate, list the files to upload, build documents, decide what changed). The command itself
 * (scripts/course-import.ts) reads files, uploads and upserts.
 *
 * A course file is YAML (`.yaml`/`.yml`) or JSON (`.json`), one course with its lessons:
 *
 * ```yaml
 * id: python-basics            # stable slug; the course's _id. Lowercase letters, digits, dashes.
 * status: published            # draft | published | archived (default: draft)
 * title: Python 零基础入门
 * subtitle: 从安装到写出第一个自动化脚本
 * description: |
 *   面向零基础的 Python 课程……
 * category: python             # a categories _id
 * tags: [Python, 入门]
 * level: beginner              # beginner | intermediate | advanced
 * priceFen: 9900               # price in fen, an integer: ¥99.00 = 9900; 0 = free
 * cover: cover.png             # a path relative to this file, or an existing cloud://… fileID
 * creator: { id: lin, name: 林老师, title: 后端工程师 }
 * lessons:                     # in course order
 *   - id: install              # stable slug within the course: learners' progress is kept by it
 *     title: 安装 Python 与编辑器
 *     kind: video              # video | audio | article
 *     durationSec: 420         # play time, or reading time of an article
 *     free: true               # a free trial lesson (default: false)
 *     media: media/install.mp4 # video/audio: relative path or cloud://… fileID
 *   - id: variables
 *     title: 变量与类型
 *     kind: article
 *     durationSec: 600
 *     bodyFile: lessons/variables.md   # article: bodyFile (relative path) or body (inline Markdown)
 * ```
 *
 * Prices are integer fen, as everywhere in the product: no decimal point to get wrong, and the same field name as
 * the database. Uploaded files go to content-addressed cloud paths (see `assetCloudPath`), so importing unchanged
 * files gives the same fileIDs and changes nothing, and a changed file gives a new fileID and bumps the version.
 */
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { LineCounter, parseDocument } from 'yaml';
import { COURSE_LEVELS, LESSON_KINDS, StringEnum, validate, type LessonKind, type Problem } from '../contract';
import {
  COURSE_STATUSES,
  CourseDoc,
  EMPTY_RATING,
  MAX_PRICE_FEN,
  Tag,
  type CategoryDoc,
  type CreatorDoc,
  type LessonDoc,
} from './schema';

const Slug = (max: number) =>
  Type.String({
    pattern: `^[a-z0-9][a-z0-9-]{0,${max - 1}}$`,
    description: `a slug of at most ${max} lowercase letters, digits and dashes`,
  });

/** A relative path to a file beside the course file, or a cloud fileID already in storage. */
const AssetRef = Type.String({ minLength: 1, maxLength: 300 });

export const CourseFileLesson = Type.Object(
  {
    id: Slug(23),
    title: Type.String({ minLength: 1, maxLength: 60 }),
    kind: StringEnum(LESSON_KINDS),
    durationSec: Type.Integer({ minimum: 1, maximum: 86_400 }),
    free: Type.Optional(Type.Boolean()),
    media: Type.Optional(AssetRef),
    body: Type.Optional(Type.String({ maxLength: 50_000 })),
    bodyFile: Type.Optional(AssetRef),
  },
  { additionalProperties: false },
);
export type CourseFileLesson = Static<typeof CourseFileLesson>;

export const CourseFile = Type.Object(
  {
    id: Slug(40),
    status: Type.Optional(StringEnum(COURSE_STATUSES)),
    title: Type.String({ minLength: 1, maxLength: 60 }),
    subtitle: Type.String({ maxLength: 120 }),
    description: Type.String({ maxLength: 5000 }),
    category: Slug(40),
    tags: Type.Array(Tag, { maxItems: 10, uniqueItems: true }),
    level: StringEnum(COURSE_LEVELS),
    priceFen: Type.Integer({ minimum: 0, maximum: MAX_PRICE_FEN }),
    cover: AssetRef,
    creator: Type.Object(
      {
        id: Slug(40),
        name: Type.String({ minLength: 1, maxLength: 40 }),
        title: Type.Optional(Type.String({ maxLength: 60 })),
        bio: Type.Optional(Type.String({ maxLength: 1000 })),
      },
      { additionalProperties: false },
    ),
    lessons: Type.Array(CourseFileLesson, { minItems: 1, maxItems: 300 }),
  },
  { additionalProperties: false },
);
export type CourseFile = Static<typeof CourseFile>;

const EXTENSIONS: Record<'cover' | LessonKind | 'bodyFile', readonly string[]> = {
  cover: ['.png', '.jpg', '.jpeg', '.webp'],
  video: ['.mp4', '.m3u8'],
  audio: ['.mp3', '.m4a', '.aac', '.wav'],
  article: [],
  bodyFile: ['.md', '.markdown', '.txt'],
};

export interface FileProblem extends Problem {
  file: string;
}

export type CourseFileResult = { ok: true; course: CourseFile } | { ok: false; problems: FileProblem[] };

export interface ValidateOptions {
  /** Known category ids; when given, an unknown category is a problem. */
  categories?: ReadonlySet<string>;
}

export function isCloudFileId(ref: string): boolean {
  return ref.startsWith('cloud://');
}

/** Why `ref` cannot name a file beside the course file, or null. */
function assetRefProblem(ref: string, extensions: readonly string[]): string | null {
  if (isCloudFileId(ref)) return /^cloud:\/\/\S+$/.test(ref) ? null : 'must be a cloud fileID without spaces';
  if (ref.includes('\\')) return 'must use / between folders';
  if (ref.startsWith('/') || /^[A-Za-z]:/.test(ref)) return 'must be relative to the course file';
  if (posix.normalize(ref).startsWith('../')) return 'must stay inside the course folder';
  const ext = posix.extname(ref).toLowerCase();
  if (!extensions.includes(ext)) return `must be a ${extensions.join(', ')} file`;
  return null;
}

/** The checks a schema cannot express; each problem names its field. */
function semanticProblems(course: CourseFile, options: ValidateOptions): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, text: string): void => {
    problems.push({ path, message: `${path} ${text}` });
  };
  problems.push(...categoryProblems(course, options));
  const coverProblem = assetRefProblem(course.cover, EXTENSIONS.cover);
  if (coverProblem) add('cover', coverProblem);
  const firstIndex = new Map<string, number>();
  course.lessons.forEach((lesson, i) => {
    const at = `lessons[${i}]`;
    const seen = firstIndex.get(lesson.id);
    if (seen === undefined) firstIndex.set(lesson.id, i);
    else add(`${at}.id`, `"${lesson.id}" is already used by lessons[${seen}]`);
    if (lesson.kind === 'article') {
      if (lesson.media !== undefined) add(`${at}.media`, 'is not allowed on an article (use body or bodyFile)');
      if ((lesson.body === undefined) === (lesson.bodyFile === undefined)) {
        add(at, 'must have exactly one of body and bodyFile');
      }
      if (lesson.bodyFile !== undefined) {
        const problem = isCloudFileId(lesson.bodyFile)
          ? 'must be a path beside the course file'
          : assetRefProblem(lesson.bodyFile, EXTENSIONS.bodyFile);
        if (problem) add(`${at}.bodyFile`, problem);
      }
    } else {
      if (lesson.body !== undefined || lesson.bodyFile !== undefined) {
        add(at, `must not have body or bodyFile (a ${lesson.kind} lesson plays media)`);
      }
      if (lesson.media === undefined) add(`${at}.media`, `is required for a ${lesson.kind} lesson`);
      else {
        const problem = assetRefProblem(lesson.media, EXTENSIONS[lesson.kind]);
        if (problem) add(`${at}.media`, problem);
      }
    }
  });
  return problems;
}

/** An unknown category of a file that fails its schema elsewhere, so it is reported in the same run. */
function categoryProblems(data: unknown, options: ValidateOptions): Problem[] {
  const category = (data as { category?: unknown } | null)?.category;
  if (!options.categories || typeof category !== 'string' || options.categories.has(category)) return [];
  const known = [...options.categories].join(', ');
  return [{ path: 'category', message: `category "${category}" is not a known category (${known})` }];
}

/** A hint for the mistakes creators make most, in place of a bare "is not allowed". */
function withHint(problem: Problem): Problem {
  if (problem.path === 'price' || problem.path === 'priceYuan') {
    return {
      ...problem,
      message: `${problem.path} is not allowed: use priceFen, an integer number of fen (¥99 = 9900)`,
    };
  }
  return problem;
}

/** Validates an already parsed course file and reports every problem at once, each prefixed with `file`. */
export function validateCourseFile(file: string, data: unknown, options: ValidateOptions = {}): CourseFileResult {
  const checked = validate(CourseFile, data, 'course');
  const problems = checked.ok
    ? semanticProblems(checked.value, options)
    : [...checked.problems.map(withHint), ...categoryProblems(data, options)];
  if (checked.ok && problems.length === 0) return { ok: true, course: checked.value };
  return { ok: false, problems: problems.map((p) => ({ file, path: p.path, message: `${file}: ${p.message}` })) };
}

/** Parses YAML or JSON by the file's extension. Syntax errors carry their line and column. */
export function parseDataFile(
  file: string,
  text: string,
): { ok: true; data: unknown } | { ok: false; problems: FileProblem[] } {
  const ext = posix.extname(file).toLowerCase();
  const fail = (message: string) => ({
    ok: false as const,
    problems: [{ file, path: '', message: `${file}: ${message}` }],
  });
  if (ext === '.json') {
    try {
      return { ok: true, data: JSON.parse(text) };
    } catch (error) {
      return fail(`invalid JSON: ${(error as Error).message}`);
    }
  }
  if (ext === '.yaml' || ext === '.yml') {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const first = doc.errors[0];
    if (first) {
      const { line, col } = lineCounter.linePos(first.pos[0]);
      return fail(`invalid YAML: line ${line}, column ${col}: ${first.message.split('\n')[0]}`);
    }
    return { ok: true, data: doc.toJS() };
  }
  return fail('a course file must end in .yaml, .yml or .json');
}

/** Parses YAML or JSON by the file's extension, then validates. Syntax errors carry their line and column. */
export function parseCourseFile(file: string, text: string, options: ValidateOptions = {}): CourseFileResult {
  const parsed = parseDataFile(file, text);
  return parsed.ok ? validateCourseFile(file, parsed.data, options) : parsed;
}

/**
 * `categories.yaml` (or `.yml`/`.json`) beside the course files: the categories they may use, created or updated by
 * the import.
 *
 * ```yaml
 * - { id: python, name: Python, order: 0, description: 从入门语法到自动化 }
 * ```
 */
export const CategoriesFile = Type.Array(
  Type.Object(
    {
      id: Slug(40),
      name: Type.String({ minLength: 1, maxLength: 12 }),
      order: Type.Integer({ minimum: 0 }),
      description: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
  { maxItems: 100 },
);

/** Whether a file name is a categories file rather than a course file. */
export function isCategoriesFile(file: string): boolean {
  return /^categories\.(ya?ml|json)$/i.test(posix.basename(file));
}

export type CategoriesFileResult = { ok: true; categories: CategoryDoc[] } | { ok: false; problems: FileProblem[] };

export function parseCategoriesFile(file: string, text: string): CategoriesFileResult {
  const parsed = parseDataFile(file, text);
  if (!parsed.ok) return parsed;
  const checked = validate(CategoriesFile, parsed.data, 'categories');
  if (!checked.ok) {
    return {
      ok: false,
      problems: checked.problems.map((p) => ({ file, path: p.path, message: `${file}: ${p.message}` })),
    };
  }
  return {
    ok: true,
    categories: checked.value.map(({ id, ...rest }) => ({ _id: id, ...rest })),
  };
}

// ---- files to upload --------------------------------------------------------------------------------------------

export interface AssetRequest {
  /** What the file is: the cover (public storage), lesson media (private storage) or an article body (read, not uploaded). */
  role: 'cover' | 'media' | 'body';
  /** Field path in the course file, for messages: `lessons[2].media`. */
  field: string;
  /** The path as written, relative to the course file. */
  ref: string;
}

/** The local files a course file refers to (cloud fileIDs need nothing). */
export function assetRequests(course: CourseFile): AssetRequest[] {
  const requests: AssetRequest[] = [];
  if (!isCloudFileId(course.cover)) requests.push({ role: 'cover', field: 'cover', ref: course.cover });
  course.lessons.forEach((lesson, i) => {
    if (lesson.media !== undefined && !isCloudFileId(lesson.media)) {
      requests.push({ role: 'media', field: `lessons[${i}].media`, ref: lesson.media });
    }
    if (lesson.bodyFile !== undefined)
      requests.push({ role: 'body', field: `lessons[${i}].bodyFile`, ref: lesson.bodyFile });
  });
  return requests;
}

/**
 * Where an uploaded file goes: covers under `covers/` (public-read), media under `media/` (private), named by a
 * prefix of the content's SHA-256 so the same bytes always give the same fileID.
 */
export function assetCloudPath(courseId: string, role: 'cover' | 'media', ref: string, sha256Hex: string): string {
  return `${role === 'cover' ? 'covers' : 'media'}/${courseId}/${sha256Hex.slice(0, 16)}-${posix.basename(ref)}`;
}

// ---- documents and what changed ---------------------------------------------------------------------------------

export interface ResolvedAssets {
  /** fileID of each uploaded `ref` (cover and media). */
  fileIds: ReadonlyMap<string, string>;
  /** Text of each `bodyFile` ref. */
  texts: ReadonlyMap<string, string>;
}

/** The fields of a course the import owns; the rest (learners, rating, version, times) the platform keeps. */
export type CourseContent = Omit<
  CourseDoc,
  'learnerCount' | 'rating' | 'version' | 'createdAt' | 'updatedAt' | 'publishedAt'
>;
export type LessonContent = Omit<LessonDoc, 'updatedAt'>;

export interface ImportedCourse {
  course: CourseContent;
  lessons: LessonContent[];
  creator: CreatorDoc;
}

/** The `_id` of a lesson: unique across courses, stable while the creator keeps the lesson's id. */
export function lessonDocId(courseId: string, lessonId: string): string {
  return `${courseId}_${lessonId}`;
}

/** Builds the documents of a validated course file, with every local ref replaced by its fileID or text. */
export function toImportedCourse(course: CourseFile, assets: ResolvedAssets): ImportedCourse {
  const fileId = (ref: string): string => {
    if (isCloudFileId(ref)) return ref;
    const id = assets.fileIds.get(ref);
    if (id === undefined) throw new Error(`no fileID for ${ref}: upload every assetRequests() entry first`);
    return id;
  };
  const creator: CreatorDoc = { _id: course.creator.id, name: course.creator.name };
  if (course.creator.title !== undefined) creator.title = course.creator.title;
  if (course.creator.bio !== undefined) creator.bio = course.creator.bio;
  const snapshot: CourseContent['creator'] = { id: creator._id, name: creator.name };
  if (creator.title !== undefined) snapshot.title = creator.title;

  const lessons = course.lessons.map((lesson, i): LessonContent => {
    const doc: LessonContent = {
      _id: lessonDocId(course.id, lesson.id),
      courseId: course.id,
      order: i + 1,
      title: lesson.title,
      kind: lesson.kind,
      durationSec: lesson.durationSec,
      free: lesson.free ?? false,
    };
    if (lesson.media !== undefined) doc.media = fileId(lesson.media);
    if (lesson.body !== undefined) doc.body = lesson.body;
    if (lesson.bodyFile !== undefined) {
      const text = assets.texts.get(lesson.bodyFile);
      if (text === undefined) throw new Error(`no text for ${lesson.bodyFile}: read every body asset first`);
      doc.body = text;
    }
    return doc;
  });
  return {
    course: {
      _id: course.id,
      status: course.status ?? 'draft',
      title: course.title,
      subtitle: course.subtitle,
      description: course.description,
      category: course.category,
      tags: [...course.tags],
      level: course.level,
      cover: fileId(course.cover),
      creator: snapshot,
      priceFen: course.priceFen,
      lessonCount: lessons.length,
    },
    lessons,
    creator,
  };
}

/** JSON with sorted keys and without undefined fields: equal content ⇔ equal string. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function pick<T extends object>(doc: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (doc[key] !== undefined) out[key] = doc[key];
  return out;
}

const COURSE_CONTENT_KEYS: readonly (keyof CourseContent)[] = [
  '_id',
  'status',
  'title',
  'subtitle',
  'description',
  'category',
  'tags',
  'level',
  'cover',
  'creator',
  'priceFen',
  'lessonCount',
];
const LESSON_CONTENT_KEYS: readonly (keyof LessonContent)[] = [
  '_id',
  'courseId',
  'order',
  'title',
  'kind',
  'durationSec',
  'free',
  'media',
  'body',
];

export interface UpsertPlan {
  /** False when the import would change nothing: write nothing. */
  changed: boolean;
  course: CourseDoc;
  /** New or changed lessons only. */
  upsertLessons: LessonDoc[];
  /** `_id`s of lessons no longer in the file. */
  deleteLessonIds: string[];
  creator: CreatorDoc;
}

/**
 * Compares an import with what is stored. Identical content changes nothing; any change to the course or a lesson
 * bumps `version` and sets `updatedAt` to `now` (ISO-8601). Learners, rating and `createdAt` are kept;
 * `publishedAt` is set the first time the course is published.
 */
export function planCourseUpsert(
  existing: { course: CourseDoc; lessons: readonly LessonDoc[] } | null,
  incoming: ImportedCourse,
  now: string,
): UpsertPlan {
  const stored = new Map((existing?.lessons ?? []).map((l) => [l._id, l]));
  const upsertLessons = incoming.lessons
    .filter((l) => {
      const old = stored.get(l._id);
      return !old || canonical(pick(old, LESSON_CONTENT_KEYS)) !== canonical(pick(l, LESSON_CONTENT_KEYS));
    })
    .map((l): LessonDoc => ({ ...l, updatedAt: now }));
  const keep = new Set(incoming.lessons.map((l) => l._id));
  const deleteLessonIds = [...stored.keys()].filter((id) => !keep.has(id));

  const before = existing?.course;
  const courseChanged =
    !before || canonical(pick(before, COURSE_CONTENT_KEYS)) !== canonical(pick(incoming.course, COURSE_CONTENT_KEYS));
  const changed = courseChanged || upsertLessons.length > 0 || deleteLessonIds.length > 0;

  if (before && !changed) return { changed, course: before, upsertLessons, deleteLessonIds, creator: incoming.creator };

  const course: CourseDoc = {
    ...incoming.course,
    learnerCount: before?.learnerCount ?? 0,
    rating: before?.rating ?? { ...EMPTY_RATING, histogram: [...EMPTY_RATING.histogram] },
    version: before ? before.version + 1 : 1,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  };
  const publishedAt = before?.publishedAt ?? (incoming.course.status === 'published' ? now : undefined);
  if (publishedAt !== undefined) course.publishedAt = publishedAt;
  return { changed, course, upsertLessons, deleteLessonIds, creator: incoming.creator };
}
