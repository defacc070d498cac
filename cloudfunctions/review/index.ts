import * as cloud from 'wx-server-sdk';
import { handleClientCall, reviewActions, type ReviewResponses } from '../../shared/contract';
import { learnerCodeSecret } from '../../shared/learning';
import { readBlockedTerms } from '../../shared/settings';
import { recordRating } from '../../shared/recommender/signals';
import { listReviews, submitReview, textChecker, type ReviewDeps } from '../../shared/reviews';

// index.d.ts types `env` as a string, but the SDK documents and accepts the DYNAMIC_CURRENT_ENV symbol.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
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

export async function main(event: unknown, context: { request_id?: string }) {
  const { OPENID } = cloud.getWXContext();
  return handleClientCall<typeof reviewActions, ReviewResponses>(
    event,
    { openid: OPENID, requestId: context.request_id },
    reviewActions,
    {
      submit: async (params, call) => ({ review: await submitReview(deps, call.openid, params) }),
      list: (params, call) => listReviews(deps, call.openid, params),
    },
  );
}
