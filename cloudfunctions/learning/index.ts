import * as sdk from 'wx-server-sdk';
import { learningActions, type LearningResponses } from '../../shared/contract';
import { clientFunction, initCloud } from '../../shared/entry';
import { learnerCodeSecret, myCourses, openLesson, reportProgress, type LearningDeps } from '../../shared/learning';
import { countDaily } from '../../shared/insights/daily/counters';
import { recordProgress } from '../../shared/recommender/signals';
import { sdkTempUrls, tempUrlOf } from '../../shared/storage/temp-urls';

const cloud = initCloud(sdk);
const db = cloud.database();
const tempUrls = sdkTempUrls(cloud);

const deps: LearningDeps = {
  db,
  now: () => new Date(),
  tempFileUrl: async (fileId, maxAgeSec) => {
    const url = await tempUrlOf(tempUrls, fileId, maxAgeSec);
    if (url === undefined) throw new Error(`no temp URL for ${fileId}: no such file`);
    return url;
  },
  // LEARNER_CODE_SECRET (云开发控制台 → 云函数 → 配置) when set, else the environment's own generated secret.
  identitySecret: learnerCodeSecret(db, process.env),
  onPercentChanged: (openid, courseId, percent) => recordProgress(db, openid, { courseId, percent }),
  onFreeLessonStart: (courseId) => countDaily({ db }, courseId, new Date(), { kind: 'freeLessonStart' }),
};

export const main = clientFunction<typeof learningActions, LearningResponses>(cloud, learningActions, () => ({
  lesson: async (params, call) => ({ lesson: await openLesson(deps, call.openid, params) }),
  progress: async (params, call) => ({ progress: await reportProgress(deps, call.openid, params) }),
  myCourses: async (_params, call) => ({ items: await myCourses(deps, call.openid) }),
}));
