/**
 * A day's sales from the orders: known answers of the pure fold (price in force before coupons, free and bundle
 * orders left out), and the nightly fold through the local cloud with the real wx-server-sdk (the day is Beijing's,
 * a fold run twice writes the same, a refund lands on the day it completed).
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../../local/cloud';
import { startTestCloud } from '../../../../local/testing';
import { getById, type Database } from '../../../db';
import { COLLECTIONS } from '../../../collections';
import { courseDailyId, recordDaily, type CourseDailyDoc } from '../counters';
import { foldSales, priceInForce, salesByCourse } from '../sales';

const order = (fields: Record<string, unknown>) => ({ amountFen: 9900, listPriceFen: 9900, discounts: [], ...fields });

test('known answer: orders by the price in force, coupons still paid less, free and bundle orders left out', () => {
  const sale = { kind: 'promotion' as const, id: 'p', label: '限时特惠', amountFen: 2000 };
  const coupon = { kind: 'coupon' as const, id: 'c', label: '立减 10', amountFen: 1000 };
  expect(priceInForce(order({ amountFen: 6900, discounts: [sale, coupon] }))).toBe(7900);
  const paid = [
    order({ courseId: 'a' }),
    order({ courseId: 'a', amountFen: 7900, discounts: [sale] }),
    order({ courseId: 'a', amountFen: 6900, discounts: [sale, coupon] }),
    order({ courseId: 'a', amountFen: 0, listPriceFen: 0 }),
    order({ bundleId: 'vip', amountFen: 19900, listPriceFen: 19900 }),
  ];
  const refunded = [order({ courseId: 'b', amountFen: 4900, listPriceFen: 4900 })];
  expect(Object.fromEntries(salesByCourse(paid as never, refunded as never))).toEqual({
    a: {
      paid: 3,
      revenueFen: 9900 + 7900 + 6900,
      byPrice: { 9900: { paid: 1, revenueFen: 9900 }, 7900: { paid: 2, revenueFen: 14800 } },
      refunds: 0,
      refundedFen: 0,
    },
    b: { paid: 0, revenueFen: 0, byPrice: {}, refunds: 1, refundedFen: 4900 },
  });
});

describe('the nightly fold', () => {
  let cloud: LocalCloud;
  let db: Database;

  beforeAll(async () => {
    cloud = await startTestCloud();
    sdk.init({ env: cloud.envId });
    db = sdk.database();
  });
  afterAll(() => cloud.close());

  const add = (id: string, fields: Record<string, unknown>) =>
    db
      .collection(COLLECTIONS.orders)
      .add({ data: { _id: id, _openid: `o-${id}`, outTradeNo: `CC${id}`, status: 'paid', ...order(fields) } });
  const daily = (courseId: string, day: string) =>
    getById<CourseDailyDoc>(db, COLLECTIONS.courseDaily, courseDailyId(courseId, day));

  it('writes the Beijing day’s sales beside its counters, the same when run again', async () => {
    // 2026-11-30 in Beijing runs from 2026-11-29T16:00Z to 2026-11-30T16:00Z.
    await add('s1', { courseId: 'fold-a', paidAt: '2026-11-29T16:00:00.000Z' });
    await add('s2', { courseId: 'fold-a', paidAt: '2026-11-30T15:59:59.999Z' });
    await add('s3', { courseId: 'fold-a', paidAt: '2026-11-30T16:00:00.000Z' }); // the next day
    await add('s4', {
      courseId: 'fold-b',
      status: 'refunded',
      paidAt: '2026-11-20T02:00:00.000Z',
      refundedAt: '2026-11-30T03:00:00.000Z',
    });
    await recordDaily(db, 'fold-a', new Date('2026-11-30T02:00:00Z'), { kind: 'checkout' });
    for (let run = 0; run < 2; run++) {
      expect(await foldSales(db, '2026-11-30', new Date())).toBe(2);
      expect(await daily('fold-a', '2026-11-30')).toMatchObject({
        checkouts: 1,
        sales: { paid: 2, revenueFen: 19800, byPrice: { 9900: { paid: 2, revenueFen: 19800 } }, refunds: 0 },
      });
      expect(await daily('fold-b', '2026-11-30')).toMatchObject({
        week: '2026-11-30',
        sales: { paid: 0, refunds: 1, refundedFen: 9900 },
      });
    }
  });
});
