/** @jest-environment jsdom */
import { REPORT_REASONS } from '../../shared/contract';
import { REPORT_REASON_TEXT } from '../view/report';
import { detailData, review } from './helpers/fixtures';
import { allText, installWx, openPage, settle, StubError, tap, type CloudStub } from './helpers/simulate';

/** A course page with one review of another learner (refunded), and the caller's own hidden one. */
function courseWithReviews(cloud: CloudStub): void {
  cloud
    .on('catalog.detail', () => detailData('py'))
    .on('review.list', () => ({
      items: [review('r-mine', { mine: true, status: 'hidden', text: '我的评价' }), review('r1', { refunded: true })],
      total: 1,
      summary: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] },
    }))
    .on('recommend.similar', () => ({ items: [] }))
    .on('order.list', () => ({ items: [], total: 0, policy: { refundDays: 7, maxProgressPercent: 20 } }))
    .on('promo.coupons', () => ({ items: [] }));
}

/** `wx.showActionSheet` tapping item `tapIndex`, or dismissed when it is undefined. */
function actionSheet(tapIndex?: number): jest.Mock {
  return jest.fn(({ success, fail }) =>
    tapIndex === undefined ? fail({ errMsg: 'showActionSheet:fail cancel' }) : success({ tapIndex }),
  );
}

describe('举报', () => {
  it('offers every reason of the contract, in its order', () => {
    expect(Object.keys(REPORT_REASON_TEXT)).toEqual([...REPORT_REASONS]);
  });

  it('a review card: 已退款 shown, 举报 only on other learners’ reviews, the reason picked sent', async () => {
    const sheet = actionSheet(1);
    const cloud = installWx({ showActionSheet: sheet });
    courseWithReviews(cloud);
    cloud.on('review.report', () => ({ reportedAt: '2024-05-03T00:00:00.000Z' }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    const cards = page.querySelectorAll('.review');
    expect(cards).toHaveLength(2);
    expect(allText(page)).toContain('已隐藏');
    expect(page.querySelectorAll('.review-refunded')).toHaveLength(1);
    expect(page.querySelectorAll('.review-report')).toHaveLength(1);

    await tap(page, '.review-report');
    expect(sheet).toHaveBeenCalledWith(
      expect.objectContaining({ itemList: ['广告引流', '辱骂攻击', '色情低俗', '违法违规', '虚假不实', '其他'] }),
    );
    expect(cloud.callsOf('review.report')).toEqual([{ action: 'report', reviewId: 'r1', reason: 'abuse' }]);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已收到举报，我们会尽快处理' }));
  });

  it('the course: 举报该课程 sends catalog.report; a dismissed sheet sends nothing', async () => {
    const cloud = installWx({ showActionSheet: actionSheet() });
    courseWithReviews(cloud);
    cloud.on('catalog.report', () => ({ reportedAt: '2024-05-03T00:00:00.000Z' }));
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await tap(page, '.report-course');
    expect(cloud.callsOf('catalog.report')).toEqual([]);

    Object.assign(wx, { showActionSheet: actionSheet(4) });
    await tap(page, '.report-course');
    expect(cloud.callsOf('catalog.report')).toEqual([{ action: 'report', courseId: 'py', reason: 'misleading' }]);
  });

  it('a refusal is shown as the server words it', async () => {
    const cloud = installWx({ showActionSheet: actionSheet(0) });
    courseWithReviews(cloud);
    cloud.on('catalog.report', () => {
      throw new StubError('RESOURCE_EXHAUSTED', '操作太频繁，请 30 秒后再试', { retryAfterSec: 30 });
    });
    const page = openPage('detail', { courseId: 'py' });
    await settle();
    await tap(page, '.report-course');
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '操作太频繁，请 30 秒后再试' }));
  });
});
