import { drawWorld, runPolicy } from '../market';
import { estimatePriceResponse, type CourseCounters, type PriceObservation } from '../response';

/** Counters as the market would give them on average: paid = round(viewers × conversion), no noise. */
function exact(viewers: number, conversionAtRef: number, sensitivity: number, ref: number, prices: number[]) {
  return prices.map((priceFen): PriceObservation => {
    const paidOrders = Math.round(viewers * conversionAtRef * Math.exp(-sensitivity * (priceFen / ref - 1)));
    return { viewers, paidOrders, refunds: Math.round(paidOrders * 0.1), priceFen };
  });
}

function course(id: string, category: string, observations: PriceObservation[], ref = 4900): CourseCounters {
  return { courseId: id, category, referencePriceFen: ref, observations };
}

describe('price response', () => {
  it('recovers a known sensitivity and conversion from a large sample', () => {
    const prices = [2900, 3900, 4900, 6900, 3900, 4900, 2900, 6900];
    const [r] = estimatePriceResponse([course('big', 'python', exact(1_000_000, 0.04, 1.7, 4900, prices))]);
    expect(r!.sensitivity).toBeCloseTo(1.7, 3);
    expect(Math.exp(r!.logConversionAtRef)).toBeCloseTo(0.04, 4);
    expect(r!.sensitivitySd).toBeLessThan(0.01);
    expect(r!.refundRate).toBeCloseTo(0.1, 3);
    expect(r!.pricesSeen).toBe(4);
  });

  it('reports an sd that matches the spread of its estimates over repeated samples', () => {
    const market = {
      seed: 1,
      weeks: 8,
      ladderFen: [3900, 4900],
      courses: [
        {
          id: 'c',
          category: 'python',
          startPriceFen: 4900,
          refPriceFen: 4900,
          viewersPerWeek: 800,
          viewerGrowthPerWeek: 0,
          conversionAtRef: 0.05,
          sensitivity: 1.5,
          refundRate: 0.05,
        },
      ],
    };
    const estimates: number[] = [];
    const sds: number[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const [run] = runPolicy(drawWorld(market, seed * 7919), (week) => [week % 2 ? 3900 : 4900]);
      const [r] = estimatePriceResponse([course('c', 'python', run!.counters)], {
        pool: false,
        defaultSensitivitySd: 100,
      });
      estimates.push(r!.sensitivity);
      sds.push(r!.sensitivitySd);
    }
    const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
    const spread = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (estimates.length - 1));
    const reported = sds.reduce((a, b) => a + b, 0) / sds.length;
    expect(Math.abs(mean - 1.5)).toBeLessThan(0.1);
    // The Poisson likelihood is a little wider than the binomial's (× 1/√(1 − 5 %)): slightly above 1.
    expect(reported / spread).toBeGreaterThan(0.9);
    expect(reported / spread).toBeLessThan(1.15);
  });

  it('pulls a course with little data toward its category, and reports it less sure', () => {
    const category = ['a', 'b', 'c', 'd'].map((id) =>
      course(id, 'english', exact(5000, 0.05, 2.4, 4900, [4900, 4900, 3900, 3900, 6900, 6900])),
    );
    // One price only: the course alone cannot tell its sensitivity.
    const newcomer = course('new', 'english', exact(80, 0.05, 2.4, 4900, [4900, 4900]));
    const pooled = estimatePriceResponse([...category, newcomer]).find((r) => r.courseId === 'new')!;
    const alone = estimatePriceResponse([...category, newcomer], { pool: false }).find((r) => r.courseId === 'new')!;
    expect(pooled.prior.sensitivity).toBeCloseTo(2.4, 1);
    expect(Math.abs(pooled.sensitivity - 2.4)).toBeLessThan(0.05);
    // Unpooled it stays at the platform's default of 1, with the default's sd.
    expect(alone.sensitivity).toBeCloseTo(1, 2);
    expect(alone.sensitivitySd).toBeGreaterThan(0.95);
    const rich = estimatePriceResponse([...category, newcomer]).find((r) => r.courseId === 'a')!;
    expect(pooled.sensitivitySd).toBeGreaterThan(2 * rich.sensitivitySd);
  });

  it('lands between a course’s own evidence and its category when both have something to say', () => {
    const category = ['a', 'b', 'c'].map((id) =>
      course(id, 'math', exact(4000, 0.05, 1.0, 4900, [4900, 3900, 6900, 4900, 3900, 6900])),
    );
    const odd = course('odd', 'math', exact(150, 0.06, 3.0, 4900, [4900, 4900, 3900, 3900]));
    const all = [...category, odd];
    const pooled = estimatePriceResponse(all).find((r) => r.courseId === 'odd')!;
    const alone = estimatePriceResponse(all, { pool: false, defaultSensitivitySd: 100 }).find(
      (r) => r.courseId === 'odd',
    )!;
    expect(alone.sensitivity).toBeGreaterThan(2.5);
    expect(pooled.sensitivity).toBeLessThan(alone.sensitivity - 0.3);
    expect(pooled.sensitivity).toBeGreaterThan(pooled.prior.sensitivity);
  });

  it('keeps categories apart', () => {
    const steep = ['a', 'b'].map((id) => course(id, 'steep', exact(5000, 0.05, 3, 4900, [4900, 3900, 6900])));
    const flat = ['c', 'd'].map((id) => course(id, 'flat', exact(5000, 0.05, 0.5, 4900, [4900, 3900, 6900])));
    const fresh = [
      course('s', 'steep', exact(50, 0.05, 3, 4900, [4900])),
      course('f', 'flat', exact(50, 0.05, 0.5, 4900, [4900])),
    ];
    const r = estimatePriceResponse([...steep, ...flat, ...fresh]);
    expect(r.find((x) => x.courseId === 's')!.sensitivity).toBeGreaterThan(2.5);
    expect(r.find((x) => x.courseId === 'f')!.sensitivity).toBeLessThan(0.8);
  });

  it('refuses counters that are not counts, naming the course and field', () => {
    const bad = course('x', 'm', [{ viewers: 10, paidOrders: -1, refunds: 0, priceFen: 4900 }]);
    expect(() => estimatePriceResponse([bad])).toThrow('course x: paidOrders must be a count, got -1');
    expect(() => estimatePriceResponse([course('y', 'm', [], 0)])).toThrow('course y: referencePriceFen');
  });
});
