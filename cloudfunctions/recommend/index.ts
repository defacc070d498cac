import * as cloud from 'wx-server-sdk';
import { handleClientCall, RECOMMEND_DEFAULTS, recommendActions, type RecommendResponses } from '../../shared/contract';
import { cloudServingStore } from '../../shared/recommender/cloud-store';
import {
  forMe,
  interests,
  ServingCache,
  setInterests,
  similar,
  type ServingDeps,
} from '../../shared/recommender/serving';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

// Module scope lives as long as the warm instance: the model pointer and the item factors are cached here.
const deps: ServingDeps = {
  store: cloudServingStore(cloud),
  cache: new ServingCache(),
  now: () => Date.now(),
  log: (message) => console.warn(`[recommend] ${message}`),
};

/** The `recommend` function (API.md §1): `forMe`, `similar`; and the learner's `setInterests`, `interests`. */
export async function main(event: unknown, context: { request_id?: string }) {
  const { OPENID } = cloud.getWXContext();
  return handleClientCall<typeof recommendActions, RecommendResponses>(
    event,
    { openid: OPENID, requestId: context.request_id },
    recommendActions,
    {
      forMe: (params, call) => forMe(deps, call.openid, params.limit ?? RECOMMEND_DEFAULTS.limit),
      similar: (params) => similar(deps, params.courseId, params.limit ?? RECOMMEND_DEFAULTS.limit),
      setInterests: (params, call) => setInterests(deps, call.openid, params.categories),
      interests: (_params, call) => interests(deps, call.openid),
    },
  );
}
