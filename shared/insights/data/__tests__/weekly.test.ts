/**
 * The weekly rows the models read, summed by the database from the daily documents (local cloud, real
 * wx-server-sdk): by course, Monday week and price in force; other courses and older days left out; and the filled
 * series of one course.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../../local/cloud';
import { startTestCloud } from '../../../../local/testing';
import type { Database } from '../../../db';
import { dayStart } from '../../daily/calendar';
import { recordDaily } from '../../daily/counters';
import { foldSales } from '../../daily/sales';
import { COLLECTIONS } from '../../../collections';
import { fillWeeks, readCourseWeeks } from '../weekly';

let cloud: LocalCloud;
let db: Database;

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk.init({ env: cloud.envId });
  db = sdk.database();
});
afterAll(() => cloud.close());

const view = (courseId: string, day: string, openid: string, priceFen: number) =>
  recordDaily(db, courseId, new Date(dayStart(day).getTime() + 3_600_000), { kind: 'detailView', openid, priceFen });

test('rows by course, week and price; the filled series sums the prices and puts back empty weeks', async () => {
  // Week of 2026-11-16: three views at 99 on Tuesday, one at 79 on Saturday (a sale started). Then nothing for a week,
  // then one view in the week of 2026-11-30. Another course, and a view before the window, are left out.
  for (const openid of ['oA', 'oB', 'oC']) await view('wk-a', '2026-11-17', openid, 9900);
  await view('wk-a', '2026-11-21', 'oD', 7900);
  await view('wk-a', '2026-12-01', 'oE', 7900);
  await view('wk-a', '2026-11-08', 'oOld', 9900);
  await view('wk-other', '2026-11-17', 'oA', 4900);
  await db.collection(COLLECTIONS.orders).add({
    data: {
      _id: 'wk-order',
      _openid: 'oD',
      outTradeNo: 'CCwk',
      courseId: 'wk-a',
      status: 'paid',
      amountFen: 7900,
      listPriceFen: 9900,
      discounts: [{ kind: 'promotion', id: 'p', label: '限时特惠', amountFen: 2000 }],
      paidAt: dayStart('2026-11-21').toISOString(),
    },
  });
  await foldSales(db, '2026-11-21', new Date());

  const rows = await readCourseWeeks(db, ['wk-a'], '2026-11-16', '2026-12-07');
  // The days before the window and from its end on are left out.
  expect(await readCourseWeeks(db, ['wk-a'], '2026-11-16', '2026-11-30')).toHaveLength(2);
  expect(rows).toEqual([
    expect.objectContaining({
      courseId: 'wk-a',
      week: '2026-11-16',
      priceFen: 7900,
      detailViews: 1,
      paid: 1,
      revenueFen: 7900,
    }),
    expect.objectContaining({ courseId: 'wk-a', week: '2026-11-16', priceFen: 9900, detailViews: 3, paid: 0 }),
    expect.objectContaining({ courseId: 'wk-a', week: '2026-11-30', priceFen: 7900, detailViews: 1 }),
  ]);
  expect(fillWeeks(rows, '2026-11-16', '2026-12-07').map((w) => [w.week, w.detailViews, w.paid])).toEqual([
    ['2026-11-16', 4, 1],
    ['2026-11-23', 0, 0],
    ['2026-11-30', 1, 0],
    ['2026-12-07', 0, 0],
  ]);
});

test('unique viewers: a prospect back on another day of the week counts once; a day without a sketch adds its views', async () => {
  // Week of 2026-11-02 at 4900: oA on Monday and again on Wednesday, oB on Wednesday; Thursday is a day from before
  // sketches were kept (5 page views, no registers).
  await view('wk-u', '2026-11-02', 'oA', 4900);
  await view('wk-u', '2026-11-04', 'oA', 4900);
  await view('wk-u', '2026-11-04', 'oB', 4900);
  await db.collection(COLLECTIONS.courseDaily).add({
    data: {
      _id: 'wk-u_2026-11-05',
      courseId: 'wk-u',
      day: '2026-11-05',
      week: '2026-11-02',
      detailViews: 5,
      viewers: {},
      freeLessonStarts: 0,
      checkouts: 0,
      priceFen: 4900,
      updatedAt: new Date().toISOString(),
    },
  });
  const [row] = await readCourseWeeks(db, ['wk-u'], '2026-11-02', '2026-11-09');
  expect(row).toMatchObject({ week: '2026-11-02', priceFen: 4900, detailViews: 8, viewers: 2 + 5 });
  expect(fillWeeks([row!], '2026-11-02', '2026-11-02')[0]).toMatchObject({ detailViews: 8, viewers: 7 });
});
