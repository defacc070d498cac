import { auc, boughtWithin, fitPropensity, propensityFeatures, type PurchaseHistory } from '../model';

/** Regulars buy every week; lapsed learners bought a few times long ago; occasional ones every sixth week. */
function learners(): PurchaseHistory[] {
  const histories: PurchaseHistory[] = [];
  const origin = 60;
  for (let i = 0; i < 30; i++) {
    const weeks = Array.from({ length: origin + 4 }, (_, w) => w);
    histories.push({ id: `regular-${i}`, weeks, revenue: weeks.map(() => 10) });
  }
  for (let i = 0; i < 30; i++) {
    const weeks = [i % 5, (i % 5) + 3];
    histories.push({ id: `lapsed-${i}`, weeks, revenue: weeks.map(() => 30) });
  }
  for (let i = 0; i < 30; i++) {
    const weeks = Array.from({ length: 11 }, (_, k) => k * 6 + (i % 6));
    histories.push({ id: `occasional-${i}`, weeks, revenue: weeks.map(() => 20) });
  }
  return histories;
}

describe('purchase propensity', () => {
  it('computes AUC on a hand example, ties counting half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75, 12);
    expect(auc([0.5, 0.5], [true, false])).toBeCloseTo(0.5, 12);
    expect(() => auc([0.5], [true])).toThrow('at least one positive and one negative');
  });

  it('sees only weeks before the cut and labels the 4 weeks from it', () => {
    const history: PurchaseHistory = { id: 'x', weeks: [2, 9, 10], revenue: [5, 5, 5] };
    expect(propensityFeatures(history, 2)).toBeNull();
    expect(propensityFeatures(history, 10)![0]).toBeCloseTo(Math.log(1), 12);
    expect(boughtWithin(history, 6)).toBe(true);
    expect(boughtWithin(history, 11)).toBe(false);
  });

  it('ranks regular buyers above occasional above lapsed, and the probabilities follow the rates', () => {
    const histories = learners();
    const model = fitPropensity(histories, 60);
    const p = (id: string): number =>
      model.probability(
        histories.find((h) => h.id === id)!,
        60,
      )!;
    expect(p('regular-0')).toBeGreaterThan(0.9);
    expect(p('lapsed-0')).toBeLessThan(0.1);
    expect(p('occasional-3')).toBeGreaterThan(p('lapsed-0'));
    expect(p('occasional-3')).toBeLessThan(p('regular-0'));
  });

  it('refuses a history where nobody buys again', () => {
    expect(() => fitPropensity([{ id: 'a', weeks: [0], revenue: [1] }], 20)).toThrow(
      'propensity needs learners with purchases before its cuts',
    );
    expect(() => fitPropensity(learners(), 60, { cuts: 0 })).toThrow(
      new RangeError('Option cuts must be a positive integer, got 0'),
    );
  });
});
