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
import {
  createCreatorPromotion,
  creatorPromotionsOf,
  updateCreatorPromotionStatus,
} from '../../shared/creator/promotions';
import { clientFunction, initCloud } from '../../shared/entry';
import { redeemCodeKey } from '../../shared/promo/code-key';
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

// The promo function's key (REDEEM_CODE_SECRET, set on both functions, else the environment's stored one).
const codeKey = redeemCodeKey(db, process.env);

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
  promotions: (params, call) => creatorPromotionsOf(deps, call.openid, params),
  createPromotion: (params, call) => createCreatorPromotion({ ...deps, codeKey }, call.openid, params),
  updatePromotionStatus: (params, call) => updateCreatorPromotionStatus(deps, call.openid, params),
}));
