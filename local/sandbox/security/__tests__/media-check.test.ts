/**
 * The mediaCheckAsync sandbox driven by the real wx-server-sdk: the call answers a trace id, the verdict is a later
 * `wxa_media_check` push to a function (here the host's `echo` fixture, which returns the event it got).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { LocalCloud } from '../../../cloud';
import { storageOf } from '../../../storage';
import { startTestCloud } from '../../../testing';
import { attachSecuritySandbox, SECURITY_LABELS, type SecuritySandbox } from '..';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wx-server-sdk types `openapi` as any
let sdk: any;
let cloud: LocalCloud;
let sandbox: SecuritySandbox;

beforeAll(async () => {
  cloud = await startTestCloud({ functionsDir: path.join(__dirname, '../../../functions/__tests__/fixtures') });
  sandbox = attachSecuritySandbox(cloud);
  sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
});
afterAll(() => cloud.close());
beforeEach(() => {
  sandbox.media.setRules([]);
  sandbox.media.configure({ delayMs: 20, failure: 'none', pushFunction: 'echo' });
  sandbox.setStaleOpenids([]);
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

async function urlOf(cloudPath: string, bytes = PNG): Promise<string> {
  const storage = storageOf(cloud);
  return storage.tempUrl(await storage.put(cloudPath, bytes), 3600);
}

const check = (mediaUrl: string, extra: Record<string, unknown> = {}) =>
  sdk.openapi.security.mediaCheckAsync({
    media_url: mediaUrl,
    media_type: 2,
    version: 2,
    openid: 'admin1',
    scene: 1,
    ...extra,
  });

function lastPush(): Record<string, unknown> {
  return sandbox.media.pushLog.at(-1)?.event ?? {};
}

test('a call answers a trace id; the verdict is pushed later to the function, as WeChat sends it', async () => {
  const reply = await check(await urlOf('covers/ok.png'));
  expect(reply).toMatchObject({ errCode: 0 });
  expect(reply.traceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  expect(sandbox.media.pushLog).toHaveLength(0);
  await sandbox.media.idle();
  expect(lastPush()).toEqual({
    ToUserName: expect.any(String),
    FromUserName: expect.any(String),
    CreateTime: expect.any(Number),
    MsgType: 'event',
    Event: 'wxa_media_check',
    appid: expect.any(String),
    trace_id: reply.traceId,
    version: 2,
    result: { suggest: 'pass', label: '100' },
    detail: [{ strategy: 'content_model', errcode: 0, suggest: 'pass', label: '100', prob: 90 }],
  });
  // The function got the event body itself.
  expect(sandbox.media.pushLog.at(-1)?.outcome).toMatchObject({ result: { event: { trace_id: reply.traceId } } });
});

test('the push waits for the configured delay', async () => {
  sandbox.media.configure({ delayMs: 300 });
  const before = sandbox.media.pushLog.length;
  const started = Date.now();
  await check(await urlOf('covers/slow.png'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(sandbox.media.pushLog).toHaveLength(before);
  await sandbox.media.idle();
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(sandbox.media.pushLog).toHaveLength(before + 1);
});

test('files the sandbox is told are risky, by name or by bytes, are pushed risky with the label', async () => {
  const bytes = Buffer.from('GIF89a-risky-bytes');
  sandbox.media.setRules([
    { name: 'BAD', suggest: 'risky', label: SECURITY_LABELS.porn },
    { sha256: createHash('sha256').update(bytes).digest('hex'), suggest: 'review', label: SECURITY_LABELS.ad },
  ]);
  const byName = await check(await urlOf('covers/a-bad-cover.png'));
  await sandbox.media.idle();
  expect(lastPush()).toMatchObject({ trace_id: byName.traceId, result: { suggest: 'risky', label: '20002' } });
  const byBytes = await check(await urlOf('covers/innocent.gif', bytes));
  await sandbox.media.idle();
  expect(lastPush()).toMatchObject({ trace_id: byBytes.traceId, result: { suggest: 'review', label: '10001' } });
});

test('media of another kind than media_type says passes, as the platform lets it through', async () => {
  sandbox.media.setRules([{ name: 'bad', suggest: 'risky', label: SECURITY_LABELS.porn }]);
  await check(await urlOf('lessons/bad.mp3', Buffer.from('ID3')), { media_type: 2 });
  await sandbox.media.idle();
  expect(lastPush()).toMatchObject({ result: { suggest: 'pass' } });
  await check(await urlOf('lessons/bad2.mp3', Buffer.from('ID3')), { media_type: 1 });
  await sandbox.media.idle();
  expect(lastPush()).toMatchObject({ result: { suggest: 'risky' } });
});

test('a fileID, a wrong type, version or scene is refused; a stale openid is 61010', async () => {
  const fileId = await storageOf(cloud).put('covers/x.png', PNG);
  await expect(check(fileId)).rejects.toMatchObject({ errCode: 47001 });
  await expect(check('https://example.com/x.png', { media_type: 3 })).rejects.toMatchObject({ errCode: 47001 });
  await expect(check('https://example.com/x.png', { version: 1 })).rejects.toMatchObject({ errCode: 47001 });
  await expect(check('https://example.com/x.png', { scene: 9 })).rejects.toMatchObject({ errCode: 47001 });
  await expect(check('https://example.com/x.png', { openid: '' })).rejects.toMatchObject({ errCode: 40003 });
  sandbox.setStaleOpenids(['admin1']);
  await expect(check('https://example.com/x.png')).rejects.toMatchObject({ errCode: 61010 });
  await expect(
    sdk.openapi.security.msgSecCheck({ content: '你好', version: 2, scene: 1, openid: 'admin1' }),
  ).rejects.toMatchObject({ errCode: 61010 });
  expect(sandbox.media.submissions.map((s) => s.mediaUrl)).not.toContain(fileId);
});

test('a URL that cannot be downloaded when the platform gets to it is never pushed', async () => {
  const storage = storageOf(cloud);
  const fileId = await storage.put('covers/gone.png', PNG);
  const url = storage.tempUrl(fileId, 3600);
  await storage.remove(fileId);
  const { traceId } = await check(url);
  await sandbox.media.idle();
  expect(sandbox.media.submissions.find((s) => s.traceId === traceId)?.outcome).toBe('undownloadable');
  expect(sandbox.media.pushLog.some((p) => p.event.trace_id === traceId)).toBe(false);
});

test('failure modes: every call fails, or calls are answered and never pushed', async () => {
  sandbox.media.configure({ failure: 'error' });
  await expect(check(await urlOf('covers/e.png'))).rejects.toMatchObject({ errCode: -1 });
  sandbox.media.configure({ failure: 'noPush' });
  const pushes = sandbox.media.pushLog.length;
  const { traceId } = await check(await urlOf('covers/n.png'));
  await sandbox.media.idle();
  expect(typeof traceId).toBe('string');
  expect(sandbox.media.pushLog).toHaveLength(pushes);
  expect(sandbox.media.submissions.at(-1)).toMatchObject({ traceId, outcome: 'notPushed' });
});

test('a Penalty_for_Violation push is sent on demand, with the fields asked for', async () => {
  const outcome = await sandbox.media.pushPenalty({ illegal_content: '课程《刷单》封面', punish_id: 'p1' });
  expect(outcome).toMatchObject({ result: { event: { Event: 'wxa_punish_event', punish_id: 'p1' } } });
  expect(lastPush()).toMatchObject({
    MsgType: 'event',
    Event: 'wxa_punish_event',
    event_type: 1,
    illegal_content: '课程《刷单》封面',
    rule_name: expect.any(String),
    rule_url: expect.any(String),
    adjust_guide_url: expect.any(String),
  });
  expect(JSON.parse(String(lastPush().detail))).toMatchObject({ warned_type: 1 });
});

test('the developer endpoints configure the sandbox and send a penalty', async () => {
  const post = (route: string, body: unknown) =>
    fetch(`${cloud.url}/sandbox/security/${route}`, { method: 'POST', body: JSON.stringify(body) });
  expect((await post('media', { failure: 'sometimes' })).status).toBe(400);
  const configured = await post('media', {
    rules: [{ name: 'evil', suggest: 'risky', label: 20002 }],
    delayMs: 5,
  });
  expect(configured.status).toBe(200);
  await check(await urlOf('covers/evil.png'));
  expect((await post('media', { flush: true })).status).toBe(200);
  expect(lastPush()).toMatchObject({ result: { suggest: 'risky' } });
  expect(await (await post('penalty', { fields: { punish_id: 'p2' } })).json()).toMatchObject({
    result: { event: { punish_id: 'p2' } },
  });
  expect((await post('stale-openids', { openids: ['admin1'] })).status).toBe(200);
  await expect(check('https://example.com/x.png')).rejects.toMatchObject({ errCode: 61010 });
});
