/**
 * Media checks end to end through the local cloud with the real wx-server-sdk: a creator's files submitted to the
 * mediaCheckAsync sandbox, its later `wxa_media_check` push to `contentCheck`, repeated and late pushes, the timer
 * that resubmits what was never answered, and the Penalty_for_Violation push.
 */
import type { LocalCloud } from '../../../local/cloud';
import { attachSecuritySandbox, SECURITY_LABELS, type SecuritySandbox } from '../../../local/sandbox/security';
import { storageOf } from '../../../local/storage';
import { startTestCloud } from '../../../local/testing';
import {
  cloudMediaCheckDeps,
  MAX_MEDIA_ATTEMPTS,
  MAX_MEDIA_BYTES,
  MEDIA_RESULT_WAIT_MS,
  readMediaVerdicts,
  submitMediaCheck,
  sweepMediaChecks,
  type MediaCheckDeps,
  type MediaCheckDoc,
  type MediaSubmissionRequest,
  type PenaltyDoc,
} from '../../../shared/content';
import { callAs, refusalOf } from '../../../testing/client-call';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wx-server-sdk's database is loosely typed
let sdk: any;
let cloud: LocalCloud;
let sandbox: SecuritySandbox;
let deps: MediaCheckDeps;

const ADMIN = 'oCreatorAdmin1';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let fileCount = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  sandbox = attachSecuritySandbox(cloud);
  sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  deps = cloudMediaCheckDeps(sdk);
});
afterAll(() => cloud.close());
beforeEach(() => {
  sandbox.media.setRules([{ name: 'bad-cover', suggest: 'risky', label: SECURITY_LABELS.porn }]);
  sandbox.media.configure({ delayMs: 30, failure: 'none' });
  sandbox.setStaleOpenids([]);
});

async function upload(name: string, bytes = PNG): Promise<string> {
  fileCount += 1;
  return storageOf(cloud).put(`courses/c${fileCount}/${name}`, bytes);
}

function request(fileId: string, extra: Partial<MediaSubmissionRequest> = {}): MediaSubmissionRequest {
  return { fileId, courseId: 'c1', fieldPath: 'cover', mediaType: 2, openid: ADMIN, ...extra };
}

async function checkDoc(traceId: string): Promise<MediaCheckDoc> {
  const { data } = await sdk.database().collection('mediaChecks').doc(traceId).get();
  return { ...data, _id: traceId };
}

async function submitted(req: MediaSubmissionRequest): Promise<string> {
  const result = await submitMediaCheck(deps, req);
  if (result.status !== 'submitted') throw new Error(`not submitted: ${JSON.stringify(result)}`);
  return result.traceId;
}

async function fireTimer(): Promise<unknown> {
  const res = await fetch(`${cloud.url}/sandbox/timers/contentCheck`, { method: 'POST' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: unknown }).result;
}

/** Makes a submission look `minutes` old, as if the platform had been silent that long. */
async function age(traceId: string, minutes: number): Promise<void> {
  await sdk
    .database()
    .collection('mediaChecks')
    .doc(traceId)
    .update({ data: { submittedAt: Date.now() - minutes * 60_000 } });
}

const quiet = () => jest.spyOn(console, 'error').mockImplementation(() => undefined);

test('a submission is recorded pending under its trace id; the push records pass or risky', async () => {
  const ok = await submitted(request(await upload('cover.png'), { courseId: 'c-push' }));
  const bad = await submitted(
    request(await upload('bad-cover.png'), { courseId: 'c-push', fieldPath: 'lessons[0].body.images[0]' }),
  );
  expect(await checkDoc(ok)).toMatchObject({
    fileId: expect.stringMatching(/^cloud:\/\//),
    courseId: 'c-push',
    fieldPath: 'cover',
    mediaType: 2,
    attempt: 1,
    status: 'pending',
    submittedAt: expect.any(Number),
  });
  // What the platform was given is a temp URL, never the fileID.
  expect(sandbox.media.submissions.at(-1)?.mediaUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tcb\//);
  await sandbox.media.idle();
  expect(await checkDoc(ok)).toMatchObject({ status: 'pass', label: 100, answeredAt: expect.any(Number) });
  expect(await checkDoc(bad)).toMatchObject({ status: 'risky', label: 20002 });
  expect(sandbox.media.pushLog.at(-1)?.outcome).toEqual({ result: 'success' });
  expect(await readMediaVerdicts(sdk.database(), 'c-push')).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ fieldPath: 'cover', status: 'pass' }),
      expect.objectContaining({ fieldPath: 'lessons[0].body.images[0]', status: 'risky', label: 20002 }),
    ]),
  );
});

test('a repeated push changes nothing; a push for no submission is acknowledged and ignored', async () => {
  const traceId = await submitted(request(await upload('cover.png')));
  await sandbox.media.idle();
  const first = await checkDoc(traceId);
  const push = sandbox.media.pushLog.find((p) => p.event.trace_id === traceId)?.event ?? {};
  const forged = { ...push, result: { suggest: 'risky', label: '20002' } };
  expect(await sandbox.media.deliver(forged)).toEqual({ result: 'success' });
  expect(await checkDoc(traceId)).toEqual(first);
  const log = quiet();
  expect(await sandbox.media.deliver({ ...push, trace_id: 'no-such-trace' })).toEqual({ result: 'success' });
  log.mockRestore();
});

test('a file over 10 MB is refused with the reason and never submitted; so is a missing file', async () => {
  const before = sandbox.media.submissions.length;
  const big = await upload('big.png', Buffer.alloc(MAX_MEDIA_BYTES + 1));
  const refused = await submitMediaCheck(deps, request(big, { courseId: 'c-big' }));
  expect(refused).toMatchObject({ status: 'refused', reason: 'tooLarge', bytes: MAX_MEDIA_BYTES + 1 });
  expect(refused.status === 'refused' && refused.message).toContain('10 MB');
  const atLimit = await upload('limit.png', Buffer.alloc(MAX_MEDIA_BYTES));
  expect(await submitMediaCheck(deps, request(atLimit, { courseId: 'c-big' }))).toMatchObject({ status: 'submitted' });
  const gone = `${big}-gone`;
  expect(await submitMediaCheck(deps, request(gone))).toMatchObject({ status: 'refused', reason: 'notFound' });
  expect(sandbox.media.submissions.length).toBe(before + 1);
  const docs = await readMediaVerdicts(sdk.database(), 'c-big');
  expect(docs.map((d) => d.fileId)).toEqual([atLimit]);
});

test('a stale admin openid or a failing platform is unavailable, and nothing is recorded', async () => {
  const fileId = await upload('cover.png');
  sandbox.setStaleOpenids([ADMIN]);
  expect(await submitMediaCheck(deps, request(fileId, { courseId: 'c-down' }))).toMatchObject({
    status: 'unavailable',
    reason: 'staleOpenid',
    action: expect.stringContaining('管理员'),
  });
  sandbox.setStaleOpenids([]);
  sandbox.media.configure({ failure: 'error' });
  const log = quiet();
  expect(await submitMediaCheck(deps, request(fileId, { courseId: 'c-down' }))).toMatchObject({
    status: 'unavailable',
    reason: 'failed',
  });
  log.mockRestore();
  expect(await readMediaVerdicts(sdk.database(), 'c-down')).toEqual([]);
});

test('no answer in 30 minutes: the timer expires the submission and resubmits it; the new one is answered', async () => {
  sandbox.media.configure({ failure: 'noPush' });
  const fileId = await upload('cover.png');
  const traceId = await submitted(request(fileId, { courseId: 'c-silent' }));
  await sandbox.media.idle();
  expect((await checkDoc(traceId)).status).toBe('pending');
  // Not yet due: the timer leaves it alone.
  await age(traceId, 29);
  expect(await fireTimer()).toEqual({ resubmitted: 0, gaveUp: 0, retryFailed: 0 });
  await age(traceId, MEDIA_RESULT_WAIT_MS / 60_000 + 1);
  sandbox.media.configure({ failure: 'none' });
  expect(await fireTimer()).toEqual({ resubmitted: 1, gaveUp: 0, retryFailed: 0 });
  const old = await checkDoc(traceId);
  expect(old).toMatchObject({ status: 'expired', expiredAt: expect.any(Number), resubmittedAs: expect.any(String) });
  await sandbox.media.idle();
  expect(await checkDoc(old.resubmittedAs as string)).toMatchObject({ status: 'pass', attempt: 2, fileId });
  expect(await readMediaVerdicts(sdk.database(), 'c-silent')).toEqual([
    { fieldPath: 'cover', fileId, status: 'pass', label: 100 },
  ]);
});

test('a resubmission that fails leaves the submission pending for the next run; the last attempt gives up', async () => {
  sandbox.media.configure({ failure: 'noPush' });
  const first = await submitted(request(await upload('cover.png'), { courseId: 'c-retry' }));
  await age(first, 31);
  const second = await submitted(request(await upload('cover.png'), { courseId: 'c-retry', fieldPath: 'tags' }));
  await age(first, 32);
  await age(second, 31);
  sandbox.setStaleOpenids([ADMIN]);
  let calls = 0;
  const counting: MediaCheckDeps = {
    ...deps,
    mediaCheckAsync: (params) => {
      calls += 1;
      return deps.mediaCheckAsync(params);
    },
  };
  expect(await sweepMediaChecks(counting)).toEqual({ resubmitted: 0, gaveUp: 0, retryFailed: 2 });
  // One stale answer, and the second file was not tried with the same openid.
  expect(calls).toBe(1);
  expect(await checkDoc(first)).toMatchObject({ status: 'pending', retryError: 'staleOpenid' });
  expect(await checkDoc(second)).toMatchObject({ status: 'pending', retryError: 'staleOpenid' });
  expect(await fireTimer()).toEqual({ resubmitted: 0, gaveUp: 0, retryFailed: 2 });
  sandbox.setStaleOpenids([]);
  const last = await submitted(
    request(await upload('cover.png'), {
      courseId: 'c-retry',
      fieldPath: 'lessons[1].media',
      attempt: MAX_MEDIA_ATTEMPTS,
    }),
  );
  await age(first, 31);
  await age(second, 31);
  await age(last, 31);
  const before = sandbox.media.submissions.length;
  expect(await fireTimer()).toEqual({ resubmitted: 2, gaveUp: 1, retryFailed: 0 });
  expect(await checkDoc(last)).toMatchObject({ status: 'expired' });
  expect((await checkDoc(last)).resubmittedAs).toBeUndefined();
  expect(sandbox.media.submissions.length).toBe(before + 2);
});

test("a resubmission may use the creator admin's fresher openid instead of the stale one it was made with", async () => {
  sandbox.media.configure({ failure: 'noPush' });
  const traceId = await submitted(request(await upload('cover.png'), { courseId: 'c-fresh' }));
  await age(traceId, 31);
  sandbox.setStaleOpenids([ADMIN]);
  const report = await sweepMediaChecks(deps, { openidFor: async () => 'oCreatorAdmin2' });
  expect(report).toEqual({ resubmitted: 1, gaveUp: 0, retryFailed: 0 });
  const next = (await checkDoc(traceId)).resubmittedAs as string;
  expect(await checkDoc(next)).toMatchObject({ openid: 'oCreatorAdmin2', attempt: 2, status: 'pending' });
});

test('a push after the submission expired is kept, marked late: a risky verdict still counts', async () => {
  sandbox.media.configure({ failure: 'noPush' });
  const fileId = await upload('bad-cover.png');
  const traceId = await submitted(request(fileId, { courseId: 'c-late' }));
  await age(traceId, 31);
  await fireTimer();
  await sandbox.media.idle();
  const push = {
    ToUserName: 'gh_localcloud0001',
    FromUserName: 'oWeChatOfficialPushOpenid000',
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'event',
    Event: 'wxa_media_check',
    appid: 'wxlocalcloudapp00',
    trace_id: traceId,
    version: 2,
    result: { suggest: 'risky', label: '20002' },
    detail: [{ strategy: 'content_model', errcode: 0, suggest: 'risky', label: '20002', prob: 90 }],
  };
  expect(await sandbox.media.deliver(push)).toEqual({ result: 'success' });
  expect(await checkDoc(traceId)).toMatchObject({ status: 'risky', late: true, label: 20002 });
  expect(await readMediaVerdicts(sdk.database(), 'c-late')).toMatchObject([{ status: 'risky' }]);
});

test('a Penalty_for_Violation push is recorded once, with what it names', async () => {
  const log = quiet();
  expect(await sandbox.media.pushPenalty({ punish_id: 'p-1', illegal_content: '课程封面《刷单》' })).toEqual({
    result: 'success',
  });
  await sandbox.media.pushPenalty({ punish_id: 'p-1', illegal_reason: 'changed' });
  log.mockRestore();
  const { data } = (await sdk.database().collection('penalties').doc('p-1').get()) as { data: PenaltyDoc };
  expect(data).toMatchObject({
    eventType: 1,
    illegalContent: '课程封面《刷单》',
    illegalReason: '内容涉嫌违规',
    ruleName: expect.any(String),
    ruleUrl: expect.any(String),
    adjustGuideUrl: expect.any(String),
    detail: { warned_type: 1 },
    courseIds: [],
    creatorIds: [],
    receivedAt: expect.any(Number),
  });
});

test('a penalty names its course and creator, for the creator to find it', async () => {
  const db = sdk.database();
  await db.collection('courses').add({ data: { _id: 'c-pen', title: '刷单技巧速成', creator: { id: 'cr-pen' } } });
  const log = quiet();
  await sandbox.media.pushPenalty({ punish_id: 'p-2', illegal_content: 'pages/detail/index?courseId=c-pen' });
  await sandbox.media.pushPenalty({ punish_id: 'p-3', illegal_content: '课程《刷单技巧速成》的介绍' });
  log.mockRestore();
  for (const id of ['p-2', 'p-3']) {
    const { data } = (await db.collection('penalties').doc(id).get()) as { data: PenaltyDoc };
    expect(data).toMatchObject({ courseIds: ['c-pen'], creatorIds: ['cr-pen'] });
  }
});

test('the mini-program may not call it', async () => {
  const reply = await callAs(cloud.url, 'contentCheck', 'oLearner', { Event: 'wxa_media_check', trace_id: 'x' });
  expect(refusalOf(reply).code).toBe('FORBIDDEN');
});
