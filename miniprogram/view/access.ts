/** Where a learner's access to a course comes from, in words (`Access` of catalog.detail and learning.myCourses). */
import type { Access, AccessVia } from '../../shared/contract';
import { dateTimeText } from './format';

const VIA_TEXT: Record<AccessVia, string> = {
  purchase: '已购买',
  free: '免费',
  redeem: '兑换',
  bundle: '专栏',
  org: '机构',
};

/** `2025-05-01` in the learner's local time, or '' for an unreadable time. */
export function dateText(iso: string): string {
  return dateTimeText(iso).slice(0, 10);
}

/** `已购买`, `免费`, `兑换`, `会员·至 2025-05-01`, `专栏`, `机构`; a grant with an end says until when. */
export function accessText(access: Access): string {
  if (access.until === undefined) return VIA_TEXT[access.via];
  const base = access.via === 'bundle' ? '会员' : VIA_TEXT[access.via];
  return `${base}·至 ${dateText(access.until)}`;
}

/** The end of a membership that opens the course, or '' (no access, or access for life or from elsewhere). */
export function membershipUntil(access: Access | undefined): string {
  return access?.via === 'bundle' && access.until !== undefined ? dateText(access.until) : '';
}
