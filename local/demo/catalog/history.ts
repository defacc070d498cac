/**
 * The demo's past, so a first `npm start` shows the creator insights (issue 15) without waiting for nights of real
 * use: 16 weeks before the load of prospects' counters (`courseDaily`: page views, the sketch of unique viewers, free
 * lessons started, checkouts, the price shown), the cards shown in lists (`cardImpressions`, the funnel's top), and
 * the paid and refunded orders of demo buyers, for every published course; and one running price test (`docker-practice`, three weeks in, having tried ¥69 in its second week).
 *
 * Each course is a market of the kind `npm run pricing:sim` simulates: prospects a day from its popularity (more at
 * weekends, slowly growing), each buying with probability c · exp(−s · (p / r − 1)) at price p, r its list price, a
 * few refunded. Each buyer is one of the demo's learners (./learners.ts `DemoLearnerPicker`: the same few keep coming
 * back), so a learner's purchases across courses are a history the purchase-propensity model can learn from. Two
 * courses changed price eight weeks ago (`go-basics` down from ¥149, `ml-intro` up from ¥199), so
 * their price response has two prices to learn from. How many prospects a course draws is its `reach` (the demo's
 * popularity figure, ./index.ts). Deterministic: the same courses and the same day of the load give the same
 * documents (every draw is seeded by the course id).
 */
import type { CourseDoc } from '../../../shared/catalog';
import { addDays, beijingDay, dayStart, weekOf } from '../../../shared/insights/daily/calendar';
import { courseDailyId, type CourseDailyDoc } from '../../../shared/insights/daily/counters';
import { SHARDS, type CardImpressionsDoc } from '../../../shared/insights/daily/impressions';
import { sketchOf } from '../../../shared/insights/daily/viewer-sketch';
import { poisson } from '../../../shared/insights/pricing/market';
import type { PriceTestDoc } from '../../../shared/insights/pricing/price-test-doc';
import { billBody, orderId, transitionEntry, type OrderDoc } from '../../../shared/orders/model';
import { SeededRandom } from '../../../shared/recommender/algorithms/random';
import { DemoLearnerPicker, hashOf } from './learners';

export const DEMO_HISTORY_WEEKS = 16;
export const DEMO_TESTED_COURSE = 'docker-practice';

/** Courses whose list price was another one before `PRICE_CHANGE_WEEKS` weeks ago. */
const EARLIER_PRICES: Record<string, number> = { 'go-basics': 14900, 'ml-intro': 19900 };
const PRICE_CHANGE_WEEKS = 8;

/** How price-sensitive each category's learners are (s = 1: the list price earns the most). */
const SENSITIVITY: Record<string, number> = {
  python: 1.1,
  frontend: 1.3,
  backend: 0.9,
  'data-ai': 0.8,
  mobile: 1.2,
  devops: 1.0,
  'cs-basics': 1.5,
};

export interface DemoHistory {
  daily: CourseDailyDoc[];
  /** The cards shown each day (the funnel's top): 5–9 per page view, spread over the day's shards. */
  impressions: CardImpressionsDoc[];
  orders: OrderDoc[];
  priceTests: PriceTestDoc[];
}

/** The running test of the demo: switched on four weeks before the load; its three weeks at ¥99, ¥69, ¥99. */
function demoTest(course: CourseDoc, thisWeek: string): PriceTestDoc {
  const week = (k: number) => addDays(thisWeek, -7 * k);
  const periods = [
    { week: week(3), priceFen: course.priceFen },
    { week: week(2), priceFen: 6900 },
    { week: week(1), priceFen: course.priceFen },
  ];
  const at = dayStart(week(4)).toISOString();
  return {
    _id: course._id,
    courseId: course._id,
    status: 'running',
    bounds: { minFen: 4900, maxFen: 14900 },
    basePriceFen: course.priceFen,
    state: { courseId: course._id, seed: hashOf(course._id), periods: periods.length - 1, priceFen: course.priceFen },
    periods,
    decidedWeek: week(1),
    leader: { priceFen: course.priceFen, probabilityBest: 0.55 },
    startedAt: at,
    updatedAt: at,
  };
}

/** The price shown on `day`: the tested course's period, an earlier list price, else the list price. */
function priceOn(course: CourseDoc, day: string, thisWeek: string, test: PriceTestDoc | undefined): number {
  const period = test?.periods.find((p) => p.week === weekOf(day));
  if (period) return period.priceFen;
  const earlier = EARLIER_PRICES[course._id];
  if (earlier !== undefined && day < addDays(thisWeek, -7 * PRICE_CHANGE_WEEKS)) return earlier;
  return course.priceFen;
}

/** The first day of the demo's history, a Monday. */
export function demoHistoryStart(now: Date): string {
  return addDays(weekOf(beijingDay(now)), -7 * DEMO_HISTORY_WEEKS);
}

/** `reach`: each course's popularity, what its prospects a day scale with. */
export function buildDemoHistory(
  courses: readonly CourseDoc[],
  reach: ReadonlyMap<string, number>,
  now: Date,
): DemoHistory {
  const today = beijingDay(now);
  const thisWeek = weekOf(today);
  const first = demoHistoryStart(now);
  const daily: CourseDailyDoc[] = [];
  const orders: OrderDoc[] = [];
  const priceTests: PriceTestDoc[] = [];
  const shards = new Map<string, Record<string, number>[]>();
  for (const course of courses.filter((c) => c.status === 'published')) {
    const cards = new SeededRandom(hashOf(`${course._id}/impressions`));
    const random = new SeededRandom(hashOf(course._id));
    const test = course._id === DEMO_TESTED_COURSE ? demoTest(course, thisWeek) : undefined;
    if (test) priceTests.push(test);
    const perDay = 4 + (reach.get(course._id) ?? 0) / 60;
    const buyers = new DemoLearnerPicker(course._id, 'buyers');
    const conversion = 0.025 + 0.035 * random.uniform();
    const sensitivity = (SENSITIVITY[course.category] ?? 1) * (0.8 + 0.4 * random.uniform());
    // Prospects come back: a day's viewers are drawn from a pool about a week's worth.
    const pool = Math.max(20, Math.round(perDay * 6));
    let n = 0;
    for (let day = first; day < today; day = addDays(day, 1)) {
      const k = Math.round((Date.parse(day) - Date.parse(first)) / 86_400_000);
      const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()) ? 1.3 : 1;
      const viewers = poisson(perDay * weekend * (1 + 0.004 * k), random);
      if (viewers === 0) continue;
      const priceFen = priceOn(course, day, thisWeek, test);
      const openids = Array.from(
        { length: viewers },
        () => `demo-p-${course._id}-${Math.floor(k / 7)}-${Math.floor(random.uniform() * pool)}`,
      );
      const buy =
        course.priceFen === 0 ? 0 : Math.min(1, conversion * Math.exp(-sensitivity * (priceFen / course.priceFen - 1)));
      const start = dayStart(day).getTime();
      let checkouts = 0;
      for (let v = 0; v < viewers; v++) {
        if (random.uniform() >= buy) continue;
        checkouts += 1;
        n += 1;
        const buyer = buyers.pick();
        const createdAt = new Date(start + Math.floor((8 + 15 * random.uniform()) * 3_600_000));
        const paidAt = new Date(createdAt.getTime() + 60_000);
        // A few are refunded two days after paying (before the day of the load).
        const refundedAt = new Date(paidAt.getTime() + 2 * 86_400_000);
        const refunded = random.uniform() < 0.04 && refundedAt < dayStart(today);
        orders.push({
          _id: orderId(buyer, { kind: 'course', id: course._id }, 1),
          _openid: buyer,
          courseId: course._id,
          courseTitle: course.title,
          listPriceFen: priceFen,
          discounts: [],
          amountFen: priceFen,
          rail: 'wxpay',
          status: refunded ? 'refunded' : 'paid',
          attempt: 1,
          outTradeNo: `CCDEMO${String(hashOf(course._id)).padStart(10, '0')}${String(n).padStart(6, '0')}`,
          merchantId: '',
          body: billBody(course.title),
          clientIp: '127.0.0.1',
          createdAt: createdAt.toISOString(),
          expiresAt: new Date(createdAt.getTime() + 30 * 60_000).toISOString(),
          paidAt: paidAt.toISOString(),
          ...(refunded ? { refundedAt: refundedAt.toISOString() } : {}),
          history: [
            { at: createdAt.toISOString(), source: 'order.create', event: 'created' },
            transitionEntry('pending', 'paid', paidAt.toISOString(), 'payNotify'),
            ...(refunded
              ? [
                  transitionEntry('paid', 'refunding', refundedAt.toISOString(), 'order.refund'),
                  transitionEntry('refunding', 'refunded', refundedAt.toISOString(), 'order.refund'),
                ]
              : []),
          ],
        });
      }
      const detailViews = viewers + poisson(viewers * 0.3, random);
      const shown = Math.round(detailViews * (5 + 4 * cards.uniform()));
      const dayShards = shards.get(day) ?? Array.from({ length: SHARDS }, (): Record<string, number> => ({}));
      shards.set(day, dayShards);
      dayShards.forEach((counts, shard) => {
        const n = Math.floor(shown / SHARDS) + (shard < shown % SHARDS ? 1 : 0);
        if (n > 0) counts[course._id] = n;
      });
      daily.push({
        _id: courseDailyId(course._id, day),
        courseId: course._id,
        day,
        week: weekOf(day),
        detailViews,
        viewers: sketchOf(openids),
        freeLessonStarts: poisson(viewers * 0.2, random),
        checkouts: checkouts + poisson(checkouts * 0.5, random),
        priceFen,
        updatedAt: new Date(start + 23 * 3_600_000).toISOString(),
      });
    }
  }
  const impressions = [...shards].flatMap(([day, counts]) =>
    counts.map((c, shard) => ({
      _id: `${day}_${shard}`,
      day,
      shard,
      counts: c,
      updatedAt: new Date(dayStart(day).getTime() + 23 * 3_600_000).toISOString(),
    })),
  );
  return { daily, impressions, orders, priceTests };
}
