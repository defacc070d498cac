/** @jest-environment jsdom */
/** 兑换码. */
import { bundle, detailData } from './helpers/fixtures';
import { find, installWx, openPage, settle, StubError, tap, textOf } from './helpers/simulate';

type Page = ReturnType<typeof openPage>;

async function type(page: Page, code: string): Promise<void> {
  find(page, '.code')?.dispatchEvent('input', { detail: { value: code } });
  await settle();
}

describe('兑换码', () => {
  it('asks for a code before calling the server', async () => {
    const cloud = installWx();
    const page = openPage('redeem');
    await settle();
    await type(page, '   ');
    await tap(page, '.submit');
    expect(textOf(page, '.form-error')).toBe('请输入兑换码');
    expect(cloud.callsOf('promo.redeem')).toHaveLength(0);
  });

  it('redeems a code for a course: says what opened, for how long, and leads to it', async () => {
    const cloud = installWx();
    let answer: (value: unknown) => void = () => undefined;
    cloud
      .on('promo.redeem', () => new Promise((resolve) => (answer = resolve)))
      .on('catalog.detail', () => detailData('py'));
    const page = openPage('redeem');
    await settle();
    await type(page, ' 7k3m-q9xd-2hwt-b8ne ');
    await tap(page, '.submit');
    expect(textOf(page, '.submit')).toBe('兑换中…');
    answer({ access: { courseId: 'py', via: 'redeem' } });
    await settle();
    expect(cloud.callsOf('promo.redeem')).toEqual([{ action: 'redeem', code: '7k3m-q9xd-2hwt-b8ne' }]);
    expect(textOf(page, '.done-title')).toBe('兑换成功');
    expect(textOf(page, '.opened')).toBe('已开通《课程 py》');
    expect(textOf(page, '.term')).toBe('永久有效');
    await tap(page, '.open');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/detail/index?courseId=py' });
    await tap(page, '.another');
    expect(find(page, '.code')).toBeTruthy();
  });

  it('redeems a code for a membership until a date, and opens the membership', async () => {
    const cloud = installWx();
    cloud
      .on('promo.redeem', () => ({ access: { bundleId: 'vip', via: 'redeem', until: '2026-05-01T04:00:00.000Z' } }))
      .on('catalog.bundle', () => ({ bundle: { ...bundle('vip'), courses: [] } }));
    const page = openPage('redeem');
    await settle();
    await type(page, 'ABCD');
    await tap(page, '.submit');
    expect(textOf(page, '.opened')).toBe('已开通《会员 vip》');
    expect(textOf(page, '.term')).toBe('有效期至 2026-05-01');
    await tap(page, '.open');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/bundle/index?bundleId=vip' });
  });

  it('still says it opened when the title cannot be read', async () => {
    const cloud = installWx();
    cloud
      .on('promo.redeem', () => ({ access: { courseId: 'py', via: 'redeem' } }))
      .on('catalog.detail', () => {
        throw new StubError('UNAVAILABLE', '');
      });
    const page = openPage('redeem');
    await settle();
    await type(page, 'ABCD');
    await tap(page, '.submit');
    expect(textOf(page, '.opened')).toBe('已开通课程');
  });

  it('shows the server’s words for a code it refuses and for too many attempts', async () => {
    const cloud = installWx();
    cloud.on('promo.redeem', () => {
      throw new StubError('FAILED_PRECONDITION', '兑换码无效、已使用或已过期');
    });
    const page = openPage('redeem');
    await settle();
    await type(page, 'WRONG');
    await tap(page, '.submit');
    expect(textOf(page, '.form-error')).toBe('兑换码无效、已使用或已过期');
    await type(page, 'WRONG2');
    expect(find(page, '.form-error')).toBeFalsy();
    cloud.on('promo.redeem', () => {
      throw new StubError('RESOURCE_EXHAUSTED', '尝试次数过多，请 1 小时后再试', { retryAfterSec: 3600 });
    });
    await tap(page, '.submit');
    expect(textOf(page, '.form-error')).toBe('尝试次数过多，请 1 小时后再试');
  });
});
