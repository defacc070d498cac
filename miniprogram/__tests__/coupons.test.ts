/** @jest-environment jsdom */
/** 领券 and 我的优惠券. */
import { coupon, myCoupon } from './helpers/fixtures';
import { allText, find, installWx, openPage, settle, StubError, tap, textOf } from './helpers/simulate';

type Page = ReturnType<typeof openPage>;

const never = () => new Promise(() => undefined);

function buttons(page: Page): string[] {
  return page.querySelectorAll('.claim').map((b) => (b.dom?.textContent ?? '').trim());
}

describe('领券', () => {
  it('shows a spinner while loading, then the coupons of the course with what is left', async () => {
    const cloud = installWx();
    cloud.on('promo.coupons', never);
    const loading = openPage('coupons', { courseId: 'py' });
    await settle();
    expect(find(loading, '.state >>> .state-loading')).toBeTruthy();

    cloud.on('promo.coupons', () => ({
      items: [coupon('c1', { remaining: 12 }), coupon('c2', { label: '8.5 折', perLearner: 2 })],
    }));
    const page = openPage('coupons', { courseId: 'py' });
    await settle();
    expect(cloud.callsOf('promo.coupons').at(-1)).toEqual({ action: 'coupons', courseId: 'py' });
    expect(allText(page)).toContain('立减 ¥20');
    expect(allText(page)).toContain('剩余 12 张');
    expect(allText(page)).toContain('每人限领 2 张');
    expect(buttons(page)).toEqual(['领取', '领取']);
  });

  it('claims: the coupon is the learner’s, and a coupon one may hold twice can be claimed again', async () => {
    const cloud = installWx();
    cloud
      .on('promo.coupons', () => ({ items: [coupon('c1'), coupon('c2', { perLearner: 2 })] }))
      .on('promo.claim', (r) => ({
        coupon: myCoupon('m1', String(r.couponId), {
          coupon: coupon(String(r.couponId), { remaining: 9, perLearner: r.couponId === 'c2' ? 2 : 1 }),
        }),
      }));
    const page = openPage('coupons', {});
    await settle();
    expect(cloud.callsOf('promo.coupons')).toEqual([{ action: 'coupons' }]);
    await tap(page, '.claim');
    expect(cloud.callsOf('promo.claim')).toEqual([{ action: 'claim', couponId: 'c1' }]);
    expect(textOf(page, '.note')).toBe('已领取，下单时可用');
    expect(allText(page)).toContain('剩余 9 张');
    page.querySelectorAll('.claim')[1]?.dispatchEvent('tap');
    await settle();
    expect(buttons(page)).toEqual(['已领取', '再领一张']);
    // A coupon claimed as often as one may is not sent again.
    await tap(page, '.claim');
    expect(cloud.callsOf('promo.claim')).toHaveLength(2);
  });

  it('shows the server’s words when none is left or the learner’s limit is reached', async () => {
    const cloud = installWx();
    cloud
      .on('promo.coupons', () => ({ items: [coupon('gone'), coupon('mine')] }))
      .on('promo.claim', (r) => {
        if (r.couponId === 'gone') throw new StubError('FAILED_PRECONDITION', '优惠券已被领完', { reason: 'soldOut' });
        throw new StubError('CONFLICT', '你已领取过这张优惠券', { reason: 'limit' });
      });
    const page = openPage('coupons', {});
    await settle();
    await tap(page, '.claim');
    page.querySelectorAll('.claim')[1]?.dispatchEvent('tap');
    await settle();
    const notes = page.querySelectorAll('.note-refused').map((n) => n.dom?.textContent?.trim());
    expect(notes).toEqual(['优惠券已被领完', '你已领取过这张优惠券']);
    expect(buttons(page)).toEqual(['已领完', '已达上限']);
  });

  it('keeps a coupon claimable after a failed call, and shows why', async () => {
    const cloud = installWx();
    cloud
      .on('promo.coupons', () => ({ items: [coupon('c1')] }))
      .on('promo.claim', () => {
        throw new StubError('RESOURCE_EXHAUSTED', '操作太频繁，请稍后再试');
      });
    const page = openPage('coupons', {});
    await settle();
    await tap(page, '.claim');
    expect(textOf(page, '.note-refused')).toBe('操作太频繁，请稍后再试');
    expect(buttons(page)).toEqual(['领取']);
  });

  it('shows the error with a retry, and the empty state with the way to 我的优惠券', async () => {
    const cloud = installWx();
    cloud.on('promo.coupons', () => {
      throw new StubError('UNAVAILABLE', '');
    });
    const page = openPage('coupons', {});
    await settle();
    expect(textOf(page, '.state >>> .state-text')).toBe('服务暂时不可用，请稍后再试');
    cloud.on('promo.coupons', () => ({ items: [] }));
    await tap(page, '.state >>> .retry');
    expect(textOf(page, '.state >>> .state-text')).toBe('暂时没有可领取的优惠券');
    await tap(page, '.state >>> .state-button');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/my-coupons/index' });
  });
});

describe('我的优惠券', () => {
  const tabs = (page: Page) =>
    page
      .querySelectorAll('.tab')
      .map((t) => `${t.dom?.className.includes('tab-active') ? '*' : ''}${t.dom?.textContent?.trim()}`);

  it('lists the usable coupons first, with the ones a pending order holds, and filters by tab', async () => {
    const cloud = installWx();
    cloud.on('promo.mine', (r) => {
      if (r.status === 'usable') return { items: [myCoupon('m1', 'c1'), myCoupon('m2', 'c2', { status: 'held' })] };
      if (r.status === 'used') return { items: [myCoupon('m3', 'c3', { status: 'used' })] };
      return { items: [] };
    });
    const page = openPage('my-coupons');
    await settle();
    expect(tabs(page)).toEqual(['*可用', '已使用', '已过期']);
    expect(cloud.callsOf('promo.mine')).toEqual([{ action: 'mine', status: 'usable' }]);
    expect(page.querySelectorAll('.item')).toHaveLength(2);
    expect(textOf(page, '.status')).toBe('待支付订单使用中');

    page.querySelectorAll('.tab')[1]?.dispatchEvent('tap');
    await settle();
    expect(tabs(page)).toEqual(['可用', '*已使用', '已过期']);
    expect(cloud.callsOf('promo.mine').at(-1)).toEqual({ action: 'mine', status: 'used' });
    expect(textOf(page, '.status')).toBe('已使用');
    expect(find(page, '.ticket >>> .ticket-dim')).toBeTruthy();

    page.querySelectorAll('.tab')[2]?.dispatchEvent('tap');
    await settle();
    expect(textOf(page, '.state >>> .state-text')).toBe('没有过期的优惠券');
    expect(find(page, '.state >>> .state-button')).toBeFalsy();
  });

  it('shows the error with a retry; an empty 可用 tab leads to 领券', async () => {
    const cloud = installWx();
    cloud.on('promo.mine', () => {
      throw new StubError('UNAVAILABLE', '');
    });
    const page = openPage('my-coupons');
    await settle();
    expect(textOf(page, '.state >>> .state-text')).toBe('服务暂时不可用，请稍后再试');
    cloud.on('promo.mine', () => ({ items: [] }));
    await tap(page, '.state >>> .retry');
    expect(textOf(page, '.state >>> .state-text')).toBe('没有可用的优惠券');
    await tap(page, '.state >>> .state-button');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/coupons/index' });
  });
});
