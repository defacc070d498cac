import * as sdk from 'wx-server-sdk';
import { ok } from '../../shared/contract';
import { initCloud, platformFunction } from '../../shared/entry';
import { recheckReplies } from '../../shared/creator';
import { recheckUnavailable, settleModeration, textChecker } from '../../shared/reviews';
import { readBlockedTerms } from '../../shared/settings';
import { writeCourseStats } from '../../shared/stats';

const cloud = initCloud(sdk);
const db = cloud.database();
const now = () => new Date();
const checkText = textChecker((params) => cloud.openapi.security.msgSecCheck(params), {
  blockedTerms: () => readBlockedTerms(db),
});

/**
 * Timer, nightly at 02:40 (UTC+8): checks again the reviews and creators' replies the content check could not check
 * when they were submitted, applies the day's console moderation to the rating summaries, then writes every course's
 * numbers to `courseStats`. Refuses client calls.
 */
export const main = platformFunction(cloud, 'timer', async () => {
  const rechecked = await recheckUnavailable({ db, now, checkText });
  const replies = await recheckReplies({ db, now, checkText });
  const settled = await settleModeration(db);
  const courses = await writeCourseStats({ db, now });
  // The platform discards a timer's result; the log is where a creator finds it.
  console.log(
    `[courseStats] ${courses} courses written, ${settled} moderated reviews settled; reviews checked again: ` +
      `${rechecked.pass} published, ${rechecked.risky} rejected, ${rechecked.review} left for a creator, ` +
      `${rechecked.unavailable} still unchecked; replies checked again: ${replies.pass} published, ` +
      `${replies.review + replies.risky} held, ${replies.unavailable} still unchecked`,
  );
  return ok({ courses, settled, rechecked, replies });
});
