import * as sdk from 'wx-server-sdk';
import { creatorActions, type CreatorResponses } from '../../shared/contract';
import {
  applyCoursePrice,
  creatorAccess,
  creatorCourseOf,
  creatorOverviewOf,
  creatorReviewsOf,
  moderateReview,
  replyToReview,
  switchCoursePriceTest,
  type CreatorReviewDeps,
} from '../../shared/creator';
import { clientFunction, initCloud } from '../../shared/entry';
import { textChecker } from '../../shared/reviews';
import { readBlockedTerms } from '../../shared/settings';

const cloud = initCloud(sdk);
const db = cloud.database();

const deps: CreatorReviewDeps = {
  db,
  now: () => new Date(),
  checkText: textChecker((params) => cloud.openapi.security.msgSecCheck(params), {
    blockedTerms: () => readBlockedTerms(db),
  }),
};

export const main = clientFunction<typeof creatorActions, CreatorResponses>(cloud, creatorActions, () => ({
  access: (_params, call) => creatorAccess(db, call.openid),
  overview: (params, call) => creatorOverviewOf(deps, call.openid, params),
  course: (params, call) => creatorCourseOf(deps, call.openid, params),
  reviews: (params, call) => creatorReviewsOf(deps, call.openid, params),
  reply: (params, call) => replyToReview(deps, call.openid, params),
  moderate: (params, call) => moderateReview(deps, call.openid, params),
  applyPrice: (params, call) => applyCoursePrice(deps, call.openid, params),
  priceTest: (params, call) => switchCoursePriceTest(deps, call.openid, params),
  // Promotion actions go here.
}));
