/**
 * `recommend.forMe` and `recommend.similar` (API.md §1), and the learner's picked interests (`setInterests`,
 * `interests`) that a new learner's forMe starts from. The common path of forMe — a learner with a precomputed list
 * in a warm instance — is two database calls: the learner's snapshot with their list shard joined in (one aggregate),
 * then the cards of the listed courses. The current-model pointer and the item factors are cached in the instance.
 */
import type { CourseCard, ForMeData, InterestsData, SimilarData } from '../../contract';
import { AppError } from '../../contract';
import { toCourseCard } from '../../catalog/projections';
import { readCourses } from '../../catalog/reader';
import type { CourseDoc } from '../../catalog/schema';
import { ItemFactors } from '../algorithms/item-factors';
import { parseList, recommendFromSignals, shardId, shardOf, type ListEntry } from './lists';
import type { ModelPointer } from '../job/types';
import {
  chosenInterests,
  interestCategories,
  ownedCourses,
  snapshotStrengths,
  type InteractionSnapshot,
} from '../data/snapshot';
import { isCourseOpen } from '../../catalog/visibility';

export interface ServingStore {
  currentModel(): Promise<ModelPointer | null>;
  /** The learner's snapshot and, when `shardId` is given, their list from that shard: one call. */
  learner(
    openid: string,
    shardId: string | null,
  ): Promise<{ snapshot: InteractionSnapshot | null; list: unknown[] | null }>;
  /** Courses by id, whatever their status. */
  coursesByIds(ids: string[]): Promise<unknown[]>;
  /** Published courses, most learners first, in `categories` (or all when null). */
  popularCourses(categories: string[] | null, limit: number): Promise<unknown[]>;
  download(fileId: string): Promise<Buffer>;
  /** Which of `ids` are catalog categories. */
  knownCategories(ids: string[]): Promise<string[]>;
  /**
   * Replaces the learner's picked categories: one atomic update of their snapshot (signals.ts recordInterests), after
   * the learner's write limit (RESOURCE_EXHAUSTED when over it).
   */
  recordInterests(openid: string, categories: string[], now: Date): Promise<void>;
}

/** How long an instance trusts its copy of the current-model pointer. */
export const POINTER_TTL_MS = 60_000;
/** The modelVersion of a cold-start answer. */
export const COLD_START_VERSION = 'cold-start';

export const REASONS = {
  because: (title: string) => `因为你学习了《${title}》`,
  personal: '猜你喜欢',
  interest: '你关注的方向',
  category: '同类热门',
  popular: '大家都在学',
} as const;

/**
 * What a warm instance keeps between invocations: the pointer (for POINTER_TTL_MS; the previous model's shards are
 * kept until the next switch, so a stale pointer still finds complete lists) and the item factors of one version.
 */
export class ServingCache {
  private pointer?: { value: ModelPointer | null; at: number };
  private factors?: { version: string; model: Promise<ItemFactors> };

  async currentModel(store: ServingStore, now: number): Promise<ModelPointer | null> {
    if (this.pointer === undefined || now - this.pointer.at > POINTER_TTL_MS) {
      this.pointer = { value: await store.currentModel(), at: now };
    }
    return this.pointer.value;
  }

  itemFactors(store: ServingStore, pointer: ModelPointer): Promise<ItemFactors> {
    if (this.factors?.version !== pointer.version) {
      const model = store.download(pointer.itemsFile).then((bytes) => ItemFactors.decode(bytes));
      // A failed download is not cached.
      model.catch(() => (this.factors = undefined));
      this.factors = { version: pointer.version, model };
    }
    return this.factors.model;
  }
}

export interface ServingDeps {
  store: ServingStore;
  cache: ServingCache;
  now(): number;
  log(message: string): void;
}

type Item = ForMeData['items'][number];

function cardsById(raws: unknown[], log: (message: string) => void): Map<string, CourseDoc> {
  const courses = readCourses(raws, (skipped) => log(skipped.message));
  return new Map(courses.map((course) => [course._id, course]));
}

const isPublished = (course: CourseDoc | undefined): course is CourseDoc => isCourseOpen(course);

/** Turns factor-ranked entries into items: published only, with the reason's course title. */
function personalItems(entries: ListEntry[], courses: Map<string, CourseDoc>, limit: number): Item[] {
  const items: Item[] = [];
  for (const entry of entries) {
    const course = courses.get(entry.courseId);
    if (!isPublished(course)) continue;
    const because = entry.because === undefined ? undefined : courses.get(entry.because);
    const reason = because === undefined ? REASONS.personal : REASONS.because(because.title);
    items.push({ course: toCourseCard(course), score: entry.score, reason });
    if (items.length === limit) break;
  }
  return items;
}

function entryIds(entries: ListEntry[]): string[] {
  const ids = new Set<string>();
  for (const entry of entries) {
    ids.add(entry.courseId);
    if (entry.because !== undefined) ids.add(entry.because);
  }
  return [...ids];
}

export async function forMe(deps: ServingDeps, openid: string, limit: number): Promise<ForMeData> {
  const pointer = await deps.cache.currentModel(deps.store, deps.now());
  const shard =
    pointer !== null && pointer.shards > 0 ? shardId(pointer.version, shardOf(openid, pointer.shards)) : null;
  const { snapshot, list } = await deps.store.learner(openid, shard);
  const owned = ownedCourses(snapshot);

  if (pointer !== null && list !== null) {
    const entries = parseList(list).filter((entry) => !owned.has(entry.courseId));
    if (entries.length >= limit) {
      const items = personalItems(
        entries,
        cardsById(await deps.store.coursesByIds(entryIds(entries)), deps.log),
        limit,
      );
      if (items.length === limit) return { items, modelVersion: pointer.version };
    }
  }

  if (pointer !== null && snapshot !== null) {
    const model = await deps.cache.itemFactors(deps.store, pointer);
    const strengths = snapshotStrengths(snapshot);
    // Extra candidates make up for courses that turn out unpublished or owned.
    const blocked = new Set<number>();
    for (const id of owned) {
      const index = model.items.indexOf(id);
      if (index !== undefined) blocked.add(index);
    }
    const entries = recommendFromSignals(model, strengths, limit + 20, blocked);
    if (entries.length > 0) {
      const items = personalItems(
        entries,
        cardsById(await deps.store.coursesByIds(entryIds(entries)), deps.log),
        limit,
      );
      if (items.length > 0) return { items, modelVersion: pointer.version };
    }
  }

  return { items: await coldStart(deps, snapshot, owned, limit), modelVersion: COLD_START_VERSION };
}

/**
 * Popular courses in the categories the learner picked, then in those they showed interest in, then popular
 * overall; never an owned course.
 */
async function coldStart(
  deps: ServingDeps,
  snapshot: InteractionSnapshot | null,
  owned: ReadonlySet<string>,
  limit: number,
): Promise<Item[]> {
  const items: Item[] = [];
  const seen = new Set(owned);
  const take = (raws: unknown[], reason: string) => {
    for (const course of readCourses(raws, (skipped) => deps.log(skipped.message))) {
      if (items.length === limit || seen.has(course._id) || !isPublished(course)) continue;
      seen.add(course._id);
      items.push({ course: toCourseCard(course), score: course.learnerCount, reason });
    }
  };
  const chosen = chosenInterests(snapshot);
  const learned = interestCategories(snapshot).filter((category) => !chosen.includes(category));
  for (const [categories, reason] of [
    [chosen, REASONS.interest],
    [learned, REASONS.category],
  ] as const) {
    if (categories.length > 0 && items.length < limit) {
      take(await deps.store.popularCourses(categories, limit + seen.size), reason);
    }
  }
  if (items.length < limit) take(await deps.store.popularCourses(null, limit + seen.size), REASONS.popular);
  return items;
}

export async function similar(deps: ServingDeps, courseId: string, limit: number): Promise<SimilarData> {
  const pointer = await deps.cache.currentModel(deps.store, deps.now());
  const neighbours =
    pointer === null ? [] : (await deps.cache.itemFactors(deps.store, pointer)).similar(courseId, limit + 10);
  const courses = cardsById(await deps.store.coursesByIds([courseId, ...neighbours.map((n) => n.id)]), deps.log);
  const target = courses.get(courseId);
  if (!isPublished(target)) throw new AppError('NOT_FOUND', '课程不存在或已下架');
  const items: { course: CourseCard; score: number }[] = [];
  for (const neighbour of neighbours) {
    const course = courses.get(neighbour.id);
    if (isPublished(course)) items.push({ course: toCourseCard(course), score: neighbour.score });
    if (items.length === limit) return { items };
  }
  // Not enough factor neighbours (a new course, or no model yet): the most popular of the same category.
  const chosen = new Set([courseId, ...items.map((item) => item.course.id)]);
  const fallback = readCourses(await deps.store.popularCourses([target.category], limit + chosen.size), (skipped) =>
    deps.log(skipped.message),
  );
  for (const course of fallback) {
    if (items.length === limit) break;
    if (chosen.has(course._id) || !isPublished(course)) continue;
    items.push({ course: toCourseCard(course), score: 0 });
  }
  return { items };
}

/** `recommend.setInterests`: every id must be a catalog category; the choice replaces the previous one. */
export async function setInterests(deps: ServingDeps, openid: string, categories: string[]): Promise<InterestsData> {
  const known = new Set(await deps.store.knownCategories(categories));
  const unknown = categories.findIndex((id) => !known.has(id));
  if (unknown >= 0) {
    throw new AppError('INVALID_ARGUMENT', `categories[${unknown}] is not a known category: ${categories[unknown]}`);
  }
  await deps.store.recordInterests(openid, categories, new Date(deps.now()));
  return { categories };
}

/** `recommend.interests`: the categories the learner picked, as stored. */
export async function interests(deps: ServingDeps, openid: string): Promise<InterestsData> {
  const { snapshot } = await deps.store.learner(openid, null);
  return { categories: chosenInterests(snapshot) };
}
