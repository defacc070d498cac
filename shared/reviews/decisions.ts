/**
 * A creator's decision on the reports of a review, as settling applies it (./service.ts `settleModeration`). The
 * creator decides in 数据库 → reviews, like an approval: by typing `reports.decision` (`keep`, `hide` or `reject`), or
 * by the status edit that means the same (`visible` on a review reports hid is `keep`, `hidden` on one they did not
 * hide is `hide`; `rejected` is a creator's rejection as before, ./service.ts `heldByCreator`). Settling records
 * `reports.decidedAt`: from then on reports of this version count but never hide it again. Pure.
 */
import type { Database } from '../db';
import type { ReviewStatus } from '../contract';
import { REPORT_DECISIONS, type ReportDecision, type ReviewDoc } from './service';

/** The where-clauses of reviews with a decision to settle, within `scope` (one course, or all). */
export function undecidedReports(db: Database, scope: { courseId?: string }): object[] {
  const _ = db.command;
  const undecided = { ...scope, 'reports.decidedAt': _.exists(false) };
  return [
    { ...undecided, 'reports.decision': _.exists(true) },
    { ...undecided, status: 'visible', 'reports.hiddenAt': _.exists(true) },
    { ...undecided, status: 'hidden', 'reports.hiddenAt': _.exists(false) },
  ];
}

/** The fields the decision pending on `review` changes, or undefined when there is none to apply. */
export function reportDecisionOf(
  review: Pick<ReviewDoc, 'status' | 'reports'>,
  decidedAt: string,
): Partial<Pick<ReviewDoc, 'status' | 'reports' | 'rejectedBy'>> | undefined {
  const reports = review.reports ?? { count: 0 };
  if (reports.decidedAt !== undefined) return undefined;
  const decision = typedDecision(reports.decision) ?? consoleDecision(review);
  if (decision === undefined) return undefined;
  const decided = { status: statusAfter(decision, review.status), reports: { ...reports, decision, decidedAt } };
  return decision === 'reject' ? { ...decided, rejectedBy: 'creator' } : decided;
}

function typedDecision(value: unknown): ReportDecision | undefined {
  return REPORT_DECISIONS.find((decision) => decision === value);
}

function consoleDecision(review: Pick<ReviewDoc, 'status' | 'reports'>): ReportDecision | undefined {
  const hiddenByReports = review.reports?.hiddenAt !== undefined;
  if (review.status === 'visible' && hiddenByReports) return 'keep';
  if (review.status === 'hidden' && !hiddenByReports) return 'hide';
  return undefined;
}

/** `keep` shows a hidden review again, `hide` hides a visible one; neither touches a pending or rejected review. */
function statusAfter(decision: ReportDecision, status: ReviewStatus): ReviewStatus {
  if (decision === 'reject') return 'rejected';
  if (decision === 'keep') return status === 'hidden' ? 'visible' : status;
  return status === 'visible' ? 'hidden' : status;
}
