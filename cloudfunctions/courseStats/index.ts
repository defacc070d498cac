import * as cloud from 'wx-server-sdk';
import { err, ok } from '../../shared/contract';
import { recheckUnavailable, settleModeration, textChecker } from '../../shared/reviews';
import { readBlockedTerms } from '../../shared/settings';
import { writeCourseStats } from '../../shared/stats';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
const db = cloud.database();
const now = () => new Date();
const checkText = textChecker((params) => cloud.openapi.security.msgSecCheck(params), {
  blockedTerms: () => readBlockedTerms(db),
});

/**
 * Timer, nightly at 02:40 (UTC+8): checks again the reviews the content check could not check when they were
 * submitted, applies the day's console moderation to the rating summaries, then writes every course's numbers to
 * `courseStats`. Refuses client calls.
 */
export async function main() {
  const wx = cloud.getWXContext();
  if ((wx.SOURCE ?? '').split(',').includes('wx_client') || wx.OPENID) return err('FORBIDDEN', '无权调用');
  const rechecked = await recheckUnavailable({ db, now, checkText });
  const settled = await settleModeration(db);
  const courses = await writeCourseStats({ db, now });
  // The platform discards a timer's result; the log is where a creator finds it.
  console.log(
    `[courseStats] ${courses} courses written, ${settled} moderated reviews settled; reviews checked again: ` +
      `${rechecked.pass} published, ${rechecked.risky} rejected, ${rechecked.review} left for a creator, ` +
      `${rechecked.unavailable} still unchecked`,
  );
  return ok({ courses, settled, rechecked });
}
