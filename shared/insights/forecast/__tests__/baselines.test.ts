import { crostonSba, meanOfLast, naive, ses, tsb } from '../baselines';
import { coverage, naiveScale, rmsse, weightedMean } from '../metrics';

// Hand-computed on the history 2, 0, 4, 0 (oldest first).
const history = [2, 0, 4, 0];

describe('forecast baselines on a known series', () => {
  it('naive repeats the last week', () => {
    expect(naive(history)).toBe(0);
  });

  it('means of the last 4 and 8 weeks (8 falls back to all 4)', () => {
    expect(meanOfLast(history, 4)).toBe(1.5);
    expect(meanOfLast([9, ...history], 4)).toBe(1.5);
    expect(meanOfLast(history, 8)).toBe(1.5);
  });

  it('SES α 0.2 from the first week: 2 → 1.6 → 2.08 → 1.664', () => {
    expect(ses(history, 0.2)).toBeCloseTo(1.664, 12);
  });

  it('Croston SBA α 0.1: size 2.2, interval 1.1, forecast 0.95 · 2', () => {
    expect(crostonSba(history, 0.1)).toBeCloseTo(1.9, 12);
    // Interval counted from the series' start: a first sale in week 3 starts the interval at 3.
    expect(crostonSba([0, 0, 6], 0.1)).toBeCloseTo((0.95 * 6) / 3, 12);
    expect(crostonSba([0, 0, 0], 0.1)).toBe(0);
  });

  it('TSB α 0.1 β 0.1: probability 1 → 0.9 → 0.91 → 0.819, size 2.2', () => {
    expect(tsb(history, 0.1, 0.1)).toBeCloseTo(0.819 * 2.2, 12);
  });

  it('refuses an empty history', () => {
    expect(() => ses([], 0.2)).toThrow('history must hold at least one week');
  });
});

describe('forecast metrics on a tiny hand example', () => {
  it('naive scale is the mean squared week-to-week change', () => {
    expect(naiveScale(history)).toBe((4 + 16 + 16) / 3);
    expect(() => naiveScale([3])).toThrow('at least two weeks');
  });

  it('RMSSE: errors 1 and 1 on scale 4 give √(1 / 4) = 0.5', () => {
    expect(rmsse([1, 3], [2, 2], 4)).toBeCloseTo(0.5, 12);
    expect(() => rmsse([1], [1], 0)).toThrow('scale must be positive, got 0');
    expect(() => rmsse([1, 2], [1], 1)).toThrow('same non-zero length');
  });

  it('WRMSSE weighs each series', () => {
    expect(weightedMean([0.5, 1], [3, 1])).toBeCloseTo(0.625, 12);
    expect(() => weightedMean([1], [0])).toThrow('weights must not all be zero');
    expect(() => weightedMean([1], [-1])).toThrow('weight 0 must be non-negative, got -1');
  });

  it('coverage counts the bounds as inside', () => {
    expect(coverage([1, 5, 3], [0, 0, 3], [2, 4, 3])).toBeCloseTo(2 / 3, 12);
  });
});
