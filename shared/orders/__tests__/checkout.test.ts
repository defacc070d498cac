/**
 * `order.create`'s own paths, through the real wx-server-sdk against the local cloud and its pay sandboxes with one
 * fake clock: what a checkout the merchant cannot take answers (and that it writes nothing), a free course granted at
 * once, a pending order reused until the very millisecond it expires, a previous order still being paid, two
 * checkouts racing for one attempt, a payment prepared once, and a prepay the platform answers with "already paid".
 */
import { AppError, type OrderCreateParams } from '../../contract';
import { courseGrantId, type GrantDoc } from '../../grants';
import { findMany, getById } from '../../db';
import type { CourseDoc } from '../../catalog';
import type { OrderDoc } from '../model';
import type { PaymentRail } from '../rail';
import { createOrder, type OrderDeps } from '..';
import { addCourse, useClockedOrders } from '../../../testing/order-platforms';
import { COLLECTIONS } from '../../collections';

const world = useClockedOrders('checkout');

let made = 0;
const caller = (openid: string) => ({ openid, clientIp: '10.0.0.1' });

async function course(priceFen = 9900): Promise<string> {
  made += 1;
  const id = `checkout-course-${made}`;
  if (priceFen === 9900) return addCourse(world.db, id);
  await world.db.collection(COLLECTIONS.courses).add({
    data: { _id: id, status: 'published', title: id, priceFen, category: 'dev', learnerCount: 0 },
  });
  return id;
}

const ordersOf = (openid: string) =>
  findMany<OrderDoc>(world.db, COLLECTIONS.orders, { _openid: openid }, { orderBy: ['attempt', 'asc'], limit: 100 });

async function refusal(action: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await action;
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The world.deps with one rail replaced (or removed, with `undefined`). */
function withRail(name: 'wxpay' | 'virtual', rail: PaymentRail | undefined): OrderDeps {
  const rails = { ...world.deps.rails };
  if (rail) rails[name] = rail;
  else delete rails[name];
  return { ...world.deps, rails };
}

describe('a checkout the merchant cannot take is refused, saying why, and writes nothing', () => {
  it('a rail that is not configured', async () => {
    const id = await course();
    const openid = 'oCheckoutNoRail';
    const reply = refusal(
      createOrder(withRail('virtual', undefined), caller(openid), { courseId: id, rail: 'virtual' }),
    );
    expect(await reply).toEqual({ code: 'FAILED_PRECONDITION', message: '暂不支持该支付方式' });
    expect(await ordersOf(openid)).toEqual([]);
  });

  it('a merchant that has not opened payment yet', async () => {
    const id = await course();
    const openid = 'oCheckoutNoMerchant';
    const unopened = { ...world.deps.rails.wxpay, merchantId: '' } as PaymentRail;
    const reply = refusal(createOrder(withRail('wxpay', unopened), caller(openid), { courseId: id }));
    expect(await reply).toEqual({ code: 'FAILED_PRECONDITION', message: '商家尚未开通支付' });
    expect(await ordersOf(openid)).toEqual([]);
  });

  it('the virtual rail without a fresh wx.login code', async () => {
    const id = await course();
    const openid = 'oCheckoutNoLogin';
    const reply = refusal(createOrder(world.deps, caller(openid), { courseId: id, rail: 'virtual' }));
    expect(await reply).toEqual({ code: 'INVALID_ARGUMENT', message: 'loginCode is required for the virtual rail' });
    expect(await ordersOf(openid)).toEqual([]);
  });

  it('a course that is not on sale', async () => {
    const openid = 'oCheckoutMissing';
    const reply = refusal(createOrder(world.deps, caller(openid), { courseId: 'no-such-course' }));
    expect((await reply).code).toBe('NOT_FOUND');
    expect(await ordersOf(openid)).toEqual([]);
  });
});

describe('a free course', () => {
  it('is granted at once, whatever the rail, as a paid zero-amount order', async () => {
    const id = await course(0);
    const openid = 'oCheckoutFree';
    // A rail no merchant has opened: a free course never needs one.
    const unopened = { ...world.deps.rails.wxpay, merchantId: '' } as PaymentRail;
    const { order } = await createOrder(withRail('wxpay', unopened), caller(openid), { courseId: id });
    expect(order).toMatchObject({ courseId: id, status: 'paid', amountFen: 0 });
    const [doc] = await ordersOf(openid);
    expect(doc?.history.map((h) => [h.source, h.event, h.detail])).toEqual([
      ['order.create', 'created', undefined],
      ['order.create', 'pending→paid', '免费'],
    ]);
    expect(await getById<GrantDoc>(world.db, COLLECTIONS.grants, courseGrantId(openid, id))).toMatchObject({
      via: 'free',
      status: 'active',
      orderId: order.id,
    });
    expect((await getById<CourseDoc>(world.db, COLLECTIONS.courses, id))?.learnerCount).toBe(1);
    // Owned for life now: a second checkout is refused, and nothing is counted twice.
    expect(await refusal(createOrder(world.deps, caller(openid), { courseId: id }))).toEqual({
      code: 'CONFLICT',
      message: '你已拥有这门课程',
    });
  });

  it('taken twice at once: one order, one grant, the learner counted once', async () => {
    const id = await course(0);
    const openid = 'oCheckoutFreeTwice';
    const replies = await Promise.all([
      createOrder(world.deps, caller(openid), { courseId: id }),
      createOrder(world.deps, caller(openid), { courseId: id }),
    ]);
    expect(replies.map((r) => [r.order.id, r.order.status])).toEqual([
      [replies[0].order.id, 'paid'],
      [replies[0].order.id, 'paid'],
    ]);
    expect(await ordersOf(openid)).toHaveLength(1);
    expect((await getById<CourseDoc>(world.db, COLLECTIONS.courses, id))?.learnerCount).toBe(1);
  });
});

describe('a pending order', () => {
  it('is paid again until the millisecond it expires, and replaced from then on', async () => {
    const id = await course();
    const openid = 'oCheckoutExpiry';
    const start = world.clock.now;
    const first = await createOrder(world.deps, caller(openid), { courseId: id });
    const expiresAt = Date.parse((await ordersOf(openid))[0]!.expiresAt);
    world.clock.now = expiresAt - 1;
    expect((await createOrder(world.deps, caller(openid), { courseId: id })).order.id).toBe(first.order.id);
    world.clock.now = expiresAt;
    const second = await createOrder(world.deps, caller(openid), { courseId: id });
    expect(second.order.id).not.toBe(first.order.id);
    expect((await ordersOf(openid)).map((o) => [o.attempt, o.status])).toEqual([
      [1, 'closed'],
      [2, 'pending'],
    ]);
    world.clock.now = start;
  });

  it('still being paid at the platform: the new checkout waits (UNAVAILABLE), and nothing new is written', async () => {
    const id = await course();
    const openid = 'oCheckoutPaying';
    await createOrder(world.deps, caller(openid), { courseId: id });
    const real = world.deps.rails.wxpay;
    const paying: PaymentRail = { ...real, query: async () => ({ state: 'USERPAYING' }) } as PaymentRail;
    // Another rail asked for: the pending order must be settled first, and the learner is in the middle of paying it.
    const reply = refusal(
      createOrder(withRail('wxpay', paying), caller(openid), {
        courseId: id,
        ...world.platforms.harness.virtual.createParams(openid),
      } as OrderCreateParams),
    );
    expect(await reply).toEqual({ code: 'UNAVAILABLE', message: '上一笔订单正在支付中，请稍后再试' });
    expect((await ordersOf(openid)).map((o) => o.status)).toEqual(['pending']);
  });

  it('prepared once: a second checkout answers the stored payment without asking the platform again', async () => {
    const id = await course();
    const openid = 'oCheckoutPreparedOnce';
    const real = world.deps.rails.virtual!;
    let prepays = 0;
    const counting = {
      ...real,
      prepay: (order: OrderDoc) => {
        prepays += 1;
        return real.prepay(order);
      },
    } as PaymentRail;
    const using = withRail('virtual', counting);
    const params = () =>
      ({ courseId: id, ...world.platforms.harness.virtual.createParams(openid) }) as OrderCreateParams;
    const first = await createOrder(using, caller(openid), params());
    const again = await createOrder(using, caller(openid), params());
    expect(again.order.id).toBe(first.order.id);
    expect(again.virtualPayment?.signData).toBe(first.virtualPayment?.signData);
    expect(prepays).toBe(1);
  });

  it('whose payment was never stored but which the learner paid: answered paid, and the course opens', async () => {
    const id = await course();
    const openid = 'oCheckoutPaidUnstored';
    await createOrder(world.deps, caller(openid), { courseId: id });
    const [pending] = await ordersOf(openid);
    await world.platforms.harness.wxpay.pay(pending!, { deliveries: 0 });
    // As if the function died between the platform's prepay and storing it: the next prepay hears "already paid".
    await world.db
      .collection(COLLECTIONS.orders)
      .doc(pending!._id)
      .update({ data: { payment: world.db.command.remove() } });
    const { order } = await createOrder(world.deps, caller(openid), { courseId: id });
    expect(order).toMatchObject({ id: pending!._id, status: 'paid' });
    expect((await getById<GrantDoc>(world.db, COLLECTIONS.grants, courseGrantId(openid, id)))?.status).toBe('active');
  });
});

it('two checkouts racing for one attempt answer the one order that won, with its payment', async () => {
  const id = await course();
  const openid = 'oCheckoutRace';
  const replies = await Promise.all([
    createOrder(world.deps, caller(openid), { courseId: id }),
    createOrder(world.deps, caller(openid), { courseId: id }),
  ]);
  expect(new Set(replies.map((r) => r.order.id)).size).toBe(1);
  for (const reply of replies) expect(reply.payment).toBeDefined();
  expect((await ordersOf(openid)).map((o) => o.status)).toEqual(['pending']);
});
