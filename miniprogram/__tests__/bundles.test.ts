/** @jest-environment jsdom */
/** 会员与专栏 (the list) and one membership or 专栏. */
import type { Access, Bundle, CatalogBundleData, Order } from '../../shared/contract';
import { bundle, card, coupon, myCoupon, order, payment, quote } from './helpers/fixtures';
import {
  allText,
  find,
  installWx,
  openPage,
  press,
  settle,
  StubError,
  tap,
  textOf,
  type CloudStub,
} from './helpers/simulate';

type Page = ReturnType<typeof openPage>;

const never = () => new Promise(() => undefined);
const until = '2026-05-01T04:00:00.000Z';

function bundleData(patch: Partial<Bundle> = {}, access?: Access): CatalogBundleData {
  const data: CatalogBundleData = { bundle: { ...bundle('vip', patch), courses: [card('py'), card('js')] } };
  if (access) data.access = access;
  return data;
}

function texts(page: Page, selector: string): string[] {
  return page.querySelectorAll(selector).map((n) => (n.dom?.textContent ?? '').replace(/\s+/g, ' ').trim());
}

describe('会员与专栏', () => {
  it('shows a spinner, then each bundle with its kind, its courses and its price, and opens one', async () => {
    const cloud = installWx();
    cloud.on('catalog.bundles', never);
    const loading = openPage('bundles');
    await settle();
    expect(find(loading, '.state >>> .state-loading')).toBeTruthy();

    const promotion = {
      priceFen: 19900,
      endsAt: new Date(Date.now() + 3_600_000 + 5000).toISOString(),
      label: '年终特惠',
    };
    cloud.on('catalog.bundles', () => ({
      items: [
        bundle('vip', { courseCount: 6, promotion }),
        bundle('col', { kind: 'column', termDays: undefined, title: '专栏 col', priceFen: 9900 }),
      ],
      total: 2,
    }));
    const page = openPage('bundles');
    await settle();
    expect(cloud.callsOf('catalog.bundles').at(-1)).toEqual({ action: 'bundles', page: 1, pageSize: 20 });
    expect(texts(page, '.bundle >>> .kind')).toEqual(['会员 365 天', '专栏 永久']);
    expect(texts(page, '.bundle >>> .courses')).toEqual(['6 门课程', '2 门课程']);
    expect(textOf(page, '.bundle >>> .bundle-price >>> .now')).toBe('¥199');
    expect(textOf(page, '.bundle >>> .bundle-price >>> .was')).toBe('¥399');
    expect(textOf(page, '.bundle >>> .bundle-price >>> .countdown')).toBe('剩 1 小时 0 分');
    expect(textOf(page, '.end')).toBe('没有更多了');
    await tap(page, '.bundle >>> .card');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/bundle/index?bundleId=vip' });
  });

  it('loads the next page as the learner scrolls', async () => {
    const cloud = installWx();
    cloud.on('catalog.bundles', (r) => ({ items: [bundle(`b${String(r.page)}`)], total: 2 }));
    const page = openPage('bundles');
    await settle();
    expect(textOf(page, '.load-more')).toBe('加载更多');
    page.page.onReachBottom();
    await settle();
    expect(page.querySelectorAll('.bundle')).toHaveLength(2);
    expect(cloud.callsOf('catalog.bundles').at(-1)).toMatchObject({ page: 2 });
    expect(textOf(page, '.end')).toBe('没有更多了');
  });

  it('shows the error with a retry, and the empty state with the way to the courses', async () => {
    const cloud = installWx();
    cloud.on('catalog.bundles', () => {
      throw new StubError('UNAVAILABLE', '');
    });
    const page = openPage('bundles');
    await settle();
    expect(textOf(page, '.state >>> .state-text')).toBe('服务暂时不可用，请稍后再试');
    cloud.on('catalog.bundles', () => ({ items: [], total: 0 }));
    await tap(page, '.state >>> .retry');
    expect(textOf(page, '.state >>> .state-text')).toBe('还没有上架的会员或专栏');
    await tap(page, '.state >>> .state-button');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/list/index' });
  });

  it('is reached from the home page', async () => {
    const cloud = installWx();
    cloud
      .on('catalog.categories', () => ({ items: [{ id: 'python', name: 'Python', count: 1 }] }))
      .on('catalog.list', () => ({ items: [card('py')], total: 1, page: 1, pageSize: 6 }))
      .on('learning.myCourses', () => ({ items: [] }))
      .on('recommend.forMe', () => ({ items: [], modelVersion: 'cold-start' }));
    const home = openPage('home');
    await settle();
    await tap(home, '.bundles-link');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/bundles/index' });
  });
});

describe('一个会员或专栏', () => {
  function stubBundle(cloud: CloudStub, data: () => CatalogBundleData): void {
    cloud.on('catalog.bundle', () => data());
  }

  it('shows the membership, its term, its price and its courses as cards', async () => {
    const cloud = installWx();
    stubBundle(cloud, () => bundleData());
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    expect(cloud.callsOf('catalog.bundle')).toEqual([{ action: 'bundle', bundleId: 'vip' }]);
    expect(textOf(page, '.bundle-title')).toBe('会员 vip');
    expect(textOf(page, '.kind')).toBe('会员 365 天');
    expect(textOf(page, '.bundle-price >>> .now')).toBe('¥399');
    expect(texts(page, '.course >>> .card-title')).toEqual(['课程 py', '课程 js']);
    expect(find(page, '.owned')).toBeFalsy();
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥399');
    await tap(page, '.course >>> .card');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/detail/index?courseId=py' });
  });

  it('buys it through the bill with a coupon, and shows it open once the server confirms', async () => {
    let paid = false;
    const cloud = installWx({ requestPayment: jest.fn((o: { success: () => void }) => o.success()) });
    stubBundle(cloud, () => bundleData({}, paid ? { via: 'purchase', until } : undefined));
    const coupons = [myCoupon('m1', 'c-vip', { coupon: coupon('c-vip', { label: '立减 ¥50' }) })];
    cloud
      .on('promo.quote', (r) =>
        quote(39900, r.couponId ? [{ kind: 'coupon', id: 'c-vip', label: '会员券', amountFen: 5000 }] : [], coupons),
      )
      .on('order.create', () => ({ order: order('o1', { courseId: undefined, bundleId: 'vip' }), payment }))
      .on('order.get', () => {
        paid = true;
        return { order: order('o1', { status: 'paid' }) };
      });
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    await tap(page, '.main-action');
    expect(cloud.callsOf('promo.quote')).toEqual([
      { action: 'quote', bundleId: 'vip' },
      { action: 'quote', bundleId: 'vip', couponId: 'c-vip' },
    ]);
    expect(textOf(page, '.checkout >>> .confirm-bill')).toBe('确认支付 ¥349');
    await tap(page, '.checkout >>> .confirm-bill');
    await settle(12);
    expect(cloud.callsOf('order.create')[0]).toMatchObject({ bundleId: 'vip', couponId: 'c-vip' });
    expect(cloud.callsOf('order.create')[0]).not.toHaveProperty('courseId');
    expect(textOf(page, '.purchase >>> .message')).toBe('购买成功，已开通');
    expect(textOf(page, '.owned')).toBe('已开通 · 有效期至 2026-05-01');
    expect(textOf(page, '.main-action')).toBe('续费 ¥399');
  });

  it('a membership held can be bought again: it says the term runs on from its end', async () => {
    const cloud = installWx();
    stubBundle(cloud, () => bundleData({}, { via: 'purchase', until }));
    cloud.on('promo.quote', () => quote(39900));
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    expect(textOf(page, '.renew')).toBe('再次购买可续期：有效期从 2026-05-01 起顺延 365 天。');
    await tap(page, '.main-action');
    expect(textOf(page, '.checkout >>> .membership-notice')).toBe(
      '再次购买可续期：有效期从 2026-05-01 起顺延 365 天。',
    );
  });

  it('a 专栏 held is open for good and is not sold again', async () => {
    const cloud = installWx();
    stubBundle(cloud, () => bundleData({ kind: 'column', termDays: undefined }, { via: 'redeem' }));
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    expect(textOf(page, '.kind')).toBe('专栏 永久');
    expect(textOf(page, '.owned')).toBe('已开通 · 永久有效');
    expect(find(page, '.renew')).toBeFalsy();
    expect(textOf(page, '.main-action')).toBe('已开通');
    await tap(page, '.main-action');
    expect(cloud.callsOf('promo.quote')).toHaveLength(0);
  });

  it('shows a running promotion and buys at its price', async () => {
    const cloud = installWx();
    const promotion = { priceFen: 19900, endsAt: new Date(Date.now() + 86_400_000 * 3).toISOString(), label: '限时' };
    stubBundle(cloud, () => bundleData({ promotion }));
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    expect(textOf(page, '.bundle-price >>> .was')).toBe('¥399');
    expect(textOf(page, '.bundle-price >>> .promo-label')).toBe('限时');
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥199');
  });

  it('shows the error with a retry, and a bundle that is gone leads back to the list', async () => {
    const cloud = installWx();
    cloud.on('catalog.bundle', () => {
      throw new StubError('UNAVAILABLE', '');
    });
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    expect(textOf(page, '.state >>> .state-text')).toBe('服务暂时不可用，请稍后再试');
    cloud.on('catalog.bundle', () => {
      throw new StubError('NOT_FOUND', 'bundleId 对应的会员或专栏不存在');
    });
    await tap(page, '.state >>> .retry');
    expect(textOf(page, '.state >>> .state-text')).toBe('这个会员或专栏不存在或已下架');
    expect(allText(page)).not.toContain('bundleId');
    await tap(page, '.state >>> .state-button');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/bundles/index' });
  });
});

describe('a pending order of a membership or 专栏', () => {
  afterEach(() => jest.useRealTimers());

  const policy = { refundDays: 7, maxProgressPercent: 20 };
  const sale = { kind: 'promotion' as const, id: 'p-year', label: '年终特惠', amountFen: 15000 };
  const vipCoupon = { kind: 'coupon' as const, id: 'c-vip', label: '会员券', amountFen: 5000 };
  /** Made while 年终特惠 ran (it has ended since), with the coupon c-vip: it charges ¥199 until it expires. */
  const held = (patch: Partial<Order> = {}): Order =>
    order('o-vip', {
      courseId: undefined,
      bundleId: 'vip',
      listPriceFen: 39900,
      discounts: [sale, vipCoupon],
      amountFen: 19900,
      ...patch,
    });

  function stubPending(cloud: CloudStub, pending: () => Order[]): void {
    cloud
      .on('catalog.bundle', () => bundleData())
      .on('order.list', (r) => ({
        items: r.bundleId === 'vip' && r.status === 'pending' ? pending() : [],
        total: pending().length,
        policy,
      }))
      .on('promo.quote', (r) => quote(39900, r.couponId === 'c-vip' ? [vipCoupon] : []));
  }

  it('is asked of the server for this bundle only, offered at its own price, and paid with its coupon', async () => {
    let paid = false;
    const cloud = installWx({ requestPayment: jest.fn((o: { success: () => void }) => o.success()) });
    stubPending(cloud, () => (paid ? [] : [held()]));
    cloud
      .on('catalog.bundle', () => bundleData({}, paid ? { via: 'purchase', until } : undefined))
      .on('order.create', () => ({ order: held(), payment }))
      .on('order.get', () => {
        paid = true;
        return { order: held({ status: 'paid' }) };
      });
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    expect(cloud.callsOf('order.list')).toEqual([{ action: 'list', bundleId: 'vip', status: 'pending', pageSize: 1 }]);
    expect(textOf(page, '.pending-line')).toBe('待支付你有一笔未完成的订单，可继续支付');
    expect(textOf(page, '.bundle-price >>> .now')).toBe('¥399');
    expect(textOf(page, '.main-action')).toBe('继续支付 ¥199');

    await tap(page, '.main-action');
    // The bill opens with the coupon the order holds, not the best one.
    expect(cloud.callsOf('promo.quote')).toEqual([{ action: 'quote', bundleId: 'vip', couponId: 'c-vip' }]);
    await tap(page, '.checkout >>> .confirm-bill');
    await settle(12);
    expect(cloud.callsOf('order.create')).toEqual([expect.objectContaining({ bundleId: 'vip', couponId: 'c-vip' })]);
    expect(textOf(page, '.purchase >>> .message')).toBe('购买成功，已开通');
    expect(find(page, '.pending-line')).toBeFalsy();
    expect(textOf(page, '.main-action')).toBe('续费 ¥399');
  });

  it('without one: no 待支付, and the bill is a new checkout with the best coupon', async () => {
    const cloud = installWx();
    stubPending(cloud, () => []);
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    expect(cloud.callsOf('order.list')).toEqual([{ action: 'list', bundleId: 'vip', status: 'pending', pageSize: 1 }]);
    expect(find(page, '.pending-line')).toBeFalsy();
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥399');
    await tap(page, '.main-action');
    expect(cloud.callsOf('promo.quote')).toEqual([{ action: 'quote', bundleId: 'vip' }]);
  });

  it('one that has expired, listed so or expiring on the page, gives way to a new checkout', async () => {
    const cloud = installWx();
    stubPending(cloud, () => [held({ expiresAt: new Date(Date.now() - 1000).toISOString() })]);
    const stale = openPage('bundle', { bundleId: 'vip' });
    await settle();
    expect(find(stale, '.pending-line')).toBeFalsy();
    expect(textOf(stale, '.main-action')).toBe('立即购买 ¥399');

    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    stubPending(cloud, () => [held({ expiresAt: new Date(Date.now() + 60_000).toISOString() })]);
    const page = openPage('bundle', { bundleId: 'vip' });
    await jest.advanceTimersByTimeAsync(0);
    expect(textOf(page, '.main-action')).toBe('继续支付 ¥199');
    jest.setSystemTime(Date.now() + 60_000);
    press(page, '.main-action');
    await jest.advanceTimersByTimeAsync(0);
    expect(find(page, '.pending-line')).toBeFalsy();
    expect(cloud.callsOf('promo.quote')).toEqual([{ action: 'quote', bundleId: 'vip' }]);
    expect(textOf(page, '.checkout >>> .confirm-bill')).toBe('确认支付 ¥399');
  });

  it('one the server has closed meanwhile gives way to a new checkout after the attempt', async () => {
    const cloud = installWx({
      requestPayment: jest.fn((o: { fail: (e: { errMsg: string }) => void }) =>
        o.fail({ errMsg: 'requestPayment:fail 订单已关闭' }),
      ),
    });
    stubPending(cloud, () => [held()]);
    cloud
      .on('order.create', () => ({ order: held(), payment }))
      .on('order.get', () => ({ order: held({ status: 'closed', closedAt: new Date().toISOString() }) }));
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    await tap(page, '.main-action');
    await tap(page, '.checkout >>> .confirm-bill');
    await settle(12);
    expect(textOf(page, '.purchase >>> .message')).toBe('支付失败，请稍后重试');
    expect(find(page, '.pending-line')).toBeFalsy();
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥399');
    await tap(page, '.purchase >>> .close');
    await tap(page, '.main-action');
    expect(cloud.callsOf('promo.quote').at(-1)).toEqual({ action: 'quote', bundleId: 'vip' });
  });

  it('is not offered for a 专栏 the learner already holds', async () => {
    const cloud = installWx();
    stubPending(cloud, () => [held()]);
    cloud.on('catalog.bundle', () => bundleData({ kind: 'column', termDays: undefined }, { via: 'redeem' }));
    const page = openPage('bundle', { bundleId: 'vip' });
    await settle();
    expect(find(page, '.pending-line')).toBeFalsy();
    expect(textOf(page, '.main-action')).toBe('已开通');
  });
});
