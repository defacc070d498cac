/**
 * Screenshots of every page and state, rendered by miniprogram-simulate in Debian's Chromium against the local cloud
 * with the demo catalog. A visitor browses; a learner buys a course through the page (sandbox payment), learns and
 * writes a review. Each shot fails when the page threw, rendered nothing, is still loading, or does not show what its
 * state must (its `Expected`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startChildCloud, type ChildCloud } from './cloud';
import { startPreview, type PreviewServer } from './server';
import {
  DEMO_CREATOR_ADMIN,
  DEMO_NEW_CREATOR_ADMIN,
  DEMO_REJECTED_COURSE_ID,
} from '../../local/demo/catalog/moderation';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const VIEWPORT = { width: 390, height: 844 };

export interface Shot {
  name: string;
  file: string;
  textLength: number;
  errors: string[];
  /** What the state should have shown and did not (see `Expected`). */
  missing: string[];
}

/** What a state must show: texts of its visible page, elements that must be visible or must not be, and one that
 * covers the whole window. */
export interface Expected {
  texts?: (string | RegExp)[];
  shown?: string[];
  hidden?: string[];
  covers?: string;
  /** Elements that must be narrower than this many CSS px (a button sized to its text, not WeChat's 184 px). */
  narrower?: Record<string, number>;
  /** Canvases that must have something drawn on them (a chart, not a blank box). */
  painted?: string[];
}

/** The state-view's error, empty and loading states: hidden in every shot but those that expect one. */
const STATE_VIEWS = ['[class*="state-error"]', '[class*="state-empty"]', '[class*="state-loading"]'];

export interface Session {
  cloud: ChildCloud | undefined;
  cloudUrl: string;
  preview: PreviewServer;
  browser: BrowserContext;
  close(): Promise<void>;
}

/** A system package the screenshots need is missing; the message says what to install (.ci/apt-packages.txt). */
export class MissingSystemPackage extends Error {}

/** Debian's Chromium and a CJK font, which npm cannot install. */
export function checkSystemPackages(): void {
  if (!fs.existsSync(CHROMIUM))
    throw new MissingSystemPackage(
      `Chromium not found at ${CHROMIUM}: sudo apt-get install chromium fonts-noto-cjk (or set CHROMIUM_PATH)`,
    );
  let cjkFonts = '';
  try {
    cjkFonts = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  } catch {
    return; // no fontconfig to ask: Chromium will show what it has
  }
  if (!cjkFonts.trim())
    throw new MissingSystemPackage(
      'No Chinese font (fc-list :lang=zh lists none): sudo apt-get install fonts-noto-cjk',
    );
}

/** Debian's Chromium with a fresh profile in `userDataDir` (playwright passes it as --user-data-dir). */
export async function launchChromium(userDataDir: string, headless = true): Promise<BrowserContext> {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless,
    args: headless ? ['--headless', ...args] : args,
    viewport: VIEWPORT,
    deviceScaleFactor: 2,
  });
}

/** A local cloud (a child on a free port unless `cloudUrl` is given), the preview server and Chromium. */
export async function openSession(cloudUrl?: string): Promise<Session> {
  checkSystemPackages();
  const cloud = cloudUrl ? undefined : await startChildCloud();
  const url = cloudUrl ?? (cloud as ChildCloud).url;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudcourse-preview-'));
  const preview = await startPreview({ cloudUrl: url, buildDir: path.join(work, 'mp') });
  const browser = await launchChromium(path.join(work, 'profile'));
  return {
    cloud,
    cloudUrl: url,
    preview,
    browser,
    async close() {
      await browser.close();
      await preview.close();
      await cloud?.stop();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

async function gateway<T>(cloudUrl: string, openid: string, name: string, data: object): Promise<T> {
  const response = await fetch(`${cloudUrl}/client/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify({ data }),
  });
  const body = (await response.json()) as { result: { ok: boolean; data: T; error?: { message: string } } };
  if (!body.result.ok) throw new Error(`${name}.${JSON.stringify(data)}: ${body.result.error?.message}`);
  return body.result.data;
}

// Browser-side expressions are strings: this file is type-checked for Node, without the DOM library.
const SETTLED = `window.__preview && window.__preview.pending === 0
  && !document.querySelector('[class*="state-loading"], [class*="loading-more"]')
  && Array.from(document.images).every((img) => img.complete)`;

const VISIBLE_TEXT = `({
  text: Array.from(document.querySelectorAll('.pv-page')).filter((el) => el.style.display !== 'none')
    .map((el) => el.innerText).join(' ').trim(),
  errors: window.__preview.errors,
})`;

/** The learner's watermark code as `learning.lesson` gives it (`ID XXXX-XXXX`). */
const WATERMARK = /ID [0-9A-Z]{4}-[0-9A-Z]{4}/;

const bodyHas = (pattern: RegExp): string => `${pattern.toString()}.test(document.body.innerText)`;

/** Whether an element matching the selector is on screen in the visible page (or over it, fullscreen). */
const IS_SHOWN = `(selector) => Array.from(document.querySelectorAll(selector)).some((el) => {
  const box = el.getBoundingClientRect();
  const page = el.closest('.pv-page');
  return box.width > 0 && box.height > 0 && (!page || page.style.display !== 'none');
})`;

/** Whether the corners and the centre of the window all show an element matching the selector. */
const COVERS = `(selector) => [[1, 1], [innerWidth - 2, 1], [1, innerHeight - 2], [innerWidth - 2, innerHeight - 2],
  [innerWidth / 2, innerHeight / 2]].every(([x, y]) => document.elementFromPoint(x, y)?.closest(selector))`;

/** Whether every canvas matching the selector (one at least) has a pixel that is not transparent. */
const PAINTED = `(selector) => {
  const canvases = Array.from(document.querySelectorAll(selector));
  return canvases.length > 0 && canvases.every((c) => c.width > 0 && c.height > 0
    && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0));
}`;

/** Waits until no call is in flight, nothing is loading and images have loaded. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(SETTLED, undefined, { timeout: 20_000, polling: 100 });
  await page.waitForTimeout(300);
}

export async function openPage(
  session: Session,
  query: Record<string, string>,
): Promise<{ page: Page; errors: string[] }> {
  const page = await session.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${session.preview.url}/?${new URLSearchParams(query).toString()}`);
  await settled(page);
  return { page, errors };
}

async function capture(page: Page, errors: string[], name: string, outDir: string, expected: Expected): Promise<Shot> {
  await settled(page);
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  const text = await page.evaluate<{ text: string; errors: string[] }>(VISIBLE_TEXT);
  const shown = async (selector: string): Promise<boolean> =>
    page.evaluate(`(${IS_SHOWN})(${JSON.stringify(selector)})`);
  const missing: string[] = [];
  for (const want of expected.texts ?? [])
    if (typeof want === 'string' ? !text.text.includes(want) : !want.test(text.text)) missing.push(`text ${want}`);
  for (const selector of expected.shown ?? []) if (!(await shown(selector))) missing.push(`shown ${selector}`);
  const hidden = [...(expected.hidden ?? []), ...STATE_VIEWS.filter((s) => !expected.shown?.includes(s))];
  for (const selector of hidden) if (await shown(selector)) missing.push(`hidden ${selector}`);
  const covers = expected.covers;
  if (covers && !(await page.evaluate(`(${COVERS})(${JSON.stringify(covers)})`))) missing.push(`covers ${covers}`);
  for (const [selector, px] of Object.entries(expected.narrower ?? {})) {
    const width = await page.evaluate<number>(`document.querySelector(${JSON.stringify(selector)})?.offsetWidth ?? 0`);
    if (!(width > 0 && width < px)) missing.push(`narrower ${selector} than ${px} px (is ${width})`);
  }
  for (const selector of expected.painted ?? [])
    if (!(await page.evaluate(`(${PAINTED})(${JSON.stringify(selector)})`))) missing.push(`painted ${selector}`);
  return { name, file, textLength: text.text.length, errors: [...errors, ...text.errors], missing };
}

/** Takes every screenshot into `outDir` and returns what each showed. */
export async function takeScreenshots(session: Session, outDir: string): Promise<Shot[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const shots: Shot[] = [];
  const visitor = { openid: 'shots-visitor' };
  const learner = { openid: 'shots-learner', autopay: '1' };
  const { items } = await gateway<{ items: { id: string; priceFen: number }[] }>(
    session.cloudUrl,
    visitor.openid,
    'catalog',
    { action: 'list', sort: 'priceDesc', pageSize: 1 },
  );
  const courseId = items[0]?.id;
  if (!courseId) throw new Error('the demo catalog has no course');

  const take = async (
    name: string,
    query: Record<string, string>,
    expected: Expected,
    act?: (page: Page) => Promise<void>,
  ) => {
    const { page, errors } = await openPage(session, query);
    if (act) await act(page);
    shots.push(await capture(page, errors, name, outDir, expected));
    await page.close();
  };
  const card = '[class*="card-title"]';
  const mainAction = '[class*="main-action"]';
  const confirmBill = '[class*="confirm-bill"]';
  /** The buy button opens the bill (promo.quote); 确认支付 on it opens the payment sheet. */
  const payThroughBill = async (page: Page): Promise<void> => {
    await page.locator(mainAction).click();
    await page.waitForFunction(bodyHas(/确认支付 ¥/), undefined, { timeout: 15_000 });
    await page.locator(confirmBill).click();
  };

  await take('home', { ...visitor, page: 'home' }, { texts: ['课程分类', '热门课程'], shown: [card] });
  await take(
    'list',
    { ...visitor, page: 'list' },
    // WeChat's v2 rule makes a button 184 px wide unless `.btn` says otherwise (wechat.css plays that rule).
    {
      texts: [/共 \d+ 门课程/],
      shown: ['[class*="search-button"]', card],
      narrower: { '[class*="search-button"]': 184 },
    },
  );
  await take(
    'detail-visitor',
    { ...visitor, page: 'detail', courseId },
    { texts: [/立即购买 ¥/, '课程目录', '学员评价'], shown: [mainAction], hidden: ['[class*="pay-again"]'] },
  );
  await take(
    'detail-not-found',
    { ...visitor, page: 'detail', courseId: 'no-such-course' },
    { texts: ['这门课程不存在或已下架', '看看其他课程'], shown: ['[class*="state-empty"]'], hidden: [mainAction] },
  );
  // The learner buys on the page: order.create → sandbox payment sheet → order.get until the server says paid.
  await take(
    'detail-enrolled',
    { ...learner, page: 'detail', courseId },
    { texts: ['购买成功', '已加入学习', '开始学习'], shown: [mainAction] },
    async (page) => {
      await payThroughBill(page);
      await page.waitForFunction(bodyHas(/购买成功/), undefined, { timeout: 30_000 });
    },
  );
  // Another learner's bank refuses in the sandbox sheet: the order stays payable and the page offers 重新支付.
  await take(
    'detail-payment-failed',
    { openid: 'shots-payer', page: 'detail', courseId },
    { texts: ['重新支付'], shown: ['[class*="pay-again"]'], hidden: ['.pv-sheet'] },
    async (page) => {
      await payThroughBill(page);
      await page.locator('.pv-fail').click();
      await page.waitForFunction(bodyHas(/重新支付/), undefined, { timeout: 30_000 });
    },
  );
  const { course } = await gateway<{ course: { title: string; lessons: { id: string; kind: string }[] } }>(
    session.cloudUrl,
    learner.openid,
    'catalog',
    { action: 'detail', courseId },
  );
  const video = course.lessons.find((l) => l.kind === 'video') ?? course.lessons[0];
  const article = course.lessons.find((l) => l.kind === 'article');
  if (video) {
    await gateway(session.cloudUrl, learner.openid, 'learning', {
      action: 'progress',
      courseId,
      lessonId: video.id,
      positionSec: 3,
      durationSec: (await lessonDuration(session.cloudUrl, learner.openid, courseId, video.id)) ?? 1,
    });
    const lesson = { ...learner, page: 'lesson', courseId, lessonId: video.id };
    const watermark = 'wx-video [class*="watermark"]';
    await take('lesson', lesson, { texts: [/已从 \d\d:\d\d 继续播放/, WATERMARK], shown: [watermark] });
    // Fullscreen turns the phone: the video fills the landscape screen and its watermark stays over it.
    await take(
      'lesson-fullscreen',
      lesson,
      { texts: [WATERMARK], shown: ['wx-video.pv-fullscreen [class*="watermark"]'], covers: 'wx-video' },
      async (page) => {
        await page.locator('.pv-video-fullscreen').click();
        await page.setViewportSize({ width: VIEWPORT.height, height: VIEWPORT.width });
      },
    );
  }
  if (article)
    await take(
      'lesson-article',
      { ...learner, page: 'lesson', courseId, lessonId: article.id },
      { texts: [WATERMARK], shown: ['[class*="block-"]', '[class*="finish"]'] },
    );
  await take('my-courses', { ...learner, page: 'my-courses' }, { texts: [course.title], shown: ['[class*="resume"]'] });
  await take(
    'orders',
    { ...learner, page: 'orders' },
    { texts: [course.title, '已支付', '订单号'], shown: ['[class*="order-title"]', '[class*="status"]'] },
  );
  // The refund form states the policy, with how the server counts what was consumed and what becomes of a coupon.
  await take(
    'orders-refund',
    { ...learner, page: 'orders' },
    {
      texts: ['退款规则', '优惠券仍在有效期内的退回你的账户'],
      shown: ['[class*="reason"]', '[class*="submit-refund"]'],
    },
    async (page) => {
      await page.locator('[class*="refund"]').first().click();
      await page.waitForFunction(bodyHas(/退款规则/), undefined, { timeout: 15_000 });
    },
  );
  const review = { ...learner, page: 'review', courseId, title: course.title };
  await take('review', review, { texts: [course.title, '你的评分', '提交评价'], shown: ['textarea'] });
  await take('review-submitted', review, { texts: [/评价已|审核/], shown: ['[class*="outcome"]'] }, async (page) => {
    await page.locator('wx-view.rating-stars--star').nth(4).click();
    await page.locator('textarea').fill('讲解清晰，案例贴近实际工作，推荐！');
    await page.locator('[class*="submit"]').click();
    await page.waitForFunction(bodyHas(/评价已|审核/), undefined, { timeout: 15_000 });
  });
  // Another learner sees the review with 举报 on it, and 举报该课程 under the page.
  await take(
    'detail-reviews',
    { ...visitor, page: 'detail', courseId },
    {
      texts: ['学员评价', '讲解清晰', '举报该课程', / 回复：/],
      shown: ['[class*="review-report"]', '[class*="report-course"]', '[class*="review-reply"]'],
    },
    async (page) => {
      await page.locator('[class*="report-course"]').scrollIntoViewIfNeeded();
      await page.locator('[class*="review-report"]').first().scrollIntoViewIfNeeded();
    },
  );
  // Three other learners report it (the default threshold): the author sees it 已隐藏, the others no longer see it.
  const { items: reviews } = await gateway<{ items: { id: string }[] }>(session.cloudUrl, visitor.openid, 'review', {
    action: 'list',
    courseId,
  });
  const reported = reviews[0]?.id;
  if (!reported) throw new Error('the learner’s review is not listed');
  for (const reporter of ['shots-reporter-1', 'shots-reporter-2', 'shots-reporter-3'])
    await gateway(session.cloudUrl, reporter, 'review', { action: 'report', reviewId: reported, reason: 'ad' });
  await take(
    'detail-review-hidden',
    { ...learner, page: 'detail', courseId },
    { texts: ['已隐藏', '讲解清晰'], shown: ['[class*="review-badge"]'] },
    async (page) => {
      await page.locator('[class*="review-badge"]').first().scrollIntoViewIfNeeded();
    },
  );
  await take(
    'me',
    { ...learner, page: 'me' },
    { texts: ['隐私保护', '我的订单', '感兴趣的方向', '我的优惠券', '兑换码'] },
  );
  await takeSellingShots(session, take, { learner, visitor, payThroughBill });
  await takeCreatorShots(take);
  return shots;
}

/**
 * The creator center (issue 17) as the demo's creator admins see it (local/demo/catalog/moderation.ts): 何珊's
 * overview and a course with every chart, a course rejected by the content check, the reviews, a new creator with
 * nothing yet, and a learner who is refused; and the 我的 entry, shown only to a creator admin.
 */
async function takeCreatorShots(take: Take): Promise<void> {
  const admin = { openid: DEMO_CREATOR_ADMIN };
  const canvas = (name: string) => `[class*="${name}"] canvas`;
  await take('me-creator', { ...admin, page: 'me' }, { texts: ['创作者中心'] });
  await take(
    'creator',
    { ...admin, page: 'creator' },
    {
      texts: ['何珊', '收入与订单', '审核中', '未通过', '质量分'],
      painted: [canvas('revenue-chart'), canvas('orders-chart')],
    },
  );
  await take(
    'creator-week',
    { ...admin, page: 'creator' },
    { texts: ['按周'], painted: [canvas('revenue-chart')] },
    async (page) => {
      await page.locator('[class*="period"]').nth(1).click();
    },
  );
  await take(
    'creator-course',
    { ...admin, page: 'creator-course', courseId: 'python-automation' },
    {
      texts: ['每周销量与预测', '近 30 天转化', '完课与流失', '质量分', '评分分布'],
      painted: [canvas('sales-chart'), canvas('revenue-chart'), canvas('funnel-chart'), canvas('ratings-chart')],
    },
  );
  await take(
    'creator-course-rejected',
    { ...admin, page: 'creator-course', courseId: DEMO_REJECTED_COURSE_ID },
    { texts: ['未通过', '免费课程没有价格建议和销量预测', '还没有学员'] },
  );
  await take(
    'creator-promotions',
    { ...admin, page: 'creator-promotions', courseId: 'python-automation', title: 'Python 办公自动化实战' },
    { texts: ['新建', '已领 0 / 30', '每人限 1 张', '暂停', '撤销'] },
    async (page) => {
      // The creator makes a coupon of ¥10 off, 30 of them, through the form.
      const inputs = page.locator('input');
      await inputs.nth(0).fill('截图立减');
      await inputs.nth(1).fill('10');
      await inputs.nth(2).fill('30');
      await page.locator('[class*="create-button"]').click();
      await page.waitForFunction(bodyHas(/已领 0 \/ 30/), undefined, { timeout: 15_000 });
    },
  );
  await take('creator-reviews', { ...admin, page: 'creator-reviews' }, { texts: ['全部', '待审核', '共', '回复'] });
  await take(
    'creator-reviews-hidden',
    { ...admin, page: 'creator-reviews' },
    { texts: ['人举报', '已隐藏'] },
    async (page) => {
      await page
        .locator('[class*="chip"]', { hasText: /^已隐藏$/ })
        .first()
        .click();
    },
  );
  await take(
    'creator-new',
    { openid: DEMO_NEW_CREATOR_ADMIN, page: 'creator' },
    { texts: ['还没有课程', 'course:import'] },
  );
  await take(
    'creator-refused',
    { openid: 'shots-learner', page: 'creator' },
    { texts: ['你还不是创作者'], shown: ['[class*="state-error"]'] },
  );
}

type Take = (
  name: string,
  query: Record<string, string>,
  expected: Expected,
  act?: (page: Page) => Promise<void>,
) => Promise<void>;

/**
 * Selling (issue 14), on the demo's coupons, limited-time prices, membership and 专栏 (local/demo/catalog/promo.ts):
 * the lists and pages of bundles, a pending order of a bundle, a sale price with its countdown, claiming coupons, the
 * bill with a coupon, a code refused, and a learner who bought the membership.
 */
async function takeSellingShots(
  session: Session,
  take: Take,
  who: { learner: Record<string, string>; visitor: Record<string, string>; payThroughBill(page: Page): Promise<void> },
): Promise<void> {
  const { learner, visitor, payThroughBill } = who;
  const buyer = { openid: 'shots-buyer' };
  const saleCourse = 'python-crawler';
  const memberCourse = 'python-automation';
  const was = '[class*="price-tag--was"]';
  await take(
    'bundles',
    { ...visitor, page: 'bundles' },
    {
      texts: ['Python 年度会员', '前端进阶专栏', '会员 365 天', '专栏 永久', '专栏首发价', /剩 \d+ 天/],
      shown: [was],
    },
  );
  await take(
    'bundle-membership',
    { ...visitor, page: 'bundle', bundleId: 'demo-vip' },
    {
      texts: ['Python 年度会员', '会员 365 天', '包含的课程', /立即购买 ¥/],
      shown: ['[class*="card-title"]', '[class*="main-action"]'],
    },
  );
  await take(
    'bundle-column',
    { ...visitor, page: 'bundle', bundleId: 'demo-frontend-column' },
    {
      texts: ['前端进阶专栏', '专栏 永久', '专栏首发价', /剩 \d+ 天/, '立即购买 ¥149'],
      shown: [was],
    },
  );
  // A learner left an order for the 专栏 unpaid (made at its 首发价): the page offers to continue paying it.
  const payer = { openid: 'shots-bundle-payer' };
  await gateway(session.cloudUrl, payer.openid, 'order', { action: 'create', bundleId: 'demo-frontend-column' });
  await take(
    'bundle-pending',
    { ...payer, page: 'bundle', bundleId: 'demo-frontend-column' },
    {
      texts: ['前端进阶专栏', '待支付', '你有一笔未完成的订单，可继续支付', '继续支付 ¥149'],
      shown: ['[class*="pending-line"]', '[class*="main-action"]'],
      hidden: ['[class*="pay-again"]'],
    },
  );
  await take(
    'list-sale',
    { ...visitor, page: 'list', keyword: '爬虫' },
    {
      texts: ['Python 爬虫从入门到进阶', '限时特惠', /剩 \d+ 天/],
      shown: [was],
    },
  );
  await take(
    'detail-sale',
    { ...visitor, page: 'detail', courseId: saleCourse },
    {
      texts: ['限时特惠', /剩 \d+ 天 \d+ 小时 \d+ 分/, '立即购买 ¥79', '领券'],
      shown: [was],
    },
  );
  await take(
    'coupons',
    { ...buyer, page: 'coupons', courseId: saleCourse },
    {
      texts: ['新人专享', 'Python 课程 8 折', /剩余 \d+ 张/, '领取'],
    },
  );
  await take(
    'coupons-claimed',
    { ...buyer, page: 'coupons', courseId: saleCourse },
    { texts: ['已领取，下单时可用'] },
    async (page) => {
      await page.locator('wx-button[class*="claim"]').first().click();
      await page.waitForFunction(bodyHas(/已领取/), undefined, { timeout: 15_000 });
    },
  );
  // The other coupon of the course too (the page claimed one of the two; claiming it again is refused).
  for (const couponId of ['demo-welcome', 'demo-python-20off'])
    await gateway(session.cloudUrl, buyer.openid, 'promo', { action: 'claim', couponId }).catch(() => undefined);
  await take(
    'my-coupons',
    { ...buyer, page: 'my-coupons' },
    {
      texts: ['可用', '已使用', '已过期', '新人专享', 'Python 课程 8 折'],
    },
  );
  await take(
    'detail-checkout',
    { ...buyer, page: 'detail', courseId: saleCourse },
    {
      texts: ['确认订单', '原价', '限时特惠', '实付', '不使用优惠券', /确认支付 ¥/],
      shown: ['[class*="confirm-bill"]'],
    },
    async (page) => {
      await page.locator('[class*="main-action"]').click();
      await page.waitForFunction(bodyHas(/确认支付 ¥/), undefined, { timeout: 15_000 });
    },
  );
  await take('redeem', { ...learner, page: 'redeem' }, { texts: ['输入兑换码', '立即兑换'], shown: ['input'] });
  await take(
    'redeem-refused',
    { ...learner, page: 'redeem' },
    { texts: ['兑换码无效、已被使用或已过期'], shown: ['[class*="form-error"]'] },
    async (page) => {
      // Typed, then the keyboard's 完成 key (bindconfirm), as on a phone.
      await page.locator('input').fill('ABCD-EFGH-JKMN-PQRS');
      await page.locator('input').press('Enter');
      await page.waitForFunction(bodyHas(/兑换码无效/), undefined, { timeout: 15_000 });
    },
  );
  // The learner buys the membership on its page; it opens its courses for a year.
  await take(
    'bundle-bought',
    { ...learner, page: 'bundle', bundleId: 'demo-vip' },
    { texts: ['购买成功，已开通', /已开通 · 有效期至 \d{4}-\d\d-\d\d/, '再次购买可续期', /续费 ¥/] },
    async (page) => {
      await payThroughBill(page);
      await page.waitForFunction(bodyHas(/购买成功，已开通/), undefined, { timeout: 30_000 });
    },
  );
  const member = { ...learner, page: 'detail', courseId: memberCourse };
  await take('detail-membership', member, {
    texts: [/会员·至 \d{4}-\d\d-\d\d/, '单独购买', '开始学习'],
    shown: ['[class*="buy-forever"]'],
  });
  await take('detail-membership-checkout', member, { texts: ['单独购买后永久有效', /确认支付 ¥/] }, async (page) => {
    await page.locator('[class*="buy-forever"]').click();
    await page.waitForFunction(bodyHas(/确认支付 ¥/), undefined, { timeout: 15_000 });
  });
  await take('my-courses-access', { ...learner, page: 'my-courses' }, { texts: ['已购买', /会员·至 \d{4}-\d\d-\d\d/] });
}

async function lessonDuration(cloudUrl: string, openid: string, courseId: string, lessonId: string) {
  const { lesson } = await gateway<{ lesson: { durationSec: number } }>(cloudUrl, openid, 'learning', {
    action: 'lesson',
    courseId,
    lessonId,
  });
  return lesson.durationSec;
}

/** Why a shot is not acceptable, or '' when it is. */
export function problemOf(shot: Shot): string {
  if (shot.errors.length) return `${shot.name}: script errors: ${shot.errors.join(' | ')}`;
  if (shot.textLength < 20) return `${shot.name}: rendered (almost) nothing`;
  if (shot.missing.length) return `${shot.name}: ${shot.missing.join(', ')}`;
  return '';
}

async function main(): Promise<void> {
  const outDir = path.resolve(__dirname, '../../artifacts/screenshots');
  const session = await openSession(process.env.CLOUD_URL);
  try {
    const shots = await takeScreenshots(session, outDir);
    const problems = shots.map(problemOf).filter(Boolean);
    for (const shot of shots)
      console.log(`${path.relative(process.cwd(), shot.file)}  (${shot.textLength} characters)`);
    if (problems.length) {
      console.error(problems.join('\n'));
      process.exitCode = 1;
    }
  } finally {
    await session.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof MissingSystemPackage ? error.message : error);
    process.exit(1);
  });
}
