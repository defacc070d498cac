/**
 * The refund policy counts what the server handed out, through the local cloud: a learner buys a course with the pay
 * sandbox, opens lessons with `learning.lesson` (never reporting progress), and asks `order.refund`.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import { course, lesson } from '../../../testing/catalog-fixtures';
import { REFUND_CONSUMPTION_RULE, type Order, type OrderListData } from '../../../shared/contract';
import { findMany, getById, type Database } from '../../../shared/db';
import type { OrderDoc } from '../../../shared/orders/model';
import { attachPlatforms, type Platforms } from '../../../testing/order-platforms';
import { COLLECTIONS } from '../../../shared/collections';
import { callAs, dataOf as ok } from '../../../testing/client-call';

let cloud: LocalCloud;
let platforms: Platforms;
let db: Database;
let serial = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  platforms = attachPlatforms(cloud);
  sdk.init({ env: cloud.envId });
  db = sdk.database();
});
afterAll(() => cloud.close());

const call = <T>(fn: string, openid: string, data: Record<string, unknown>) => callAs<T>(cloud.url, fn, openid, data);

const PAID_LESSONS = 10;

/** A new learner and a course of one free-trial article and PAID_LESSONS paid ones (第 1 课 … 第 10 课). */
async function setting() {
  serial += 1;
  const openid = `oConsumer${String(serial).padStart(4, '0')}`;
  const courseId = `consumed-${serial}`;
  await db.collection(COLLECTIONS.courses).add({ data: course({ _id: courseId, lessonCount: PAID_LESSONS + 1 }) });
  const article = (order: number, free: boolean) => {
    const { media: _none, ...doc } = lesson({
      _id: `${courseId}-${order}`,
      courseId,
      order,
      title: free ? '试看' : `第 ${order} 课`,
      kind: 'article',
      durationSec: 60,
      free,
    });
    return { ...doc, body: `正文 ${order}` };
  };
  for (let order = 0; order <= PAID_LESSONS; order++)
    await db.collection('lessons').add({ data: article(order, order === 0) });
  return { openid, courseId, lessonId: (order: number) => `${courseId}-${order}` };
}

/** Creates and pays an order for the course through the pay sandbox; the order as the learner sees it. */
async function buy(openid: string, courseId: string): Promise<Order> {
  const { order } = ok(await call<{ order: Order }>('order', openid, { action: 'create', courseId }));
  const doc = (await getById<OrderDoc>(db, 'orders', order.id)) as OrderDoc;
  await platforms.pay.pay(doc.outTradeNo);
  return order;
}

async function openLessons(openid: string, courseId: string, lessonIds: string[]): Promise<void> {
  for (const lessonId of lessonIds) {
    const reply = ok(
      await call<{ lesson: { body?: string } }>('learning', openid, { action: 'lesson', courseId, lessonId }),
    );
    expect(reply.lesson.body).toEqual(expect.any(String));
  }
}

const refund = (openid: string, orderId: string) =>
  call<{ order: Order }>('order', openid, { action: 'refund', orderId, reason: '不想学了' });

async function enrollmentStatus(openid: string, courseId: string): Promise<string | undefined> {
  const [found] = await findMany<{ status: string }>(db, 'grants', { _openid: openid, courseId }, { limit: 1 });
  return found?.status;
}

describe('refund policy bypass: lessons opened without progress reports count as consumed', () => {
  test('every paid lesson opened, no progress ever reported: the refund is refused and says which lessons', async () => {
    const { openid, courseId, lessonId } = await setting();
    const order = await buy(openid, courseId);
    await openLessons(
      openid,
      courseId,
      Array.from({ length: PAID_LESSONS }, (_, i) => lessonId(i + 1)),
    );
    const reply = await refund(openid, order.id);
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'FAILED_PRECONDITION',
        message:
          '支付后已打开付费课时《第 1 课》《第 2 课》《第 3 课》等 10 课时，占全部付费课时的 100%，达到 20% 后不支持退款',
        details: {
          policy: { refundDays: 7, maxProgressPercent: 20, consumption: REFUND_CONSUMPTION_RULE },
          consumption: { percent: 100, reportedPercent: 0, openedPercent: 100 },
        },
      },
    });
    expect(await enrollmentStatus(openid, courseId)).toBe('active');
    expect((await getById<OrderDoc>(db, 'orders', order.id))?.status).toBe('paid');
  });

  test('the share is of paid lessons: two of ten reach the 20 % limit, the free trial does not count', async () => {
    const { openid, courseId, lessonId } = await setting();
    const order = await buy(openid, courseId);
    await openLessons(openid, courseId, [lessonId(0), lessonId(4), lessonId(2)]);
    const reply = await refund(openid, order.id);
    expect(reply).toMatchObject({
      ok: false,
      error: {
        message: '支付后已打开付费课时《第 2 课》《第 4 课》，占全部付费课时的 20%，达到 20% 后不支持退款',
        details: {
          consumption: {
            openedPercent: 20,
            openedLessons: [
              { id: lessonId(2), title: '第 2 课' },
              { id: lessonId(4), title: '第 4 课' },
            ],
          },
        },
      },
    });
  });

  test('the reported progress still counts when it is the larger', async () => {
    const { openid, courseId, lessonId } = await setting();
    const order = await buy(openid, courseId);
    await openLessons(openid, courseId, [lessonId(1)]);
    for (const n of [1, 2, 3]) {
      ok(
        await call('learning', openid, {
          action: 'progress',
          courseId,
          lessonId: lessonId(n),
          positionSec: 60,
          durationSec: 60,
        }),
      );
    }
    // 3 of 11 lessons completed (27 %) against 1 of 10 paid lessons opened (10 %; a report opens nothing).
    expect(await refund(openid, order.id)).toMatchObject({
      ok: false,
      error: {
        message: '学习进度已达 27%，达到 20% 后不支持退款',
        details: { consumption: { percent: 27, reportedPercent: 27, openedPercent: 10 } },
      },
    });
  });

  test('only the free trial and one paid lesson opened: the refund is made', async () => {
    const { openid, courseId, lessonId } = await setting();
    const order = await buy(openid, courseId);
    await openLessons(openid, courseId, [lessonId(0), lessonId(1), lessonId(1)]);
    expect(ok(await refund(openid, order.id)).order.status).toBe('refunded');
    expect(await enrollmentStatus(openid, courseId)).toBe('revoked');
  });

  test('lessons opened under an earlier, refunded purchase do not count for the next one; opened again they do', async () => {
    const { openid, courseId, lessonId } = await setting();
    const first = await buy(openid, courseId);
    await openLessons(openid, courseId, [lessonId(1)]);
    expect(ok(await refund(openid, first.id)).order.status).toBe('refunded');
    const second = await buy(openid, courseId);
    expect(ok(await refund(openid, second.id)).order.status).toBe('refunded');
    const third = await buy(openid, courseId);
    await openLessons(openid, courseId, [lessonId(1), lessonId(2)]);
    expect(await refund(openid, third.id)).toMatchObject({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', details: { consumption: { openedPercent: 20 } } },
    });
  });
});

test('order.list says how consumption is counted, in a field and in a sentence', async () => {
  const { policy } = ok(await call<OrderListData>('order', 'oPolicyReader', { action: 'list' }));
  expect(policy).toEqual({
    refundDays: 7,
    maxProgressPercent: 20,
    consumption: 'max(reported progress, share of paid lessons opened after payment)',
    consumptionText: expect.stringContaining('支付后已打开'),
    couponText: expect.stringContaining('优惠券'),
  });
});
