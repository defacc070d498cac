import { clockText, durationText, priceText } from '../view/format';
import { articleBlocks, parseMarkdown } from '../view/markdown';
import { countdownText, nextTickMs, priceView } from '../view/price';
import { accessText } from '../view/access';
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

describe('price', () => {
  const MIN = 60_000;
  it.each([
    [-1, '即将结束'],
    [0, '即将结束'],
    [59_999, '剩不到 1 分钟'],
    [MIN, '剩 1 分'],
    [59 * MIN + 59_999, '剩 59 分'],
    [60 * MIN, '剩 1 小时 0 分'],
    [24 * 60 * MIN, '剩 1 天 0 小时 0 分'],
    [(2 * 24 * 60 + 3 * 60 + 5) * MIN + 1, '剩 2 天 3 小时 5 分'],
  ])('countdownText(%i) = %s', (ms, text) => expect(countdownText(ms)).toBe(text));

  it('ticks when the text changes next', () => {
    for (const ms of [1, 59_999, MIN, MIN + 1, 2 * MIN, 3 * MIN + 17_000, 25 * 60 * MIN + 5]) {
      const tick = nextTickMs(ms);
      expect(countdownText(ms - tick)).not.toBe(countdownText(ms));
      expect(countdownText(ms - tick + 1)).toBe(countdownText(ms));
    }
    expect(nextTickMs(0)).toBe(0);
  });

  it('shows a promotion only below the list price', () => {
    const promotion = { priceFen: 4900, endsAt: new Date(MIN).toISOString(), label: '特惠' };
    expect(priceView(9900, promotion, 0)).toEqual({
      now: '¥49',
      free: false,
      sale: true,
      was: '¥99',
      label: '特惠',
      countdown: '剩 1 分',
    });
    expect(priceView(4900, promotion, 0)).toMatchObject({ now: '¥49', sale: false, was: '', countdown: '' });
  });
});

describe('accessText', () => {
  const until = '2025-05-01T04:00:00.000Z';
  it.each([
    [{ via: 'purchase' as const }, '已购买'],
    [{ via: 'free' as const }, '免费'],
    [{ via: 'redeem' as const }, '兑换'],
    [{ via: 'bundle' as const, until }, '会员·至 2025-05-01'],
    [{ via: 'bundle' as const }, '专栏'],
    [{ via: 'org' as const }, '机构'],
    [{ via: 'org' as const, until }, '机构·至 2025-05-01'],
  ])('%j: %s', (access, text) => expect(accessText(access)).toBe(text));
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

  it('makes an image alone on its line an image block; inside a paragraph, or not yet a URL, it keeps its alt text', () => {
    const url = 'http://127.0.0.1:8787/tcb/b/media/c/1-a.png?sign=ab&t=1';
    expect(
      parseMarkdown(`前文\n\n![架构图](${url} "图一")\n\n正文 ![小图](${url}) 后文\n\n![未通过](cloud://e.b/x.png)`),
    ).toEqual([
      { kind: 'p', text: '前文' },
      { kind: 'img', text: '架构图', src: url },
      { kind: 'p', text: '正文 小图 后文' },
      { kind: 'p', text: '未通过' },
    ]);
    expect(parseMarkdown(`![](${url})`)).toEqual([{ kind: 'img', text: '', src: url }]);
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
