/** @jest-environment jsdom */
import { REFUND_COUPON_TEXT } from '../../shared/contract';
import { card, detailData, lesson, myCourse, order, review } from './helpers/fixtures';
import { allText, find, installWx, openPage, settle, StubError, tap, textOf } from './helpers/simulate';

const categories = { items: [{ id: 'python', name: 'Python', count: 3 }] };

describe('首页', () => {
  it('shows continue learning, recommendations with their reason, categories and popular courses', async () => {
    const cloud = installWx();
    cloud
      .on('catalog.categories', () => categories)
      .on('catalog.list', (r) => ({
        items: [card(r.sort === 'newest' ? 'new1' : 'hot1')],
        total: 1,
        page: 1,
        pageSize: 6,
      }))
      .on('learning.myCourses', () => ({ items: [myCourse('py')] }))
      .on('recommend.forMe', () => ({
        items: [{ course: card('rec1'), score: 1, reason: '因为你学习了《课程 py》' }],
        modelVersion: 'v1',
      }));
    const page = openPage('home');
    await settle();
    expect(textOf(page, '.continue-title')).toBe('课程 py');
    expect(allText(page)).toContain('因为你学习了《课程 py》');
    expect(allText(page)).toContain('课程 hot1');
    await tap(page, '.category');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/list/index?category=python' });
    await tap(page, '.continue');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/lesson/index?courseId=py&lessonId=l2' });
  });

  it('shows a new learner the server’s cold start, which starts from the interests they picked on 我的', async () => {
    const getStorageSync = jest.fn();
    const cloud = installWx({ getStorageSync });
    cloud
      .on('catalog.categories', () => categories)
      .on('catalog.list', (r) => ({
        items: [card(r.sort === 'newest' ? 'new1' : 'hot1')],
        total: 1,
        page: 1,
        pageSize: 6,
      }))
      .on('learning.myCourses', () => ({ items: [] }))
      .on('recommend.forMe', () => ({
        items: [{ course: card('py-hot'), score: 12, reason: '你关注的方向' }],
        modelVersion: 'cold-start',
      }));
    const page = openPage('home');
    await settle();
    expect(textOf(page, '.recommended')).toContain('课程 py-hot');
    expect(textOf(page, '.recommended')).toContain('你关注的方向');
    expect(page.querySelector('.continue')).toBeFalsy();
    // Nothing is read from the device, and no list is assembled on the client.
    expect(getStorageSync).not.toHaveBeenCalled();
    expect(cloud.callsOf('catalog.list').map((r) => r.category)).toEqual([undefined, undefined]);
  });

  it('shows the error and retries', async () => {
    const cloud = installWx();
    cloud.on('catalog.categories', () => {
      throw new StubError('UNAVAILABLE', '');
    });
    const page = openPage('home');
    await settle();
    expect(allText(page)).toContain('服务暂时不可用');
    cloud
      .on('catalog.categories', () => ({ items: [] }))
      .on('catalog.list', () => ({ items: [], total: 0, page: 1, pageSize: 6 }));
    await tap(page, '.state >>> .retry');
    expect(allText(page)).toContain('还没有上架的课程');
  });
});

describe('课程列表', () => {
  it('filters by category, sorts, loads more pages and shows the end', async () => {
    const cloud = installWx();
    cloud
      .on('catalog.categories', () => categories)
      .on('catalog.list', (r) => {
        const page = Number(r.page);
        return {
          items: [card(`c${page}a`), card(`c${page}b`)].slice(0, page === 2 ? 1 : 2),
          total: 3,
          page,
          pageSize: 10,
        };
      });
    const page = openPage('list', { tag: 'Python' });
    await settle();
    expect(cloud.callsOf('catalog.list')[0]).toMatchObject({ tag: 'Python', sort: 'popular', page: 1 });
    expect(textOf(page, '.load-more')).toContain('加载更多');
    page.page.onReachBottom();
    await settle();
    expect(allText(page)).toContain('课程 c2a');
    expect(textOf(page, '.end')).toContain('没有更多了');
    await tap(page, '.category');
    expect(cloud.callsOf('catalog.list').pop()).toMatchObject({ category: 'python', page: 1 });
    const sorts = page.querySelectorAll('.sort');
    sorts[1]?.dispatchEvent('tap');
    await settle();
    expect(cloud.callsOf('catalog.list').pop()).toMatchObject({ sort: 'newest' });
  });

  it('shows the empty state for a search without results', async () => {
    const cloud = installWx();
    cloud
      .on('catalog.categories', () => categories)
      .on('catalog.list', () => ({ items: [], total: 0, page: 1, pageSize: 10 }));
    const page = openPage('list', { keyword: '不存在' });
    await settle();
    expect(cloud.callsOf('catalog.list')[0]).toMatchObject({ keyword: '不存在' });
    expect(allText(page)).toContain('没有找到相关课程');
  });
});

describe('学习', () => {
  function stubCourse(cloud: ReturnType<typeof installWx>): void {
    cloud.on('catalog.detail', () => detailData('py', { enrolled: true }));
  }

  it('resumes a video at the saved position, overlays the watermark and reports progress throttled and on leaving', async () => {
    const cloud = installWx();
    stubCourse(cloud);
    cloud
      .on('learning.lesson', () => ({
        lesson: lesson('l1', {
          progress: { lessonId: 'l1', positionSec: 120, furthestSec: 120, completed: false, updatedAt: '' },
        }),
      }))
      .on('learning.progress', () => ({ progress: {} }));
    const page = openPage('lesson', { courseId: 'py', lessonId: 'l1' });
    await settle();
    expect(allText(page)).toContain('已从 02:00 继续播放');
    expect(allText(page)).toContain('学员 A3F·0427');
    const video = find(page, '.video');
    video?.dispatchEvent('timeupdate', { detail: { currentTime: 121, duration: 300 } });
    video?.dispatchEvent('timeupdate', { detail: { currentTime: 122, duration: 300 } });
    await settle();
    expect(cloud.callsOf('learning.progress')).toHaveLength(1);
    expect(cloud.callsOf('learning.progress')[0]).toMatchObject({ lessonId: 'l1', positionSec: 121, durationSec: 300 });
    page.page.onUnload();
    await settle();
    expect(cloud.callsOf('learning.progress').pop()).toMatchObject({ positionSec: 122 });
  });

  it('draws the watermark inside the video as cover-views, which fullscreen keeps', async () => {
    const cloud = installWx();
    stubCourse(cloud);
    cloud.on('learning.lesson', () => ({ lesson: lesson('l1') }));
    const page = openPage('lesson', { courseId: 'py', lessonId: 'l1' });
    await settle();
    const mark = find(page, '.video .video-watermark >>> .watermark');
    expect(mark?.dom?.tagName).toBe('WX-COVER-VIEW');
    expect(mark?.dom?.textContent).toContain('学员 A3F·0427');
  });

  it('goes to the next lesson', async () => {
    const cloud = installWx();
    stubCourse(cloud);
    cloud.on('learning.lesson', () => ({ lesson: lesson('l1') }));
    const page = openPage('lesson', { courseId: 'py', lessonId: 'l1' });
    await settle();
    expect(textOf(page, '.next-title')).toBe('第二课：变量与类型');
    await tap(page, '.next');
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/lesson/index?courseId=py&lessonId=l2' });
  });

  it('renders an article and marks it read', async () => {
    const cloud = installWx();
    stubCourse(cloud);
    cloud
      .on('learning.lesson', () => ({
        lesson: lesson('l3', { kind: 'article', mediaUrl: undefined, body: '# 标题\n\n正文**一段**\n\n- 要点' }),
      }))
      .on('learning.progress', () => ({ progress: {} }));
    const page = openPage('lesson', { courseId: 'py', lessonId: 'l3' });
    await settle();
    expect(textOf(page, '.block-h1')).toBe('标题');
    expect(textOf(page, '.block-p')).toBe('正文一段');
    await tap(page, '.finish');
    expect(cloud.callsOf('learning.progress').pop()).toMatchObject({ positionSec: 300, durationSec: 300 });
    expect(textOf(page, '.finish')).toBe('已读完');
  });

  it("shows an article's image alone on its line as an image", async () => {
    const cloud = installWx();
    stubCourse(cloud);
    const url = 'http://127.0.0.1:8787/tcb/b/media/py/fig.png?sign=ab&t=1';
    cloud.on('learning.lesson', () => ({
      lesson: lesson('l3', { kind: 'article', mediaUrl: undefined, body: `前文\n\n![调用栈](${url})\n\n后文` }),
    }));
    const page = openPage('lesson', { courseId: 'py', lessonId: 'l3' });
    await settle();
    expect(find(page, '.block-img')).toBeDefined();
    expect(allText(page)).toContain('前文');
    expect(allText(page)).not.toContain('调用栈');
  });

  it('plays audio through InnerAudioContext', async () => {
    const audio = {
      src: '',
      startTime: 0,
      paused: true,
      currentTime: 0,
      play: jest.fn(),
      pause: jest.fn(),
      seek: jest.fn(),
      destroy: jest.fn(),
      onTimeUpdate: jest.fn(),
      onPause: jest.fn(),
      onEnded: jest.fn(),
      onError: jest.fn(),
    };
    audio.play.mockImplementation(() => (audio.paused = false));
    const cloud = installWx({ createInnerAudioContext: () => audio });
    stubCourse(cloud);
    cloud.on('learning.lesson', () => ({ lesson: lesson('l2', { kind: 'audio', mediaUrl: 'https://x.test/a.wav' }) }));
    const page = openPage('lesson', { courseId: 'py', lessonId: 'l2' });
    await settle();
    expect(audio.src).toBe('https://x.test/a.wav');
    await tap(page, '.play');
    expect(audio.play).toHaveBeenCalled();
    expect(textOf(page, '.play')).toBe('暂停');
  });

  it('leads a learner without access to the course page', async () => {
    const cloud = installWx();
    stubCourse(cloud);
    cloud.on('learning.lesson', () => {
      throw new StubError('FORBIDDEN', '请先购买课程');
    });
    const page = openPage('lesson', { courseId: 'py', lessonId: 'l2' });
    await settle();
    expect(allText(page)).toContain('购买课程后即可学习本节');
  });
});

describe('我的课程', () => {
  it('lists enrolments with progress and resumes', async () => {
    const cloud = installWx();
    cloud.on('learning.myCourses', () => ({ items: [myCourse('py')] }));
    const page = openPage('my-courses');
    await settle();
    expect(allText(page)).toContain('已完成 40%');
    expect(allText(page)).toContain('最近学习 2024-05-03');
    await tap(page, '.resume');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/lesson/index?courseId=py&lessonId=l2' });
  });

  it('dates a course never studied by when it was joined, not as a study time', async () => {
    const cloud = installWx();
    const { lastLessonId: _none, ...joined } = myCourse('py', { percent: 0 });
    cloud.on('learning.myCourses', () => ({ items: [joined] }));
    const page = openPage('my-courses');
    await settle();
    expect(allText(page)).toContain('加入于 2024-05-03');
    expect(allText(page)).not.toContain('最近学习');
  });

  it('says where each course’s access comes from', async () => {
    const cloud = installWx();
    const until = '2025-05-01T04:00:00.000Z';
    cloud.on('learning.myCourses', () => ({
      items: [
        myCourse('a', { access: { via: 'purchase' } }),
        myCourse('b', { access: { via: 'free' } }),
        myCourse('c', { access: { via: 'redeem' } }),
        myCourse('d', { access: { via: 'bundle', until } }),
        myCourse('e', { access: { via: 'org' } }),
      ],
    }));
    const page = openPage('my-courses');
    await settle();
    expect(page.querySelectorAll('.access').map((n) => n.dom?.textContent)).toEqual([
      '已购买',
      '免费',
      '兑换',
      '会员·至 2025-05-01',
      '机构',
    ]);
  });

  it('shows the error with a retry', async () => {
    const cloud = installWx();
    cloud.on('learning.myCourses', () => {
      throw new StubError('UNAVAILABLE', '');
    });
    const page = openPage('my-courses');
    await settle();
    expect(textOf(page, '.state >>> .state-text')).toBe('服务暂时不可用，请稍后再试');
    cloud.on('learning.myCourses', () => ({ items: [myCourse('py')] }));
    await tap(page, '.state >>> .retry');
    expect(textOf(page, '.access')).toBe('已购买');
  });

  it('shows the empty state with a way to the catalog', async () => {
    const cloud = installWx();
    cloud.on('learning.myCourses', () => ({ items: [] }));
    const page = openPage('my-courses');
    await settle();
    expect(allText(page)).toContain('你还没有加入任何课程');
  });
});

describe('订单', () => {
  it('shows statuses and asks for a refund under the policy', async () => {
    const cloud = installWx();
    cloud
      .on('order.list', () => ({
        items: [order('o1', { status: 'paid' }), order('o2', { status: 'closed' })],
        total: 2,
        policy: {
          refundDays: 3,
          maxProgressPercent: 50,
          consumption: 'max(reported progress, share of paid lessons opened after payment)',
          consumptionText: '学习进度按两者中较高的计算：课程的学习进度，以及支付后已打开的付费课时占比。',
          couponText: REFUND_COUPON_TEXT,
        },
      }))
      .on('order.refund', (r) => ({ order: order(String(r.orderId), { status: 'refunding' }) }));
    const page = openPage('orders');
    await settle();
    expect(allText(page)).toContain('已支付');
    expect(allText(page)).toContain('已关闭');
    expect(page.querySelectorAll('.refund')).toHaveLength(1);
    await tap(page, '.refund');
    // The policy as the server is configured, not a figure built into the mini-program.
    expect(textOf(page, '.policy')).toContain('支付后 3 天内');
    expect(textOf(page, '.policy')).toContain('未达到 50%');
    // How consumption is counted, as the server says it: opening a paid lesson counts.
    expect(textOf(page, '.policy')).toContain('支付后已打开的付费课时占比');
    // What a refund does to the coupon the order used, as the server says it.
    expect(textOf(page, '.policy')).toContain('优惠券仍在有效期内的退回你的账户');
    await tap(page, '.submit-refund');
    expect(textOf(page, '.form-error')).toBe('请填写退款原因');
    find(page, '.reason')?.dispatchEvent('input', { detail: { value: '买错了' } });
    await settle();
    await tap(page, '.submit-refund');
    expect(cloud.callsOf('order.refund')[0]).toMatchObject({ orderId: 'o1', reason: '买错了' });
    expect(allText(page)).toContain('退款中');
  });

  it('shows what each order saved, and leads to the course or the bundle it bought', async () => {
    const cloud = installWx();
    cloud.on('order.list', () => ({
      items: [
        order('o1', {
          status: 'paid',
          listPriceFen: 9900,
          amountFen: 2900,
          discounts: [
            { kind: 'promotion', id: 'p1', label: '限时特惠', amountFen: 5000 },
            { kind: 'coupon', id: 'c1', label: '新人专享', amountFen: 2000 },
          ],
        }),
        order('o2', { courseId: undefined, bundleId: 'vip', courseTitle: '年度会员', status: 'paid' }),
      ],
      total: 2,
      policy: { refundDays: 7, maxProgressPercent: 20 },
    }));
    const page = openPage('orders');
    await settle();
    expect(textOf(page, '.saving')).toBe('原价 ¥99，已优惠 ¥70（限时特惠、新人专享）');
    expect(page.querySelectorAll('.saving')).toHaveLength(1);
    const titles = page.querySelectorAll('.order-title');
    titles[0]?.dispatchEvent('tap');
    titles[1]?.dispatchEvent('tap');
    await settle();
    expect((wx.navigateTo as jest.Mock).mock.calls).toEqual([
      [{ url: '/pages/detail/index?courseId=py' }],
      [{ url: '/pages/bundle/index?bundleId=vip' }],
    ]);
  });

  it('shows the server reason when a refund is refused, and the policy it was refused under', async () => {
    const cloud = installWx();
    cloud
      .on('order.list', () => ({
        items: [order('o1', { status: 'paid' })],
        total: 1,
        policy: { refundDays: 7, maxProgressPercent: 20 },
      }))
      .on('order.refund', () => {
        throw new StubError('FAILED_PRECONDITION', '已超过支付后 5 天的退款期限', {
          policy: { refundDays: 5, maxProgressPercent: 20 },
        });
      });
    const page = openPage('orders');
    await settle();
    await tap(page, '.refund');
    expect(textOf(page, '.policy')).toContain('支付后 7 天内');
    find(page, '.reason')?.dispatchEvent('input', { detail: { value: '不想学了' } });
    await settle();
    await tap(page, '.submit-refund');
    expect(textOf(page, '.form-error')).toBe('已超过支付后 5 天的退款期限');
    expect(textOf(page, '.policy')).toContain('支付后 5 天内');
  });

  it('a refund refused for the lessons opened, or asked too often, shows what the server says', async () => {
    const cloud = installWx();
    let refusals = 0;
    cloud
      .on('order.list', () => ({
        items: [order('o1', { status: 'paid' })],
        total: 1,
        policy: { refundDays: 7, maxProgressPercent: 20 },
      }))
      .on('order.refund', () => {
        refusals += 1;
        if (refusals > 1)
          throw new StubError('RESOURCE_EXHAUSTED', '操作太频繁，请 60 秒后再试', { retryAfterSec: 60 });
        throw new StubError(
          'FAILED_PRECONDITION',
          '支付后已打开付费课时《变量》《函数》《循环》等 5 课时，占全部付费课时的 50%，达到 20% 后不支持退款',
          {
            policy: {
              refundDays: 7,
              maxProgressPercent: 20,
              consumptionText: '打开付费课时也计入学习进度。',
              couponText: '过期的优惠券不退回。',
            },
          },
        );
      });
    const page = openPage('orders');
    await settle();
    await tap(page, '.refund');
    find(page, '.reason')?.dispatchEvent('input', { detail: { value: '不想学了' } });
    await settle();
    await tap(page, '.submit-refund');
    expect(textOf(page, '.form-error')).toContain('《变量》《函数》《循环》等 5 课时');
    expect(textOf(page, '.policy')).toContain('打开付费课时也计入学习进度。过期的优惠券不退回。是否符合条件');
    await tap(page, '.submit-refund');
    expect(textOf(page, '.form-error')).toBe('操作太频繁，请 60 秒后再试');
  });
});

describe('写评价', () => {
  it('requires stars, submits and shows the moderation outcome', async () => {
    const cloud = installWx();
    cloud
      .on('review.list', () => ({ items: [], total: 0, summary: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] } }))
      .on('review.submit', (r) => ({
        review: review('r1', { rating: Number(r.rating), status: 'pending', mine: true }),
      }));
    const page = openPage('review', { courseId: 'py', title: '课程 py' });
    await settle();
    await tap(page, '.submit');
    expect(textOf(page, '.form-error')).toBe('请先选择评分');
    const stars = find(page, '.stars')?.querySelectorAll('.star') ?? [];
    stars[3]?.dispatchEvent('tap');
    await settle();
    await tap(page, '.submit');
    expect(cloud.callsOf('review.submit')[0]).toMatchObject({ courseId: 'py', rating: 4 });
    expect(textOf(page, '.outcome')).toContain('正在审核中');
  });

  it('shows a rejected review of the learner with the reason to edit it', async () => {
    const cloud = installWx();
    cloud.on('review.list', () => ({
      items: [review('r1', { mine: true, status: 'rejected', text: '广告' })],
      total: 0,
      summary: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] },
    }));
    const page = openPage('review', { courseId: 'py' });
    await settle();
    expect(textOf(page, '.outcome')).toContain('未通过内容审核');
    expect(textOf(page, '.submit')).toBe('重新提交');
  });
});

describe('我的', () => {
  const threeCategories = {
    items: [
      { id: 'python', name: 'Python', count: 3 },
      { id: 'data', name: '数据分析', count: 2 },
      { id: 'design', name: '设计', count: 1 },
    ],
  };
  const privacy = (needAuthorization: boolean) => ({
    getPrivacySetting: (o: { success: (r: object) => void }) =>
      o.success({ needAuthorization, privacyContractName: '《隐私指引》' }),
  });
  const chips = (page: ReturnType<typeof openPage>) =>
    Array.from(page.querySelectorAll('.interest')).map((chip) => (chip.dom as HTMLElement).textContent?.trim());

  it('shows the interests kept on the server and saves each change there, nothing on the device', async () => {
    const setStorageSync = jest.fn();
    const cloud = installWx({ ...privacy(false), setStorageSync });
    cloud
      .on('catalog.categories', () => threeCategories)
      .on('recommend.interests', () => ({ categories: ['data'] }))
      .on('recommend.setInterests', (r) => ({ categories: r.categories }));
    const page = openPage('me');
    await settle();
    expect(chips(page)).toEqual(['Python', '✓ 数据分析', '设计']);
    await tap(page, '.interest');
    expect(cloud.callsOf('recommend.setInterests')).toEqual([
      { action: 'setInterests', categories: ['python', 'data'] },
    ]);
    expect(chips(page)).toEqual(['✓ Python', '✓ 数据分析', '设计']);
    expect(textOf(page, '.save-note')).toBe('已保存');
    expect(setStorageSync).not.toHaveBeenCalled();
  });

  it('asks for the privacy agreement first and saves the choice once the learner agrees', async () => {
    const cloud = installWx(privacy(true));
    cloud
      .on('catalog.categories', () => categories)
      .on('recommend.interests', () => ({ categories: [] }))
      .on('recommend.setInterests', (r) => ({ categories: r.categories }));
    const page = openPage('me');
    await settle();
    expect(textOf(page, '.privacy-need')).toContain('《隐私指引》');
    await tap(page, '.interest');
    expect(textOf(page, '.interest')).toContain('✓');
    expect(textOf(page, '.save-note')).toBe('同意隐私保护指引后即可保存');
    expect(cloud.callsOf('recommend.setInterests')).toHaveLength(0);
    find(page, '.agree')?.dispatchEvent('agreeprivacyauthorization');
    await settle();
    expect(page.querySelector('.privacy-need')).toBeFalsy();
    expect(cloud.callsOf('recommend.setInterests')).toEqual([{ action: 'setInterests', categories: ['python'] }]);
    expect(textOf(page, '.save-note')).toBe('已保存');
  });

  it('leads to the learner’s courses, orders, coupons, memberships and redemption codes', async () => {
    const cloud = installWx(privacy(false));
    cloud.on('catalog.categories', () => categories).on('recommend.interests', () => ({ categories: [] }));
    const page = openPage('me');
    await settle();
    for (const entry of ['.my-courses', '.orders', '.my-coupons', '.bundles', '.redeem']) await tap(page, entry);
    expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/my-courses/index' });
    expect((wx.navigateTo as jest.Mock).mock.calls).toEqual([
      [{ url: '/pages/orders/index' }],
      [{ url: '/pages/my-coupons/index' }],
      [{ url: '/pages/bundles/index' }],
      [{ url: '/pages/redeem/index' }],
    ]);
  });

  it('says so when saving fails, and the next change sends the whole choice again', async () => {
    const cloud = installWx(privacy(false));
    cloud
      .on('catalog.categories', () => threeCategories)
      .on('recommend.interests', () => ({ categories: [] }))
      .on('recommend.setInterests', () => {
        throw new StubError('UNAVAILABLE', '');
      });
    const page = openPage('me');
    await settle();
    await tap(page, '.interest');
    expect(textOf(page, '.save-note')).toBe('保存失败：服务暂时不可用，请稍后再试');
    cloud.on('recommend.setInterests', (r) => ({ categories: r.categories }));
    const design = page.querySelectorAll('.interest')[2];
    design?.dispatchEvent('tap');
    await settle();
    expect(cloud.callsOf('recommend.setInterests').at(-1)).toEqual({
      action: 'setInterests',
      categories: ['python', 'design'],
    });
    expect(textOf(page, '.save-note')).toBe('已保存');
  });
});
