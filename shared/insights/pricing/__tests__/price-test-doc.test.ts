/**
 * A stored price test, pure: the creator's bounds read from what they typed (every problem named by its option), the
 * prices a test may charge on each rail, the weekly step (the first period at the start price, a week decided once,
 * a settled or stopped test unmoved) and what the creator center reads of it.
 */
import { DEFAULT_SETTINGS } from '../../../settings';
import { decideWeek, newPriceTest, readTestBounds, testPrices, testRailOf, type PriceTestDoc } from '../price-test-doc';
import { estimatePriceResponse, type PriceResponse } from '../response';

const NOW = new Date('2026-12-02T04:00:00Z');

test('bounds: every problem at once, each naming its option', () => {
  expect(readTestBounds({ maxFen: '49元', ladder: '2900, x, 4900' })).toEqual({
    ok: false,
    problems: [
      { path: 'min-fen', message: 'min-fen is required (fen, e.g. 4900 for ¥49)' },
      { path: 'max-fen', message: 'max-fen must be a positive whole number of fen, got "49元"' },
      {
        path: 'ladder',
        message: 'ladder must list positive whole numbers of fen separated by commas; "x" is not one',
      },
    ],
  });
  expect(readTestBounds({ minFen: '6900', maxFen: '4900' })).toMatchObject({
    ok: false,
    problems: [{ path: 'max-fen' }],
  });
  expect(readTestBounds({ minFen: '0', maxFen: '4900' })).toMatchObject({ ok: false, problems: [{ path: 'min-fen' }] });
  expect(readTestBounds({ minFen: '1900', maxFen: '4900', ladder: '2900' })).toMatchObject({
    ok: false,
    problems: [{ path: 'ladder' }],
  });
  expect(readTestBounds({ minFen: '1900', maxFen: '6900', ladder: '4900,2900,4900' })).toEqual({
    ok: true,
    bounds: { minFen: 1900, maxFen: 6900, ladderFen: [2900, 4900] },
  });
});

test('the prices a test may charge: within the bounds, on the virtual rail only registered ones', () => {
  const bounds = { minFen: 2900, maxFen: 9900 };
  expect(testPrices(bounds, { rail: 'wxpay' })).toEqual([2900, 3900, 4900, 6900, 9900]);
  const virtual = {
    ...DEFAULT_SETTINGS,
    payRail: 'virtual' as const,
    virtualPayment: {
      ...DEFAULT_SETTINGS.virtualPayment,
      items: [
        { productId: 'course_py101_6900', priceFen: 6900 },
        { productId: 'course_py101_5000', priceFen: 5000 }, // not on the ladder
        { productId: 'course_py101_3900', priceFen: 4000 }, // its id names another price
        { productId: 'course_other_4900', priceFen: 4900 },
      ],
    },
  };
  const rail = testRailOf(virtual, 'py101', 9900);
  expect(rail).toEqual({ rail: 'virtual', registeredPricesFen: [9900, 6900, 5000] });
  expect(testPrices(bounds, rail)).toEqual([6900, 9900]);
  // WeChat Pay with the virtual rail configured beside it: still only what both can charge.
  const both = { ...virtual, payRail: 'wxpay' as const, virtualPayment: { ...virtual.virtualPayment, offerId: '123' } };
  expect(testPrices(bounds, testRailOf(both, 'py101', 9900))).toEqual([6900, 9900]);
  expect(() => testPrices({ minFen: 1000, maxFen: 2000 }, rail)).toThrow(/registeredPricesFen/);
});

function responseOf(courseId: string): PriceResponse {
  return estimatePriceResponse([
    {
      courseId,
      category: 'python',
      referencePriceFen: 4900,
      observations: [{ viewers: 500, paidOrders: 25, refunds: 1, priceFen: 4900 }],
    },
  ])[0]!;
}

function started(): PriceTestDoc {
  return newPriceTest({
    courseId: 'py101',
    listPriceFen: 5500,
    bounds: { minFen: 2900, maxFen: 6900 },
    rail: { rail: 'wxpay' },
    week: '2026-11-30',
    now: NOW,
  });
}

test('a new test waits for the next week; its first period is at the allowed price nearest the list price', () => {
  const test = started();
  expect(test).toMatchObject({ status: 'running', basePriceFen: 5500, periods: [], decidedWeek: '2026-11-30' });
  const allowedFen = testPrices(test.bounds, { rail: 'wxpay' });
  const step = { response: responseOf('py101'), allowedFen, feeRate: 0.006, now: NOW };
  expect(decideWeek(test, { ...step, week: '2026-11-30' })).toBeUndefined();
  const first = decideWeek(test, { ...step, week: '2026-12-07' })!;
  expect(first.periods).toEqual([{ week: '2026-12-07', priceFen: 4900 }]);
  expect(first.state.periods).toBe(0);
  // The same week again: nothing to do.
  expect(decideWeek(first, { ...step, week: '2026-12-07' })).toBeUndefined();
  const second = decideWeek(first, { ...step, week: '2026-12-14' })!;
  expect(second.state.periods).toBe(1);
  expect(second.periods).toHaveLength(2);
  expect(allowedFen).toContain(second.periods[1]!.priceFen);
  // One ladder step at most.
  expect(Math.abs(allowedFen.indexOf(second.periods[1]!.priceFen) - allowedFen.indexOf(4900))).toBeLessThanOrEqual(1);
  expect(second.leader).toEqual({ priceFen: expect.any(Number), probabilityBest: expect.any(Number) });
});

test('a test settles at the latest after 12 periods, and a settled or stopped test does not move', () => {
  let test = started();
  const allowedFen = testPrices(test.bounds, { rail: 'wxpay' });
  const step = { response: responseOf('py101'), allowedFen, feeRate: 0.006, now: NOW };
  let week = '2026-11-30';
  for (let n = 0; n < 20 && test.status === 'running'; n++) {
    week = new Date(Date.parse(week) + 7 * 86_400_000).toISOString().slice(0, 10);
    test = decideWeek(test, { ...step, week })!;
  }
  expect(test.status).toBe('settled');
  expect(test.state.periods).toBeLessThanOrEqual(12);
  expect(test.periods.at(-1)!.priceFen).toBe(test.state.settledPriceFen);
  expect(test.settledAt).toBe(NOW.toISOString());
  expect(decideWeek(test, { ...step, week: '2027-06-07' })).toBeUndefined();
  expect(decideWeek({ ...started(), status: 'stopped' }, { ...step, week: '2026-12-07' })).toBeUndefined();
});
