/**
 * The nightly analysis on synthetic catalogs with known answers: a steady seller is forecast at its rate, a course with
 * no history yet gets its category's launch curve, a course whose lower price clearly earns more is advised to lower
 * it, and the same history gives the same insight.
 */
import { addDays } from '../daily/calendar';
import { analyseCatalog, FORECAST_WEEKS } from '../analyse';
import type { CourseHistory } from '../job/catalog';

const LAST_WEEK = '2026-11-23';
const week = (k: number) => addDays(LAST_WEEK, -7 * k); // k weeks before the last full week

/** `weeks` weeks of a steady course: `paid` a week out of `views` at `priceFen`. */
function steady(
  id: string,
  category: string,
  weeks: number,
  paid: number,
  views: number,
  priceFen = 9900,
): CourseHistory {
  return {
    id,
    category,
    priceFen,
    weeks: Array.from({ length: weeks }, (_, k) => ({
      week: week(weeks - 1 - k),
      priceFen,
      views,
      viewers: views,
      paid,
      revenueFen: paid * priceFen,
      refunds: 0,
    })),
  };
}

/** Two prices, half the weeks each: at 9,900 1 % of viewers buy, at 4,900 5 % (a very price-sensitive course). */
function sensitive(): CourseHistory {
  const weeks = Array.from({ length: 40 }, (_, k) => {
    const priceFen = k < 20 ? 9900 : 4900;
    const paid = priceFen === 9900 ? 4 : 20;
    return { week: week(39 - k), priceFen, views: 400, viewers: 400, paid, revenueFen: paid * priceFen, refunds: 0 };
  });
  return { id: 'sensitive', category: 'python', priceFen: 9900, weeks };
}

const catalog: CourseHistory[] = [
  steady('steady-a', 'python', FORECAST_WEEKS, 5, 200),
  steady('steady-b', 'python', 60, 5, 200),
  steady('steady-c', 'go', FORECAST_WEEKS, 5, 200, 4900),
  sensitive(),
  { id: 'new', category: 'go', priceFen: 4900, weeks: [] },
  { id: 'free', category: 'go', priceFen: 0, weeks: [] },
];

test('known answers: the steady rate, a launch curve for the new course, lower the price that earns less', () => {
  const insights = analyseCatalog(catalog, { lastWeek: LAST_WEEK, rail: 'wxpay' });
  expect([...insights.keys()].sort()).toEqual(['new', 'sensitive', 'steady-a', 'steady-b', 'steady-c']);

  const a = insights.get('steady-a')!;
  expect(a.forecast.method).toBe('pooled');
  expect(a.forecast.weeks.map((w) => w.week)).toEqual(
    Array.from({ length: 8 }, (_, k) => addDays(LAST_WEEK, 7 * (k + 1))),
  );
  for (const w of a.forecast.weeks) {
    expect(Math.abs(w.mean - 5)).toBeLessThanOrEqual(0.5);
    expect(w.lower).toBeLessThanOrEqual(5);
    expect(w.upper).toBeGreaterThanOrEqual(5);
  }
  expect(insights.get('new')!.forecast.method).toBe('launch-curve');

  const advice = insights.get('sensitive')!.advice;
  expect(advice.action).toBe('lower');
  expect(advice.advisedPriceFen).toBeLessThan(9900);
  expect(advice.probabilityBetter).toBeGreaterThanOrEqual(0.8);
  expect(advice.reason).toMatch(/[\u4e00-\u9fa5]/);
  expect(insights.get('sensitive')!.priceResponse.pricesSeen).toBe(2);
});

test('the same history gives the same insight', () => {
  const first = analyseCatalog(catalog, { lastWeek: LAST_WEEK, rail: 'wxpay' });
  const again = analyseCatalog(catalog, { lastWeek: LAST_WEEK, rail: 'wxpay' });
  expect(JSON.stringify([...again])).toBe(JSON.stringify([...first]));
});

test('on the virtual rail the advice keeps to registered prices', () => {
  const insights = analyseCatalog(catalog, {
    lastWeek: LAST_WEEK,
    rail: 'virtual',
    registeredPricesFen: new Map([['sensitive', [6900]]]),
  });
  expect([9900, 6900]).toContain(insights.get('sensitive')!.advice.advisedPriceFen);
});

test('the price response is of unique viewers: prospects who come back are counted once', () => {
  // 5 of 100 prospects buy each week; each opens the page three times.
  const returning: CourseHistory = {
    ...steady('returning', 'go', 40, 5, 300),
    weeks: steady('returning', 'go', 40, 5, 300).weeks.map((w) => ({ ...w, viewers: 100 })),
  };
  const response = analyseCatalog([...catalog, returning], { lastWeek: LAST_WEEK, rail: 'wxpay' }).get(
    'returning',
  )!.priceResponse;
  expect(response.viewers).toBe(40 * 100);
  expect(response.conversionAtPrice).toBeGreaterThan(0.045);
  expect(response.conversionAtPrice).toBeLessThan(0.055);
});
