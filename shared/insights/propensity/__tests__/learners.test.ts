import type { PurchaseHistory } from '../model';
import {
  calibrationShift,
  firstPurchaseChance,
  labelledRows,
  learnerPropensity,
  priorModel,
  purchaseHistories,
  RECENCY_FREQUENCY_PRIOR,
  type PaidCourseOrder,
} from '../learners';

const AT = new Date('2024-05-01T00:00:00Z');
const order = (openid: string, paidAt: string, amountFen = 1900): PaidCourseOrder => ({
  _openid: openid,
  courseId: 'c1',
  amountFen,
  paidAt,
});

/** Regulars buy every week; lapsed learners bought twice long ago; occasional ones every sixth week. */
function learners(): PurchaseHistory[] {
  const histories: PurchaseHistory[] = [];
  for (let i = 0; i < 30; i++) {
    const weeks = Array.from({ length: 60 }, (_, k) => -60 + k);
    histories.push({ id: `regular-${i}`, weeks, revenue: weeks.map(() => 1900) });
    const lapsed = [-60 + (i % 5), -57 + (i % 5)];
    histories.push({ id: `lapsed-${i}`, weeks: lapsed, revenue: lapsed.map(() => 4900) });
    const occasional = Array.from({ length: 10 }, (_, k) => -60 + k * 6 + (i % 6));
    histories.push({ id: `occasional-${i}`, weeks: occasional, revenue: occasional.map(() => 2900) });
  }
  return histories;
}

describe('purchase histories from paid orders', () => {
  it('counts whole weeks back from the reference time and skips what is not a course purchase before it', () => {
    const histories = purchaseHistories(
      [
        order('b', '2024-04-30T12:00:00Z'),
        order('a', '2024-04-24T00:00:00Z', 2900), // exactly 7 days before: still week −1
        order('a', '2024-04-23T23:59:59Z'), // week −2
        order('a', '2024-05-01T00:00:00Z'), // at the reference time: the future
        order('a', '2024-04-20T00:00:00Z', 0), // a free enrolment
        { _openid: 'a', amountFen: 9900, paidAt: '2024-04-20T00:00:00Z' }, // a bundle
        order('a', 'not a time'),
      ],
      AT,
    );
    expect(histories).toEqual([
      { id: 'a', weeks: [-1, -2], revenue: [2900, 1900] },
      { id: 'b', weeks: [-1], revenue: [1900] },
    ]);
  });
});

describe('the recency-frequency prior and its calibration', () => {
  it('moves the intercept so the mean chance is the rows’ rate shrunk by the pseudo-rows', () => {
    // 20 rows at logit 0 (p = 0.5), all bought: target (20 + 20 · 0.5) / 40 = 0.75, so δ = logit 0.75 = ln 3.
    expect(calibrationShift(Array(20).fill(0), 20, 20)).toBeCloseTo(Math.log(3), 9);
    // Half bought: the rate is the prior's own, nothing moves.
    expect(calibrationShift(Array(20).fill(0), 10, 20)).toBeCloseTo(0, 9);
    expect(calibrationShift([], 0, 20)).toBe(0);
  });

  it('is the UCI prior unchanged when no cut has a labelled row', () => {
    const history = { id: 'x', weeks: [-1], revenue: [1900] };
    const { intercept, logFrequency52 } = RECENCY_FREQUENCY_PRIOR;
    // Bought once, in week −1: recency 1 (log 0), one purchase in 52 weeks.
    const expected = 1 / (1 + Math.exp(-(intercept + logFrequency52 * Math.log(2))));
    expect(priorModel([history], 8, 20).probability(history, 0)).toBeCloseTo(expected, 9);
    expect(expected).toBeCloseTo(0.1541, 3);
  });
});

describe('learner propensity', () => {
  it('labels each learner at each cut −4k who bought before it', () => {
    const h = { id: 'x', weeks: [-9, -6], revenue: [1, 1] };
    // Cut −4: bought before (−9, −6), not in −4 … −1. Cut −8: bought before (−9), and in −8 … −5 (−6).
    expect(labelledRows([h], 2)).toEqual({ rows: 2, positives: 1 });
  });

  it('takes a first purchase chance from learners who had not bought before the last 4 weeks', () => {
    const histories = [
      { id: 'old', weeks: [-10, -2], revenue: [1, 1] },
      { id: 'new', weeks: [-2], revenue: [1] },
      { id: 'edge', weeks: [-4], revenue: [1] },
    ];
    // 10 learners known, 1 bought before week −4: 2 of the other 9 made their first purchase in weeks −4 … −1.
    expect(firstPurchaseChance(histories, 10)).toBeCloseTo(2 / 9, 12);
    expect(firstPurchaseChance([], 0)).toBe(0);
  });

  it('fits on the deployment’s own cuts when they hold enough buyers and lapsers, ranking regulars first', () => {
    const result = learnerPropensity(learners(), 200);
    expect(result.source).toBe('fitted');
    expect(result.rows).toBe(90 * 8);
    const p = (id: string) => result.byLearner.get(id)!;
    expect(p('regular-0')).toBeGreaterThan(0.9);
    expect(p('lapsed-0')).toBeLessThan(0.1);
    expect(p('occasional-3')).toBeGreaterThan(p('lapsed-0'));
    expect(p('occasional-3')).toBeLessThan(p('regular-0'));
    expect(result.byLearner.size).toBe(90);
  });

  it('falls back to the prior when the cuts hold fewer than minEvents of the rarer label', () => {
    const few = learners().filter((h) => h.id.endsWith('-0') || h.id.endsWith('-1'));
    const result = learnerPropensity(few, 10);
    expect(result.source).toBe('prior');
    expect(Math.min(result.positives, result.rows - result.positives)).toBeLessThan(90);
    const p = (id: string) => result.byLearner.get(id)!;
    expect(p('regular-0')).toBeGreaterThan(p('occasional-0'));
    expect(p('occasional-0')).toBeGreaterThan(p('lapsed-0'));
    expect(learnerPropensity(learners(), 200, { minEvents: 1e6 }).source).toBe('prior');
  });

  it('fits the same model on the same lowest-hash sample whatever the order of the learners', () => {
    const histories = learners();
    const a = learnerPropensity(histories, 200, { maxLearners: 40 });
    const b = learnerPropensity([...histories].reverse(), 200, { maxLearners: 40 });
    expect(a.rows).toBe(b.rows);
    for (const [id, p] of a.byLearner) expect(b.byLearner.get(id)).toBeCloseTo(p, 12);
  });
});
