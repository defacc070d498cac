/**
 * The reasons a learner picks when reporting a review or a course. Pure. The mini-program takes only types from
 * shared/contract (its code is not part of the package), so the labels are keyed by the contract's `ReportReason`:
 * a reason added there does not compile here until it has its label.
 */
import type { ReportReason } from '../../shared/contract';

export const REPORT_REASON_TEXT: Record<ReportReason, string> = {
  ad: '广告引流',
  abuse: '辱骂攻击',
  vulgar: '色情低俗',
  illegal: '违法违规',
  misleading: '虚假不实',
  other: '其他',
};

const REASONS = Object.keys(REPORT_REASON_TEXT) as ReportReason[];

/** What the action sheet lists (at most six items, as `wx.showActionSheet` takes). */
export const REPORT_REASON_ITEMS: string[] = REASONS.map((reason) => REPORT_REASON_TEXT[reason]);

/** The reason of the item tapped, or undefined for an index the sheet cannot give. */
export function reportReasonAt(index: number): ReportReason | undefined {
  return REASONS[index];
}

/** What the learner is told once a report is recorded (again or not: a repeated report is the same report). */
export const REPORT_THANKS = '已收到举报，我们会尽快处理';
