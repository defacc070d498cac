/**
 * The `review` function: a learner's rating and review of a course, and the course's public reviews (API.md §1).
 */
import { Type, type Static } from '@sinclair/typebox';
import { DocId } from './catalog';
import type { RequestOf } from './handler';
import { reportFields, type ReportData } from './report';
import { StringEnum, Text } from './validation';

export const REVIEW_TEXT_MAX = 500;

/** @default values the `list` action applies when the param is absent. */
export const REVIEW_LIST_DEFAULTS = { page: 1, pageSize: 20 } as const;

/**
 * - `visible`: shown to everyone and counted in the course's rating;
 * - `pending`: shown only to its author until a creator sets `visible` (or `rejected`) in the console; an edit of a
 *   review a creator rejected is `pending` too, whatever the content check says (shared/reviews/service.ts);
 * - `rejected`: shown only to its author;
 * - `hidden`: reported by enough learners (`settings/app` → `reports.hideReviewAfter`), or hidden by a creator: shown
 *   only to its author and not counted, until a creator decides (README, Review moderation).
 */
export const REVIEW_STATUSES = ['visible', 'pending', 'rejected', 'hidden'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const reviewActions = {
  submit: Type.Object(
    {
      courseId: DocId,
      rating: Type.Integer({ minimum: 1, maximum: 5 }),
      text: Text({ maxLength: REVIEW_TEXT_MAX }),
    },
    { additionalProperties: false },
  ),
  list: Type.Object(
    {
      courseId: DocId,
      /** 1-based. */
      page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    },
    { additionalProperties: false },
  ),
  /** A learner reports another learner's review they can see (visible, or hidden by reports since they saw it). */
  report: Type.Object({ reviewId: DocId, ...reportFields }, { additionalProperties: false }),
};

export type ReviewRequest = RequestOf<typeof reviewActions>;
export type ReviewSubmitParams = Static<typeof reviewActions.submit>;
export type ReviewListParams = Static<typeof reviewActions.list>;
export type ReviewReportParams = Static<typeof reviewActions.report>;

export const ReviewReply = Type.Object({
  text: Type.String(),
  /** The creator's name, as on the course page. */
  creatorName: Type.String(),
  /** ISO-8601. */
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type ReviewReply = Static<typeof ReviewReply>;

export const Review = Type.Object({
  id: Type.String(),
  courseId: Type.String(),
  rating: Type.Integer({ minimum: 1, maximum: 5 }),
  text: Type.String(),
  status: StringEnum(REVIEW_STATUSES),
  /** A pseudonym derived from the author's identity (never the openid). */
  author: Type.String(),
  /** The caller wrote it. */
  mine: Type.Boolean(),
  /** The author's purchase of the course was refunded (shown as 已退款; the rating no longer counts). */
  refunded: Type.Optional(Type.Literal(true)),
  /** ISO-8601. */
  createdAt: Type.String(),
  /** ISO-8601; changes when the author edits it. */
  updatedAt: Type.String(),
  /** The course's creator's reply, shown under the review once it passed the content check (`creator.reply`). */
  reply: Type.Optional(ReviewReply),
});
export type Review = Static<typeof Review>;

export const ReviewSummary = Type.Object({
  /** Mean of the visible ratings (two decimals), 0 when there are none. */
  avg: Type.Number({ minimum: 0, maximum: 5 }),
  count: Type.Integer({ minimum: 0 }),
  /** Counts of 1★ … 5★ (index 0 is 1★). */
  histogram: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 5, maxItems: 5 }),
});
export type ReviewSummary = Static<typeof ReviewSummary>;

export interface ReviewListData {
  /**
   * Visible reviews, newest first (the caller's among them flagged `mine`); on page 1 the caller's own review, when it
   * is not visible, comes first so its author sees it.
   */
  items: Review[];
  /** Visible reviews. */
  total: number;
  /** Counts visible reviews only. */
  summary: ReviewSummary;
}

export interface ReviewResponses {
  submit: { review: Review };
  list: ReviewListData;
  report: ReportData;
}
