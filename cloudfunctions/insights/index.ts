import * as sdk from 'wx-server-sdk';
import { ok } from '../../shared/contract';
import { initCloud, platformFunction } from '../../shared/entry';
import { analyseCatalog } from '../../shared/insights/analyse';
import { runInsights } from '../../shared/insights/job/run';
import { testRailOf } from '../../shared/insights/pricing/price-test-doc';
import { registeredPrices } from '../../shared/promo/virtual-items';
import { readSettings } from '../../shared/settings';

const cloud = initCloud(sdk);
const db = cloud.database();

/** Time kept back from the function timeout for the last save. */
const SAFETY_MS = 10_000;

/**
 * Timer, every 5 minutes from 01:05 to 01:55 (UTC+8): the first tick of the night starts the night's run, later ticks
 * continue it until it is done (shared/insights/job/run.ts); the first night of a week moves the prices of the running
 * price tests; each course's forecast, price response, price advice and test end in `courseInsights`. Refuses client
 * calls.
 */
export const main = platformFunction(
  cloud,
  'timer',
  async (_event, context: { request_id: string; getRemainingTimeInMillis(): number }) => {
    const settings = await readSettings(db);
    const { productIdPrefix, items = [] } = settings.virtualPayment;
    const outcome = await runInsights(
      db,
      {
        now: () => new Date(),
        owner: context.request_id,
        timeLeft: () => context.getRemainingTimeInMillis() - SAFETY_MS,
        log: (message) => console.log(`[insights] ${message}`),
      },
      (catalog, { lastWeek }) => {
        // On the virtual rail only prices with a registered item can be advised.
        const registered = new Map(
          catalog.map((c) => [
            c.id,
            registeredPrices(productIdPrefix, { kind: 'course', id: c.id }, c.priceFen, items),
          ]),
        );
        const insights = analyseCatalog(catalog, { lastWeek, rail: settings.payRail, registeredPricesFen: registered });
        return new Map([...insights].map(([id, insight]) => [id, { ...insight }]));
      },
      { railOf: (courseId, basePriceFen) => testRailOf(settings, courseId, basePriceFen) },
    );
    // The platform discards a timer's result; the run in jobRuns and the log are what remain.
    return ok(outcome);
  },
);
