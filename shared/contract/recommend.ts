/**
 * The `recommend` function: what each action takes and answers (API.md §1).
 */
import { Type, type Static } from '@sinclair/typebox';
import { DocId, type CourseCard } from './catalog';
import type { RequestOf } from './handler';

/** @default values applied when the param is absent. */
export const RECOMMEND_DEFAULTS = { limit: 10 } as const;

const Limit = Type.Integer({ minimum: 1, maximum: 50 });

/** How many categories a learner can pick on 我的. */
export const MAX_INTERESTS = 10;

export const recommendActions = {
  forMe: Type.Object({ limit: Type.Optional(Limit) }, { additionalProperties: false }),
  similar: Type.Object({ courseId: DocId, limit: Type.Optional(Limit) }, { additionalProperties: false }),
  /**
   * The categories the learner picked on 我的 (`catalog.categories` ids), replacing the previous choice; a new
   * learner's `forMe` shows popular courses of these first. An unknown id is INVALID_ARGUMENT naming `categories`.
   */
  setInterests: Type.Object(
    { categories: Type.Array(DocId, { maxItems: MAX_INTERESTS, uniqueItems: true }) },
    { additionalProperties: false },
  ),
  /** The categories the learner picked, as stored. */
  interests: Type.Object({}, { additionalProperties: false }),
};

export type RecommendRequest = RequestOf<typeof recommendActions>;
export type ForMeParams = Static<typeof recommendActions.forMe>;
export type SimilarParams = Static<typeof recommendActions.similar>;
export type SetInterestsParams = Static<typeof recommendActions.setInterests>;

export interface ForMeData {
  /**
   * Best first. `score` orders the items of one reply (factor score, or learner count on cold start); `reason` is a
   * short Chinese line to show under the card, e.g. 因为你学习了《…》, 猜你喜欢, 你关注的方向, 同类热门,
   * 大家都在学.
   */
  items: { course: CourseCard; score: number; reason: string }[];
  /** The model version the list comes from, or `cold-start` for popular courses (new learner, no model yet). */
  modelVersion: string;
}

export interface SimilarData {
  /** Nearest by item factors (cosine, −1…1); courses of the same category filled in after them score 0. */
  items: { course: CourseCard; score: number }[];
}

/** The reply of `setInterests` and `interests`: the learner's picked categories, in the order they were given. */
export interface InterestsData {
  categories: string[];
}

export interface RecommendResponses {
  forMe: ForMeData;
  similar: SimilarData;
  setInterests: InterestsData;
  interests: InterestsData;
}
