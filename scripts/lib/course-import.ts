/**
 * `npm run course:import`, without the command line: find course files, report every problem at once, upload
 * covers and media to content-addressed paths, upsert categories, creators, courses and lessons.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  assetCloudPath,
  assetRequests,
  isCategoriesFile,
  parseCategoriesFile,
  parseCourseFile,
  toImportedCourse,
  type CategoryDoc,
  type CourseFile,
  type CreatorDoc,
  type FileProblem,
  type ImportedCourse,
} from '../../shared/catalog';
import {
  readStoredCourse,
  saveCourse,
  upsertById,
  type CourseOutcome,
  type NodeApp,
  type UpsertSummary,
} from '../../toolchain/catalog-store';
import { COLLECTIONS } from '../../shared/collections';

const DATA_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Files per `getTempFileURL` call, as CloudBase allows. */
const FILES_PER_CALL = 50;

export interface ImportOptions {
  /** A course file or a folder of them (searched recursively, with their covers, media and categories files). */
  target: string;
  /** The CloudBase app (node-sdk) to write to. */
  app: NodeApp;
  /** Read, compare and print the plan; write and upload nothing. @default false */
  dryRun?: boolean;
  /** ISO-8601 time written as `updatedAt`. @default the current time */
  now?: () => string;
  log?: (line: string) => void;
}

export interface ImportReport {
  ok: boolean;
  /** Every problem found, each with its file and field path; nothing is written when there is one. */
  problems: FileProblem[];
  courses: CourseOutcome[];
  /** Category and creator documents created, replaced or left as they are. */
  categories: UpsertSummary;
  creators: UpsertSummary;
  /** Cloud paths uploaded (or to upload, in a dry run), and those already in storage with the same bytes. */
  uploaded: string[];
  reused: string[];
}

interface ValidCourse {
  file: string;
  course: CourseFile;
  /** Bytes of each local cover/media ref, and text of each bodyFile ref. */
  bytes: Map<string, Buffer>;
  texts: Map<string, string>;
}

async function listDataFiles(target: string): Promise<string[]> {
  const info = await stat(target);
  if (!info.isDirectory()) return [target];
  const found: string[] = [];
  for (const entry of await readdir(target, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(target, entry.name);
    if (entry.isDirectory()) found.push(...(await listDataFiles(full)));
    else if (DATA_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) found.push(full);
  }
  return found.sort();
}

/** How a file is named in messages: relative to the working folder. */
function shown(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

async function storedCategoryIds(app: NodeApp): Promise<string[]> {
  const found = await app.database().collection(COLLECTIONS.categories).field({ _id: true }).limit(1000).get();
  return (found.data as { _id: string }[]).map((c) => c._id);
}

/** Reads the files a valid course refers to; a missing or unreadable one is a problem of its field. */
async function readAssets(file: string, course: CourseFile, problems: FileProblem[]): Promise<ValidCourse | null> {
  const dir = path.dirname(file);
  const valid: ValidCourse = { file, course, bytes: new Map(), texts: new Map() };
  let ok = true;
  for (const request of assetRequests(course)) {
    try {
      const bytes = await readFile(path.join(dir, request.ref));
      if (request.role === 'body') valid.texts.set(request.ref, bytes.toString('utf8'));
      else valid.bytes.set(request.ref, bytes);
    } catch (error) {
      ok = false;
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      problems.push({
        file: shown(file),
        path: request.field,
        message: `${shown(file)}: ${request.field} cannot be read: ${reason} (${request.ref})`,
      });
    }
  }
  return ok ? valid : null;
}

/** Of `fileIds`, those that exist in storage. */
async function existingFiles(app: NodeApp, fileIds: string[]): Promise<Set<string>> {
  const exist = new Set<string>();
  for (let i = 0; i < fileIds.length; i += FILES_PER_CALL) {
    const { fileList } = await app.getTempFileURL({ fileList: fileIds.slice(i, i + FILES_PER_CALL) });
    for (const item of fileList) if (item.tempFileURL && item.code === 'SUCCESS') exist.add(item.fileID);
  }
  return exist;
}

export async function importCourses(options: ImportOptions): Promise<ImportReport> {
  const { app, dryRun = false } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date().toISOString());
  const none = (): UpsertSummary => ({ created: [], updated: [], unchanged: [] });
  const report: ImportReport = {
    ok: false,
    problems: [],
    courses: [],
    categories: none(),
    creators: none(),
    uploaded: [],
    reused: [],
  };
  const problems = report.problems;

  let files: string[];
  try {
    files = await listDataFiles(path.resolve(options.target));
  } catch {
    problems.push({ file: options.target, path: '', message: `${options.target}: no such file or folder` });
    return report;
  }
  const categories: CategoryDoc[] = [];
  const courseFiles: string[] = [];
  for (const file of files) {
    if (!isCategoriesFile(file)) {
      courseFiles.push(file);
      continue;
    }
    const parsed = parseCategoriesFile(shown(file), await readFile(file, 'utf8'));
    if (parsed.ok) categories.push(...parsed.categories);
    else problems.push(...parsed.problems);
  }
  if (courseFiles.length === 0) {
    problems.push({
      file: options.target,
      path: '',
      message: `${options.target}: no course file (.yaml, .yml, .json) found`,
    });
  }

  const known = new Set([...(await storedCategoryIds(app)), ...categories.map((c) => c._id)]);
  const valid: ValidCourse[] = [];
  const firstFileOf = new Map<string, string>();
  for (const file of courseFiles) {
    const parsed = parseCourseFile(shown(file), await readFile(file, 'utf8'), { categories: known });
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const other = firstFileOf.get(parsed.course.id);
    if (other !== undefined) {
      problems.push({
        file: shown(file),
        path: 'id',
        message: `${shown(file)}: id "${parsed.course.id}" is already used by ${other}`,
      });
      continue;
    }
    firstFileOf.set(parsed.course.id, shown(file));
    const read = await readAssets(file, parsed.course, problems);
    if (read) valid.push(read);
  }
  if (problems.length > 0) return report;

  const imported: ImportedCourse[] = [];
  for (const course of valid) imported.push(await resolveAssets(app, course, dryRun, report));

  const creators = new Map<string, CreatorDoc>();
  for (const course of imported) creators.set(course.creator._id, course.creator);
  const verb = dryRun ? '将' : '已';
  report.categories = await upsertById(app.database(), COLLECTIONS.categories, categories, { dryRun });
  report.creators = await upsertById(app.database(), COLLECTIONS.creators, [...creators.values()], { dryRun });
  for (const [what, summary] of [
    ['分类', report.categories],
    ['讲师', report.creators],
  ] as const) {
    if (summary.created.length + summary.updated.length > 0) {
      log(`${what}：${verb}新建 ${summary.created.length} 个，${verb}更新 ${summary.updated.length} 个`);
    }
  }
  const at = now();
  for (const course of imported) {
    const outcome = await saveCourse(app.database(), course, at, { dryRun });
    report.courses.push(outcome);
    log(describeOutcome(outcome, dryRun));
  }
  log(
    `文件：${verb}上传 ${report.uploaded.length} 个，存储中已有 ${report.reused.length} 个` +
      (dryRun ? '（试运行，未写入任何内容）' : ''),
  );
  report.ok = true;
  return report;
}

function describeOutcome(outcome: CourseOutcome, dryRun: boolean): string {
  const verb = dryRun ? '将' : '已';
  const lessons =
    `写入 ${outcome.lessonsWritten} 节课` + (outcome.lessonsRemoved ? `，删除 ${outcome.lessonsRemoved} 节` : '');
  switch (outcome.outcome) {
    case 'created':
      return `课程 ${outcome.id}：${verb}创建（版本 ${outcome.version}，${lessons}）`;
    case 'updated':
      return `课程 ${outcome.id}：${verb}更新到版本 ${outcome.version}（${lessons}）`;
    case 'unchanged':
      return `课程 ${outcome.id}：无变化（版本 ${outcome.version}）`;
  }
}

/**
 * Uploads a course's cover and media (each to a path named by its SHA-256, so a file already there under the same path
 * holds the same bytes and is not uploaded again) and builds its documents.
 */
async function resolveAssets(
  app: NodeApp,
  valid: ValidCourse,
  dryRun: boolean,
  report: ImportReport,
): Promise<ImportedCourse> {
  const { course } = valid;
  const stored = await readStoredCourse(app.database(), course.id);
  const storedIds = stored
    ? [stored.course.cover, ...stored.lessons.flatMap((l) => (l.media ? [l.media] : []))].filter(
        (id): id is string => typeof id === 'string',
      )
    : [];
  const wanted = new Map<string, { cloudPath: string; bytes: Buffer }>();
  for (const request of assetRequests(course)) {
    if (request.role === 'body') continue;
    const bytes = valid.bytes.get(request.ref) as Buffer;
    const sha = createHash('sha256').update(bytes).digest('hex');
    wanted.set(request.ref, { cloudPath: assetCloudPath(course.id, request.role, request.ref, sha), bytes });
  }
  const candidates = new Map<string, string>();
  for (const { cloudPath } of wanted.values()) {
    const fileId = storedIds.find((id) => id.endsWith(`/${cloudPath}`));
    if (fileId) candidates.set(cloudPath, fileId);
  }
  const present = await existingFiles(app, [...new Set(candidates.values())]);
  const byPath = new Map<string, string>();
  const fileIds = new Map<string, string>();
  for (const [ref, { cloudPath, bytes }] of wanted) {
    let fileId = byPath.get(cloudPath);
    if (fileId === undefined) {
      const candidate = candidates.get(cloudPath);
      if (candidate !== undefined && present.has(candidate)) {
        fileId = candidate;
        report.reused.push(cloudPath);
      } else if (dryRun) {
        fileId = `cloud://dry-run/${cloudPath}`;
        report.uploaded.push(cloudPath);
      } else {
        fileId = (await app.uploadFile({ cloudPath, fileContent: bytes })).fileID;
        report.uploaded.push(cloudPath);
      }
      byPath.set(cloudPath, fileId);
    }
    fileIds.set(ref, fileId);
  }
  return toImportedCourse(course, { fileIds, texts: valid.texts });
}
