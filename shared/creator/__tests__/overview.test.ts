import { course } from '../../../testing/catalog-fixtures';
import { creatorOverview, type CourseRowDoc } from '../overview';
import { replyOf, creatorReview } from '../reviews';
import type { ReviewDoc } from '../../reviews';

const figures = (revenueFen: number, refundsFen = 0) => ({
  learners: 1,
  paidOrders: revenueFen / 100,
  revenueFen,
  refunds: refundsFen / 100,
  refundsFen,
  netRevenueFen: revenueFen - refundsFen,
});

describe('creatorOverview', () => {
  const mine: CourseRowDoc[] = [course({ _id: 'a' }), course({ _id: 'b', status: 'reviewing', priceFen: 100 })];
  const theirs: CourseRowDoc[] = [course({ _id: 'x', creator: { id: 'wang', name: '王' } })];
  const stats = new Map([
    [
      'a',
      { _id: 'a', creatorId: 'lin', ...figures(500, 100), last30: figures(300), computedAt: '2026-03-02T00:00:00Z' },
    ],
    ['x', { _id: 'x', creatorId: 'wang', ...figures(9900), last30: figures(9900), computedAt: '2026-03-03T00:00:00Z' }],
  ]);
  const series = [
    { _id: { course: 'a', start: '2026-03-02' }, paidOrders: 1, revenueFen: 100 },
    { _id: { course: 'x', start: '2026-03-02' }, paidOrders: 9, revenueFen: 900 },
  ];

  test("only the creator's courses count: totals, last 30 days, series, rows", () => {
    const view = creatorOverview({ _id: 'lin', name: '林老师' }, [...mine, ...theirs], stats, new Map(), series, [
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(view.totals).toEqual(figures(500, 100));
    expect(view.last30).toEqual(figures(300));
    expect(view.series.map((p) => p.paidOrders)).toEqual([0, 1]);
    expect(view.courses.map((c) => c.id)).toEqual(['a', 'b']);
    // b has no nightly document yet: the live count, explicit nulls.
    expect(view.courses[1]).toMatchObject({ status: 'reviewing', learners: 12, revenueFen: null, qualityScore: null });
    expect(view).toMatchObject({ pendingFirstNight: false, computedAt: '2026-03-02T00:00:00Z' });
  });

  test('a creator with no course and no creators document: its id as its name, zeros, pending', () => {
    const view = creatorOverview({ _id: 'new' }, mine, stats, new Map(), [], ['2026-03-01']);
    expect(view).toMatchObject({ creator: { id: 'new', name: 'new' }, courses: [], pendingFirstNight: true });
    expect(view.totals.revenueFen).toBe(0);
  });
});

describe('a reply and the creator view of a review', () => {
  const now = '2026-03-02T00:00:00.000Z';
  const lin = { creator: { id: 'lin', name: '林老师' } };

  test('pass is visible, unsure and unavailable wait; the first time stays across edits', () => {
    expect(replyOf('谢谢', { outcome: 'pass' }, lin, undefined, now)).toMatchObject({
      status: 'visible',
      creatorId: 'lin',
      creatorName: '林老师',
      createdAt: now,
    });
    expect(replyOf('x', { outcome: 'review', label: 10001 }, lin, undefined, now).status).toBe('pending');
    const previous = replyOf('x', { outcome: 'unavailable' }, lin, undefined, '2026-01-01T00:00:00.000Z');
    expect(previous.status).toBe('pending');
    expect(replyOf('y', { outcome: 'pass' }, lin, previous, now)).toMatchObject({
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: now,
    });
  });

  test('the creator sees the check, the reports and a pending reply; no openid', () => {
    const doc: ReviewDoc = {
      _id: 'r1',
      _openid: 'o-author',
      courseId: 'a',
      rating: 2,
      text: '一般',
      status: 'hidden',
      counted: null,
      author: '学员 AB12',
      moderation: { outcome: 'pass', checkedAt: now },
      reports: { count: 3, reasons: { ad: 2, other: 1 }, hiddenAt: now },
      reply: replyOf('感谢反馈', { outcome: 'review' }, lin, undefined, now),
      createdAt: now,
      updatedAt: now,
    };
    const view = creatorReview(doc, '课程 A');
    expect(view).toMatchObject({
      courseTitle: '课程 A',
      check: 'pass',
      reports: { count: 3, reasons: { ad: 2, other: 1 }, hiddenAt: now },
      reply: { text: '感谢反馈', status: 'pending', check: 'review' },
    });
    expect(JSON.stringify(view)).not.toContain('o-author');
  });
});
