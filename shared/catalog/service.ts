/**
 * The `catalog` function's actions (API.md §1), over wx-server-sdk's database. The function entry supplies the
 * database and the caller; everything else is here.
 *
 * Database calls per action, each fixing the first field of an index of database/collections.ts by equality:
 * - `list`: 3 — the page (`status` [+ `category` | `tags`], ordered like an index) and its count in parallel, then the
 *   page's running limited-time prices (`target.kind` + `target.id`, index target_ends: shared/promo);
 * - `detail`: 4 or 5, in parallel — the course with its lesson outline (one aggregate: `_id` match, lookup of
 *   `lessons` by `courseId`, projection without media or body), the caller's grants (`_openid` + `status`, then the
 *   course lists of their bundles when they hold any: shared/grants), the progress (`_openid` + `courseId`) and the
 *   course's promotions; then, for a learner who cannot open the course, one update of its counters of the day
 *   (shared/insights/daily);
 * - `impressions`: 1 read of the courses named, then one update of the learner's shard of the day's impressions;
 * - `bundles`, `bundle`: ./bundles.ts;
 * - `categories`: 2, in parallel — the categories and a count of published courses per category.
 */
import {
  AppError,
  type CatalogCategoriesData,
  type CatalogDetailData,
  type CatalogDetailParams,
  type CatalogImpressionsData,
  type CatalogImpressionsParams,
  type CatalogListData,
  type CatalogListParams,
  type CourseProgressBrief,
  validate,
} from '../contract';
import { findMany, type Database } from '../db';
import { countDaily } from '../insights/daily/counters';
import { recordImpressions } from '../insights/daily/impressions';
import { accessOf, courseAccess } from '../grants';
import { readProgress } from '../learning/progress';
import { LESSON_OUTLINE_FIELDS, toCourseDetail, type LessonOutlineDoc } from './projections';
import { catalogListQuery } from './query';
import { readCourse, readCourses, skippedCourse, type SkippedCourse } from './reader';
import { CategoryDoc, CourseDoc } from './schema';
import { COLLECTIONS } from '../collections';
import { promotionBrief, targetPromotions, type SkippedBundle } from '../promo/catalog-reads';
import { cardsWithPromotions, withPromotion } from './cards';
import { isCourseOpen, OPEN_COURSE_WHERE } from './visibility';

export interface CatalogDeps {
  db: Database;
  /** Where a course or bundle document that fails its schema is reported (it is left out of the answer). */
  logSkipped: (skipped: SkippedCourse | SkippedBundle) => void;
  /** Where a failure that does not fail the call is reported (a counter not written). */
  log: (message: string, error?: unknown) => void;
  now: () => Date;
}

/** The fields of a course the detail aggregate keeps: the schema's, nothing a console edit may have added. */
const COURSE_FIELDS = Object.keys(CourseDoc.properties);
/** Far more categories than a catalog shows; one page of the server's default limit. */
const MAX_CATEGORIES = 100;

type Rows<T> = { data: T[] };

/** A page of published courses and the total that match the filters. */
export async function listCourses(deps: CatalogDeps, params: CatalogListParams): Promise<CatalogListData> {
  const { db, logSkipped } = deps;
  const query = catalogListQuery(params);
  const _ = db.command;
  let where: object = query.where;
  if (query.keyword) {
    const { pattern, options, fields } = query.keyword;
    const matches = fields.map((field) => ({ [field]: db.RegExp({ regexp: pattern, options }) }));
    where = _.and([query.where, _.or(matches)]);
  }
  const courses = db.collection(COLLECTIONS.courses);
  let page = courses.where(where);
  for (const [field, direction] of query.orderBy) page = page.orderBy(field, direction);
  const [found, counted] = await Promise.all([
    page.skip(query.skip).limit(query.limit).get() as Promise<Rows<unknown>>,
    courses.where(where).count() as Promise<{ total: number }>,
  ]);
  return {
    items: await cardsWithPromotions(db, readCourses(found.data, logSkipped), deps.now()),
    total: counted.total,
    page: query.page,
    pageSize: query.limit,
  };
}

interface CourseWithOutline {
  outline?: unknown;
}

/**
 * A published course with its outline, whether the caller can open it and through which grant (`access`), and their
 * progress if they can.
 */
export async function courseDetail(
  deps: CatalogDeps,
  params: CatalogDetailParams,
  openid: string,
): Promise<CatalogDetailData> {
  const { db, logSkipped } = deps;
  const { courseId } = params;
  const projection: Record<string, 1> = {};
  for (const field of COURSE_FIELDS) projection[field] = 1;
  for (const field of Object.keys(LESSON_OUTLINE_FIELDS)) projection[`outline.${field}`] = 1;
  const now = deps.now();
  const [aggregated, access, progressDoc, promotions] = await Promise.all([
    db
      .collection(COLLECTIONS.courses)
      .aggregate()
      .match({ _id: courseId })
      .lookup({ from: COLLECTIONS.lessons, localField: '_id', foreignField: 'courseId', as: 'outline' })
      .project(projection)
      .end() as Promise<{ list: CourseWithOutline[] }>,
    courseAccess(db, openid, courseId, now),
    readProgress(db, openid, courseId),
    targetPromotions(db, 'course', [courseId]),
  ]);
  const raw = aggregated.list[0];
  const notFound = new AppError('NOT_FOUND', `courseId 对应的课程不存在或未上架：${courseId}`, { field: 'courseId' });
  if (raw === undefined) throw notFound;
  const { outline, ...doc } = raw;
  const read = readCourse(doc);
  if (!read.ok) {
    logSkipped(skippedCourse(read));
    throw notFound;
  }
  if (!isCourseOpen(read.course)) throw notFound;
  const lessons = (Array.isArray(outline) ? outline : []).filter(isLessonOutline);
  const enrolled = access.longest !== undefined;
  const promotion = promotionBrief({ id: courseId, listPriceFen: read.course.priceFen }, promotions, now);
  const data: CatalogDetailData = { course: withPromotion(toCourseDetail(read.course, lessons), promotion), enrolled };
  if (access.longest) data.access = accessOf(access.longest);
  const progress = enrolled ? toProgressBrief(progressDoc) : undefined;
  if (progress) data.progress = progress;
  // A prospect's view, at the price the page shows: what price response learns from (owners revisiting are not).
  // Awaited, one update after the reads: a function instance is frozen once it answers, so a write left running may
  // never land; a failed one is logged and never fails the page (countDaily).
  if (!enrolled) {
    const priceFen = promotion?.priceFen ?? read.course.priceFen;
    await countDaily(deps, courseId, now, { kind: 'detailView', openid, priceFen });
  }
  return data;
}

/** Course cards the learner saw, batched by the mini-program: one update for the batch (shared/insights/daily). */
export async function countImpressions(
  deps: CatalogDeps,
  params: CatalogImpressionsParams,
  openid: string,
): Promise<CatalogImpressionsData> {
  const seen = new Map<string, number>();
  for (const { courseId, count } of params.items) seen.set(courseId, (seen.get(courseId) ?? 0) + count);
  // Only published courses: a made-up id must not become a field.
  const published = await findMany<{ _id: string }>(
    deps.db,
    COLLECTIONS.courses,
    { _id: deps.db.command.in([...seen.keys()]), ...OPEN_COURSE_WHERE },
    { limit: seen.size },
  );
  const counts = new Map(published.map(({ _id }) => [_id, seen.get(_id) ?? 0]));
  try {
    await recordImpressions(deps.db, openid, deps.now(), counts);
  } catch (error) {
    deps.log('[insights] impressions not counted', error);
  }
  return { counted: published.length };
}

function isLessonOutline(value: unknown): value is LessonOutlineDoc {
  const l = value as Partial<Record<keyof LessonOutlineDoc, unknown>> | null;
  return (
    typeof l === 'object' &&
    l !== null &&
    typeof l._id === 'string' &&
    typeof l.order === 'number' &&
    typeof l.title === 'string' &&
    (l.kind === 'video' || l.kind === 'audio' || l.kind === 'article') &&
    typeof l.durationSec === 'number' &&
    typeof l.free === 'boolean'
  );
}

/** The learning function's `courseProgress` document, as much of it as `detail` shows; undefined when unusable. */
export function toProgressBrief(raw: unknown): CourseProgressBrief | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const doc = raw as Record<string, unknown>;
  if (typeof doc.percent !== 'number' || !Number.isFinite(doc.percent)) return undefined;
  const updatedAt = doc.updatedAt instanceof Date ? doc.updatedAt.toISOString() : doc.updatedAt;
  if (typeof updatedAt !== 'string') return undefined;
  const brief: CourseProgressBrief = {
    percent: Math.min(100, Math.max(0, Math.round(doc.percent))),
    completedLessonIds: Array.isArray(doc.completedLessonIds)
      ? doc.completedLessonIds.filter((id): id is string => typeof id === 'string')
      : [],
    updatedAt,
  };
  if (typeof doc.lastLessonId === 'string') brief.lastLessonId = doc.lastLessonId;
  if (typeof doc.lastPositionSec === 'number' && Number.isInteger(doc.lastPositionSec) && doc.lastPositionSec >= 0) {
    brief.lastPositionSec = doc.lastPositionSec;
  }
  return brief;
}

/** Every category in display order, with its number of published courses (0 for an empty one). */
export async function listCategories(deps: Pick<CatalogDeps, 'db'>): Promise<CatalogCategoriesData> {
  const { db } = deps;
  const $ = db.command.aggregate;
  const [categories, counts] = await Promise.all([
    db.collection(COLLECTIONS.categories).orderBy('order', 'asc').limit(MAX_CATEGORIES).get() as Promise<Rows<unknown>>,
    db
      .collection(COLLECTIONS.courses)
      .aggregate()
      .match({ ...OPEN_COURSE_WHERE })
      .group({ _id: '$category', count: $.sum(1) })
      .end() as Promise<{ list: { _id: unknown; count: number }[] }>,
  ]);
  const byCategory = new Map(counts.list.map((row) => [row._id, row.count]));
  return {
    items: categories.data
      .filter((raw): raw is CategoryDoc => validate(CategoryDoc, raw).ok)
      .map((c) => ({ id: c._id, name: c.name, count: byCategory.get(c._id) ?? 0 })),
  };
}
