import fc from 'fast-check';
import { productIdOf } from '../../orders/xpay/rail';
import { quote, type PricedTarget } from '../pricing';
import { itemsToRegister, virtualItemFor, virtualProductId, type SellableTarget } from '../virtual-items';
import { AT, coupon, promotion, T0 } from './fixtures';

const PREFIX = 'course_';
const PY: SellableTarget = {
  target: { kind: 'course', id: 'py-101', category: 'python' },
  title: 'Python 入门',
  listPriceFen: 9900,
};
const VIP: SellableTarget = { target: { kind: 'bundle', id: 'vip' }, title: '年度会员', listPriceFen: 19900 };
const NOW = AT(T0);

describe('virtualProductId', () => {
  it('is the rail’s own item for a course at its list price', () => {
    const sale = { target: { kind: 'course' as const, id: 'py-101' }, listPriceFen: 9900, payFen: 9900 };
    expect(virtualProductId(PREFIX, sale)).toBe(productIdOf(PREFIX, 'py-101'));
    expect(virtualProductId(PREFIX, sale)).toBe('course_py-101');
  });

  it('names bundles apart and appends any other payable price', () => {
    expect(
      virtualProductId(PREFIX, { target: { kind: 'bundle', id: 'vip' }, listPriceFen: 19900, payFen: 19900 }),
    ).toBe('course_bundle_vip');
    expect(
      virtualProductId(PREFIX, { target: { kind: 'course', id: 'py-101' }, listPriceFen: 9900, payFen: 4900 }),
    ).toBe('course_py-101_4900');
  });

  it('keeps the price suffix of a long id within 64 characters', () => {
    const id = 'x'.repeat(64);
    const productId = virtualProductId(PREFIX, { target: { kind: 'course', id }, listPriceFen: 9900, payFen: 4900 });
    expect(productId).toHaveLength(64);
    expect(productId.endsWith('_4900')).toBe(true);
  });
});

describe('virtualItemFor', () => {
  const registered = [
    { productId: 'course_py-101', priceFen: 9900 },
    { productId: 'course_py-101_4900', priceFen: 4900 },
    { productId: 'course_py-101_3900', priceFen: 4000 },
  ];
  const sale = (payFen: number) => ({ target: { kind: 'course' as const, id: 'py-101' }, listPriceFen: 9900, payFen });

  it('finds the item registered at exactly that price', () => {
    expect(virtualItemFor(PREFIX, sale(9900), registered)).toEqual(registered[0]);
    expect(virtualItemFor(PREFIX, sale(4900), registered)).toEqual(registered[1]);
  });

  it('refuses a price with no item, or an item registered at another price, rather than charge another amount', () => {
    for (const payFen of [2900, 3900]) {
      expect(() => virtualItemFor(PREFIX, sale(payFen), registered)).toThrow(
        expect.objectContaining({
          code: 'FAILED_PRECONDITION',
          message: `这个价格（¥${payFen / 100}）还没有登记为虚拟支付商品，暂时无法用虚拟支付购买，请联系创作者`,
        }),
      );
    }
    expect(() => virtualItemFor(PREFIX, sale(99), registered)).toThrow('虚拟支付最低 ¥1');
  });
});

describe('itemsToRegister', () => {
  it('lists the list price, each promotion not ended and each coupon on each, for courses and bundles', () => {
    const promotions = [
      promotion({ priceFen: 4900 }),
      promotion({ _id: 'past', priceFen: 5900, startsAt: '2025-05-01T00:00:00.000Z', endsAt: T0 }),
      promotion({ _id: 'vip', target: { kind: 'bundle', id: 'vip' }, priceFen: 14900 }),
    ];
    const coupons = [
      coupon({ kind: 'amount', amountFen: 1000 }, { appliesTo: { courseIds: ['py-101'] } }),
      coupon({ kind: 'percent', percentOff: 20 }, { _id: 'c2', appliesTo: { bundleIds: ['vip'] } }),
      coupon({ kind: 'amount', amountFen: 500 }, { _id: 'gone', status: 'revoked' }),
    ];
    const { items, belowMinimum } = itemsToRegister({
      prefix: PREFIX,
      targets: [PY, VIP],
      promotions,
      coupons,
      now: NOW,
    });
    expect(items.map((i) => [i.productId, i.priceFen, i.name])).toEqual([
      ['course_py-101', 9900, 'Python 入门'],
      ['course_py-101_8900', 8900, 'Python 入门（¥89）'],
      ['course_py-101_4900', 4900, 'Python 入门（¥49）'],
      ['course_py-101_3900', 3900, 'Python 入门（¥39）'],
      ['course_bundle_vip', 19900, '年度会员'],
      ['course_bundle_vip_15920', 15920, '年度会员（¥159.20）'],
      ['course_bundle_vip_14900', 14900, '年度会员（¥149）'],
      ['course_bundle_vip_11920', 11920, '年度会员（¥119.20）'],
    ]);
    expect(belowMinimum).toEqual([]);
  });

  it('skips free targets, reports those below ¥1, and combines a coupon only with prices its window meets', () => {
    const cheap: SellableTarget = { ...PY, target: { ...PY.target, id: 'tiny' }, listPriceFen: 50 };
    const free: SellableTarget = { ...PY, target: { ...PY.target, id: 'free' }, listPriceFen: 0 };
    const later = coupon(
      { kind: 'amount', amountFen: 1000 },
      { startsAt: '2025-07-01T00:00:00.000Z', endsAt: '2025-07-08T00:00:00.000Z' },
    );
    const { items, belowMinimum } = itemsToRegister({
      prefix: PREFIX,
      targets: [PY, cheap, free],
      promotions: [promotion({ priceFen: 4900 })],
      coupons: [later],
      now: NOW,
    });
    expect(items.map((i) => i.priceFen)).toEqual([9900, 8900, 4900]);
    expect(belowMinimum).toEqual([cheap]);
  });

  it('refuses two sales that would share an item id at different prices', () => {
    const clash: SellableTarget = { ...PY, target: { ...PY.target, id: 'py-101_4900' }, listPriceFen: 5000 };
    expect(() =>
      itemsToRegister({ prefix: PREFIX, targets: [PY, clash], promotions: [promotion()], coupons: [], now: NOW }),
    ).toThrow('item course_py-101_4900 would sell both');
  });

  it('covers every price a virtual-rail quote can reach, so a registered catalog never refuses a sale', () => {
    const day = (d: number) => new Date(Date.UTC(2025, 5, 1 + d)).toISOString();
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 50_000 }),
        fc.array(
          fc.record({
            priceFen: fc.integer({ min: 100, max: 50_000 }),
            from: fc.nat(9),
            len: fc.integer({ min: 1, max: 5 }),
          }),
          { maxLength: 3 },
        ),
        fc.array(
          fc.record({ off: fc.integer({ min: 1, max: 50_000 }), from: fc.nat(9), len: fc.integer({ min: 1, max: 5 }) }),
          { maxLength: 3 },
        ),
        fc.nat(14),
        (list, promos, offs, at) => {
          const target: PricedTarget = { kind: 'course', id: 'py-101', category: 'python' };
          const promotions = promos.map((p, i) =>
            promotion({ _id: `p${i}`, priceFen: p.priceFen, startsAt: day(p.from), endsAt: day(p.from + p.len) }),
          );
          const coupons = offs.map((c, i) =>
            coupon(
              { kind: 'amount', amountFen: c.off },
              { _id: `c${i}`, startsAt: day(c.from), endsAt: day(c.from + c.len) },
            ),
          );
          const { items } = itemsToRegister({
            prefix: PREFIX,
            targets: [{ target, title: 'Python', listPriceFen: list }],
            promotions,
            coupons,
            now: NOW,
          });
          const now = new Date(Date.UTC(2025, 5, 1 + at, 6));
          for (const c of [undefined, ...coupons]) {
            let payFen;
            try {
              payFen = quote({ target, listPriceFen: list, promotions, coupon: c, rail: 'virtual', now }).payFen;
            } catch {
              continue;
            }
            const sale = { target: { kind: 'course' as const, id: 'py-101' }, listPriceFen: list, payFen };
            expect(() => virtualItemFor(PREFIX, sale, items)).not.toThrow();
          }
        },
      ),
    );
  });
});
