/**
 * The `creator` function (issue 17): the creator center. Every action is for a creator admin only (a `creatorAdmins`
 * document naming the caller's openid): anyone else gets FORBIDDEN from every action, and a course of a creator the
 * caller does not administer is FORBIDDEN whether it exists or not (the same error, so nothing is learnt).
 *
 * Every figure is read from what the nightly jobs wrote (`courseStats`: shared/stats; `courseDaily` with the sales the
 * `insights` job folds in, `courseInsights`: shared/insights), never aggregated from raw orders at request time: a
 * day's sales appear the night after. Where a job has not run yet the answer says so (`pendingFirstNight`, `null`
 * figures, empty series) rather than showing invented numbers. Money is in fen; times are ISO-8601; days and weeks
 * are Beijing (UTC+8) days and Monday weeks, `YYYY-MM-DD`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DocId } from './catalog';
import type { RequestOf } from './handler';
import { REPORT_DECISIONS } from './report';
import { Review, REVIEW_STATUSES, ReviewSummary } from './review';
import { COUPON_KINDS } from './promo';
import { Line, StringEnum, Text } from './validation';

/** A reply is one short answer under a review. */
export const CREATOR_REPLY_MAX = 300;

/** What `moderate` acts on. `post` is a discussion post (issue 20), not built yet: refused as INVALID_ARGUMENT. */
export const MODERATION_TARGETS = ['review', 'post'] as const;
export type ModerationTarget = (typeof MODERATION_TARGETS)[number];

/**
 * The overview's series buckets and how far back each reaches, ending with the bucket of yesterday (Beijing), the
 * last day the nightly job has folded: `day` 30 days, `week` 26 Monday weeks, `month` 12 calendar months. The first
 * bucket of a week or month series may start before the first day with sales; the last one is partial (through
 * yesterday).
 */
export const OVERVIEW_PERIODS = { day: 30, week: 26, month: 12 } as const;
export type OverviewPeriod = keyof typeof OVERVIEW_PERIODS;
export const OVERVIEW_PERIOD_NAMES = ['day', 'week', 'month'] as const satisfies readonly OverviewPeriod[];

/** Weeks of sales history on the course screen (ending with the week of yesterday), and the funnel's days. */
export const COURSE_HISTORY_WEEKS = 26;
export const FUNNEL_DAYS = 30;

/** The highest list price a creator may set: ¥100,000. */
export const MAX_PRICE_FEN = 10_000_000;

/** A price test's bounds when the creator gives none: from 70 % to 150 % of the list price. */
export const PRICE_TEST_DEFAULT_SPAN = { min: 0.7, max: 1.5 } as const;

/** @default values the `reviews` action applies when the param is absent. */
export const CREATOR_REVIEWS_DEFAULTS = { page: 1, pageSize: 20 } as const;

/** What the creator center creates: a coupon, a limited-time price (`promotions`), a batch of redemption codes. */
export const PROMOTION_KINDS = ['coupon', 'discount', 'codes'] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

/** `active` sells; `paused` does not until made `active` again; `revoked` is final. */
export const PROMOTION_STATUSES = ['active', 'paused', 'revoked'] as const;
export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];

/**
 * What one creator-center call may create: a coupon's stock and per-learner limit, courses in its scope, codes in a
 * batch (1,000 codes are hashed and written in 2 inserts, well within the function's 10 s), the longest window.
 * `npm run promo` keeps the documents' own limits (a stock of 1,000,000, 10,000 codes a batch).
 */
export const PROMOTION_LIMITS = {
  couponStock: 100_000,
  perLearner: 10,
  scopeCourses: 50,
  codesPerBatch: 1000,
  windowDays: 366,
} as const;

const IsoTimeParam = Type.String({ format: 'date-time' });
const FenParam = Type.Integer({ minimum: 1, maximum: MAX_PRICE_FEN });
const TargetParam = Type.Object(
  { kind: StringEnum(['course', 'bundle'] as const), id: DocId },
  { additionalProperties: false },
);

/**
 * A coupon (`coupons`): `kind` `amount` (`amountFen` off), `percent` (`percentOff`, at most `maxOffFen`) or `threshold`
 * (`amountFen` off from `thresholdFen`); `appliesTo.courseIds` only (all, categories and bundles are the operator's).
 * @default startsAt now, perLearner 1
 */
export const CouponInput = Type.Object(
  {
    title: Line({ maxLength: 30 }),
    kind: StringEnum(COUPON_KINDS),
    amountFen: Type.Optional(FenParam),
    percentOff: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    maxOffFen: Type.Optional(FenParam),
    thresholdFen: Type.Optional(FenParam),
    stock: Type.Integer({ minimum: 1, maximum: PROMOTION_LIMITS.couponStock }),
    perLearner: Type.Optional(Type.Integer({ minimum: 1, maximum: PROMOTION_LIMITS.perLearner })),
    appliesTo: Type.Object(
      {
        courseIds: Type.Optional(
          Type.Array(DocId, { minItems: 1, maxItems: PROMOTION_LIMITS.scopeCourses, uniqueItems: true }),
        ),
        all: Type.Optional(Type.Boolean()),
        categories: Type.Optional(Type.Array(DocId)),
        bundleIds: Type.Optional(Type.Array(DocId)),
      },
      { additionalProperties: false },
    ),
    startsAt: Type.Optional(IsoTimeParam),
    endsAt: IsoTimeParam,
  },
  { additionalProperties: false },
);
export type CouponInput = Static<typeof CouponInput>;

/** A limited-time price (`promotions`) of one of the creator's courses, below its list price. @default label 限时特惠 */
export const DiscountInput = Type.Object(
  {
    target: TargetParam,
    priceFen: Type.Integer({ minimum: 100, maximum: MAX_PRICE_FEN }),
    label: Type.Optional(Line({ maxLength: 12 })),
    startsAt: Type.Optional(IsoTimeParam),
    endsAt: IsoTimeParam,
  },
  { additionalProperties: false },
);
export type DiscountInput = Static<typeof DiscountInput>;

/** A batch of redemption codes (`redeemBatches`) of one of the creator's courses; no `expiresAt`: they never expire. */
export const CodesInput = Type.Object(
  {
    target: TargetParam,
    count: Type.Integer({ minimum: 1, maximum: PROMOTION_LIMITS.codesPerBatch }),
    expiresAt: Type.Optional(IsoTimeParam),
    note: Type.Optional(Line({ maxLength: 60 })),
  },
  { additionalProperties: false },
);
export type CodesInput = Static<typeof CodesInput>;

export const creatorActions = {
  /** @default period 'day' */
  /**
   * Whether the caller may enter the creator center, and as which creators: the one action anyone may call (the 我的
   * page asks it to show the entry); a learner gets an empty list, never FORBIDDEN.
   */
  access: Type.Object({}, { additionalProperties: false }),
  overview: Type.Object({ period: Type.Optional(StringEnum(OVERVIEW_PERIOD_NAMES)) }, { additionalProperties: false }),
  course: Type.Object({ courseId: DocId }, { additionalProperties: false }),
  /** Reviews of one course, or of every course of the caller's creators; any status (`status` filters). */
  reviews: Type.Object(
    {
      courseId: Type.Optional(DocId),
      status: Type.Optional(StringEnum(REVIEW_STATUSES)),
      /** 1-based. */
      page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    },
    { additionalProperties: false },
  ),
  /** The creator's reply under a review (replaces an earlier one); blank text removes it. */
  reply: Type.Object(
    { reviewId: DocId, text: Text({ maxLength: CREATOR_REPLY_MAX }) },
    { additionalProperties: false },
  ),
  /** A creator's decision on a review (final for the review's version, like `reports.decision` in the console). */
  moderate: Type.Object(
    {
      targetType: StringEnum(MODERATION_TARGETS),
      targetId: DocId,
      decision: StringEnum(REPORT_DECISIONS),
    },
    { additionalProperties: false },
  ),
  /**
   * Sets the course's list price at once, for every learner alike. `dryRun` answers what would happen (what learners
   * will see, the virtual-payment item the price needs) without writing: the confirmation the creator reads first.
   */
  applyPrice: Type.Object(
    {
      courseId: DocId,
      priceFen: Type.Integer({ minimum: 0, maximum: MAX_PRICE_FEN }),
      dryRun: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  /**
   * Switches the course's price test on within `minPriceFen`..`maxPriceFen` (absent: PRICE_TEST_DEFAULT_SPAN of the
   * list price), or off. `dryRun` as for `applyPrice`.
   */
  priceTest: Type.Object(
    {
      courseId: DocId,
      on: Type.Boolean(),
      minPriceFen: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PRICE_FEN })),
      maxPriceFen: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PRICE_FEN })),
      dryRun: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  // Promotion actions are added here.
  /** The caller's creators' coupons, limited-time prices and batches of codes with their usage (one course, or all). */
  promotions: Type.Object({ courseId: Type.Optional(DocId) }, { additionalProperties: false }),
  /**
   * A coupon, a limited-time price or a batch of codes for the creator's own published courses, under `kind` with its
   * fields named as in the document (shared/promo/documents.ts): exactly the object named by `kind` is given.
   */
  createPromotion: Type.Object(
    {
      kind: StringEnum(PROMOTION_KINDS),
      coupon: Type.Optional(CouponInput),
      discount: Type.Optional(DiscountInput),
      codes: Type.Optional(CodesInput),
    },
    { additionalProperties: false },
  ),
  /** Pauses (`paused`), resumes (`active`) or revokes (`revoked`, final) one of them. */
  updatePromotionStatus: Type.Object(
    { kind: StringEnum(PROMOTION_KINDS), id: DocId, status: StringEnum(PROMOTION_STATUSES) },
    { additionalProperties: false },
  ),
};

export type CreatorRequest = RequestOf<typeof creatorActions>;
export type CreatorOverviewParams = Static<typeof creatorActions.overview>;
export type CreatorCourseParams = Static<typeof creatorActions.course>;
export type CreatorReviewsParams = Static<typeof creatorActions.reviews>;
export type CreatorReplyParams = Static<typeof creatorActions.reply>;
export type CreatorModerateParams = Static<typeof creatorActions.moderate>;
export type CreatorApplyPriceParams = Static<typeof creatorActions.applyPrice>;
export type CreatorPriceTestParams = Static<typeof creatorActions.priceTest>;
export type CreatorPromotionsParams = Static<typeof creatorActions.promotions>;
export type CreatePromotionParams = Static<typeof creatorActions.createPromotion>;
export type UpdatePromotionStatusParams = Static<typeof creatorActions.updatePromotionStatus>;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });
const Fen = Type.Integer();

/** Money and learners of a period, as the nightly `courseStats` counts them (summed over courses in the overview). */
export const CreatorFigures = Type.Object({
  /** All time: learners holding an active grant now; a period: grants given in it. */
  learners: Count,
  paidOrders: Count,
  revenueFen: Fen,
  refunds: Count,
  refundsFen: Fen,
  /** revenueFen − refundsFen. */
  netRevenueFen: Fen,
});
export type CreatorFigures = Static<typeof CreatorFigures>;

/**
 * A course's content review, when it has one not yet applied: a new course's first review (the course is
 * `reviewing` or `rejected`), or a published course's staged revision (`courseRevisions`), which learners do not see
 * until it passes.
 */
export const CourseModerationView = Type.Object({
  state: StringEnum(['reviewing', 'rejected'] as const),
  /** The version the course gets when the change applies. */
  version: Type.Integer({ minimum: 1 }),
  /** A rejection's field path (`lessons[2].title`, `cover`). */
  field: Type.Optional(Type.String()),
  /** Why it was rejected, or what it waits for. */
  reason: Type.Optional(Type.String()),
  /** When the state was reached. */
  at: Type.String(),
});
export type CourseModerationView = Static<typeof CourseModerationView>;

export const CREATOR_COURSE_STATUSES = ['draft', 'reviewing', 'published', 'rejected', 'archived'] as const;

/** One row of the overview's course list. */
export const CreatorCourseRow = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: StringEnum(CREATOR_COURSE_STATUSES),
  /** null: nothing under review. */
  moderation: Nullable(CourseModerationView),
  priceFen: Count,
  /** Active grants now (the nightly count, else the live one). */
  learners: Count,
  /** All time, null before the course's first nightly run. */
  revenueFen: Nullable(Fen),
  netRevenueFen: Nullable(Fen),
  rating: Type.Object({ avg: Type.Number({ minimum: 0, maximum: 5 }), count: Count }),
  /** 0–100, published courses after a nightly run; null otherwise. */
  qualityScore: Nullable(Type.Integer({ minimum: 0, maximum: 100 })),
});
export type CreatorCourseRow = Static<typeof CreatorCourseRow>;

/** One bucket of a series: a day, a Monday week or a month, named by its first day. */
export const SalesPoint = Type.Object({
  start: Type.String(),
  paidOrders: Count,
  revenueFen: Fen,
  refunds: Count,
  refundedFen: Fen,
});
export type SalesPoint = Static<typeof SalesPoint>;

export const CreatorOverview = Type.Object({
  creator: Type.Object({ id: Type.String(), name: Type.String(), title: Type.Optional(Type.String()) }),
  /** Sums over the creator's courses of the last nightly `courseStats`; zeros before the first run. */
  totals: CreatorFigures,
  last30: CreatorFigures,
  /** Every bucket of the period's range, oldest first, zeros where nothing sold (see OVERVIEW_PERIODS). */
  series: Type.Array(SalesPoint),
  /** Every course of the creator, in any status, the newest first. */
  courses: Type.Array(CreatorCourseRow),
  /** None of the creator's courses has a `courseStats` document yet (new creator, or before the first night). */
  pendingFirstNight: Type.Boolean(),
  /** The latest `courseStats` run among the creator's courses; null before the first. */
  computedAt: Nullable(Type.String()),
});
export type CreatorOverview = Static<typeof CreatorOverview>;

export const CreatorOverviewData = Type.Object({
  period: StringEnum(OVERVIEW_PERIOD_NAMES),
  /** The series' range: first and last day (inclusive). */
  from: Type.String(),
  to: Type.String(),
  /** The creators the caller administers, in the order of their `creatorAdmins` document. */
  creators: Type.Array(CreatorOverview),
});
export type CreatorOverviewData = Static<typeof CreatorOverviewData>;

/** A week of the course's sales history, with its funnel counters. */
export const CourseWeekPoint = Type.Object({
  week: Type.String(),
  paidOrders: Count,
  revenueFen: Fen,
  refunds: Count,
  refundedFen: Fen,
  detailViews: Count,
  checkouts: Count,
});
export type CourseWeekPoint = Static<typeof CourseWeekPoint>;

export const ForecastWeek = Type.Object({
  /** The Monday. */
  week: Type.String(),
  /** Expected paid orders of the week, and the 80 % band (10th and 90th percentiles). */
  mean: Type.Number({ minimum: 0 }),
  lower: Type.Number({ minimum: 0 }),
  upper: Type.Number({ minimum: 0 }),
});

/** The funnel of the last FUNNEL_DAYS days through yesterday: each step's count over the window. */
export const CourseFunnel = Type.Object({
  from: Type.String(),
  to: Type.String(),
  /** The course's card shown in a list (home, catalog, recommendations). */
  impressions: Count,
  /** Course pages opened by learners who could not open the course. */
  detailViews: Count,
  freeLessonStarts: Count,
  /** `order.create` calls that reached a price. */
  checkouts: Count,
  paid: Count,
  refunded: Count,
});
export type CourseFunnel = Static<typeof CourseFunnel>;

/** A lesson of the drop-off curve: how many of the learners whose outcome is known stopped there. */
export const DropOffLesson = Type.Object({
  lessonId: Type.String(),
  /** 1-based position. */
  order: Type.Integer({ minimum: 1 }),
  title: Type.String(),
  /** Learners enrolled now who stopped (no report for 14 days) with this as their first unfinished lesson. */
  stopped: Count,
  /** Learners who got past this lesson: those who finished the course, plus those stopped at a later lesson. */
  passed: Count,
});
export type DropOffLesson = Static<typeof DropOffLesson>;

export const CourseCompletion = Type.Object({
  /** Active grants now. */
  learners: Count,
  /** Learners who finished every lesson. */
  completions: Count,
  /** completions / learners, 0–1. */
  completionRate: Type.Number({ minimum: 0, maximum: 1 }),
  /** Mean progress of the learners, 0–100. */
  avgProgress: Type.Number({ minimum: 0, maximum: 100 }),
  /** Learners who stopped before the end. */
  stopped: Count,
  /** Every lesson of the course in order (zeros where no one stopped). */
  dropOff: Type.Array(DropOffLesson),
});
export type CourseCompletion = Static<typeof CourseCompletion>;

const QualityComponent = Type.Object({
  /** The shrunk rate or average the points come from. */
  value: Type.Number(),
  points: Type.Number({ minimum: 0 }),
  max: Type.Number({ minimum: 0 }),
  advice: Type.Optional(Type.String()),
});

/** The quality score as the nightly job computed it (shared/stats/quality.ts). */
export const CourseQualityView = Type.Object({
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  components: Type.Object({
    rating: QualityComponent,
    completion: QualityComponent,
    refunds: QualityComponent,
    reports: QualityComponent,
  }),
  /** What to improve, the one costing the most points first; empty when there is nothing. */
  advice: Type.Array(Type.String()),
});
export type CourseQualityView = Static<typeof CourseQualityView>;

/** The nightly price advice (shared/insights/pricing/advice.ts): shown, never applied by itself. */
export const PriceAdviceView = Type.Object({
  action: StringEnum(['raise', 'lower', 'keep'] as const),
  currentPriceFen: Count,
  advisedPriceFen: Count,
  bestPriceFen: Count,
  /** Expected change of weekly net revenue at the best price, (best − current) / current. */
  expectedChange: Type.Number(),
  expectedWeeklyNetFen: Type.Object({ current: Type.Number(), best: Type.Number() }),
  /** Probability (0–1) the best price earns more than the current one. */
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  /** In Chinese, for the creator. */
  reason: Type.String(),
});
export type PriceAdviceView = Static<typeof PriceAdviceView>;

/** The course's price test (`priceTests`), when one was ever switched on. */
export const PriceTestView = Type.Object({
  status: StringEnum(['running', 'settled', 'stopped'] as const),
  minPriceFen: Count,
  maxPriceFen: Count,
  /** The price of the current period; null before the first period (it starts on the next Monday). */
  priceFen: Nullable(Count),
  periods: Type.Array(Type.Object({ week: Type.String(), priceFen: Count })),
  settledPriceFen: Type.Optional(Count),
  /** After a period: the price the policy thinks best and its probability of being best. */
  leader: Type.Optional(Type.Object({ priceFen: Count, probabilityBest: Type.Number({ minimum: 0, maximum: 1 }) })),
  startedAt: Type.String(),
  settledAt: Type.Optional(Type.String()),
  stoppedAt: Type.Optional(Type.String()),
});
export type PriceTestView = Static<typeof PriceTestView>;

/**
 * Why the forecast and the price advice are null: `firstNight` (the insights job has not run since the course was
 * published), `free` (a free course has no price to advise or sales to forecast), `notPublished`.
 */
export const INSIGHTS_MISSING = ['firstNight', 'free', 'notPublished'] as const;
export type InsightsMissing = (typeof INSIGHTS_MISSING)[number];

export const CreatorCourseData = Type.Object({
  course: Type.Object({
    id: Type.String(),
    title: Type.String(),
    status: StringEnum(CREATOR_COURSE_STATUSES),
    creatorId: Type.String(),
    priceFen: Count,
    lessonCount: Count,
    publishedAt: Type.Optional(Type.String()),
  }),
  /** No `courseStats` document yet: `figures`, `completion` and `quality` are null until the next night. */
  pendingFirstNight: Type.Boolean(),
  /** When `courseStats` and `courseInsights` were computed; null before their first run. */
  statsComputedAt: Nullable(Type.String()),
  insightsComputedAt: Nullable(Type.String()),
  figures: Nullable(Type.Object({ allTime: CreatorFigures, last7: CreatorFigures, last30: CreatorFigures })),
  /** COURSE_HISTORY_WEEKS weeks ending with the week of yesterday, oldest first, zeros where nothing happened. */
  history: Type.Array(CourseWeekPoint),
  /** Weekly paid orders ahead with the 80 % band; null with `insightsMissing` saying why. */
  forecast: Nullable(
    Type.Object({ method: StringEnum(['pooled', 'launch-curve'] as const), weeks: Type.Array(ForecastWeek) }),
  ),
  funnel: CourseFunnel,
  completion: Nullable(CourseCompletion),
  /** The live summary of the visible ratings (what learners see). */
  rating: ReviewSummary,
  /** Published courses after a nightly run. */
  quality: Nullable(CourseQualityView),
  priceAdvice: Nullable(PriceAdviceView),
  insightsMissing: Nullable(StringEnum(INSIGHTS_MISSING)),
  priceTest: Nullable(PriceTestView),
  moderation: Nullable(CourseModerationView),
});
export type CreatorCourseData = Static<typeof CreatorCourseData>;

/** The content check's verdict on a text: `pass`, `review` (the platform was unsure), `risky`, `unavailable`. */
export const CHECK_OUTCOMES = ['pass', 'review', 'risky', 'unavailable'] as const;

/**
 * A creator's reply as stored, through the same content check as reviews: `visible` under the review for everyone;
 * `pending` while the check was unavailable or unsure (only the creator sees it). Risky text is refused
 * (INVALID_ARGUMENT naming `text`, with what to change) and the earlier reply stays.
 */
export const REPLY_STATUSES = ['visible', 'pending'] as const;
export const CreatorReply = Type.Object({
  text: Type.String(),
  status: StringEnum(REPLY_STATUSES),
  check: StringEnum(CHECK_OUTCOMES),
  /** The creator's name, as learners see it. */
  creatorName: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type CreatorReply = Static<typeof CreatorReply>;

/** A review as its course's creator sees it: any status, with its content check and reports. */
export const CreatorReview = Type.Composite([
  Type.Omit(Review, ['mine', 'reply']),
  Type.Object({
    courseTitle: Type.String(),
    check: StringEnum(CHECK_OUTCOMES),
    /** `check`: rejected by the content check; `creator`: by a creator. */
    rejectedBy: Type.Optional(StringEnum(['check', 'creator'] as const)),
    reports: Type.Object({
      /** Distinct learners who reported this version. */
      count: Count,
      /** By reason (`REPORT_REASONS`). */
      reasons: Type.Record(Type.String(), Count),
      hiddenAt: Type.Optional(Type.String()),
      decision: Type.Optional(StringEnum(REPORT_DECISIONS)),
      /** Set once a decision applied: final for this version. */
      decidedAt: Type.Optional(Type.String()),
    }),
    reply: Type.Optional(CreatorReply),
  }),
]);
export type CreatorReview = Static<typeof CreatorReview>;

export const CreatorReviewsData = Type.Object({
  /** Newest first. */
  items: Type.Array(CreatorReview),
  total: Count,
  page: Type.Integer({ minimum: 1 }),
  pageSize: Type.Integer({ minimum: 1 }),
});
export type CreatorReviewsData = Static<typeof CreatorReviewsData>;

/**
 * The virtual-payment item a price needs (小程序虚拟支付 sells only registered items, each at its registered price):
 * `registered` false means the creator must register it in the MP backend (虚拟支付 → 道具配置) first.
 */
export const VirtualItemNeed = Type.Object({ productId: Type.String(), priceFen: Count, registered: Type.Boolean() });
export type VirtualItemNeed = Static<typeof VirtualItemNeed>;

export const ApplyPriceData = Type.Object({
  /** false for a dry run, or a price that is already the list price. */
  applied: Type.Boolean(),
  courseId: Type.String(),
  priceFen: Count,
  previousPriceFen: Count,
  /** What learners will see, in Chinese, for the confirmation. */
  learnersSee: Type.String(),
  /** null off the virtual rail and for a free course. */
  virtualItem: Nullable(VirtualItemNeed),
});
export type ApplyPriceData = Static<typeof ApplyPriceData>;

export const PriceTestData = Type.Object({
  applied: Type.Boolean(),
  /** The test as it stands after the call (for a dry run of `on`, as it would start). */
  test: Nullable(PriceTestView),
  /** The prices the test may charge, ascending (on); empty when switched off. */
  pricesFen: Type.Array(Count),
  learnersSee: Type.String(),
});
export type PriceTestData = Static<typeof PriceTestData>;

/** A coupon with its usage. */
export const CreatorCouponView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: StringEnum(COUPON_KINDS),
  /** Its figure in words: `立减 ¥20`, `8.5 折`, `满 ¥100 减 ¥20`. */
  label: Type.String(),
  amountFen: Type.Optional(Count),
  percentOff: Type.Optional(Count),
  maxOffFen: Type.Optional(Count),
  thresholdFen: Type.Optional(Count),
  courseIds: Type.Array(Type.String()),
  startsAt: Type.String(),
  endsAt: Type.String(),
  status: StringEnum(PROMOTION_STATUSES),
  stock: Count,
  perLearner: Count,
  claimed: Count,
  remaining: Count,
  /** Claims held by a pending order, and spent on a paid one. */
  held: Count,
  used: Count,
  createdAt: Type.String(),
});
export type CreatorCouponView = Static<typeof CreatorCouponView>;

/** A limited-time price: `running` while active, inside its window and below the list price. */
export const CreatorDiscountView = Type.Object({
  id: Type.String(),
  courseId: Type.String(),
  priceFen: Count,
  label: Type.String(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  status: StringEnum(PROMOTION_STATUSES),
  running: Type.Boolean(),
  createdAt: Type.String(),
});
export type CreatorDiscountView = Static<typeof CreatorDiscountView>;

/** A batch of redemption codes: the codes themselves are shown once, when created. */
export const CreatorCodeBatchView = Type.Object({
  id: Type.String(),
  courseId: Type.String(),
  count: Count,
  used: Count,
  expiresAt: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
  status: StringEnum(PROMOTION_STATUSES),
  createdAt: Type.String(),
});
export type CreatorCodeBatchView = Static<typeof CreatorCodeBatchView>;

/** Newest first. Bundles (memberships, 专栏) and coupons for more than the creator's courses are the operator's. */
export const CreatorPromotionsData = Type.Object({
  coupons: Type.Array(CreatorCouponView),
  discounts: Type.Array(CreatorDiscountView),
  batches: Type.Array(CreatorCodeBatchView),
});
export type CreatorPromotionsData = Static<typeof CreatorPromotionsData>;

export const CreatePromotionData = Type.Object({
  kind: StringEnum(PROMOTION_KINDS),
  coupon: Type.Optional(CreatorCouponView),
  discount: Type.Optional(CreatorDiscountView),
  batch: Type.Optional(CreatorCodeBatchView),
  /** `codes` only: as a person types them, `7K3M-Q9XD-2HWT-B8NE`. Shown this once: only their hashes are stored. */
  codes: Type.Optional(Type.Array(Type.String())),
});
export type CreatePromotionData = Static<typeof CreatePromotionData>;

export const UpdatePromotionStatusData = Type.Object({
  kind: StringEnum(PROMOTION_KINDS),
  id: Type.String(),
  status: StringEnum(PROMOTION_STATUSES),
  previousStatus: StringEnum(PROMOTION_STATUSES),
  /** false when it already had the status. */
  changed: Type.Boolean(),
});
export type UpdatePromotionStatusData = Static<typeof UpdatePromotionStatusData>;

export const CreatorAccessData = Type.Object({
  /** The creators the caller administers, in their `creatorAdmins` document's order; empty for anyone else. */
  creators: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});
export type CreatorAccessData = Static<typeof CreatorAccessData>;

export interface CreatorResponses {
  access: CreatorAccessData;
  overview: CreatorOverviewData;
  course: CreatorCourseData;
  reviews: CreatorReviewsData;
  reply: { review: CreatorReview };
  moderate: { review: CreatorReview };
  applyPrice: ApplyPriceData;
  priceTest: PriceTestData;
  promotions: CreatorPromotionsData;
  createPromotion: CreatePromotionData;
  updatePromotionStatus: UpdatePromotionStatusData;
}
