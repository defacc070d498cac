/** @jest-environment jsdom */
import { WxApiError } from '../services/wx-api';
import { detailData, order, payment, review } from './helpers/fixtures';
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

afterEach(() => jest.useRealTimers());

function catalogWith(cloud: CloudStub, enrolled: () => boolean): void {
  cloud
    .on('catalog.detail', () =>
      detailData(
        'py',
        enrolled()
          ? {
              enrolled: true,
              progress: {
                percent: 33,
                completedLessonIds: ['l1'],
                lastLessonId: 'l2',
                updatedAt: '2024-05-03T00:00:00Z',
              },
            }
          : {},
      ),
    )
    .on('review.list', () => ({
      items: [
        review('r1', {
          reply: {
            text: '谢谢，下一课会更详细',
            creatorName: '林老师',
            createdAt: '2024-05-04T00:00:00Z',
            updatedAt: '2024-05-04T00:00:00Z',
          },
        }),
      ],
      total: 1,
      summary: { avg: 5, count: 1, histogram: [0, 0, 0, 0, 1] },
    }))
    .on('recommend.similar', () => ({ items: [] }))
    .on('order.list', () => ({ items: [], total: 0, policy: { refundDays: 7, maxProgressPercent: 20 } }))
    .on('promo.coupons', () => ({ items: [] }))
    .on('promo.quote', () => ({ listPriceFen: 9900, discounts: [], payFen: 9900, usableCoupons: [] }));
}

/** The buy button opens the bill; 确认支付 on it starts the purchase (left to the caller: real or fake timers). */
async function openBill(page: ReturnType<typeof openPage>): Promise<void> {
  await tap(page, '.main-action');
  expect(textOf(page, '.checkout >>> .confirm-bill')).toBe('确认支付 ¥99');
}

describe('课程详情', () => {
  it('shows a visitor the price, the outline with 试看 badges and a buy button', async () => {
    const cloud = installWx();
    catalogWith(cloud, () => false);
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    expect(textOf(page, '.course-title')).toBe('课程 py');
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥99');
    expect(page.querySelectorAll('.trial')).toHaveLength(1);
    expect(allText(page)).toContain('讲得很清楚');
    // The creator's reply, under the review.
    expect(textOf(page, '.review-reply')).toBe('林老师 回复：谢谢，下一课会更详细');
    expect(page.querySelector('.write-review')).toBeFalsy();
  });

  it('asks the server for this course’s pending order only, and offers to continue paying it', async () => {
    const cloud = installWx();
    catalogWith(cloud, () => false);
    cloud.on('order.list', (r) => ({
      items: r.courseId === 'py' && r.status === 'pending' ? [order('o-pending')] : [],
      total: 1,
      policy: { refundDays: 7, maxProgressPercent: 20 },
    }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    expect(cloud.callsOf('order.list')).toEqual([{ action: 'list', courseId: 'py', status: 'pending', pageSize: 1 }]);
    expect(allText(page)).toContain('待支付');
    expect(textOf(page, '.main-action')).toBe('继续支付 ¥99');
  });

  it('does not offer to continue a pending order that has expired', async () => {
    const cloud = installWx();
    catalogWith(cloud, () => false);
    cloud.on('order.list', () => ({
      items: [order('o-old', { expiresAt: new Date(Date.now() - 60_000).toISOString() })],
      total: 1,
      policy: { refundDays: 7, maxProgressPercent: 20 },
    }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    expect(allText(page)).not.toContain('待支付');
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥99');
  });

  it('shows an enrolled learner 继续学习 and opens the last lesson', async () => {
    const cloud = installWx();
    catalogWith(cloud, () => true);
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    expect(textOf(page, '.main-action')).toBe('继续学习');
    expect(allText(page)).toContain('已完成 33%');
    await tap(page, '.main-action');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/lesson/index?courseId=py&lessonId=l2' });
  });

  it('shows the error with a retry that loads again', async () => {
    const cloud = installWx();
    catalogWith(cloud, () => false);
    cloud.on('catalog.detail', () => {
      throw new StubError('UNAVAILABLE', '服务维护中');
    });
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    expect(find(page, '.state >>> .retry')).toBeTruthy();
    catalogWith(cloud, () => false);
    await tap(page, '.state >>> .retry');
    await settle();
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥99');
  });

  it('buys: create → requestPayment → polls order.get until paid, then unlocks from the server answer', async () => {
    let paid = false;
    const cloud = installWx({ requestPayment: jest.fn((o: { success: () => void }) => o.success()) });
    catalogWith(cloud, () => paid);
    let polls = 0;
    cloud.on('order.create', () => ({ order: order('o1'), payment }));
    cloud.on('order.get', () => {
      polls += 1;
      paid = polls >= 2;
      return { order: order('o1', { status: paid ? 'paid' : 'pending' }) };
    });
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await openBill(page);
    jest.useFakeTimers();
    press(page, '.checkout >>> .confirm-bill');
    await jest.advanceTimersByTimeAsync(5000);
    jest.useRealTimers();
    await settle();
    expect(wx.requestPayment).toHaveBeenCalledWith(expect.objectContaining({ package: 'prepay_id=wx1' }));
    expect(cloud.callsOf('order.get')).toHaveLength(2);
    expect(allText(page)).toContain('购买成功，课程已解锁');
    expect(textOf(page, '.main-action')).toBe('继续学习');
  });

  it('does not unlock when the payment sheet succeeds but the server never confirms', async () => {
    const cloud = installWx({ requestPayment: jest.fn((o: { success: () => void }) => o.success()) });
    catalogWith(cloud, () => false);
    cloud.on('order.create', () => ({ order: order('o1'), payment }));
    cloud.on('order.get', () => ({ order: order('o1') }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await openBill(page);
    jest.useFakeTimers();
    press(page, '.checkout >>> .confirm-bill');
    await jest.advanceTimersByTimeAsync(60_000);
    jest.useRealTimers();
    await settle();
    expect(allText(page)).toContain('支付结果还在确认中');
    expect(textOf(page, '.main-action')).toBe('立即购买 ¥99');
    expect(find(page, '.purchase >>> .recheck')).toBeTruthy();
  });

  it('says so when the learner cancels the payment sheet', async () => {
    const cloud = installWx({
      requestPayment: jest.fn((o: { fail: (e: { errMsg: string }) => void }) =>
        o.fail({ errMsg: 'requestPayment:fail cancel' }),
      ),
    });
    catalogWith(cloud, () => false);
    cloud.on('order.create', () => ({ order: order('o1'), payment }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await openBill(page);
    await tap(page, '.checkout >>> .confirm-bill');
    await settle();
    expect(allText(page)).toContain('你已取消支付');
    expect(cloud.callsOf('order.get')).toHaveLength(0);
    await tap(page, '.purchase >>> .close');
    expect(allText(page)).not.toContain('你已取消支付');
  });

  it('on iOS asks for the virtual rail and, without it, explains the rule instead of opening WeChat Pay', async () => {
    const cloud = installWx({ getDeviceInfo: () => ({ platform: 'ios' }), requestPayment: jest.fn() });
    catalogWith(cloud, () => false);
    cloud.on('order.create', () => {
      throw new StubError('FAILED_PRECONDITION', '未开通虚拟支付');
    });
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await openBill(page);
    await tap(page, '.checkout >>> .confirm-bill');
    await settle();
    expect(cloud.callsOf('order.create')[0]).toMatchObject({ courseId: 'py', rail: 'virtual' });
    expect(wx.requestPayment).not.toHaveBeenCalled();
    expect(allText(page)).toContain('iOS 设备上不能使用微信支付购买虚拟课程');
  });

  it('on iOS pays through wx.requestVirtualPayment when the backend returns virtualPayment', async () => {
    let paid = false;
    const requestVirtualPayment = jest.fn((o: { success: () => void }) => {
      paid = true;
      o.success();
    });
    const cloud = installWx({ getDeviceInfo: () => ({ platform: 'ios' }), requestVirtualPayment });
    catalogWith(cloud, () => paid);
    const virtualPayment = { signData: '{"offerId":"1"}', paySig: 'p', signature: 's', mode: 'short_series_goods' };
    cloud.on('order.create', () => ({ order: order('o1', { rail: 'virtual' }), virtualPayment }));
    cloud.on('order.get', () => ({ order: order('o1', { status: paid ? 'paid' : 'pending' }) }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await openBill(page);
    await tap(page, '.checkout >>> .confirm-bill');
    await settle(12);
    expect(requestVirtualPayment).toHaveBeenCalledWith(
      expect.objectContaining({ paySig: 'p', mode: 'short_series_goods' }),
    );
    expect(textOf(page, '.main-action')).toBe('继续学习');
  });

  it('reports a failed payment the server confirms as failed', async () => {
    const cloud = installWx({
      requestPayment: jest.fn((o: { fail: (e: { errMsg: string }) => void }) =>
        o.fail({ errMsg: 'requestPayment:fail 余额不足' }),
      ),
    });
    catalogWith(cloud, () => false);
    cloud.on('order.create', () => ({ order: order('o1'), payment }));
    cloud.on('order.get', () => ({ order: order('o1', { status: 'failed', note: '银行卡余额不足' }) }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await openBill(page);
    await tap(page, '.checkout >>> .confirm-bill');
    await settle();
    expect(allText(page)).toContain('支付未成功：银行卡余额不足');
  });

  it('retrying a failed payment: the bank refuses, the order stays payable, 重新支付 opens the same sheet and the course unlocks', async () => {
    let paid = false;
    let attempts = 0;
    const requestPayment = jest.fn((o: { success: () => void; fail: (e: { errMsg: string }) => void }) => {
      attempts += 1;
      if (attempts === 1) return o.fail({ errMsg: 'requestPayment:fail 余额不足' });
      paid = true;
      o.success();
    });
    const cloud = installWx({ requestPayment });
    catalogWith(cloud, () => paid);
    // The server answers every create of this learner with the same pending order and payment object.
    cloud.on('order.create', () => ({ order: order('o1'), payment }));
    cloud.on('order.get', () => ({ order: order('o1', { status: paid ? 'paid' : 'pending' }) }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await openBill(page);
    await tap(page, '.checkout >>> .confirm-bill');
    await settle();
    expect(allText(page)).toContain('支付未成功，订单仍可支付');
    expect(textOf(page, '.main-action')).toBe('继续支付 ¥99');
    expect(find(page, '.purchase >>> .pay-again')).toBeTruthy();

    await tap(page, '.purchase >>> .pay-again');
    await settle(12);
    expect(requestPayment).toHaveBeenCalledTimes(2);
    const [first, second] = requestPayment.mock.calls.map(([options]) => options as unknown as { package: string });
    expect(second?.package).toBe(first?.package);
    expect(cloud.callsOf('order.create').every((c) => c.courseId === 'py')).toBe(true);
    expect(allText(page)).toContain('购买成功，课程已解锁');
    expect(textOf(page, '.main-action')).toBe('继续学习');
    expect(find(page, '.purchase >>> .pay-again')).toBeFalsy();
  });

  it('a course that is gone leads back to the catalog, without the server validation naming courseId', async () => {
    const cloud = installWx();
    catalogWith(cloud, () => false);
    cloud.on('catalog.detail', () => {
      throw new StubError('NOT_FOUND', 'courseId 对应的课程不存在或未上架：gone');
    });
    const page = openPage('detail', { courseId: 'gone' });
    await settle();
    expect(textOf(page, '.state >>> .state-text')).toBe('这门课程不存在或已下架');
    expect(allText(page)).not.toContain('courseId');
    expect(find(page, '.state >>> .retry')).toBeFalsy();
    await tap(page, '.state >>> .state-button');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/list/index' });
  });

  it('sets the page data once per reload, however many parts of the store the answers change', async () => {
    const cloud = installWx();
    catalogWith(cloud, () => true);
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    const setData = jest.spyOn(page.instance as unknown as { setData(patch: object): void }, 'setData');
    page.page.onShow();
    await settle();
    expect(setData).toHaveBeenCalledTimes(1);
    expect(setData.mock.calls[0]?.[0]).toEqual(
      expect.objectContaining({ status: 'ready', action: expect.anything(), reviews: expect.anything() }),
    );
  });

  it('keeps 试看 lessons open to a visitor and locks the rest', async () => {
    const cloud = installWx();
    catalogWith(cloud, () => false);
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    const lessons = page.querySelectorAll('.lesson');
    // A word, not an emoji some phones' and browsers' fonts lack.
    expect(page.querySelectorAll('.lock')).toHaveLength(lessons.length - 1);
    expect(textOf(page, '.lock')).toBe('购买后学习');
    lessons[1]?.dispatchEvent('tap');
    await settle();
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '购买课程后即可学习本节' }));
    lessons[0]?.dispatchEvent('tap');
    await settle();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/lesson/index?courseId=py&lessonId=l1' });
  });
});

it('WxApiError knows a cancelled sheet', () => {
  expect(new WxApiError('requestPayment:fail cancel').cancelled).toBe(true);
  expect(new WxApiError('requestPayment:fail').cancelled).toBe(false);
});
