/** Writing a report once per learner and target, inside the caller's transaction. */
import { COLLECTIONS } from '../collections';
import { txGet, type Transaction } from '../db';
import type { ReportDoc } from './document';

export type Recorded = { counted: true } | { counted: false; reportedAt: string };

/**
 * Stores `report` unless the learner already reported the target at or after `since` (ISO-8601; a report of a
 * review's earlier version is replaced, so it can count against the version the learner reports now). Two reports
 * of one learner at once write the same document: the transaction that loses the write conflict runs again and finds
 * the other's report, so it counts once.
 */
export async function recordReport(tx: Transaction, report: ReportDoc, since = ''): Promise<Recorded> {
  const earlier = await txGet<ReportDoc>(tx, COLLECTIONS.reports, report._id);
  if (earlier !== null && earlier.createdAt >= since) return { counted: false, reportedAt: earlier.createdAt };
  const { _id, ...data } = report;
  await tx.collection(COLLECTIONS.reports).doc(_id).set({ data });
  return { counted: true };
}
