/**
 * The `insights` timer through the local cloud with the real wx-server-sdk inside: after some weeks of sales and
 * prospects' views, the night's run folds the past days, and the course's insight (the 8-week forecast with its band,
 * the price response and the price advice in Chinese) is in `courseInsights`; a client cannot call it.
 */
import { getById } from '../../../shared/db';
import { COLLECTIONS } from '../../../shared/collections';
import type { CourseInsight } from '../../../shared/insights/analyse';
import { addDays, beijingDay, dayStart } from '../../../shared/insights/daily/calendar';
import { recordDaily } from '../../../shared/insights/daily/counters';
import { COURSE_ID, startWorld, type World } from '../../../testing/learning-world';

/** `days` days before today of 30 prospects' views and 2 sales a day, at 99 yuan. */
async function seedSales(world: World, days: number): Promise<void> {
  const today = beijingDay(new Date());
  for (let d = days; d >= 1; d--) {
    const day = addDays(today, -d);
    const at = new Date(dayStart(day).getTime() + 3_600_000);
    for (let v = 0; v < 30; v++) {
      await recordDaily(world.db, COURSE_ID, at, { kind: 'detailView', openid: `oI${d}-${v}`, priceFen: 9900 });
    }
    for (let n = 0; n < 2; n++) {
      await world.db.collection(COLLECTIONS.orders).add({
        data: {
          _id: `ins-${d}-${n}`,
          _openid: `oI${d}-${n}`,
          outTradeNo: `CCins${d}${n}`,
          courseId: COURSE_ID,
          status: 'paid',
          amountFen: 9900,
          listPriceFen: 9900,
          discounts: [],
          paidAt: at.toISOString(),
        },
      });
    }
  }
}

/** Fires the timer as the platform does until the night's run is done, and reads the course's insight. */
async function runNight(world: World): Promise<CourseInsight & { day: string }> {
  let status = '';
  for (let tick = 0; tick < 10 && status !== 'done' && status !== 'idle'; tick++) {
    const result = (await world.fireTimer('insights')) as { ok: boolean; data: { status: string } };
    expect(result.ok).toBe(true);
    status = result.data.status;
  }
  expect(status).toBe('done');
  const insight = await getById<CourseInsight & { day: string }>(world.db, COLLECTIONS.courseInsights, COURSE_ID);
  expect(insight?.day).toBe(beijingDay(new Date()));
  expect(insight?.forecast.weeks).toHaveLength(8);
  return insight!;
}

describe('ten weeks of sales', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
    await seedSales(world, 70);
  }, 120_000);
  afterAll(() => world.close());

  test('a night’s ticks write the course’s forecast, price response and advice', async () => {
    const insight = await runNight(world);
    // 14 sales a week for the full weeks seen: the forecast is near that, within its band.
    for (const week of insight.forecast.weeks) {
      expect(week.mean).toBeGreaterThan(12);
      expect(week.mean).toBeLessThan(16);
      expect(week.lower).toBeLessThanOrEqual(week.mean);
      expect(week.upper).toBeGreaterThanOrEqual(week.mean);
    }
    expect(insight.priceResponse).toMatchObject({ pricesSeen: 1 });
    expect(insight.advice).toMatchObject({ currentPriceFen: 9900, action: expect.stringMatching(/keep|raise|lower/) });
    expect(insight.advice.reason).toMatch(/[\u4e00-\u9fa5]/);
  });

  test('a learner cannot run it', async () => {
    const reply = await world.call('insights', 'oSomeLearner', {});
    expect(reply.ok).toBe(false);
    expect(reply.error?.code).toBe('FORBIDDEN');
  });
});

describe('a shop open for ten days', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
    await seedSales(world, 10);
  }, 120_000);
  afterAll(() => world.close());

  test('still gets a forecast: no week has its next ones observed, so it is the recent weekly mean, with a band', async () => {
    const insight = await runNight(world);
    for (const week of insight.forecast.weeks) {
      expect(week.mean).toBeGreaterThan(7);
      expect(week.mean).toBeLessThan(15);
      expect(week.lower).toBeLessThan(week.mean);
      expect(week.upper).toBeGreaterThan(week.mean);
    }
  });
});
