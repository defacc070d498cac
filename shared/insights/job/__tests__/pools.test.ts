import type { CourseWeekRow } from '../../data/weekly';
import { addToPools, type CategoryPools } from '../pools';

const row = (courseId: string, week: string, paid: number, detailViews = 0): CourseWeekRow => ({
  courseId,
  week,
  paid,
  detailViews,
  freeLessonStarts: 0,
  checkouts: 0,
  revenueFen: 0,
  refunds: 0,
  refundedFen: 0,
});

test('known answer: a category’s weekly sums, and the launch curve from each course’s first active week', () => {
  const pools: CategoryPools = {};
  const weeks = new Map([
    // a: launched 2026-11-02, sold 3, 0, 1; b: launched 2026-11-16 with two rows (two prices) that week.
    ['a', [row('a', '2026-11-02', 3, 40), row('a', '2026-11-16', 1, 10)]],
    ['b', [row('b', '2026-11-16', 2, 5), row('b', '2026-11-16', 1, 5)]],
  ]);
  addToPools(
    pools,
    [
      { _id: 'a', category: 'python' },
      { _id: 'b', category: 'python' },
      { _id: 'c', category: 'go' },
    ],
    weeks,
    '2026-11-23',
  );
  expect(pools.python?.weekly).toEqual({
    '2026-11-02': { paid: 3, detailViews: 40, courses: 1 },
    '2026-11-16': { paid: 4, detailViews: 20, courses: 2 },
  });
  // Week 0: a 3, b 3; week 1: a 0, b 0 (b's 2026-11-23 is observed, quiet); week 2: a 1; week 3: a 0.
  expect(pools.python?.launch).toEqual([
    { paid: 6, courses: 2 },
    { paid: 0, courses: 2 },
    { paid: 1, courses: 1 },
    { paid: 0, courses: 1 },
  ]);
  expect(pools.python?.courses).toBe(2);
  // A course with no activity yet is counted in its category but adds no launch weeks.
  expect(pools.go).toEqual({ weekly: {}, launch: [], courses: 1 });
});
