/** 举报: the learner picks a reason from the action sheet. */
import type { ReportReason } from '../../shared/contract';
import { showActionSheet, WxApiError } from '../services/wx-api';
import { REPORT_REASON_ITEMS, reportReasonAt } from '../view/report';

/** The reason picked, or undefined when the learner dismissed the sheet. */
export async function pickReportReason(): Promise<ReportReason | undefined> {
  try {
    const { tapIndex } = await showActionSheet({ itemList: REPORT_REASON_ITEMS });
    return reportReasonAt(tapIndex);
  } catch (error) {
    if (error instanceof WxApiError && error.cancelled) return undefined;
    throw error;
  }
}
