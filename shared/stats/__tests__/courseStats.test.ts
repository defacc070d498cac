import { course } from '../../../testing/catalog-fixtures';
import { courseStatsDoc, since, type GroupRow, type GroupedFigures } from '../courseStats';

const NOW = new Date('2024-05-08T00:00:00.000Z');
const rows = (row: Record<string, number>): Map<string, GroupRow> => new Map([['py-101', { _id: 'py-101', ...row }]]);
const none = (): Map<string, GroupRow> => new Map();

describe('courseStatsDoc', () => {
  test('a course with no activity has zeros, not NaN', () => {
    const groups: GroupedFigures = {
      grants: none(),
      orders: none(),
      progress: none(),
      reviews: none(),
      stops: none(),
      reports: none(),
    };
    const doc = courseStatsDoc(course(), groups, NOW);
    expect(doc).toMatchObject({ _id: 'py-101', creatorId: 'lin', learners: 0, completionRate: 0, avgProgress: 0 });
    expect(doc.last7.rating).toEqual({ avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] });
    expect(JSON.stringify(doc)).not.toContain('null');
    expect(doc.computedAt).toBe(NOW.toISOString());
  });

  test('learners who never studied count as 0 % in the all-time mean; rates stay within 0..1', () => {
    const groups: GroupedFigures = {
      grants: rows({ learners: 4, new_last7: 1, new_last30: 2 }),
      orders: none(),
      // The aggregates are separate reads: a purchase or refund between them can put completions above learners.
      progress: rows({ active: 2, percentActive: 150, completions: 5, active_last7: 1, percentActive_last7: 100 }),
      reviews: none(),
      stops: none(),
      reports: none(),
    };
    const doc = courseStatsDoc(course(), groups, NOW);
    expect(doc.avgProgress).toBe(37.5);
    expect(doc.completionRate).toBe(1);
    expect(doc.last7).toMatchObject({ learners: 1, activeLearners: 1, avgProgress: 100 });
  });

  test('stops: the stopped learners by first unfinished lesson, in course order, for the drop-off curve', () => {
    const lessons = [
      { lessonId: 'py-101-3', order: 3, title: '函数', learners: 2 },
      { lessonId: 'py-101-1', order: 1, title: '变量', learners: 5 },
      // Lessons removed since the learner stopped: no known lesson.
      { lessonId: null, order: null, title: null, learners: 1 },
    ];
    const groups: GroupedFigures = {
      grants: none(),
      orders: none(),
      progress: none(),
      reviews: none(),
      stops: new Map([['py-101', { _id: 'py-101', stopped: 8, lessons }]]),
      reports: none(),
    };
    expect(courseStatsDoc(course(), groups, NOW).stops).toEqual([
      { lessonId: 'py-101-1', order: 1, title: '变量', learners: 5 },
      { lessonId: 'py-101-3', order: 3, title: '函数', learners: 2 },
    ]);
    expect(courseStatsDoc(course({ _id: 'other' }), groups, NOW).stops).toEqual([]);
  });

  test('windows start the given number of days before now', () => {
    expect(since(NOW, 7)).toBe('2024-05-01T00:00:00.000Z');
  });
});
