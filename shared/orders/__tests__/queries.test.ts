/**
 * `order.list` and `order.get` with a fake clock, through the real wx-server-sdk against the local cloud and its pay
 * sandboxes: the list's filters, order and pages (and never another learner's orders); which orders a get asks the
 * platform about (a closed one only within the reconcile window, to its last millisecond), what it records, and a
 * platform that cannot be reached.
 */
import type { OrderDoc } from '../model';
import { RailError, type PaymentRail } from '../rail';
import { createOrder, getOrder, listOrders, requestRefund, type OrderDeps } from '..';
import { useClockedOrders } from '../../../testing/order-platforms';
import { COLLECTIONS } from '../../collections';

const world = useClockedOrders('queries');

const MINUTE = 60_000;
async function create(openid: string, courseId: string, rail: 'wxpay' | 'virtual' = 'wxpay'): Promise<OrderDoc> {
  const params = { courseId, ...world.platforms.harness[rail].createParams(openid) };
  const { order } = await createOrder(world.deps, { openid, clientIp: '10.0.0.1' }, params);
  return world.orderDoc(order.id);
}

describe('order.list', () => {
  const openid = 'oQueriesList';
  let ids: { a: string; b: string; c: string };

  beforeAll(async () => {
    const [a, b, c] = [await world.course(), await world.course(), await world.course()];
    // Three orders a minute apart: c (pending, newest), b (paid), a (pending, oldest); and another learner's.
    const first = await create(openid, a);
    world.clock.now += MINUTE;
    const second = await create(openid, b);
    await world.platforms.harness.wxpay.pay(second);
    world.clock.now += MINUTE;
    const third = await create(openid, c);
    await create('oQueriesSomeoneElse', a);
    ids = { a: first._id, b: second._id, c: third._id };
  });

  const list = (params: Parameters<typeof listOrders>[2]) => listOrders(world.deps, openid, params);

  it('lists the learner’s own orders, newest first, with the total and the policy', async () => {
    const all = await list({});
    expect(all.items.map((o) => o.id)).toEqual([ids.c, ids.b, ids.a]);
    expect(all.total).toBe(3);
    expect(all.policy.couponText).toEqual(expect.any(String));
  });

  it('filters by world.course and by status, each counted in its total', async () => {
    const byCourse = await list({ courseId: (await world.orderDoc(ids.a)).courseId });
    expect(byCourse.items.map((o) => o.id)).toEqual([ids.a]);
    expect(byCourse.total).toBe(1);
    const paid = await list({ status: 'paid' });
    expect(paid.items.map((o) => o.id)).toEqual([ids.b]);
    expect(paid.total).toBe(1);
    expect((await list({ status: 'pending' })).items.map((o) => o.id)).toEqual([ids.c, ids.a]);
  });

  it('pages: page 2 of size 1 is the second newest, and the total stays the whole', async () => {
    expect((await list({ page: 2, pageSize: 1 })).items.map((o) => o.id)).toEqual([ids.b]);
    expect((await list({ page: 3, pageSize: 2 })).items).toEqual([]);
    const second = await list({ page: 2, pageSize: 2 });
    expect(second.items.map((o) => o.id)).toEqual([ids.a]);
    expect(second.total).toBe(3);
  });
});

describe('order.list of bundle orders', () => {
  const openid = 'oQueriesBundles';

  it('filters by bundle: only the bundle’s orders, not the learner’s world.course orders', async () => {
    const at = new Date(world.clock.now).toISOString();
    const bundleId = 'queries-column';
    const courseId = await world.course();
    await world.db
      .collection(COLLECTIONS.bundles)
      .doc(bundleId)
      .set({
        data: {
          title: '专栏',
          subtitle: '',
          cover: 'cloud://env.bucket/covers/column.png',
          priceFen: 5900,
          kind: 'column',
          courseIds: [courseId],
          status: 'published',
          createdAt: at,
          updatedAt: at,
        },
      });
    const bought = await create(openid, courseId);
    world.clock.now += MINUTE;
    const params = { bundleId, ...world.platforms.harness.wxpay.createParams(openid) };
    const { order: column } = await createOrder(world.deps, { openid, clientIp: '10.0.0.1' }, params);
    const byBundle = await listOrders(world.deps, openid, { bundleId });
    expect(byBundle.items.map((o) => o.id)).toEqual([column.id]);
    expect(byBundle.total).toBe(1);
    expect((await listOrders(world.deps, openid, {})).items.map((o) => o.id)).toEqual([column.id, bought._id]);
  });
});

describe('order.get', () => {
  it('asks about a closed order until its reconcile window ends, to the millisecond, and not after', async () => {
    // Two closed virtual orders, each paid late in the sheet opened before (the virtual rail cannot close a sheet).
    const start = world.clock.now;
    const late = async (learner: string) => {
      const courseId = await world.course();
      const order = await create(learner, courseId, 'virtual');
      await create(learner, courseId); // replaces it: closed here
      expect((await world.orderDoc(order._id)).status).toBe('closed');
      await world.platforms.harness.virtual.pay(order, { deliveries: 0 });
      return order;
    };
    const inWindow = await late('oQueriesLateIn');
    const outOfWindow = await late('oQueriesLateOut');
    const window = world.deps.settings.reconcileWindowMinutes * MINUTE;
    // The window ends `reconcileWindowMinutes` after the order's expiry.
    world.clock.now = Date.parse(inWindow.expiresAt) + window;
    expect((await getOrder(world.deps, inWindow._openid, inWindow._id)).status).not.toBe('closed');
    world.clock.now = Date.parse(outOfWindow.expiresAt) + window + 1;
    expect((await getOrder(world.deps, outOfWindow._openid, outOfWindow._id)).status).toBe('closed');
    world.clock.now = start;
  });

  it('records a refund it advanced as its own doing', async () => {
    const order = await create('oQueriesRefund', await world.course());
    await world.platforms.harness.wxpay.pay(order);
    world.platforms.pay.refundMode = 'manual';
    try {
      await requestRefund(world.deps, order._openid, { orderId: order._id, reason: '不想学了' });
    } finally {
      world.platforms.pay.refundMode = 'immediately';
    }
    world.platforms.pay.settleRefunds();
    world.clock.now += 5_000;
    expect((await getOrder(world.deps, order._openid, order._id)).status).toBe('refunded');
    expect((await world.orderDoc(order._id)).history.at(-1)?.source).toBe('order.get');
  });

  it('answers the stored order when the platform cannot be reached, and fails on anything else', async () => {
    const order = await create('oQueriesDown', await world.course());
    const failing = (error: Error): OrderDeps => ({
      ...world.deps,
      rails: {
        ...world.deps.rails,
        wxpay: { ...world.deps.rails.wxpay, query: () => Promise.reject(error) } as PaymentRail,
      },
    });
    world.clock.now += 5_000;
    expect(await getOrder(failing(new RailError('query', 'SYSTEMERROR')), order._openid, order._id)).toMatchObject({
      id: order._id,
      status: 'pending',
    });
    world.clock.now += 5_000;
    await expect(getOrder(failing(new TypeError('a bug')), order._openid, order._id)).rejects.toThrow('a bug');
  });
});
