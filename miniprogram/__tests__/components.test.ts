/** @jest-environment jsdom */
import { allText, installWx, listen, renderComponent, tap, textOf } from './helpers/simulate';

beforeEach(() => installWx());

describe('state-view', () => {
  it('shows the error with a retry that fires `retry`', async () => {
    const comp = renderComponent('components/state-view', { status: 'error', errorText: '网络连接失败' });
    expect(allText(comp)).toContain('网络连接失败');
    const retry = jest.fn();
    listen(comp, 'retry', retry);
    await tap(comp, '.retry');
    expect(retry).toHaveBeenCalled();
  });
});

describe('course-card', () => {
  it('shows the card and opens the course on tap', async () => {
    const comp = renderComponent('components/course-card', {
      course: {
        id: 'py',
        title: 'Python 入门',
        subtitle: '副标题',
        cover: '',
        priceFen: 9900,
        promotion: null,
        rating: '4.6',
        meta: '入门 · 3 课',
      },
      reason: '猜你喜欢',
    });
    expect(allText(comp)).toContain('Python 入门');
    expect(allText(comp)).toContain('猜你喜欢');
    expect(allText(comp)).not.toContain('副标题');
    await tap(comp, '.card');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/detail/index?courseId=py' });
  });
});

describe('price-tag', () => {
  afterEach(() => jest.useRealTimers());

  it('shows a plain price without a promotion, and 免费 for a free course', () => {
    const comp = renderComponent('components/price-tag', { fen: 9900, promotion: null });
    expect(allText(comp)).toBe('¥99');
    expect(allText(renderComponent('components/price-tag', { fen: 0, promotion: null }))).toBe('免费');
  });

  it('counts down each minute and fires promotionend once, at the end', async () => {
    jest.useFakeTimers();
    const endsAt = new Date(Date.now() + 2 * 60_000 + 500).toISOString();
    const comp = renderComponent('components/price-tag', {
      fen: 9900,
      promotion: { priceFen: 4900, endsAt, label: '秒杀' },
    });
    const ended = jest.fn();
    listen(comp, 'promotionend', ended);
    expect(allText(comp)).toBe('¥49¥99秒杀剩 2 分');
    await jest.advanceTimersByTimeAsync(501);
    expect(textOf(comp, '.countdown')).toBe('剩 1 分');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(textOf(comp, '.countdown')).toBe('剩不到 1 分钟');
    expect(ended).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(textOf(comp, '.countdown')).toBe('即将结束');
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('shows what the server priced even when the phone’s clock is past the end, without a timer', () => {
    const endsAt = new Date(Date.now() - 60_000).toISOString();
    const comp = renderComponent('components/price-tag', {
      fen: 9900,
      promotion: { priceFen: 4900, endsAt, label: '秒杀' },
    });
    expect(allText(comp)).toBe('¥49¥99秒杀即将结束');
  });
});

describe('rating-stars', () => {
  it('lights the stars of the value and, when editable, reports a tapped star', async () => {
    const comp = renderComponent('components/rating-stars', { value: 3, editable: true });
    expect(comp.querySelectorAll('.star-on')).toHaveLength(3);
    const change = jest.fn();
    listen(comp, 'change', change);
    comp.querySelectorAll('.star')[4]?.dispatchEvent('tap');
    await new Promise((r) => setTimeout(r, 0));
    expect(change).toHaveBeenCalledWith(expect.objectContaining({ detail: { value: 5 } }));
    expect(comp.querySelectorAll('.star-on')).toHaveLength(5);
  });

  it('ignores taps when read-only', async () => {
    const comp = renderComponent('components/rating-stars', { value: 2 });
    comp.querySelectorAll('.star')[4]?.dispatchEvent('tap');
    await new Promise((r) => setTimeout(r, 0));
    expect(comp.querySelectorAll('.star-on')).toHaveLength(2);
  });
});

describe('watermark', () => {
  it('tiles the text and renders nothing without it', () => {
    expect(renderComponent('components/watermark', { text: '学员 A3F' }).querySelectorAll('.tile')).toHaveLength(6);
    expect(renderComponent('components/watermark', { text: '' }).querySelector('.watermark')).toBeFalsy();
  });

  it('is made of cover-views for a native player', () => {
    const comp = renderComponent('components/watermark', { text: '学员 A3F', cover: true });
    expect(comp.querySelector('.watermark')?.dom?.tagName).toBe('WX-COVER-VIEW');
    expect(comp.querySelectorAll('.tile').map((tile) => tile.dom?.tagName)).toEqual(Array(6).fill('WX-COVER-VIEW'));
  });
});

describe('purchase-panel', () => {
  it('offers a recheck while a payment is unconfirmed', async () => {
    const comp = renderComponent('components/purchase-panel', { phase: 'unconfirmed', message: '确认中' });
    const recheck = jest.fn();
    listen(comp, 'recheck', recheck);
    await tap(comp, '.recheck');
    expect(recheck).toHaveBeenCalled();
    expect(comp.querySelector('.close')).toBeFalsy();
  });

  it('is hidden when idle', () => {
    expect(allText(renderComponent('components/purchase-panel', { phase: 'idle' }))).toBe('');
  });
});

describe('state-view', () => {
  it('shows the slot when ready and the empty action otherwise', async () => {
    const comp = renderComponent('components/state-view', {
      status: 'empty',
      emptyText: '空空如也',
      emptyAction: '去逛逛',
    });
    expect(allText(comp)).toContain('空空如也');
    const action = jest.fn();
    listen(comp, 'action', action);
    await tap(comp, '.state-button');
    expect(action).toHaveBeenCalled();
  });
});
