import { bucketOf, bucketStarts, fillSeries, lastFoldedDay } from '../series';

describe('the overview axes', () => {
  test('the last folded day is the Beijing day before now', () => {
    // 2026-03-01 23:30 UTC is already 2 March in Beijing.
    expect(lastFoldedDay(new Date('2026-03-01T23:30:00Z'))).toBe('2026-03-01');
    expect(lastFoldedDay(new Date('2026-03-01T15:59:00Z'))).toBe('2026-02-28');
  });

  test('buckets start on the day, the Monday and the first of the month', () => {
    expect(bucketOf('day', '2026-03-04')).toBe('2026-03-04');
    expect(bucketOf('week', '2026-03-04')).toBe('2026-03-02');
    expect(bucketOf('month', '2026-03-04')).toBe('2026-03-01');
  });

  test('30 days, 26 weeks, 12 months, oldest first, the last holding the day', () => {
    const days = bucketStarts('day', '2026-03-04');
    expect(days).toHaveLength(30);
    expect([days[0], days.at(-1)]).toEqual(['2026-02-03', '2026-03-04']);
    const weeks = bucketStarts('week', '2026-03-04');
    expect(weeks).toHaveLength(26);
    expect([weeks[0], weeks.at(-1)]).toEqual(['2025-09-08', '2026-03-02']);
    const months = bucketStarts('month', '2026-03-04');
    expect(months).toHaveLength(12);
    expect([months[0], months[1], months.at(-1)]).toEqual(['2025-04-01', '2025-05-01', '2026-03-01']);
    expect(bucketStarts('month', '2026-12-31').slice(-2)).toEqual(['2026-11-01', '2026-12-01']);
  });

  test('every bucket is present; rows add up and rows outside the range are ignored', () => {
    const starts = ['2026-03-01', '2026-03-02', '2026-03-03'];
    const series = fillSeries(starts, [
      { start: '2026-03-02', paidOrders: 2, revenueFen: 200 },
      { start: '2026-03-02', paidOrders: 1, revenueFen: 100, refunds: 1, refundedFen: 100 },
      { start: '2026-02-01', paidOrders: 9, revenueFen: 900 },
    ]);
    expect(series).toEqual([
      { start: '2026-03-01', paidOrders: 0, revenueFen: 0, refunds: 0, refundedFen: 0 },
      { start: '2026-03-02', paidOrders: 3, revenueFen: 300, refunds: 1, refundedFen: 100 },
      { start: '2026-03-03', paidOrders: 0, revenueFen: 0, refunds: 0, refundedFen: 0 },
    ]);
  });
});
