/**
 * Known answers for the order document and its state machine (model.ts), pure: which transitions exist, how a
 * refused one fails, the pay platform's time format, the ids, what the learner sees of an order and the bill text.
 */
import { ORDER_STATUSES, type OrderStatus } from '../../contract';
import {
  beijingStamp,
  billBody,
  canTransition,
  newOutTradeNo,
  orderId,
  orderTarget,
  parseBeijingStamp,
  toOrder,
  transitionEntry,
  type OrderDoc,
} from '../model';

/** The state machine as the README describes it, written out here rather than read from the code. */
const ALLOWED: Record<OrderStatus, OrderStatus[]> = {
  pending: ['paid', 'closed', 'failed'],
  closed: ['paid', 'failed'],
  paid: ['refunding'],
  refunding: ['refunded'],
  refunded: [],
  failed: [],
};

describe('the order state machine', () => {
  const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s is allowed exactly when the table says so', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED[from].includes(to));
  });

  it('refuses a transition that is not in the table, naming it', () => {
    for (const [from, to] of pairs.filter(([f, t]) => !ALLOWED[f].includes(t))) {
      expect(() => transitionEntry(from, to, '2026-12-02T00:00:00.000Z', 'orderSweep')).toThrow(
        `order transition ${from}→${to} is not allowed`,
      );
    }
  });

  it('records an allowed transition with its time and source, and the detail only when there is one', () => {
    expect(transitionEntry('pending', 'paid', '2026-12-02T00:00:00.000Z', 'payNotify')).toStrictEqual({
      at: '2026-12-02T00:00:00.000Z',
      source: 'payNotify',
      event: 'pending→paid',
    });
    expect(transitionEntry('paid', 'refunding', '2026-12-02T00:00:01.000Z', 'order.refund', '不想学了')).toEqual({
      at: '2026-12-02T00:00:01.000Z',
      source: 'order.refund',
      event: 'paid→refunding',
      detail: '不想学了',
    });
  });
});

describe("the pay platform's time (yyyyMMddHHmmss, UTC+8)", () => {
  it('writes a UTC time eight hours ahead, across midnight', () => {
    expect(beijingStamp(new Date('2026-12-02T16:30:05.999Z'))).toBe('20261203003005');
    expect(beijingStamp(new Date('2026-01-01T00:00:00.000Z'))).toBe('20260101080000');
  });

  it('reads it back, and refuses what is not such a stamp', () => {
    expect(parseBeijingStamp('20261203003005')?.toISOString()).toBe('2026-12-02T16:30:05.000Z');
    for (const bad of ['2026120300300', '202612030030055', '2026120300300x', '20261345000000', 20261203003005, null]) {
      expect(parseBeijingStamp(bad)).toBeUndefined();
    }
  });

  it('makes trade numbers of CC, the stamp without its century and 14 random hex digits', () => {
    const now = new Date('2026-12-02T16:30:05Z');
    expect(newOutTradeNo(now, '0123456789abcdef')).toBe('CC2612030030050123456789abcd');
    expect(newOutTradeNo(now, '0123456789abcdef')).toHaveLength(28);
  });
});

describe('order ids', () => {
  it('are the same for the same learner, course and attempt, and differ otherwise', () => {
    const id = orderId('oLearner', { kind: 'course', id: 'course-1' }, 1);
    expect(id).toMatch(/^[0-9a-f]{24}-1$/);
    expect(orderId('oLearner', { kind: 'course', id: 'course-1' }, 1)).toBe(id);
    expect(orderId('oLearner', { kind: 'course', id: 'course-1' }, 2)).toBe(`${id.slice(0, 24)}-2`);
    expect(orderId('oOther', { kind: 'course', id: 'course-1' }, 1)).not.toBe(id);
    expect(orderId('oLearner', { kind: 'course', id: 'course-2' }, 1)).not.toBe(id);
    // The separator keeps `a`+`bc` and `ab`+`c` apart.
    expect(orderId('a', { kind: 'course', id: 'bc' }, 1)).not.toBe(orderId('ab', { kind: 'course', id: 'c' }, 1));
  });

  it("keep a course order's id of before bundles, and a bundle never shares one with a course of the same id", () => {
    // sha256("oLearner\0course-1"), the id the code gave course orders before bundles existed.
    expect(orderId('oLearner', { kind: 'course', id: 'course-1' }, 1)).toBe('b6eec0c53b46c05eb111d50f-1');
    expect(orderId('oLearner', { kind: 'bundle', id: 'course-1' }, 1)).not.toBe(
      orderId('oLearner', { kind: 'course', id: 'course-1' }, 1),
    );
    expect(orderId('oLearner', { kind: 'bundle', id: 'vip' }, 1)).not.toBe(
      orderId('oLearner', { kind: 'bundle', id: 'column' }, 1),
    );
  });
});

describe('orderTarget', () => {
  it('is the course or the bundle the order names; an order naming neither is refused', () => {
    expect(orderTarget({ _id: 'o1', courseId: 'c1' })).toEqual({ kind: 'course', id: 'c1' });
    expect(orderTarget({ _id: 'o2', bundleId: 'vip' })).toEqual({ kind: 'bundle', id: 'vip' });
    expect(() => orderTarget({ _id: 'o3' })).toThrow('order o3 names neither a course nor a bundle');
  });
});

describe('what the learner sees of an order', () => {
  const doc: OrderDoc = {
    _id: 'o-1',
    _openid: 'oLearner',
    courseId: 'course-1',
    courseTitle: 'TypeScript 入门',
    amountFen: 990,
    rail: 'wxpay',
    status: 'pending',
    attempt: 1,
    outTradeNo: 'CC2612030030050123456789abcd',
    merchantId: '1900000109',
    body: '课程-TypeScript 入门',
    clientIp: '10.0.0.1',
    createdAt: '2026-12-02T00:00:00.000Z',
    expiresAt: '2026-12-02T00:30:00.000Z',
    history: [{ at: '2026-12-02T00:00:00.000Z', source: 'order.create', event: 'created' }],
  };
  const base = {
    id: 'o-1',
    courseId: 'course-1',
    courseTitle: 'TypeScript 入门',
    // An order made before discounts existed: its list price is what it charges, with no discounts.
    listPriceFen: 990,
    discounts: [],
    amountFen: 990,
    status: 'pending',
    rail: 'wxpay',
    createdAt: '2026-12-02T00:00:00.000Z',
    expiresAt: '2026-12-02T00:30:00.000Z',
  };

  it('a new order: its public fields only, never the openid, trade number, merchant, IP or history', () => {
    // Strict: an absent field is absent, not present as undefined.
    expect(toOrder(doc)).toStrictEqual(base);
  });

  it('a bundle order with discounts: the bundle, the list price and each discount, and no courseId', () => {
    const { courseId: _course, ...rest } = doc;
    const discounts = [{ kind: 'coupon' as const, id: 'c1', label: '立减 ¥1', amountFen: 100 }];
    const bundleOrder: OrderDoc = { ...rest, bundleId: 'b1', listPriceFen: 1090, discounts, couponClaimId: 'claim-1' };
    const { courseId: _none, ...publicBase } = base;
    expect(toOrder(bundleOrder)).toStrictEqual({ ...publicBase, bundleId: 'b1', listPriceFen: 1090, discounts });
  });

  it('adds each time and the note once the order has them', () => {
    const refunded: OrderDoc = {
      ...doc,
      status: 'refunded',
      paidAt: '2026-12-02T00:01:00.000Z',
      closedAt: '2026-12-02T00:02:00.000Z',
      refund: { outRefundNo: 'R1', reason: '不想学了', by: 'learner', requestedAt: '2026-12-02T00:03:00.000Z' },
      refundedAt: '2026-12-02T00:04:00.000Z',
      note: '重复支付，已自动退款',
      transactionId: '4200000001',
    };
    expect(toOrder(refunded)).toEqual({
      ...base,
      status: 'refunded',
      paidAt: '2026-12-02T00:01:00.000Z',
      closedAt: '2026-12-02T00:02:00.000Z',
      refundRequestedAt: '2026-12-02T00:03:00.000Z',
      refundedAt: '2026-12-02T00:04:00.000Z',
      note: '重复支付，已自动退款',
    });
  });
});

describe('the bill text', () => {
  it('names the course, cut with an ellipsis to fit the platform', () => {
    expect(billBody('TypeScript 入门')).toBe('课程-TypeScript 入门');
    const exact = 'x'.repeat(125);
    expect(billBody(exact)).toBe(`课程-${exact}`);
    expect(billBody(exact)).toHaveLength(128);
    const long = billBody('y'.repeat(200));
    expect(long).toHaveLength(128);
    expect(long).toBe(`课程-${'y'.repeat(124)}…`);
    expect(billBody('abcdef', 5)).toBe('课程-a…');
  });
});
