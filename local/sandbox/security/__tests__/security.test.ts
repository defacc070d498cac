/**
 * The msgSecCheck sandbox driven by the real wx-server-sdk (`cloud.openapi.security.msgSecCheck`).
 */
import type { LocalCloud } from '../../../cloud';
import { startTestCloud } from '../../../testing';
import { attachSecuritySandbox, SECURITY_LABELS, securityOf, type SecuritySandbox } from '..';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wx-server-sdk types `openapi` as any
let sdk: any;
let cloud: LocalCloud;
let sandbox: SecuritySandbox;

beforeAll(async () => {
  cloud = await startTestCloud();
  sandbox = attachSecuritySandbox(cloud);
  sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
});
afterAll(() => cloud.close());
afterEach(() => sandbox.setRules([]));

const check = (content: string, extra: Record<string, unknown> = {}) =>
  sdk.openapi.security.msgSecCheck({ content, version: 2, scene: 2, openid: 'o1', ...extra });

test('clean text passes with label 100', async () => {
  expect(await check('讲得很清楚')).toMatchObject({ errCode: 0, result: { suggest: 'pass', label: 100 } });
});

test('configured words give their suggest and label; risky wins over review; case does not matter', async () => {
  sandbox.setRules([
    { word: 'VX', suggest: 'review', label: SECURITY_LABELS.ad },
    { word: '骗子', suggest: 'risky', label: SECURITY_LABELS.abuse },
  ]);
  expect(await check('加 vx 聊')).toMatchObject({ result: { suggest: 'review', label: 10001 } });
  const risky = await check('vx 上那个骗子');
  expect(risky).toMatchObject({ result: { suggest: 'risky', label: 20003 } });
  expect(risky.detail[0]).toMatchObject({ strategy: 'keyword', keyword: '骗子' });
  expect(typeof risky.traceId).toBe('string');
  expect(await check('正常', { nickname: '骗子' })).toMatchObject({ result: { suggest: 'risky' } });
  expect(securityOf(cloud).checks.at(-1)).toMatchObject({ version: 2, scene: 2, openid: 'o1', suggest: 'risky' });
});

test('the words are matched in the raw content it is given: normalising the text is the caller’s job', async () => {
  sandbox.setRules([{ word: '刷单', suggest: 'risky', label: SECURITY_LABELS.fraud }]);
  expect(await check('刷单返现')).toMatchObject({ result: { suggest: 'risky' } });
  for (const evasion of ['刷\u200b单返现', '刷 单返现', 'ﾘ刷　单']) {
    expect(await check(evasion)).toMatchObject({ result: { suggest: 'pass' } });
  }
  expect(sandbox.checks.at(-1)?.content).toBe('ﾘ刷　单');
});

test('version 1 throws 87014 for risky text', async () => {
  sandbox.setRules([{ word: '赌博', suggest: 'risky', label: SECURITY_LABELS.crime }]);
  await expect(sdk.openapi.security.msgSecCheck({ content: '赌博' })).rejects.toMatchObject({ errCode: 87014 });
  await expect(sdk.openapi.security.msgSecCheck({ content: '学习' })).resolves.toMatchObject({ errCode: 0 });
});

test('version 2 requires an openid and a scene of 1 to 4; content is at most 2500 characters', async () => {
  await expect(check('x', { openid: undefined })).rejects.toMatchObject({ errCode: 40003 });
  await expect(check('x', { scene: 5 })).rejects.toMatchObject({ errCode: 47001 });
  await expect(check('长'.repeat(2501))).rejects.toMatchObject({ errCode: 47001 });
});
