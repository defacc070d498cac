/**
 * A creator's text checked through the real wx-server-sdk against the local cloud's msgSecCheck sandbox, with the
 * operator's blocked terms read from `settings/app`.
 */
import type { LocalCloud } from '../../../local/cloud';
import { openApisOf } from '../../../local/openapi';
import { attachSecuritySandbox, SECURITY_LABELS, type SecuritySandbox } from '../../../local/sandbox/security';
import { startTestCloud } from '../../../local/testing';
import { readBlockedTerms } from '../../settings';
import { creatorTextFields } from '../course-fields';
import { checkCreatorText, UNAVAILABLE_ACTIONS, type TextCheckDeps } from '../text-check';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wx-server-sdk types `openapi` as any
let sdk: any;
let cloud: LocalCloud;
let sandbox: SecuritySandbox;
let deps: TextCheckDeps;

const ADMIN = 'oCreatorAdmin1';

beforeAll(async () => {
  cloud = await startTestCloud();
  sandbox = attachSecuritySandbox(cloud, [
    { word: '刷单', suggest: 'risky', label: SECURITY_LABELS.fraud },
    { word: '加微信', suggest: 'review', label: SECURITY_LABELS.ad },
  ]);
  sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  deps = {
    msgSecCheck: (params) => sdk.openapi.security.msgSecCheck(params),
    blockedTerms: () => readBlockedTerms(sdk.database()),
    timeoutMs: 2000,
  };
});
afterAll(() => cloud.close());
beforeEach(async () => {
  sandbox.setStaleOpenids([]);
  await setBlockedTerms([]);
});

const setBlockedTerms = (blockedTerms: string[]) =>
  sdk
    .database()
    .collection('settings')
    .doc('app')
    .set({ data: { content: { blockedTerms } } });

const quiet = () => jest.spyOn(console, 'error').mockImplementation(() => undefined);

const lessons = [
  { title: '第一课 开始', kind: 'article' as const, body: '正文' },
  { title: '第二课', kind: 'video' as const, media: 'cloud://env.bucket/v.mp4' },
  { title: '第三课 刷\u200b单技巧', kind: 'audio' as const },
];

test('every field is checked in check form with scene 1 and the admin openid; the risky one is named', async () => {
  const fields = creatorTextFields({ title: 'Python 入门', description: '加 微信 领资料' }, lessons);
  const before = sandbox.checks.length;
  const report = await checkCreatorText(deps, fields, ADMIN);
  expect(report.outcome).toBe('risky');
  expect(report.fields.filter((f) => f.outcome !== 'pass')).toEqual([
    { path: 'description', outcome: 'review', label: 10001, labelName: '广告引流', traceIds: [expect.any(String)] },
    { path: 'lessons[2].title', outcome: 'risky', label: 20008, labelName: '欺诈', traceIds: [expect.any(String)] },
  ]);
  const asked = sandbox.checks.slice(before);
  expect(asked.map((c) => c.content).sort()).toEqual(
    ['Python 入门', '加微信领资料', '第一课开始', '正文', '第二课', '第三课刷单技巧'].sort(),
  );
  expect(asked.every((c) => c.scene === 1 && c.openid === ADMIN && c.version === 2)).toBe(true);
});

test("the operator's blocked terms make a field risky without asking the platform", async () => {
  await setBlockedTerms(['好评返现']);
  const before = sandbox.checks.length;
  const report = await checkCreatorText(deps, [{ path: 'lessons[0].body', text: '五星好评\u200b返 现' }], ADMIN);
  expect(report).toEqual({
    outcome: 'risky',
    fields: [{ path: 'lessons[0].body', outcome: 'risky', blockedTerm: '好评返现', traceIds: [] }],
  });
  expect(sandbox.checks.length).toBe(before);
});

test('a long body is checked in pieces of at most 2,500; a word on a cut is still found', async () => {
  // No boundary anywhere: the first piece ends at 2,500, between 刷 and 单.
  const body = '学'.repeat(2499) + '刷单' + '习'.repeat(3000);
  const before = sandbox.checks.length;
  const report = await checkCreatorText(deps, [{ path: 'lessons[4].body', text: body }], ADMIN);
  const asked = sandbox.checks.slice(before);
  expect(asked.length).toBe(3);
  expect(asked.every((c) => c.content.length <= 2500)).toBe(true);
  expect(report.fields[0]).toMatchObject({ outcome: 'risky', label: 20008 });
  expect(report.fields[0]?.traceIds).toHaveLength(3);
});

test('a stale admin openid (61010) makes the check unavailable, says what to do, and stops asking', async () => {
  sandbox.setStaleOpenids([ADMIN]);
  let calls = 0;
  const counting: TextCheckDeps = {
    ...deps,
    msgSecCheck: (params) => {
      calls += 1;
      return deps.msgSecCheck(params);
    },
  };
  const fields = Array.from({ length: 12 }, (_, i) => ({ path: `lessons[${i}].title`, text: `第${i}课` }));
  const report = await checkCreatorText(counting, fields, ADMIN);
  expect(report.outcome).toBe('unavailable');
  expect(report.unavailable).toEqual({ reason: 'staleOpenid', action: UNAVAILABLE_ACTIONS.staleOpenid });
  expect(report.fields.every((f) => f.outcome === 'unavailable' && f.unavailable === 'staleOpenid')).toBe(true);
  // Only the calls already in flight when the first answer came were made.
  expect(calls).toBeLessThanOrEqual(4);
});

test('a platform failure is unavailable, never a pass; risky elsewhere still decides', async () => {
  const log = quiet();
  openApisOf(cloud).openApi.setFault('security.msgSecCheck', { unavailable: true });
  try {
    const report = await checkCreatorText(deps, [{ path: 'title', text: '好课' }], ADMIN);
    expect(report).toMatchObject({ outcome: 'unavailable', unavailable: { reason: 'failed' } });
    await setBlockedTerms(['坏词']);
    const mixed = await checkCreatorText(
      deps,
      [
        { path: 'title', text: '好课' },
        { path: 'subtitle', text: '坏词' },
      ],
      ADMIN,
    );
    expect(mixed.outcome).toBe('risky');
  } finally {
    openApisOf(cloud).openApi.clearFault('security.msgSecCheck');
    log.mockRestore();
  }
});

test('no answer in time is unavailable (timeout)', async () => {
  const log = quiet();
  openApisOf(cloud).openApi.setFault('security.msgSecCheck', { delayMs: 400 });
  try {
    const report = await checkCreatorText({ ...deps, timeoutMs: 100 }, [{ path: 'title', text: '好课' }], ADMIN);
    expect(report).toMatchObject({ outcome: 'unavailable', unavailable: { reason: 'timeout' } });
  } finally {
    openApisOf(cloud).openApi.clearFault('security.msgSecCheck');
    log.mockRestore();
  }
});

test('blocked terms that cannot be read keep everything unavailable', async () => {
  const log = quiet();
  await sdk
    .database()
    .collection('settings')
    .doc('app')
    .set({ data: { content: { blockedTerms: 'not a list' } } });
  const report = await checkCreatorText(deps, [{ path: 'title', text: '好课' }], ADMIN);
  log.mockRestore();
  expect(report).toMatchObject({ outcome: 'unavailable', unavailable: { reason: 'blockedTerms' } });
});

test('bad input is refused: no openid, a path twice', async () => {
  await expect(checkCreatorText(deps, [{ path: 'title', text: 'x' }], '')).rejects.toThrow(/openid/);
  const twice = [
    { path: 'title', text: 'a' },
    { path: 'title', text: 'b' },
  ];
  await expect(checkCreatorText(deps, twice, ADMIN)).rejects.toThrow(/twice/);
});
