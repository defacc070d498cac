import { estimateViewers, mergeSketches, sketchEntry, sketchOf, SKETCH_REGISTERS } from '../viewer-sketch';

const learners = (n: number, prefix = 'o') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test('a viewer always sets the same register to the same rank, inside the sketch', () => {
  const entry = sketchEntry('oLearner1');
  expect(sketchEntry('oLearner1')).toEqual(entry);
  for (const openid of learners(2000)) {
    const { register, rank } = sketchEntry(openid);
    expect(register).toBeGreaterThanOrEqual(0);
    expect(register).toBeLessThan(SKETCH_REGISTERS);
    expect(rank).toBeGreaterThanOrEqual(1);
    expect(rank).toBeLessThanOrEqual(33);
  }
});

test('known answers: nobody is 0, one viewer is 1, the same viewer again is still 1', () => {
  expect(estimateViewers({})).toBe(0);
  expect(estimateViewers(sketchOf(['oA']))).toBe(1);
  expect(estimateViewers(sketchOf(['oA', 'oA', 'oA']))).toBe(1);
  // Linear counting, by hand: 128 · ln(128 / 126) = 2.016 for two occupied registers.
  expect(estimateViewers({ 3: 1, 90: 2 })).toBe(2);
});

test.each([10, 100, 1000, 20_000])('%i distinct viewers are estimated within three standard errors', (n) => {
  const estimate = estimateViewers(sketchOf(learners(n)));
  // 1.04 / √128 ≈ 9.2 % above the linear-counting range; much tighter below it.
  expect(Math.abs(estimate - n)).toBeLessThanOrEqual(Math.max(1, 3 * 0.092 * n));
});

test('merged days count a viewer of both days once', () => {
  const monday = sketchOf(learners(300, 'oShared'));
  const tuesday = sketchOf([...learners(300, 'oShared'), ...learners(300, 'oNew')]);
  const both = estimateViewers(mergeSketches([monday, tuesday]));
  expect(both).toBe(estimateViewers(tuesday));
  expect(Math.abs(both - 600)).toBeLessThanOrEqual(3 * 0.092 * 600);
});
