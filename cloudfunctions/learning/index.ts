import * as cloud from 'wx-server-sdk';
import { handleClientCall, learningActions, type LearningResponses } from '../../shared/contract';
import { learnerCodeSecret, myCourses, openLesson, reportProgress, type LearningDeps } from '../../shared/learning';
import { recordProgress } from '../../shared/recommender/signals';

// index.d.ts types `env` as a string, but the SDK documents and accepts the DYNAMIC_CURRENT_ENV symbol.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
const db = cloud.database();

const deps: LearningDeps = {
  db,
  now: () => new Date(),
  tempFileUrl: async (fileId, maxAgeSec) => {
    const result = (await cloud.getTempFileURL({ fileList: [{ fileID: fileId, maxAge: maxAgeSec }] })) as {
      fileList: { status: number; errMsg: string; tempFileURL: string }[];
    };
    const file = result.fileList[0];
    if (!file || file.status !== 0) throw new Error(`no temp URL for ${fileId}: ${file?.errMsg ?? 'empty reply'}`);
    return file.tempFileURL;
  },
  // LEARNER_CODE_SECRET (云开发控制台 → 云函数 → 配置) when set, else the environment's own generated secret.
  identitySecret: learnerCodeSecret(db, process.env),
  onPercentChanged: (openid, courseId, percent) => recordProgress(db, openid, { courseId, percent }),
};

export async function main(event: unknown, context: { request_id?: string }) {
  const { OPENID } = cloud.getWXContext();
  return handleClientCall<typeof learningActions, LearningResponses>(
    event,
    { openid: OPENID, requestId: context.request_id },
    learningActions,
    {
      lesson: async (params, call) => ({ lesson: await openLesson(deps, call.openid, params) }),
      progress: async (params, call) => ({ progress: await reportProgress(deps, call.openid, params) }),
      myCourses: async (_params, call) => ({ items: await myCourses(deps, call.openid) }),
    },
  );
}
