/**
 * Catalog documents as stored in the database. The TypeBox schemas are the single source of the types.
 *
 * Conventions for every collection (see database/collections.ts):
 * - times are ISO-8601 UTC strings (`2024-05-01T08:00:00.000Z`), so they sort as strings and survive JSON;
 * - money is an integer number of fen;
 * - documents allow fields this version does not know (a console edit or a newer writer), readers pick what they need.
 */
import { Type, type Static } from '@sinclair/typebox';
import { COURSE_LEVELS, DocId, LESSON_KINDS, StringEnum } from '../contract';

/**
 * `reviewing` and `rejected` are a new course's first review (shared/catalog/visibility.ts: only `published` is open);
 * a published course's staged change and its state are in `courseRevisions` only (a closed course also carries the
 * state in its `moderation` field; a published course's document is every client's to read).
 */
export const COURSE_STATUSES = ['draft', 'reviewing', 'published', 'rejected', 'archived'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

/** ¥100,000: far above any course, low enough to catch a yuan/fen or extra-zero mistake. */
export const MAX_PRICE_FEN = 10_000_000;

export const FileId = Type.String({ pattern: '^cloud://\\S+$', description: 'a cloud fileID (cloud://…)' });
export const IsoTime = Type.String({ format: 'date-time' });

export const RatingSummary = Type.Object({
  /** Mean of the 1–5 ratings, 0 when count is 0. */
  avg: Type.Number({ minimum: 0, maximum: 5 }),
  count: Type.Integer({ minimum: 0 }),
  /** Counts of 1★ … 5★; index 0 is 1★. */
  histogram: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 5, maxItems: 5 }),
});
export type RatingSummary = Static<typeof RatingSummary>;

/**
 * A course's summary as the catalog keeps it: with the Bayesian average the `rating` sort orders by and the mean it
 * was shrunk toward (shared/reviews/rating-score.ts); both absent on a course no review or nightly run has scored.
 */
export const CourseRating = Type.Composite([
  RatingSummary,
  Type.Object({
    score: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
    prior: Type.Optional(Type.Number({ minimum: 1, maximum: 5 })),
  }),
]);
export type CourseRating = Static<typeof CourseRating>;

export const EMPTY_RATING: RatingSummary = { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] };

export const Tag = Type.String({ minLength: 1, maxLength: 20 });

/** `courses`: the public part of a course. Readable by every client once published. */
export const CourseDoc = Type.Object({
  _id: DocId,
  status: StringEnum(COURSE_STATUSES),
  title: Type.String({ minLength: 1, maxLength: 60 }),
  subtitle: Type.String({ maxLength: 120 }),
  description: Type.String({ maxLength: 5000 }),
  /** A `categories` id. */
  category: DocId,
  tags: Type.Array(Tag, { maxItems: 10, uniqueItems: true }),
  level: StringEnum(COURSE_LEVELS),
  /** Cover image fileID; clients get it as a temp URL (shared/storage/cover-urls.ts). */
  cover: FileId,
  /** Snapshot of the `creators` document, so a page of cards needs no join. */
  creator: Type.Object({
    id: DocId,
    name: Type.String({ minLength: 1, maxLength: 40 }),
    title: Type.Optional(Type.String({ maxLength: 60 })),
  }),
  priceFen: Type.Integer({ minimum: 0, maximum: MAX_PRICE_FEN }),
  /** Number of `lessons` of the course, kept by the import. */
  lessonCount: Type.Integer({ minimum: 0 }),
  /** Enrollments (paid or free); incremented in the fulfilment transaction; `sort=popular` orders by it. */
  learnerCount: Type.Integer({ minimum: 0 }),
  /** Updated in the same transaction as the review that changes it. */
  rating: CourseRating,
  /** Content version, bumped by the import when anything a learner sees changes. */
  version: Type.Integer({ minimum: 1 }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** First time the course was published; `sort=newest` orders by it. */
  publishedAt: Type.Optional(IsoTime),
});
export type CourseDoc = Static<typeof CourseDoc>;

/** `lessons`: the private part. No client reads it; functions hand out media only after an entitlement check. */
export const LessonDoc = Type.Object({
  _id: DocId,
  courseId: DocId,
  /** 1-based position in the course. */
  order: Type.Integer({ minimum: 1 }),
  title: Type.String({ minLength: 1, maxLength: 60 }),
  kind: StringEnum(LESSON_KINDS),
  /** Play time, or reading time of an article. */
  durationSec: Type.Integer({ minimum: 1 }),
  /** A free trial lesson anyone may open. */
  free: Type.Boolean(),
  /** Video or audio file in private storage (video and audio lessons). */
  media: Type.Optional(FileId),
  /** Markdown body (article lessons). */
  body: Type.Optional(Type.String({ maxLength: 50_000 })),
  updatedAt: IsoTime,
});
export type LessonDoc = Static<typeof LessonDoc>;

export const CategoryDoc = Type.Object({
  _id: DocId,
  name: Type.String({ minLength: 1, maxLength: 12 }),
  /** Display order, ascending. */
  order: Type.Integer({ minimum: 0 }),
  description: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CategoryDoc = Static<typeof CategoryDoc>;

export const CreatorDoc = Type.Object({
  _id: DocId,
  name: Type.String({ minLength: 1, maxLength: 40 }),
  title: Type.Optional(Type.String({ maxLength: 60 })),
  bio: Type.Optional(Type.String({ maxLength: 1000 })),
  avatar: Type.Optional(FileId),
});
export type CreatorDoc = Static<typeof CreatorDoc>;

/**
 * What the schema cannot say: which content field a lesson kind needs. Returns the missing field's path, or null.
 */
export function lessonContentProblem(lesson: Pick<LessonDoc, 'kind' | 'media' | 'body'>): string | null {
  if (lesson.kind === 'article') return lesson.body === undefined ? 'body' : null;
  return lesson.media === undefined ? 'media' : null;
}
