/**
 * The `catalog` function: what each action takes and answers (API.md §1). Every client-callable function has a
 * module like this one: `<fn>Actions` (params schema per action, no extra field allowed), `<Fn>Responses` (data per
 * action), registered in `ClientFunctions` (./index.ts) so the mini-program's `call()` is typed end to end.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { RequestOf } from './handler';
import { reportFields, type ReportData } from './report';
import { Line, StringEnum } from './validation';

export const COURSE_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type CourseLevel = (typeof COURSE_LEVELS)[number];

export const LESSON_KINDS = ['video', 'audio', 'article'] as const;
export type LessonKind = (typeof LESSON_KINDS)[number];

export const CATALOG_SORTS = ['popular', 'newest', 'rating', 'priceAsc', 'priceDesc'] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];

/** @default values the `list` action applies when the param is absent. */
export const CATALOG_LIST_DEFAULTS = { sort: 'popular', page: 1, pageSize: 20 } as const satisfies {
  sort: CatalogSort;
  page: number;
  pageSize: number;
};

/** A document id: console-made ids are 32 hex characters, imported ones are slugs. */
export const DocId = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: 'an id of 1 to 64 letters, digits, _ or -',
});

export const catalogActions = {
  list: Type.Object(
    {
      category: Type.Optional(DocId),
      tag: Type.Optional(Line({ minLength: 1, maxLength: 20 })),
      /** Matched literally and case-insensitively against title, subtitle and tags; blank means no keyword. */
      keyword: Type.Optional(Line({ maxLength: 40 })),
      sort: Type.Optional(StringEnum(CATALOG_SORTS)),
      /** 1-based. */
      page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    },
    { additionalProperties: false },
  ),
  detail: Type.Object({ courseId: DocId }, { additionalProperties: false }),
  categories: Type.Object({}, { additionalProperties: false }),
  /** Published memberships and 专栏, newest first. */
  bundles: Type.Object(
    {
      /** 1-based. */
      page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    },
    { additionalProperties: false },
  ),
  /** One published bundle with the cards of its courses, and the caller's access to it. */
  bundle: Type.Object({ bundleId: DocId }, { additionalProperties: false }),
  /**
   * Course cards the learner saw since the last call, batched by the mini-program (shared/insights/daily): each
   * course once with how many times its card was shown.
   */
  impressions: Type.Object(
    {
      items: Type.Array(
        Type.Object(
          { courseId: DocId, count: Type.Integer({ minimum: 1, maximum: 20 }) },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 50 },
      ),
    },
    { additionalProperties: false },
  ),
  /** A learner reports a published course; recorded and counted for its creator, never hidden automatically. */
  report: Type.Object({ courseId: DocId, ...reportFields }, { additionalProperties: false }),
};

export type CatalogRequest = RequestOf<typeof catalogActions>;
export type CatalogListParams = Static<typeof catalogActions.list>;
export type CatalogDetailParams = Static<typeof catalogActions.detail>;
export type CatalogBundlesParams = Static<typeof catalogActions.bundles>;
export type CatalogBundleParams = Static<typeof catalogActions.bundle>;
export type CatalogImpressionsParams = Static<typeof catalogActions.impressions>;
export type CatalogReportParams = Static<typeof catalogActions.report>;

export const RatingBrief = Type.Object({
  /** Mean of 1–5 ratings, 0 when there are none. */
  avg: Type.Number({ minimum: 0, maximum: 5 }),
  count: Type.Integer({ minimum: 0 }),
});

/**
 * A limited-time price while it runs (shared/promo/pricing.ts `priceInForce`): the same for every learner. The list
 * price stays in `priceFen`, so a page shows it struck through beside this one, with a countdown to `endsAt`.
 */
export const PromotionBrief = Type.Object({
  priceFen: Type.Integer({ minimum: 0 }),
  /** ISO-8601; the price applies before this instant. */
  endsAt: Type.String(),
  /** The creator's name for it, e.g. `限时特惠`. */
  label: Type.String(),
});
export type PromotionBrief = Static<typeof PromotionBrief>;

/** What a list shows of a course. Public: never a media fileID, a temp URL or an article body. */
export const CourseCard = Type.Object({
  id: Type.String(),
  title: Type.String(),
  subtitle: Type.String(),
  /**
   * The cover image as a temp URL (`<image src>` takes it), valid at least 12 hours; empty when the file is missing.
   * Storage is admin-only: the function turns the stored fileID into the URL on the way out (shared/storage).
   */
  cover: Type.String(),
  priceFen: Type.Integer({ minimum: 0 }),
  category: Type.String(),
  tags: Type.Array(Type.String()),
  level: StringEnum(COURSE_LEVELS),
  lessonCount: Type.Integer({ minimum: 0 }),
  rating: RatingBrief,
  learnerCount: Type.Integer({ minimum: 0 }),
  creatorName: Type.String(),
  /** Present while a limited-time price runs. */
  promotion: Type.Optional(PromotionBrief),
});
export type CourseCard = Static<typeof CourseCard>;

/** A lesson as the outline shows it, before any entitlement check. */
export const LessonOutline = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: StringEnum(LESSON_KINDS),
  durationSec: Type.Integer({ minimum: 0 }),
  free: Type.Boolean(),
});
export type LessonOutline = Static<typeof LessonOutline>;

export const CourseDetail = Type.Composite([
  CourseCard,
  Type.Object({
    description: Type.String(),
    creator: Type.Object({ id: Type.String(), name: Type.String(), title: Type.Optional(Type.String()) }),
    /** In course order. */
    lessons: Type.Array(LessonOutline),
    rating: Type.Object({
      avg: Type.Number({ minimum: 0, maximum: 5 }),
      count: Type.Integer({ minimum: 0 }),
      /** Counts of 1★ … 5★ (index 0 is 1★). */
      histogram: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 5, maxItems: 5 }),
    }),
    /** ISO-8601. */
    updatedAt: Type.String(),
  }),
]);
export type CourseDetail = Static<typeof CourseDetail>;

/** The caller's progress in one course, as `detail` shows it (the `learning` function owns how it is computed). */
export const CourseProgressBrief = Type.Object({
  /** 0–100, completed lessons over lessons. */
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  completedLessonIds: Type.Array(Type.String()),
  lastLessonId: Type.Optional(Type.String()),
  lastPositionSec: Type.Optional(Type.Integer({ minimum: 0 })),
  /** ISO-8601. */
  updatedAt: Type.String(),
});
export type CourseProgressBrief = Static<typeof CourseProgressBrief>;

export interface CatalogListData {
  items: CourseCard[];
  total: number;
  page: number;
  pageSize: number;
}

export interface CatalogDetailData {
  course: CourseDetail;
  /** The caller can open the paid lessons now: some grant that opens the course is active. */
  enrolled: boolean;
  /** While `enrolled`: the longest-lived of those grants (`until` absent = for life). */
  access?: Access;
  progress?: CourseProgressBrief;
}

export interface CategoryItem {
  id: string;
  name: string;
  /** Published courses in the category. */
  count: number;
}

export interface CatalogCategoriesData {
  items: CategoryItem[];
}

export interface CatalogResponses {
  list: CatalogListData;
  detail: CatalogDetailData;
  categories: CatalogCategoriesData;
  bundles: CatalogBundlesData;
  bundle: CatalogBundleData;
  impressions: CatalogImpressionsData;
  report: ReportData;
}

export interface CatalogImpressionsData {
  /** The courses counted: published ones only. */
  counted: number;
}

/**
 * Where a learner's access to a course or bundle comes from (issue 14, "Access, generalised first"): a purchase, a
 * bundle that opens the course, a redemption code, a free course, an organisation.
 */
export const ACCESS_VIAS = ['purchase', 'bundle', 'redeem', 'free', 'org'] as const;
export type AccessVia = (typeof ACCESS_VIAS)[number];

/** The longest-lived active grant: `until` absent = for life. */
export const Access = Type.Object({
  via: StringEnum(ACCESS_VIAS),
  /** ISO-8601; absent = for life. */
  until: Type.Optional(Type.String()),
});
export type Access = Static<typeof Access>;

/** `membership` opens its courses for `termDays` from payment; a 专栏 (`column`) opens them for life. */
export const BUNDLE_KINDS = ['membership', 'column'] as const;
export type BundleKind = (typeof BUNDLE_KINDS)[number];

/** @default values the `bundles` action applies when the param is absent. */
export const BUNDLE_LIST_DEFAULTS = { page: 1, pageSize: 20 } as const;

/** A membership or 专栏 as a list shows it. */
export const Bundle = Type.Object({
  id: Type.String(),
  title: Type.String(),
  subtitle: Type.String(),
  /** The cover image as a temp URL, like a course card's. */
  cover: Type.String(),
  priceFen: Type.Integer({ minimum: 0 }),
  kind: StringEnum(BUNDLE_KINDS),
  /** Days of access from payment; absent = for life (a 专栏). */
  termDays: Type.Optional(Type.Integer({ minimum: 1 })),
  courseCount: Type.Integer({ minimum: 0 }),
  /** The published courses it opens, in the creator's order. */
  courseIds: Type.Array(Type.String()),
  /** Present while a limited-time price runs. */
  promotion: Type.Optional(PromotionBrief),
});
export type Bundle = Static<typeof Bundle>;

export interface CatalogBundlesData {
  items: Bundle[];
  /** Published bundles over all pages. */
  total: number;
}

export interface CatalogBundleData {
  /** The bundle with the cards of its courses, in `courseIds` order. */
  bundle: Bundle & { courses: CourseCard[] };
  /** The caller's access to the bundle, when they have one. */
  access?: Access;
}
