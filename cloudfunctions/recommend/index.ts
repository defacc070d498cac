import * as sdk from 'wx-server-sdk';
import { RECOMMEND_DEFAULTS, recommendActions, type RecommendResponses } from '../../shared/contract';
import { clientFunction, initCloud } from '../../shared/entry';
import { cloudServingStore } from '../../shared/recommender/platform/cloud-store';
import {
  forMe,
  interests,
  ServingCache,
  setInterests,
  similar,
  type ServingDeps,
} from '../../shared/recommender/platform/serving';

const cloud = initCloud(sdk);

// Module scope lives as long as the warm instance: the model pointer and the item factors are cached here.
const deps: ServingDeps = {
  store: cloudServingStore(cloud),
  cache: new ServingCache(),
  now: () => Date.now(),
  log: (message) => console.warn(`[recommend] ${message}`),
};

/** The `recommend` function (API.md §1): `forMe`, `similar`; and the learner's `setInterests`, `interests`. */
export const main = clientFunction<typeof recommendActions, RecommendResponses>(cloud, recommendActions, () => ({
  forMe: (params, call) => forMe(deps, call.openid, params.limit ?? RECOMMEND_DEFAULTS.limit),
  similar: (params) => similar(deps, params.courseId, params.limit ?? RECOMMEND_DEFAULTS.limit),
  setInterests: (params, call) => setInterests(deps, call.openid, params.categories),
  interests: (_params, call) => interests(deps, call.openid),
}));
