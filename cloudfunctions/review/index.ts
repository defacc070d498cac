import * as sdk from 'wx-server-sdk';
import { reviewActions, type ReviewResponses } from '../../shared/contract';
import { clientFunction, initCloud } from '../../shared/entry';
import { learnerCodeSecret } from '../../shared/learning';
import { readBlockedTerms } from '../../shared/settings';
import { recordRating } from '../../shared/recommender/signals';
import { listReviews, reportReview, submitReview, textChecker, type ReviewDeps } from '../../shared/reviews';

const cloud = initCloud(sdk);
const db = cloud.database();

const deps: ReviewDeps = {
  db,
  now: () => new Date(),
  checkText: textChecker((params) => cloud.openapi.security.msgSecCheck(params), {
    blockedTerms: () => readBlockedTerms(db),
  }),
  // LEARNER_CODE_SECRET (云开发控制台 → 云函数 → 配置) when set, else the environment's own generated secret.
  identitySecret: learnerCodeSecret(db, process.env),
  onRated: (openid, courseId, rating) => recordRating(db, openid, { courseId, rating }),
};

export const main = clientFunction<typeof reviewActions, ReviewResponses>(cloud, reviewActions, () => ({
  submit: async (params, call) => ({ review: await submitReview(deps, call.openid, params) }),
  list: (params, call) => listReviews(deps, call.openid, params),
  report: (params, call) => reportReview(deps, call.openid, params),
}));
