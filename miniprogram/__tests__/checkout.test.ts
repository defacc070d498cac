/** @jest-environment jsdom */
/** The course page selling: the limited-time price with its countdown, the bill with coupons, 领券, memberships. */
import { bundle, card, coupon, detail, detailData, myCoupon, order, payment, quote } from './helpers/fixtures';
import { allText, find, installWx, openPage, settle, StubError, tap, textOf, type CloudStub } from './helpers/simulate';

afterEach(() => jest.useRealTimers());

const MINUTE = 60_000;
const sale = { kind: 'promotion' as const, id: 'p1', label: '限时特惠', amountFen: 5000 };
const newcomer = { kind: 'coupon' as const, id: 'c-new', label: '新人专享 立减 ¥20', amountFen: 2000 };

function stubPage(cloud: CloudStub, patch: Parameters<typeof detailData>[1] = {}): void {
  cloud
    .on('catalog.detail', () => detailData('py', patch))
    .on('review.list', () => ({ items: [], total: 0, summary: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] } }))
    .on('recommend.similar', () => ({ items: [] }))
    .on('order.list', () => ({ items: [], total: 0, policy: { refundDays: 7, maxProgressPercent: 20 } }))
    .on('promo.coupons', () => ({ items: [] }));
}

/** The bill of a ¥99 course at ¥49 with the learner's coupons `c-new` (¥20 off, the best) and `c-small`. */
function stubBill(cloud: CloudStub): void {
  const coupons = [
    myCoupon('m1', 'c-new'),
    myCoupon('m2', 'c-small', { coupon: coupon('c-small', { label: '立减 ¥5' }) }),
  ];
  cloud.on('promo.quote', (r) => {
    if (r.couponId === 'c-new') return quote(9900, [sale, newcomer], coupons);
    if (r.couponId === 'c-small') return quote(9900, [sale, { ...newcomer, id: 'c-small', amountFen: 500 }], coupons);
    return quote(9900, [sale], coupons);
  });
}

type Page = ReturnType<typeof openPage>;

/** The texts of every `selector` in the bill, without white space (the elements of a line meet in the DOM text). */
function texts(page: Page, selector: string): string[] {
  const sheet = page.querySelector('.checkout');
  return (sheet?.querySelectorAll(selector) ?? []).map((n) => (n.dom?.textContent ?? '').replace(/\s+/g, ''));
}

/** The coupon picker's options, the chosen one marked `✓ ` in front. */
function options(page: Page): string[] {
  const sheet = page.querySelector('.checkout');
  return (sheet?.querySelectorAll('.coupon-option') ?? []).map((n) => {
    const text = (n.dom?.textContent ?? '').replace(/\s+/g, '').replace('✓', '');
    return n.dom?.className.includes('coupon-chosen') ? `✓${text}` : text;
  });
}

function option(page: Page, index: number): void {
  page.querySelector('.checkout')?.querySelectorAll('.coupon-option')[index]?.dispatchEvent('tap');
}

describe('limited-time price', () => {
  const endsIn = (ms: number) => ({
    priceFen: 4900,
    endsAt: new Date(Date.now() + ms).toISOString(),
    label: '限时特惠',
  });

  it('shows the sale price, the list price struck through, the label and a countdown that updates', async () => {
    jest.useFakeTimers();
    const cloud = installWx();
    stubPage(cloud, {
      course: detail('py', { promotion: endsIn(2 * 24 * 60 * MINUTE + 3 * 60 * MINUTE + 5 * MINUTE + 30_000) }),
    });
    const page = openPage('detail', { courseId: 'py' });
    await jest.advanceTimersByTimeAsync(0);
    const price = '.course-price >>> ';
    expect(textOf(page, `${price}.now`)).toBe('¥49');
    expect(textOf(page, `${price}.was`)).toBe('¥99');
    expect(textOf(page, `${price}.promo-label`)).toBe('限时特惠');
    expect(textOf(page, `${price}.countdown`)).toBe('剩 2 天 3 小时 5 分');
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥49');
    // The bar shows both prices but no second countdown.
    expect(textOf(page, '.bar-price-tag >>> .was')).toBe('¥99');
    expect(find(page, '.bar-price-tag >>> .countdown')).toBeFalsy();
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(textOf(page, `${price}.countdown`)).toBe('剩 2 天 3 小时 4 分');
  });

  it('reads the course again when the countdown reaches the end, and shows the price the server gives then', async () => {
    jest.useFakeTimers();
    const cloud = installWx();
    const promotion = endsIn(90_000);
    let ended = false;
    stubPage(cloud);
    cloud.on('catalog.detail', () => detailData('py', { course: detail('py', ended ? {} : { promotion }) }));
    const page = openPage('detail', { courseId: 'py' });
    await jest.advanceTimersByTimeAsync(0);
    expect(textOf(page, '.course-price >>> .countdown')).toBe('剩 1 分');
    await jest.advanceTimersByTimeAsync(30_001);
    expect(textOf(page, '.course-price >>> .countdown')).toBe('剩不到 1 分钟');
    expect(cloud.callsOf('catalog.detail')).toHaveLength(1);
    ended = true;
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(cloud.callsOf('catalog.detail')).toHaveLength(2);
    expect(textOf(page, '.course-price >>> .now')).toBe('¥99');
    expect(find(page, '.course-price >>> .was')).toBeFalsy();
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥99');
  });
});

describe('the bill', () => {
  it('quotes with the best coupon, lists the coupons with 不使用优惠券, and orders with the one chosen', async () => {
    const cloud = installWx({ requestPayment: jest.fn((o: { success: () => void }) => o.success()) });
    stubPage(cloud);
    stubBill(cloud);
    cloud.on('order.create', () => ({ order: order('o1', { amountFen: 4400 }), payment }));
    cloud.on('order.get', () => ({ order: order('o1', { status: 'paid' }) }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await tap(page, '.main-action');
    expect(cloud.callsOf('promo.quote')).toEqual([
      { action: 'quote', courseId: 'py' },
      { action: 'quote', courseId: 'py', couponId: 'c-new' },
    ]);
    const sheet = '.checkout >>> ';
    expect(texts(page, '.list-price')).toEqual(['原价¥99']);
    expect(texts(page, '.discount')).toEqual(['限时特惠-¥50', '新人专享立减¥20-¥20']);
    expect(texts(page, '.pay-line')).toEqual(['实付¥29']);
    expect(options(page)).toEqual([
      '不使用优惠券',
      expect.stringMatching(/^✓立减¥20券c-new全部课程和会员·有效期至2099-06-0\d/),
      expect.stringMatching(/^立减¥5券c-small/),
    ]);
    // The smaller coupon, then none.
    option(page, 2);
    await settle();
    expect(cloud.callsOf('promo.quote').at(-1)).toEqual({ action: 'quote', courseId: 'py', couponId: 'c-small' });
    expect(texts(page, '.pay-line')).toEqual(['实付¥44']);
    await tap(page, `${sheet}.no-coupon`);
    expect(cloud.callsOf('promo.quote').at(-1)).toEqual({ action: 'quote', courseId: 'py' });
    expect(texts(page, '.pay-line')).toEqual(['实付¥49']);
    expect(textOf(page, `${sheet}.confirm-bill`)).toBe('确认支付 ¥49');
    option(page, 2);
    await settle();
    await tap(page, `${sheet}.confirm-bill`);
    await settle(12);
    expect(cloud.callsOf('order.create')[0]).toMatchObject({ courseId: 'py', couponId: 'c-small' });
    expect(find(page, `${sheet}.sheet`)).toBeFalsy();
    expect(allText(page)).toContain('购买成功，课程已解锁');
  });
});

describe('the bill, refused', () => {
  it('keeps the bill when the server refuses a coupon, and says why in its words', async () => {
    const cloud = installWx();
    stubPage(cloud);
    stubBill(cloud);
    cloud.on('promo.quote', (r) => {
      if (r.couponId === 'c-small') throw new StubError('FAILED_PRECONDITION', '这张优惠券已过期或已失效');
      const coupons = [myCoupon('m1', 'c-new'), myCoupon('m2', 'c-small')];
      return r.couponId ? quote(9900, [sale, newcomer], coupons) : quote(9900, [sale], coupons);
    });
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await tap(page, '.main-action');
    option(page, 2);
    await settle();
    expect(cloud.callsOf('promo.quote').at(-1)).toMatchObject({ couponId: 'c-small' });
    expect(textOf(page, '.checkout >>> .coupon-error')).toBe('这张优惠券已过期或已失效');
    expect(texts(page, '.pay-line')).toEqual(['实付¥29']);
    expect(options(page)[1]).toMatch(/^✓立减¥20券c-new/);
  });

  it('shows a failed quote with a retry, and the server’s reason when it refuses the sale', async () => {
    const cloud = installWx();
    stubPage(cloud);
    cloud.on('promo.quote', () => {
      throw new StubError('UNAVAILABLE', '');
    });
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await tap(page, '.main-action');
    expect(textOf(page, '.checkout >>> .quote-state >>> .state-text')).toBe('服务暂时不可用，请稍后再试');
    // Nothing to confirm without a bill.
    await tap(page, '.checkout >>> .confirm-bill');
    expect(cloud.callsOf('order.create')).toHaveLength(0);
    cloud.on('promo.quote', () => {
      throw new StubError('FAILED_PRECONDITION', '你已通过专栏永久拥有这门课程');
    });
    await tap(page, '.checkout >>> .quote-state >>> .retry');
    expect(textOf(page, '.checkout >>> .quote-state >>> .state-text')).toBe('你已通过专栏永久拥有这门课程');
    cloud.on('promo.quote', () => quote(9900));
    await tap(page, '.checkout >>> .quote-state >>> .retry');
    expect(texts(page, '.pay-line')).toEqual(['实付¥99']);
    expect(textOf(page, '.checkout >>> .no-coupons')).toBe('没有可用于此订单的优惠券');
    await tap(page, '.checkout >>> .sheet-close');
    expect(find(page, '.checkout >>> .sheet')).toBeFalsy();
  });

  it('shows the server’s reason when order.create refuses the coupon, on iOS too', async () => {
    const cloud = installWx({ getDeviceInfo: () => ({ platform: 'ios' }), requestVirtualPayment: jest.fn() });
    stubPage(cloud);
    stubBill(cloud);
    cloud.on('order.create', () => {
      throw new StubError('FAILED_PRECONDITION', '这张优惠券已被另一笔订单占用或已使用', { field: 'couponId' });
    });
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await tap(page, '.main-action');
    await tap(page, '.checkout >>> .confirm-bill');
    expect(cloud.callsOf('order.create')[0]).toMatchObject({ courseId: 'py', couponId: 'c-new', rail: 'virtual' });
    expect(textOf(page, '.purchase >>> .message')).toBe('这张优惠券已被另一笔订单占用或已使用');
    expect(allText(page)).not.toContain('iOS 设备上不能使用微信支付');
  });
});

describe('a pending order', () => {
  it('is continued at its own price, with the coupon it holds', async () => {
    const cloud = installWx();
    stubPage(cloud);
    stubBill(cloud);
    cloud.on('order.list', () => ({
      items: [order('o-pending', { amountFen: 2900, discounts: [sale, newcomer] })],
      total: 1,
      policy: { refundDays: 7, maxProgressPercent: 20 },
    }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    expect(textOf(page, '.main-action')).toBe('继续支付 ¥29');
    await tap(page, '.main-action');
    expect(cloud.callsOf('promo.quote')).toEqual([{ action: 'quote', courseId: 'py', couponId: 'c-new' }]);
    expect(options(page)[1]).toMatch(/^✓立减¥20券c-new/);
  });
});

describe('access', () => {
  const until = '2025-05-01T04:00:00.000Z';

  it('a membership opens the course until a date: 继续学习, and buying it says it keeps it for good', async () => {
    const cloud = installWx();
    stubPage(cloud, { enrolled: true, access: { via: 'bundle', until } });
    cloud.on('promo.quote', () => quote(9900));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    expect(textOf(page, '.main-action')).toBe('开始学习');
    expect(textOf(page, '.access')).toBe('会员·至 2025-05-01');
    expect(textOf(page, '.membership-text')).toBe('会员有效期至 2025-05-01，单独购买可永久学习');
    await tap(page, '.buy-forever');
    expect(textOf(page, '.checkout >>> .membership-notice')).toBe(
      '你的会员已可学习本课程至 2025-05-01；单独购买后永久有效，会员到期后也能继续学习。',
    );
    expect(cloud.callsOf('promo.quote')).toEqual([{ action: 'quote', courseId: 'py' }]);
  });

  it('a course bought for good offers neither buying again nor coupons', async () => {
    const cloud = installWx();
    stubPage(cloud, { enrolled: true, access: { via: 'purchase' } });
    cloud.on('promo.coupons', () => ({ items: [coupon('c1')] }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    expect(textOf(page, '.access')).toBe('已购买');
    expect(find(page, '.buy-forever')).toBeFalsy();
    expect(find(page, '.coupon-entry')).toBeFalsy();
  });
});

describe('领券', () => {
  it('shows the coupons of the course to claim and leads to them', async () => {
    const cloud = installWx();
    stubPage(cloud);
    cloud.on('promo.coupons', () => ({ items: [coupon('c1'), coupon('c2', { label: '8.5 折' })] }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    expect(cloud.callsOf('promo.coupons')).toEqual([{ action: 'coupons', courseId: 'py' }]);
    expect(textOf(page, '.coupon-hint')).toBe('立减 ¥20 · 8.5 折');
    await tap(page, '.coupon-entry');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/coupons/index?courseId=py' });
  });
});

describe('every page with prices reads them again when a promotion ends', () => {
  const promotion = () => ({ priceFen: 4900, endsAt: new Date(Date.now() + 30_000).toISOString(), label: '秒杀' });
  const withSale = () => card('hot', { promotion: promotion() });

  it.each([
    ['home', {}, 'catalog.list'],
    ['list', {}, 'catalog.list'],
    ['bundles', {}, 'catalog.bundles'],
    ['bundle', { bundleId: 'vip' }, 'catalog.bundle'],
  ])('%s', async (name, query, action) => {
    jest.useFakeTimers();
    const cloud = installWx();
    cloud
      .on('catalog.categories', () => ({ items: [{ id: 'python', name: 'Python', count: 1 }] }))
      .on('catalog.list', () => ({ items: [withSale()], total: 1, page: 1, pageSize: 6 }))
      .on('learning.myCourses', () => ({ items: [] }))
      .on('recommend.forMe', () => ({ items: [], modelVersion: 'cold-start' }))
      .on('catalog.bundles', () => ({ items: [bundle('vip', { promotion: promotion() })], total: 1 }))
      .on('catalog.bundle', () => ({ bundle: { ...bundle('vip', { promotion: promotion() }), courses: [] } }));
    const page = openPage(name, query);
    await jest.advanceTimersByTimeAsync(0);
    const before = cloud.callsOf(action).length;
    expect(before).toBeGreaterThan(0);
    await jest.advanceTimersByTimeAsync(30_001);
    expect(cloud.callsOf(action).length).toBeGreaterThan(before);
    expect(allText(page)).toContain('¥49');
  });
});

describe('a free course', () => {
  it('is enrolled at once, without a bill', async () => {
    const cloud = installWx();
    stubPage(cloud, { course: detail('free', { priceFen: 0 }) });
    cloud.on('order.create', () => ({ order: order('o1', { amountFen: 0, listPriceFen: 0, status: 'paid' }) }));
    const page = openPage('detail', { courseId: 'free' });
    await settle();
    expect(textOf(page, '.main-action')).toBe('免费报名');
    expect(textOf(page, '.course-price >>> .now')).toBe('免费');
    await tap(page, '.main-action');
    expect(cloud.callsOf('promo.quote')).toHaveLength(0);
    expect(cloud.callsOf('order.create')).toEqual([expect.objectContaining({ action: 'create', courseId: 'free' })]);
    expect(cloud.callsOf('order.create')[0]).not.toHaveProperty('couponId');
    expect(textOf(page, '.purchase >>> .message')).toBe('报名成功，开始学习吧');
  });
});
