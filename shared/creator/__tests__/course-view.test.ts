import {
  completionOf,
  funnelOf,
  historyFrom,
  insightsMissing,
  qualityView,
  weeklyHistory,
  type DailyRow,
} from '../course-view';
import { moderationView } from '../moderation-view';
import { qualityOf, type QualityInputs } from '../../stats/quality';

const day = (d: string, fields: Partial<DailyRow> = {}): DailyRow => ({
  day: d,
  week: '',
  detailViews: 0,
  freeLessonStarts: 0,
  checkouts: 0,
  ...fields,
});
const sales = (paid: number, refunds = 0) => ({
  paid,
  revenueFen: paid * 100,
  byPrice: {},
  refunds,
  refundedFen: refunds * 100,
});

describe('weeklyHistory', () => {
  test('26 Monday weeks ending with the week of `to`, days summed into their week, later days left out', () => {
    const to = '2026-03-04'; // a Wednesday
    expect(historyFrom(to)).toBe('2025-09-08');
    const weeks = weeklyHistory(
      [
        day('2026-03-02', { sales: sales(2), detailViews: 10, checkouts: 3 }),
        day('2026-03-04', { sales: sales(1, 1), detailViews: 5 }),
        day('2026-03-05', { sales: sales(7) }),
        day('2026-02-23', { sales: sales(4) }),
      ],
      to,
    );
    expect(weeks).toHaveLength(26);
    expect(weeks.at(-1)).toEqual({
      week: '2026-03-02',
      paidOrders: 3,
      revenueFen: 300,
      refunds: 1,
      refundedFen: 100,
      detailViews: 15,
      checkouts: 3,
    });
    expect(weeks.at(-2)).toMatchObject({ week: '2026-02-23', paidOrders: 4 });
    expect(weeks[0]).toMatchObject({ week: '2025-09-08', paidOrders: 0 });
  });
});

describe('funnelOf', () => {
  test('the 30 days ending with `to`: counters and folded sales, nothing outside', () => {
    const funnel = funnelOf(
      [
        day('2026-02-03', { detailViews: 4, freeLessonStarts: 2, checkouts: 1, sales: sales(1) }),
        day('2026-03-04', { detailViews: 6, checkouts: 2, sales: sales(2, 1) }),
        day('2026-02-02', { detailViews: 100 }),
        day('2026-03-05', { detailViews: 100 }),
      ],
      12,
      '2026-03-04',
    );
    expect(funnel).toEqual({
      from: '2026-02-03',
      to: '2026-03-04',
      impressions: 12,
      detailViews: 10,
      freeLessonStarts: 2,
      checkouts: 3,
      paid: 3,
      refunded: 1,
    });
  });
});

describe('completionOf', () => {
  const lessons = [
    { _id: 'l3', order: 3, title: 'C' },
    { _id: 'l1', order: 1, title: 'A' },
    { _id: 'l2', order: 2, title: 'B' },
  ];
  const stats = {
    learners: 10,
    completions: 2,
    completionRate: 0.2,
    avgProgress: 40,
    stops: [
      { lessonId: 'l1', order: 1, title: 'A', learners: 3 },
      { lessonId: 'l3', order: 3, title: 'C', learners: 1 },
    ],
  };

  test('every lesson in order: who stopped there, who got past it (finished, or stopped later)', () => {
    expect(completionOf(stats, lessons)).toEqual({
      learners: 10,
      completions: 2,
      completionRate: 0.2,
      avgProgress: 40,
      stopped: 4,
      dropOff: [
        { lessonId: 'l1', order: 1, title: 'A', stopped: 3, passed: 3 },
        { lessonId: 'l2', order: 2, title: 'B', stopped: 0, passed: 3 },
        { lessonId: 'l3', order: 3, title: 'C', stopped: 1, passed: 2 },
      ],
    });
  });

  test("a document written before stops were kept: the quality score's count, zeros per lesson", () => {
    const inputs: QualityInputs = {
      rating: { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] },
      finished: 2,
      stopped: 5,
      paidOrders: 0,
      refunds: 0,
      learners: 10,
      courseReports: 0,
      reviewReports: 0,
    };
    const quality = qualityOf(inputs, { ratingMean: 4, completionRate: 0.3, refundRate: 0.05, reportRate: 0 });
    const old = { ...stats, stops: undefined as unknown as [], quality };
    const completion = completionOf(old, lessons);
    expect(completion.stopped).toBe(5);
    expect(completion.dropOff.map((l) => [l.stopped, l.passed])).toEqual([
      [0, 2],
      [0, 2],
      [0, 2],
    ]);
    expect(qualityView(quality)?.components.completion).toEqual({
      value: quality.completion.value,
      points: quality.completion.points,
      max: 30,
      ...(quality.completion.advice ? { advice: quality.completion.advice } : {}),
    });
  });
});

describe('insightsMissing and moderationView', () => {
  test('why there is no insight', () => {
    expect(insightsMissing({ status: 'published', priceFen: 9900 }, {})).toBeNull();
    expect(insightsMissing({ status: 'published', priceFen: 0 }, null)).toBe('free');
    expect(insightsMissing({ status: 'reviewing', priceFen: 9900 }, null)).toBe('notPublished');
    expect(insightsMissing({ status: 'published', priceFen: 9900 }, null)).toBe('firstNight');
  });

  test("a closed course's own field first, else a revision not applied, else nothing", () => {
    const at = '2026-03-01T00:00:00.000Z';
    const own = { state: 'reviewing' as const, version: 1, reason: '等待视频审核', at };
    const revision = { state: 'rejected' as const, version: 3, field: 'cover', reason: '封面违规', updatedAt: at };
    expect(moderationView({ moderation: own }, revision)).toEqual(own);
    expect(moderationView({}, revision)).toEqual({
      state: 'rejected',
      version: 3,
      field: 'cover',
      reason: '封面违规',
      at,
    });
    expect(moderationView({}, { ...revision, state: 'applied' })).toBeNull();
    expect(moderationView({}, null)).toBeNull();
  });
});
