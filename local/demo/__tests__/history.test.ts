/**
 * The demo's past through a test cloud, and the insights job run on it through the timer (the real wx-server-sdk
 * inside; ./population.test.ts checks the learners and the other jobs): every priced course has its forecast, price response and advice, the courses whose price changed show two
 * prices, and the demo's price test has its week decided; the history is the same for the same day of the load, and
 * a second load adds nothing.
 */
import { COLLECTIONS } from '../../../shared/collections';
import type { CourseInsight } from '../../../shared/insights/analyse';
import { beijingDay, weekOf } from '../../../shared/insights/daily/calendar';
import type { LocalCloud } from '../../cloud';
import { startTestCloud } from '../../testing';
import { adminDatabase, demoCatalogFor, loadDemoCatalog, loadDemoHistory } from '..';
import { buildDemoHistory, DEMO_TESTED_COURSE } from '../catalog/history';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

test('the same courses and day give the same history, of plausible size', () => {
  const { courses, reach } = demoCatalogFor(cloud);
  const now = new Date('2026-12-03T04:00:00Z');
  const history = buildDemoHistory(courses, reach, now);
  // 20:00 of the same Beijing day.
  expect(JSON.stringify(buildDemoHistory(courses, reach, new Date('2026-12-03T12:00:00Z')))).toBe(
    JSON.stringify(history),
  );
  const paid = courses.filter((c) => c.priceFen > 0 && c.status === 'published');
  // Every paid course sold, a few a week on average; nothing sold today or later.
  for (const course of paid) {
    const sold = history.orders.filter((o) => o.courseId === course._id).length;
    expect([course._id, sold > 3]).toEqual([course._id, true]);
  }
  expect(history.orders.length / paid.length / 16).toBeGreaterThan(1);
  expect(history.orders.every((o) => beijingDay(new Date(o.paidAt!)) < beijingDay(now))).toBe(true);
  expect(history.orders.some((o) => o.status === 'refunded')).toBe(true);
  // Buyers are the demo's learners, who come back: some bought several courses, none one course twice.
  const perLearner = new Map<string, string[]>();
  for (const o of history.orders) perLearner.set(o._openid, [...(perLearner.get(o._openid) ?? []), o.courseId!]);
  expect([...perLearner.values()].some((bought) => bought.length >= 5)).toBe(true);
  for (const bought of perLearner.values()) expect(new Set(bought).size).toBe(bought.length);
  expect(history.priceTests.map((t) => t.courseId)).toEqual([DEMO_TESTED_COURSE]);
  // Cards were shown several times per page view, on every day a course had views.
  for (const course of courses.filter((c) => c.status === 'published')) {
    const views = history.daily.filter((d) => d.courseId === course._id).reduce((n, d) => n + d.detailViews, 0);
    const shown = history.impressions.reduce((n, doc) => n + (doc.counts[course._id] ?? 0), 0);
    expect([course._id, shown >= 5 * views && shown <= 9 * views]).toEqual([course._id, true]);
  }
});

test('after the load every priced course has its insight, and the demo’s price test has this week decided', async () => {
  await loadDemoCatalog(cloud);
  const report = await loadDemoHistory(cloud);
  expect(report.added).toBeGreaterThan(1000);
  const db = adminDatabase(cloud);
  const insights = (await db.collection(COLLECTIONS.courseInsights).limit(1000).get()).data as (CourseInsight & {
    _id: string;
    priceTest?: { status: string; periods: { week: string; priceFen: number }[] };
  })[];
  const paid = demoCatalogFor(cloud).courses.filter((c) => c.priceFen > 0);
  expect(insights.map((i) => i._id).sort()).toEqual(paid.map((c) => c._id).sort());
  for (const insight of insights) {
    expect(insight.forecast.weeks).toHaveLength(8);
    expect(insight.priceResponse.viewers).toBeGreaterThan(0);
    expect(insight.advice.reason).toMatch(/[\u4e00-\u9fa5]/);
  }
  expect(insights.find((i) => i._id === 'go-basics')?.priceResponse.pricesSeen).toBe(2);
  const tested = insights.find((i) => i._id === DEMO_TESTED_COURSE);
  expect(tested?.priceTest?.status).toBe('running');
  expect(tested?.priceTest?.periods.map((p) => p.week).at(-1)).toBe(weekOf(beijingDay(new Date())));
  expect(tested?.priceTest?.periods).toHaveLength(4);

  const again = await loadDemoHistory(cloud);
  expect(again).toMatchObject({ added: 0, ticks: { courseStats: 1, insights: 1, retrain: 1 } });
}, 300_000);
