/**
 * A launch is a hot spot: many learners paying for one course at once, through the client gateway, the cloudPay
 * sandbox and the real payNotify, order and courseStats functions. Fulfilment writes only each buyer's own documents,
 * so no callback has to be retried and no learner's page sees an error; the course's learner count is right at once
 * and after the nightly job.
 */
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import { countWhere, getById, type Database } from '../../../shared/db';
import { launchCourse, launchCrowd } from '../../../testing/launch-crowd';
import { attachPlatforms } from '../../../testing/order-platforms';
import type { CourseStatsDoc } from '../../../shared/stats';

import * as sdk from 'wx-server-sdk';
import { COLLECTIONS } from '../../../shared/collections';

let cloud: LocalCloud;
let db: Database;

beforeAll(async () => {
  cloud = await startTestCloud();
  attachPlatforms(cloud);
  sdk.init({ env: cloud.envId });
  db = sdk.database();
});
afterAll(() => cloud.close());

const BUYERS = 50;

describe('a launch is a hot spot: 50 learners paying for one course at once', () => {
  test('every callback acknowledges its first delivery, every order.get answers, all 50 are enrolled and counted', async () => {
    const courseId = 'launch-1';
    const { _id, ...course } = launchCourse(courseId);
    await db.collection(COLLECTIONS.courses).doc(_id).set({ data: course });

    const outcomes = await launchCrowd({ url: cloud.url, db, courseId, buyers: BUYERS, prefix: 'oLaunch', polls: 3 });

    expect(outcomes.filter((o) => o.createError)).toEqual([]);
    expect(outcomes.filter((o) => !o.firstDeliveryAcked).map((o) => o.openid)).toEqual([]);
    expect(outcomes.filter((o) => o.getErrors.length > 0).map((o) => [o.openid, o.getErrors])).toEqual([]);
    expect(outcomes.every((o) => o.lastStatus === 'paid')).toBe(true);
    expect(await countWhere(db, 'grants', { courseId, status: 'active' })).toBe(BUYERS);
    expect(await getById(db, 'courses', courseId)).toMatchObject({ learnerCount: BUYERS });

    // Nothing left for the timer, and the nightly numbers agree.
    const sweep = await fetch(`${cloud.url}/sandbox/timers/orderSweep`, { method: 'POST' });
    expect(((await sweep.json()) as { result: unknown }).result).toEqual({
      expired: 0,
      reconciled: 0,
      refunds: 0,
      shipping: 0,
      errors: 0,
    });
    const nightly = await fetch(`${cloud.url}/sandbox/timers/courseStats`, { method: 'POST' });
    expect(nightly.status).toBe(200);
    expect(await getById<CourseStatsDoc>(db, 'courseStats', courseId)).toMatchObject({
      learners: BUYERS,
      paidOrders: BUYERS,
      revenueFen: BUYERS * 9900,
    });
    expect(await getById(db, 'courses', courseId)).toMatchObject({ learnerCount: BUYERS });
  }, 120_000);
});
