import { expectedBuyers, salesShareWeights } from '../expected-buyers';
import type { PaidCourseOrder } from '../learners';

describe('expected buyers', () => {
  it('sums each learner’s chance over the courses they can still buy, split by weight', () => {
    const weights = new Map([
      ['a', 3],
      ['b', 1],
      ['c', 1],
    ]);
    const { byCourse, total } = expectedBuyers(
      [
        { p: 0.5, unavailable: [] }, // a 0.3, b 0.1, c 0.1
        { p: 0.4, unavailable: ['a', 'a'] }, // b 0.2, c 0.2
        { p: 1, unavailable: ['a', 'b', 'c'] }, // owns everything: nothing
        { p: 0.1, unavailable: ['x'] }, // a course that is not for sale: a 0.06, b 0.02, c 0.02
        { p: 0, unavailable: [] },
      ],
      weights,
    );
    expect(byCourse.get('a')).toBeCloseTo(0.36, 12);
    expect(byCourse.get('b')).toBeCloseTo(0.32, 12);
    expect(byCourse.get('c')).toBeCloseTo(0.32, 12);
    expect(total).toBeCloseTo(1, 12);
  });

  it('weighs each buyable course by its paid orders of the last 12 weeks plus a half', () => {
    const at = new Date('2024-05-01T00:00:00Z');
    const order = (courseId: string, paidAt: string, amountFen = 1900) =>
      ({ _openid: 'u', courseId, amountFen, paidAt }) as PaidCourseOrder;
    const weights = salesShareWeights(
      [
        order('a', '2024-04-30T00:00:00Z'),
        order('a', '2024-02-07T00:00:00Z'), // exactly 12 weeks before: counted
        order('a', '2024-02-06T23:59:59Z'), // older
        order('a', '2024-05-01T00:00:00Z'), // not before the reference time
        order('b', '2024-04-30T00:00:00Z', 0), // free
        order('gone', '2024-04-30T00:00:00Z'), // not buyable any more
      ],
      ['a', 'b'],
      at,
    );
    expect([...weights]).toEqual([
      ['a', 2.5],
      ['b', 0.5],
    ]);
  });
});
