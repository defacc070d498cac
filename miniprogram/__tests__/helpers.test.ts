import { clockText, durationText, priceText } from '../view/format';
import { articleBlocks, parseMarkdown } from '../view/markdown';
import { ProgressReporter } from '../flows/progress-reporter';

describe('format', () => {
  it.each([
    [0, '免费'],
    [9900, '¥99'],
    [990, '¥9.90'],
    [12345, '¥123.45'],
  ])('priceText(%i) = %s', (fen, text) => expect(priceText(fen)).toBe(text));

  it('formats clocks and durations', () => {
    expect(clockText(65)).toBe('01:05');
    expect(clockText(3725)).toBe('1:02:05');
    expect(durationText(20)).toBe('1 分钟');
    expect(durationText(4800)).toBe('1 小时 20 分钟');
  });
});

describe('articleBlocks', () => {
  it('drops a leading heading that repeats the lesson title, and keeps any other', () => {
    expect(articleBlocks('# 一致性哈希\n\n正文', ' 一致性哈希')).toEqual([{ kind: 'p', text: '正文' }]);
    expect(articleBlocks('# 另一个标题\n\n正文', '一致性哈希')).toEqual([
      { kind: 'h1', text: '另一个标题' },
      { kind: 'p', text: '正文' },
    ]);
  });
});

describe('parseMarkdown', () => {
  it('turns headings, paragraphs, lists, quotes and code into blocks without inline marks', () => {
    expect(parseMarkdown('# 标题\n\n第一行\n第二行 **粗** `码`\n\n- 甲\n1. 乙\n> 引用\n```\nx = 1\n```')).toEqual([
      { kind: 'h1', text: '标题' },
      { kind: 'p', text: '第一行 第二行 粗 码' },
      { kind: 'li', text: '甲' },
      { kind: 'li', text: '乙' },
      { kind: 'quote', text: '引用' },
      { kind: 'code', text: 'x = 1' },
    ]);
  });
});

describe('ProgressReporter', () => {
  it('sends at most one report per interval while playing and the latest one on flush', async () => {
    let now = 0;
    const send = jest.fn(async () => undefined);
    const reporter = new ProgressReporter({ send, now: () => now, intervalMs: 15000 });
    for (let t = 0; t <= 20; t++) {
      now = t * 1000;
      reporter.tick(t, 300);
      await Promise.resolve();
    }
    await reporter.flush();
    expect(send.mock.calls.map((c: unknown[]) => (c[0] as { positionSec: number }).positionSec)).toEqual([0, 15, 20]);
  });

  it('keeps a failed report and sends it later with the time it was read', async () => {
    let now = 1000;
    const send = jest.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(undefined);
    const reporter = new ProgressReporter({ send, now: () => now });
    reporter.tick(42, 300);
    await reporter.flush();
    now = 99_000;
    await reporter.flush();
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.mock.calls[1]?.[0]).toEqual({ positionSec: 42, durationSec: 300, reportedAt: 1000 });
  });

  it('does not send the same position twice', async () => {
    const send = jest.fn(async () => undefined);
    const reporter = new ProgressReporter({ send, now: () => 0 });
    reporter.tick(10, 300);
    await reporter.flush();
    await reporter.flush();
    expect(send).toHaveBeenCalledTimes(1);
  });
});
