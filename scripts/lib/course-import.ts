/**
 * `npm run course:import`, without the command line: find course files, report every problem at once, upload
 * covers and media to content-addressed paths, upsert categories and creators, and stage each course's content as its
 * revision (toolchain/course-stage.ts), which `contentCheck` checks before it reaches learners: the import asks it to
 * check what it staged and prints where each course stands.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  assetCloudPath,
  assetRequests,
  bodyImageRequests,
  isCategoriesFile,
  parseCategoriesFile,
  parseCourseFile,
  toImportedCourse,
  type AssetRequest,
  type CategoryDoc,
  type CourseFile,
  type CreatorDoc,
  type FileProblem,
  type ImportedCourse,
} from '../../shared/catalog';
import { articleImageIds } from '../../shared/catalog/article-images';
import { readStoredCourse, upsertById, type NodeApp, type UpsertSummary } from '../../toolchain/catalog-store';
import { readRevision, stageCourse, type StagedCourse } from '../../toolchain/course-stage';
import { COLLECTIONS } from '../../shared/collections';
import type { RevisionOutcome } from '../../shared/content';

/** The function that checks staged revisions (cloudfunctions/contentCheck). */
const CHECK_FUNCTION = 'contentCheck';

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
  courses: StagedCourse[];
  /** Where each course stands after the check the import asked for (none in a dry run). */
  checks?: RevisionOutcome[];
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
  /** The local images of its articles, found once their bodies were read (bytes in `bytes`). */
  images: AssetRequest[];
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
  const valid: ValidCourse = { file, course, bytes: new Map(), texts: new Map(), images: [] };
  let ok = await readRequests(file, dir, assetRequests(course), valid, problems);
  // The articles' own images, once their bodies are read.
  const images = bodyImageRequests(course, valid.texts);
  for (const problem of images.problems) problems.push({ ...problem, file: shown(file) });
  ok = images.problems.length === 0 && ok;
  ok = (await readRequests(file, dir, images.requests, valid, problems)) && ok;
  valid.images = images.requests;
  return ok ? valid : null;
}

async function readRequests(
  file: string,
  dir: string,
  requests: readonly AssetRequest[],
  valid: ValidCourse,
  problems: FileProblem[],
): Promise<boolean> {
  let ok = true;
  for (const request of requests) {
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
  return ok;
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
    const staged = await stageCourse(app.database(), course, at, { dryRun });
    report.courses.push(staged);
    log(describeStaged(staged, dryRun));
  }
  if (!dryRun && report.courses.length > 0) {
    report.checks = await askChecks(
      app,
      report.courses.map((c) => c.id),
    );
    for (const check of report.checks) log(describeCheck(check));
  }
  log(
    `文件：${verb}上传 ${report.uploaded.length} 个，存储中已有 ${report.reused.length} 个` +
      (dryRun ? '（试运行，未写入任何内容）' : ''),
  );
  report.ok = true;
  return report;
}

function describeStaged(staged: StagedCourse, dryRun: boolean): string {
  const verb = dryRun ? '将' : '已';
  const price = staged.priceKeptForTest ? '；价格测试进行中，文件中的新价格未采用，价格保持不变' : '';
  const closed =
    staged.closedAs === 'archived'
      ? `；${verb}下架：不再出售，已购学员照常学习`
      : staged.closedAs === 'draft'
        ? `；${verb}转为草稿：学员不再能看到和购买`
        : '';
  const lessons =
    `写入 ${staged.lessonsWritten} 节课` + (staged.lessonsRemoved ? `，删除 ${staged.lessonsRemoved} 节` : '');
  switch (staged.outcome) {
    case 'created':
      return `课程 ${staged.id}：${verb}创建，版本 ${staged.version} 待内容检查（${lessons}）${price}`;
    case 'updated':
      return `课程 ${staged.id}：${verb}提交版本 ${staged.version} 待内容检查，通过前学员看到的仍是当前版本（${lessons}）${price}${closed}`;
    case 'unchanged':
      return `课程 ${staged.id}：无变化（版本 ${staged.version}）`;
  }
}

/**
 * Asks `contentCheck` to check the courses' revisions now. The function may be missing or fail (not deployed yet):
 * the revisions then wait for its timer, and each course is reported as under review with why.
 */
async function askChecks(app: NodeApp, courseIds: string[]): Promise<RevisionOutcome[]> {
  try {
    const { result } = (await app.callFunction({
      name: CHECK_FUNCTION,
      data: { action: 'checkRevisions', courseIds },
    })) as {
      result?: { revisions?: RevisionOutcome[] };
    };
    if (Array.isArray(result?.revisions)) return result.revisions;
    throw new Error(`unexpected answer ${JSON.stringify(result)}`);
  } catch (error) {
    const reason = `内容检查函数 ${CHECK_FUNCTION} 未响应（${(error as Error).message}），其定时器每 5 分钟会再检查`;
    return courseIds.map((courseId) => ({ courseId, state: 'reviewing', version: 0, reason }));
  }
}

/** 已发布 / 审核中（原因） / 未通过：<field> <reason>, as the creator reads it. */
export function describeCheck(check: RevisionOutcome): string {
  switch (check.state) {
    case 'published':
      return `课程 ${check.courseId}：已发布`;
    case 'applied':
      return `课程 ${check.courseId}：已通过检查（按文件保存为未上架状态）`;
    case 'reviewing':
      return `课程 ${check.courseId}：审核中（${check.reason ?? '等待检查'}）`;
    case 'rejected':
      return `课程 ${check.courseId}：未通过：${check.field ?? ''} ${check.reason ?? ''}`.trimEnd();
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
  // The files of the live course and of its staged revision (a course under review has no lessons yet).
  const [stored, staged] = await Promise.all([
    readStoredCourse(app.database(), course.id),
    readRevision(app.database(), course.id),
  ]);
  const storedIds = [stored, staged]
    .flatMap((doc) =>
      doc ? [doc.course.cover, ...doc.lessons.flatMap((l) => [l.media, ...articleImageIds(l.body ?? '')])] : [],
    )
    .filter((id): id is string => typeof id === 'string');
  const wanted = new Map<string, { cloudPath: string; bytes: Buffer }>();
  for (const request of [...assetRequests(course), ...valid.images]) {
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
