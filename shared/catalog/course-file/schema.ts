/**
 * The course file format (examples/courses/README.md): its schema, the checks a schema cannot express, and parsing
 * YAML or JSON with every problem reported at once, each naming its field.
 */
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { LineCounter, parseDocument } from 'yaml';
import { COURSE_LEVELS, LESSON_KINDS, StringEnum, validate, type LessonKind, type Problem } from '../../contract';
import { MAX_PRICE_FEN, Tag, type CategoryDoc, type CourseStatus } from '../schema';

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

/** What a file may ask for; `reviewing` and `rejected` are the checks' to set (shared/catalog/visibility.ts). */
export const COURSE_FILE_STATUSES = ['draft', 'published', 'archived'] as const satisfies readonly CourseStatus[];

export const CourseFile = Type.Object(
  {
    id: Slug(40),
    status: Type.Optional(StringEnum(COURSE_FILE_STATUSES)),
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

/** What an image in an article may be: what WeChat's image check takes. */
const BODY_IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif'];

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

/** Why a local image of an article body (its path relative to the course file) cannot be uploaded, or null. */
export function bodyImageProblem(path: string): string | null {
  return assetRefProblem(path, BODY_IMAGE_EXTENSIONS);
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
