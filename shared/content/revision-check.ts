/**
 * Checks each course revision `course:import` staged (shared/catalog/course-file/revision.ts) and applies the ones
 * that pass, run by `contentCheck` on its timer, when the import asks, and after a media verdict arrives.
 *
 * In order: the creator admin (`creatorAdmins`) whose openid the checks need; the text of every field (./text-check.ts);
 * each image and audio file (./media-check.ts: submitted once, its verdict arrives later by push); the operator's
 * approval of video lessons. The first field found risky rejects the revision with its path and a reason; anything
 * not yet known (no admin, a stale openid, a file not answered yet, the platform unsure) keeps it reviewing with
 * what it waits for. All passed: the content goes to `courses`/`lessons` (version bump, `publishedAt` the first
 * time, the status the file asked for) and the course's `moderation` field goes.
 */
import {
  isCourseOpen,
  moderationOf,
  planCourseUpsert,
  inFirstReview,
  type CourseDoc,
  type CourseRevisionDoc,
  type LessonDoc,
} from '../catalog';
import { COLLECTIONS } from '../collections';
import { findMany, found, getById, updated, type Database } from '../db';
import { creatorMediaFields, creatorTextFields, type MediaField } from './course-fields';
import { readMediaVerdicts, submitMediaCheck, type MediaCheckDeps } from './media-check';
import { checkCreatorText, UNAVAILABLE_ACTIONS, type FieldVerdict, type TextCheckDeps } from './text-check';

export type RevisionCheckDeps = MediaCheckDeps & TextCheckDeps;

/** A revision's state after a check, as `course:import` prints it. */
export interface RevisionOutcome {
  courseId: string;
  state: 'published' | 'applied' | 'reviewing' | 'rejected';
  version: number;
  field?: string;
  reason?: string;
}

/** Revisions checked in one run at most (the timer comes back in 5 minutes for the rest). */
const MAX_REVISIONS_PER_RUN = 20;

export const WAITING = {
  noAdmin: (creatorId: string) =>
    `没有创作者 ${creatorId} 的管理员：请运营者在 creatorAdmins 中添加（_id 为管理员的 openid，creatorIds 含 ${creatorId}），并请管理员在两小时内打开小程序后重试。`,
  media: '图片和音频检查中，结果通常在 30 分钟内返回。',
  mediaExpired: (field: string) =>
    `微信多次未返回 ${field} 的检查结果：请换一个文件（或修改文件内容）后重新导入，或联系运营者。`,
  video: (courseId: string) =>
    `视频课时需运营者人工审核：确认无误后在云开发控制台把 courseRevisions/${courseId} 的 videoApproved 设为 true。`,
  changed: '课程的待审核版本刚被另一次检查或新的导入改动，将按最新内容检查。',
  operator: (courseId: string, field: string) =>
    `平台无法确定 ${field} 是否合规，等待运营者决定：在云开发控制台把 courseRevisions/${courseId} 的 operatorDecision 设为 approve 或 reject。`,
} as const;

type Verdict = { kind: 'pass' } | { kind: 'wait'; reason: string } | { kind: 'reject'; field: string; reason: string };

/** The openid of the creator admin of a course with a revision, for the media sweep's resubmissions. */
export async function revisionAdminOpenid(db: Database, courseId: string): Promise<string | undefined> {
  const revision = await getById<CourseRevisionDoc>(db, COLLECTIONS.courseRevisions, courseId);
  if (revision === null) return undefined;
  return adminOf(db, revision.course.creator.id);
}

async function adminOf(db: Database, creatorId: string): Promise<string | undefined> {
  const admins = await findMany<{ _id: string }>(
    db,
    COLLECTIONS.creatorAdmins,
    { creatorIds: creatorId },
    { limit: 1 },
  );
  return admins[0]?._id;
}

/** Checks the pending revisions (the given courses', or every reviewing one) and applies those that pass. */
export async function checkRevisions(
  deps: RevisionCheckDeps,
  courseIds?: readonly string[],
): Promise<RevisionOutcome[]> {
  const { db } = deps;
  const where = courseIds ? { _id: db.command.in([...courseIds]) } : { state: 'reviewing' };
  const revisions = await findMany<CourseRevisionDoc>(db, COLLECTIONS.courseRevisions, where, {
    orderBy: ['updatedAt', 'asc'],
    limit: courseIds ? courseIds.length : MAX_REVISIONS_PER_RUN,
  });
  const outcomes: RevisionOutcome[] = [];
  for (const revision of revisions) outcomes.push(await checkRevision(deps, revision));
  return outcomes;
}

/**
 * Checks one revision. Every write to it is conditional on the `updatedAt` it was read with, and moves `updatedAt`
 * on: of two runs checking it at once (the timer, a push, the import's request) one writes and the other finds
 * it changed and leaves it; a revision the import staged again meanwhile is never overwritten by an older check.
 */
export async function checkRevision(deps: RevisionCheckDeps, revision: CourseRevisionDoc): Promise<RevisionOutcome> {
  const base = { courseId: revision._id, version: revision.version };
  if (revision.state === 'applied')
    return { ...base, state: revision.course.status === 'published' ? 'published' : 'applied' };
  if (revision.state === 'rejected') return { ...base, state: 'rejected', ...reasonOf(revision) };
  const checked: CourseRevisionDoc = { ...revision };
  const verdict = await verdictOf(deps, checked);
  const now = new Date((deps.now ?? Date.now)()).toISOString();
  const updatedAt = now > revision.updatedAt ? now : new Date(Date.parse(revision.updatedAt) + 1).toISOString();
  if (verdict.kind === 'pass') {
    const applied = await applyRevision(deps.db, revision, updatedAt);
    if (applied) return { ...base, state: revision.course.status === 'published' ? 'published' : 'applied' };
    return { ...base, state: 'reviewing', reason: WAITING.changed };
  }
  const next: CourseRevisionDoc =
    verdict.kind === 'reject'
      ? { ...checked, state: 'rejected', field: verdict.field, reason: verdict.reason, updatedAt }
      : { ...checked, reason: verdict.reason, updatedAt };
  if (verdict.kind === 'wait') delete next.field;
  if (!(await saveRevision(deps.db, revision, next))) return { ...base, state: 'reviewing', reason: WAITING.changed };
  return { ...base, state: next.state === 'rejected' ? 'rejected' : 'reviewing', ...reasonOf(next) };
}

function reasonOf(revision: CourseRevisionDoc): { field?: string; reason?: string } {
  return {
    ...(revision.field === undefined ? {} : { field: revision.field }),
    ...(revision.reason === undefined ? {} : { reason: revision.reason }),
  };
}

/** The revision's verdict; sets `textPassed` on it once its text passed. */
async function verdictOf(deps: RevisionCheckDeps, revision: CourseRevisionDoc): Promise<Verdict> {
  const creatorId = revision.course.creator.id;
  const openid = await adminOf(deps.db, creatorId);
  if (openid === undefined) return { kind: 'wait', reason: WAITING.noAdmin(creatorId) };
  const lessons = [...revision.lessons].sort((a, b) => a.order - b.order);

  if (!revision.textPassed) {
    const text = await checkCreatorText(deps, creatorTextFields(revision.course, lessons), openid);
    const risky = text.fields.find((field) => field.outcome === 'risky');
    if (risky) return { kind: 'reject', field: risky.path, reason: textReason(risky) };
    if (text.outcome === 'unavailable')
      return { kind: 'wait', reason: text.unavailable?.action ?? UNAVAILABLE_ACTIONS.failed };
    const unsure = text.fields.find((field) => field.outcome === 'review');
    const decided = unsure ? operatorVerdict(revision, unsure.path) : undefined;
    if (decided) return decided;
    revision.textPassed = true;
  }

  const { media, videos } = creatorMediaFields(revision.course, lessons);
  const mediaVerdict = await mediaVerdictOf(deps, revision, media, openid);
  if (mediaVerdict.kind !== 'pass') return mediaVerdict;
  if (videos.length > 0 && revision.videoApproved !== true)
    return { kind: 'wait', reason: WAITING.video(revision._id) };
  return { kind: 'pass' };
}

/** The operator's decision on a field the platform was unsure of; undefined once approved. */
function operatorVerdict(revision: CourseRevisionDoc, field: string): Verdict | undefined {
  if (revision.operatorDecision === 'approve') return undefined;
  if (revision.operatorDecision === 'reject') return { kind: 'reject', field, reason: '运营者审核未通过' };
  return { kind: 'wait', reason: WAITING.operator(revision._id, field) };
}

function textReason(field: FieldVerdict): string {
  if (field.blockedTerm !== undefined) return `含有平台禁用词“${field.blockedTerm}”，请修改后重新导入`;
  return `内容未通过微信内容安全检查（${field.labelName ?? field.label ?? '违规'}），请修改后重新导入`;
}

/** Every image and audio file: submitted when it has no check yet, then its verdict. */
async function mediaVerdictOf(
  deps: RevisionCheckDeps,
  revision: CourseRevisionDoc,
  media: readonly MediaField[],
  openid: string,
): Promise<Verdict> {
  const verdicts = await readMediaVerdicts(deps.db, revision._id);
  let waiting = false;
  for (const field of media) {
    const verdict = verdicts.find((v) => v.fieldPath === field.path && v.fileId === field.fileId);
    if (verdict === undefined) {
      const submitted = await submitMediaCheck(deps, {
        ...field,
        fieldPath: field.path,
        courseId: revision._id,
        openid,
      });
      if (submitted.status === 'refused') return { kind: 'reject', field: field.path, reason: submitted.message };
      if (submitted.status === 'unavailable') return { kind: 'wait', reason: submitted.action };
      waiting = true;
    } else if (verdict.status === 'risky') {
      return { kind: 'reject', field: field.path, reason: '图片或音频未通过微信内容安全检查，请更换后重新导入' };
    } else if (verdict.status === 'review') {
      const decided = operatorVerdict(revision, field.path);
      if (decided) return decided;
    } else if (verdict.status === 'expired') {
      // The sweep gave up on it (./media-sweep.ts): only another file starts a new check.
      return { kind: 'wait', reason: WAITING.mediaExpired(field.path) };
    } else if (verdict.status !== 'pass') {
      waiting = true;
    }
  }
  return waiting ? { kind: 'wait', reason: WAITING.media } : { kind: 'pass' };
}

/** Writes `next` over `previous` unless the revision changed since it was read; false then. */
async function saveRevision(db: Database, previous: CourseRevisionDoc, next: CourseRevisionDoc): Promise<boolean> {
  const _ = db.command;
  const landed = await updated(
    db
      .collection(COLLECTIONS.courseRevisions)
      .where({ _id: previous._id, updatedAt: previous.updatedAt })
      .update({
        data: {
          state: next.state,
          updatedAt: next.updatedAt,
          textPassed: next.textPassed ?? _.remove(),
          field: next.field ?? _.remove(),
          reason: next.reason ?? _.remove(),
        },
      }),
  );
  if (landed === 0) return false;
  const revision = next;
  const { _id } = revision;
  const course = await getById<CourseDoc>(db, COLLECTIONS.courses, _id);
  if (course === null) return true;
  // A published course's document is every client's to read: its staged change's state stays in the revision.
  if (isCourseOpen(course)) return true;
  await db
    .collection(COLLECTIONS.courses)
    .doc(_id)
    .update({
      data: {
        moderation: db.command.set(moderationOf(revision)),
        ...(inFirstReview(course) ? { status: revision.state === 'rejected' ? 'rejected' : 'reviewing' } : {}),
      },
    });
  return true;
}

/**
 * Writes a passed revision to `courses`/`lessons` as the import once did (planCourseUpsert): lessons that change or
 * go are removed first, the course last, replaced whole (so `moderation` goes). The price is the file's only when the
 * revision says so and no price test started since.
 */
async function applyRevision(db: Database, revision: CourseRevisionDoc, now: string): Promise<boolean> {
  const courseId = revision._id;
  const _ = db.command;
  // Claimed first: a concurrent run, or a new import, makes this one step aside.
  const claimed = await updated(
    db
      .collection(COLLECTIONS.courseRevisions)
      .where({ _id: courseId, updatedAt: revision.updatedAt })
      .update({ data: { updatedAt: now } }),
  );
  if (claimed === 0) return false;
  const [course, lessons, tests] = await Promise.all([
    getById<CourseDoc>(db, COLLECTIONS.courses, courseId),
    found<LessonDoc>(db.collection(COLLECTIONS.lessons).where({ courseId }).limit(1000)),
    found<unknown>(db.collection(COLLECTIONS.priceTests).where({ courseId, status: 'running' }).limit(1)),
  ]);
  const filePrice = revision.filePrice && tests.length === 0;
  const priceFen = filePrice || course === null ? revision.course.priceFen : course.priceFen;
  // A course's first publication is its version 1, whatever its closed document said.
  const existing =
    course === null ? null : { course: inFirstReview(course) ? { ...course, version: 0 } : course, lessons };
  const plan = planCourseUpsert(existing, { ...revision, course: { ...revision.course, priceFen } }, now);
  const stored = new Set(lessons.map((l) => l._id));
  const removed = [...plan.upsertLessons.map((l) => l._id).filter((id) => stored.has(id)), ...plan.deleteLessonIds];
  if (removed.length > 0)
    await db
      .collection(COLLECTIONS.lessons)
      .where({ _id: _.in(removed) })
      .remove();
  for (const { _id, ...lesson } of plan.upsertLessons) {
    await db.collection(COLLECTIONS.lessons).doc(_id).set({ data: lesson });
  }
  // An unchanged plan hands back the stored document, moderation field and all.
  const { _id, moderation: _staged, ...courseData } = plan.course as CourseDoc & { moderation?: unknown };
  await db.collection(COLLECTIONS.courses).doc(_id).set({ data: courseData });
  // A revision staged again since the claim stays as the import wrote it, to be checked next.
  await db
    .collection(COLLECTIONS.courseRevisions)
    .where({ _id: courseId, updatedAt: now })
    .update({ data: { state: 'applied', appliedAt: now, field: _.remove(), reason: _.remove() } });
  return true;
}
