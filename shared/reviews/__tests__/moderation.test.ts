import { riskyRefusal, textChecker, verdictOf, type MsgSecCheck } from '../moderation';

const quiet = () => jest.spyOn(console, 'error').mockImplementation(() => undefined);

describe('verdictOf', () => {
  test('reads suggest, label and trace id; anything unreadable is unavailable', () => {
    expect(verdictOf({ result: { suggest: 'review', label: 10001 }, traceId: 't1' })).toEqual({
      outcome: 'review',
      label: 10001,
      traceId: 't1',
    });
    expect(verdictOf({ result: { suggest: 'maybe' } })).toEqual({ outcome: 'unavailable' });
    expect(verdictOf(undefined)).toEqual({ outcome: 'unavailable' });
  });
});

describe('textChecker', () => {
  test('asks version 2, scene 2 with the openid', async () => {
    const calls: unknown[] = [];
    const check = textChecker(async (params) => {
      calls.push(params);
      return { result: { suggest: 'pass', label: 100 } };
    });
    expect(await check('好课', 'o1')).toEqual({ outcome: 'pass', label: 100 });
    expect(calls).toEqual([{ content: '好课', version: 2, scene: 2, openid: 'o1' }]);
  });

  test('a thrown 87014 is risky; any other failure is unavailable', async () => {
    expect(await textChecker(() => Promise.reject({ errCode: 87014 }))('x', 'o1')).toEqual({ outcome: 'risky' });
    const log = quiet();
    expect(await textChecker(() => Promise.reject({ errCode: -501001 }))('x', 'o1')).toEqual({
      outcome: 'unavailable',
    });
    log.mockRestore();
  });

  test('no answer in time is unavailable', async () => {
    const never: MsgSecCheck = () => new Promise(() => undefined);
    const log = quiet();
    expect(await textChecker(never, { timeoutMs: 1 })('x', 'o1')).toEqual({ outcome: 'unavailable' });
    log.mockRestore();
  });
});

describe('content check evasion', () => {
  const recording =
    (asked: string[]): MsgSecCheck =>
    async (params) => {
      asked.push(params.content);
      return { result: { suggest: 'pass', label: 100 } };
    };

  test('the platform is asked about the check form of the text, not the text as typed', async () => {
    const asked: string[] = [];
    const check = textChecker(recording(asked));
    await check('刷\u200b单返现', 'o1');
    await check('加 微信，ｗｘ：ａｂｃ', 'o1');
    expect(asked).toEqual(['刷单返现', '加微信,wx:abc']);
  });

  test("the operator's blocked terms come first: one found is risky and the platform is not asked", async () => {
    const asked: string[] = [];
    const check = textChecker(recording(asked), { blockedTerms: async () => ['好评返现', 'VX'] });
    expect(await check('五星好评\u200b返 现', 'o1')).toEqual({ outcome: 'risky', blockedTerm: '好评返现' });
    expect(await check('加ｖｘ', 'o1')).toEqual({ outcome: 'risky', blockedTerm: 'VX' });
    expect(asked).toEqual([]);
    expect(await check('讲得清楚', 'o1')).toMatchObject({ outcome: 'pass' });
    expect(asked).toEqual(['讲得清楚']);
  });

  test('blocked terms that cannot be read make the check unavailable, never a pass', async () => {
    const asked: string[] = [];
    const log = quiet();
    const check = textChecker(recording(asked), { blockedTerms: () => Promise.reject(new Error('settings invalid')) });
    expect(await check('讲得清楚', 'o1')).toEqual({ outcome: 'unavailable' });
    log.mockRestore();
    expect(asked).toEqual([]);
  });

  test('text blank in check form passes without asking', async () => {
    const asked: string[] = [];
    expect(await textChecker(recording(asked))('\u200b\u2800', 'o1')).toEqual({ outcome: 'pass' });
    expect(asked).toEqual([]);
  });
});

test('the refusal names the kind of content and what to do', () => {
  expect(riskyRefusal(10001).message).toBe('评价内容可能含有广告引流信息，未能提交。请修改或删除相关内容后重新提交。');
  expect(riskyRefusal(undefined)).toMatchObject({
    code: 'INVALID_ARGUMENT',
    details: { problems: [{ path: 'text' }] },
  });
  expect(riskyRefusal(21000).message).toContain('不适宜公开');
});
