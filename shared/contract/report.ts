/**
 * What `review.report` and `catalog.report` share: the fixed reasons a learner picks from and the optional words.
 * The mini-program shows the reasons in Chinese (miniprogram/view/report.ts); a creator reads the ids in the
 * `reports` collection.
 */
import { Type } from '@sinclair/typebox';
import { StringEnum, Text } from './validation';

/**
 * Six at most: the mini-program offers them in one `wx.showActionSheet`, which takes six items.
 * - `ad`: 广告引流 (ads, contact details, 刷单);
 * - `abuse`: 辱骂攻击;
 * - `vulgar`: 色情低俗;
 * - `illegal`: 违法违规;
 * - `misleading`: 虚假不实 (a review that is not about the course, a course that is not what it says);
 * - `other`: 其他.
 */
export const REPORT_REASONS = ['ad', 'abuse', 'vulgar', 'illegal', 'misleading', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** Report text is for the creator only, so it is short. */
export const REPORT_TEXT_MAX = 200;

/** The params every report takes besides its target. */
export const reportFields = {
  reason: StringEnum(REPORT_REASONS),
  /** A few words for the creator; blank is the same as absent. */
  text: Type.Optional(Text({ maxLength: REPORT_TEXT_MAX })),
};

export interface ReportData {
  /**
   * ISO-8601: when the caller's report of this target was recorded. Reporting again answers the first report's time
   * (a report is counted once per learner and target).
   */
  reportedAt: string;
}

/**
 * A creator's decision on the reports of a review (`reports.decision`, final for the review's version:
 * shared/reviews/decisions.ts): `keep` shows it again and reports never hide this version again, `hide` hides it,
 * `reject` rejects it as a creator.
 */
export const REPORT_DECISIONS = ['keep', 'hide', 'reject'] as const;
export type ReportDecision = (typeof REPORT_DECISIONS)[number];
