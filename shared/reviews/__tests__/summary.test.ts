import fc from 'fast-check';
import { adjustSummary, summaryOf } from '../summary';

const EMPTY = summaryOf([]);

describe('rating summary', () => {
  test('counts and averages a histogram, two decimals', () => {
    expect(summaryOf([1, 0, 0, 0, 2])).toEqual({ avg: 3.67, count: 3, histogram: [1, 0, 0, 0, 2] });
    expect(EMPTY).toEqual({ avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] });
  });

  test('a new review adds, an edit moves, a withdrawn review removes', () => {
    const one = adjustSummary(EMPTY, null, 4);
    expect(one).toEqual({ avg: 4, count: 1, histogram: [0, 0, 0, 1, 0] });
    const edited = adjustSummary(one, 4, 2);
    expect(edited).toEqual({ avg: 2, count: 1, histogram: [0, 1, 0, 0, 0] });
    expect(adjustSummary(edited, 2, null)).toEqual(EMPTY);
  });

  test('a bucket never goes below zero, even on a summary edited by hand', () => {
    expect(adjustSummary(EMPTY, 3, null)).toEqual(EMPTY);
  });

  test('any sequence of changes ends where the ratings it counts say', () => {
    // Each learner's rating over time (null = not counted); the final summary counts the last value of each.
    const histories = fc.array(fc.array(fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }), { maxLength: 5 }), {
      maxLength: 8,
    });
    fc.assert(
      fc.property(histories, (learners) => {
        let summary = EMPTY;
        const expected = [0, 0, 0, 0, 0];
        for (const history of learners) {
          let counted: number | null = null;
          for (const next of history) {
            summary = adjustSummary(summary, counted, next);
            counted = next;
          }
          if (counted !== null) expected[counted - 1] = (expected[counted - 1] ?? 0) + 1;
        }
        expect(summary).toEqual(summaryOf(expected));
      }),
    );
  });
});
