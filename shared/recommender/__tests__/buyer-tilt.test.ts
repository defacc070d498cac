import { BUYER_TILT, tiltTowardBuyable } from '../platform/buyer-tilt';

describe('the buyer tilt of a list', () => {
  const candidates = [
    { courseId: 'free-a', score: 0.6 },
    { courseId: 'paid-b', score: 0.5 },
    { courseId: 'free-c', score: 0.45 },
    { courseId: 'paid-d', score: 0.3 },
    { courseId: 'paid-e', score: -0.1 },
    { courseId: 'free-f', score: -0.12 },
  ];
  const paid = new Set(['paid-b', 'paid-d', 'paid-e']);
  const order = (p: number, length = 6) => tiltTowardBuyable(candidates, p, paid, length).map((e) => e.courseId);

  it('leaves the model’s order to a learner who will not buy', () => {
    expect(order(0)).toEqual(['free-a', 'paid-b', 'free-c', 'paid-d', 'paid-e', 'free-f']);
  });

  it('moves a paid course ahead of a free one when score × (1 + 0.5 p) passes it (known answer)', () => {
    expect(BUYER_TILT).toBe(0.5);
    // p = 0.5: paid-b 0.5 × 1.25 = 0.625 > 0.6; paid-d 0.375 < 0.45.
    expect(order(0.5)).toEqual(['paid-b', 'free-a', 'free-c', 'paid-d', 'paid-e', 'free-f']);
    // p = 0.3: 0.5 × 1.15 = 0.575 < 0.6, nothing moves.
    expect(order(0.3)).toEqual(['free-a', 'paid-b', 'free-c', 'paid-d', 'paid-e', 'free-f']);
    // p = 1 (and above, capped): paid-d at 0.3 × 1.5 does not pass free-c's 0.45; a negative score is
    // not scaled (paid-e would fall behind free-f).
    expect(order(1)).toEqual(['paid-b', 'free-a', 'free-c', 'paid-d', 'paid-e', 'free-f']);
    expect(order(7)).toEqual(order(1));
  });

  it('keeps the model’s scores and cuts to the list length', () => {
    const list = tiltTowardBuyable(candidates, 1, paid, 2);
    expect(list).toEqual([
      { courseId: 'paid-b', score: 0.5 },
      { courseId: 'free-a', score: 0.6 },
    ]);
  });
});
