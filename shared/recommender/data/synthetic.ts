/**
 * A synthetic platform for tests and `npm run bench:retrain`: courses in categories with Zipf-skewed popularity,
 * learners with a favourite category and log-normally skewed activity, and their snapshot documents. Seeded and
 * deterministic; learners are generated one at a time so a large platform never sits in memory.
 */
import type { CourseDoc } from '../../catalog/schema';
import { SeededRandom } from '../algorithms/random';
import { snapshotBucket, type InteractionSnapshot } from './snapshot';

export interface PlatformSpec {
  users: number;
  courses: number;
  /** Learner–course pairs with at least one signal, in total (about; every learner has at least one). */
  interactions: number;
  /** @default max(1, round(courses / 100)) */
  categories?: number;
  /** Share of a learner's courses taken from their favourite category. @default 0.7 */
  favouriteShare?: number;
  /** Every n-th course is a draft (0 = none). @default 20 */
  draftEvery?: number;
  /** Share of learners with a signal in the last 30 days. @default 0.4 */
  activeShare?: number;
  /** @default 7 */
  seed?: number;
  /** @default 2024-05-01T03:00:00Z */
  now?: Date;
}

export const syntheticCategory = (index: number) => `cat${index}`;
export const syntheticCourseId = (index: number) => `c${index}`;
export const syntheticOpenid = (index: number) => `o${String(index).padStart(7, '0')}`;

/** A valid course document (shared/catalog CourseDoc). */
export function syntheticCourse(index: number, category: string, learnerCount: number, published: boolean): CourseDoc {
  const at = '2024-01-01T00:00:00.000Z';
  return {
    _id: syntheticCourseId(index),
    status: published ? 'published' : 'draft',
    title: `课程 ${index}`,
    subtitle: `${category} 的第 ${index} 门课`,
    description: '合成数据',
    category,
    tags: [category],
    level: 'beginner',
    cover: `cloud://local-env.bench/covers/${index}.png`,
    creator: { id: 'bench', name: '合成讲师' },
    priceFen: (index % 5) * 1000,
    lessonCount: 10,
    learnerCount,
    rating: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] },
    version: 1,
    createdAt: at,
    updatedAt: at,
    publishedAt: at,
  };
}

/** Cumulative weights for sampling by binary search. */
function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out;
}

function sample(cdf: Float64Array, random: SeededRandom): number {
  const target = random.uniform() * (cdf[cdf.length - 1] as number);
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cdf[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class SyntheticPlatform {
  readonly categories: number;
  private readonly spec: Required<PlatformSpec>;
  private readonly globalCdf: Float64Array;
  private readonly byCategory: number[][];
  private readonly categoryCdf: Float64Array[];
  private readonly counts: Int32Array;
  /** Signal pairs per course, counted as learners are generated (the courses' learnerCount). */
  readonly coursePairs: Int32Array;

  constructor(spec: PlatformSpec) {
    const categories = spec.categories ?? Math.max(1, Math.round(spec.courses / 100));
    this.spec = {
      categories,
      favouriteShare: 0.7,
      draftEvery: 20,
      activeShare: 0.4,
      seed: 7,
      now: new Date('2024-05-01T03:00:00Z'),
      ...spec,
    };
    this.categories = categories;
    const random = new SeededRandom(this.spec.seed);
    // Zipf(0.9) over a random permutation of the courses.
    const order = Array.from({ length: spec.courses }, (_v, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const weights = new Array<number>(spec.courses);
    order.forEach((course, rank) => (weights[course] = 1 / (rank + 1) ** 0.9));
    this.globalCdf = cumulative(weights);
    this.byCategory = Array.from({ length: categories }, () => [] as number[]);
    for (let c = 0; c < spec.courses; c++) this.byCategory[c % categories]?.push(c);
    this.categoryCdf = this.byCategory.map((courses) => cumulative(courses.map((c) => weights[c] as number)));
    // Log-normal activity scaled to the requested total.
    const raw = Array.from({ length: spec.users }, () => Math.exp(0.9 * random.normal()));
    const scale = spec.interactions / raw.reduce((a, b) => a + b, 0);
    const cap = Math.max(1, Math.floor(spec.courses / 2));
    this.counts = Int32Array.from(raw, (r) => Math.min(cap, Math.max(1, Math.round(r * scale))));
    this.coursePairs = new Int32Array(spec.courses);
  }

  isPublished(course: number): boolean {
    return this.spec.draftEvery === 0 || course % this.spec.draftEvery !== this.spec.draftEvery - 1;
  }

  /** The favourite category index of a learner. */
  favourite(user: number): number {
    return user % this.categories;
  }

  /** Learner `user`'s snapshot (deterministic per learner, whatever order they are generated in). */
  snapshot(user: number): InteractionSnapshot {
    const random = new SeededRandom((this.spec.seed * 1_000_003 + user) >>> 0);
    const favourite = this.favourite(user);
    const inFavourite = this.byCategory[favourite] as number[];
    const target = Math.min(this.counts[user] as number, this.spec.courses);
    const chosen = new Set<number>();
    for (let attempts = 0; chosen.size < target && attempts < target * 20; attempts++) {
      const fromFavourite = random.uniform() < this.spec.favouriteShare && chosen.size < inFavourite.length;
      const course = fromFavourite
        ? (inFavourite[sample(this.categoryCdf[favourite] as Float64Array, random)] as number)
        : sample(this.globalCdf, random);
      chosen.add(course);
    }
    const openid = syntheticOpenid(user);
    const doc: Required<Omit<InteractionSnapshot, 'n' | 'activeAt' | 'interests'>> & { n: number; activeAt: string } = {
      _id: openid,
      _openid: openid,
      b: snapshotBucket(openid),
      paid: [],
      free: [],
      q1: [],
      q2: [],
      q3: [],
      q4: [],
      r1: [],
      r2: [],
      r3: [],
      r4: [],
      r5: [],
      cats: [syntheticCategory(favourite)],
      n: 0,
      activeAt: '',
    };
    for (const course of chosen) {
      this.coursePairs[course]! += 1;
      const id = syntheticCourseId(course);
      (random.uniform() < 0.7 ? doc.paid : doc.free).push(id);
      const quarters = Math.floor(random.uniform() * 5);
      if (quarters > 0) doc[`q${quarters}` as 'q1'].push(id);
      if (random.uniform() < 0.15) doc[`r${3 + Math.floor(random.uniform() * 3)}` as 'r3'].push(id);
      doc.n += 2 + quarters;
    }
    const daysAgo = random.uniform() < this.spec.activeShare ? random.uniform() * 29 : 31 + random.uniform() * 150;
    doc.activeAt = new Date(this.spec.now.getTime() - daysAgo * 86_400_000).toISOString();
    return doc;
  }

  /** Course documents; learner counts are the generated pairs, so generate the learners first. */
  course(index: number): CourseDoc {
    const category = syntheticCategory(index % this.categories);
    return syntheticCourse(index, category, this.coursePairs[index] as number, this.isPublished(index));
  }
}
