import { summaryOf } from '../../reviews/summary';
import {
  DEFAULT_PRIORS,
  catalogPriors,
  mostStoppedLesson,
  qualityOf,
  shrunkRate,
  type CatalogPriors,
  type QualityInputs,
} from '../quality';

const PRIORS: CatalogPriors = { ratingMean: 4.5, completionRate: 0.3, refundRate: 0.05, reportRate: 0.002 };
const nothing = (overrides: Partial<QualityInputs> = {}): QualityInputs => ({
  rating: summaryOf([0, 0, 0, 0, 0]),
  finished: 0,
  stopped: 0,
  paidOrders: 0,
  refunds: 0,
  learners: 0,
  courseReports: 0,
  reviewReports: 0,
  ...overrides,
});
const FUNCTIONS = { lessonId: 'py-101-3', order: 3, title: '函数', learners: 9 };

describe('qualityOf', () => {
  test('known answer: each component shrunk toward the catalog, scored and advised', () => {
    const quality = qualityOf(
      nothing({
        rating: summaryOf([0, 0, 2, 3, 5]),
        finished: 4,
        stopped: 16,
        stopLesson: FUNCTIONS,
        paidOrders: 30,
        refunds: 6,
        learners: 40,
        courseReports: 1,
        reviewReports: 3,
      }),
      PRIORS,
    );
    // (43 + 10 · 4.5) / 20 = 4.4 → (4.4 − 3) / 2 of 40 points; no advice above two thirds.
    expect(quality.rating).toEqual({ value: 4.4, points: 28, max: 40, avg: 4.3, count: 10, prior: 4.5 });
    // (4 + 10 · 0.3) / 30 = 0.2333 → 0.2333 / 0.6 of 30 points.
    expect(quality.completion).toEqual({
      value: 0.2333,
      points: 11.7,
      max: 30,
      finished: 4,
      stopped: 16,
      stopLesson: FUNCTIONS,
      advice: '第 3 课流失最多：9 位学员停在「函数」，看看这一课是否太难或太长',
    });
    // (6 + 10 · 0.05) / 40 = 0.1625 → 1 − 0.1625 / 0.3 of 20 points.
    expect(quality.refunds).toEqual({
      value: 0.1625,
      points: 9.2,
      max: 20,
      refunds: 6,
      paidOrders: 30,
      advice: '退款率偏高（6 / 30 单，平台 5%）：看看课程介绍是否与内容相符',
    });
    // (1 + 10 · 0.002) / 50 = 0.0204 → 1 − 0.0204 / 0.05 of 10 points; review reports are not scored.
    expect(quality.reports).toEqual({
      value: 0.0204,
      points: 5.9,
      max: 10,
      courseReports: 1,
      reviewReports: 3,
      learners: 40,
      advice: '被举报较多（1 次）：请检查举报理由并修改内容',
    });
    // 28 + 11.7 + 9.2 + 5.9 = 54.8; the advice costing the most points first.
    expect(quality.score).toBe(55);
    expect(quality.advice).toEqual([quality.completion.advice, quality.refunds.advice, quality.reports.advice]);
    expect(quality.priors).toBe(PRIORS);
  });

  test('a course with no data scores as the catalog does, with nothing of its own to improve', () => {
    const quality = qualityOf(nothing(), PRIORS);
    // 30 + 15 + 16.7 + 9.6
    expect([quality.rating, quality.completion, quality.refunds, quality.reports].map((c) => c.points)).toEqual([
      30, 15, 16.7, 9.6,
    ]);
    expect(quality.score).toBe(71);
    expect(quality.advice).toEqual([]);
    expect(quality.completion).not.toHaveProperty('stopLesson');
  });

  test('a course learners love, finish and keep scores near 100', () => {
    const quality = qualityOf(
      nothing({ rating: summaryOf([0, 0, 0, 0, 200]), finished: 100, paidOrders: 100, learners: 100 }),
      PRIORS,
    );
    // 39.5 + 30 + 19.7 + 10
    expect(quality.score).toBe(99);
    expect(quality.advice).toEqual([]);
  });

  test('a low rating and stopped learners without a known lesson are advised in words', () => {
    const quality = qualityOf(nothing({ rating: summaryOf([3, 1, 0, 0, 0]), stopped: 20 }), PRIORS);
    // (5 + 45) / 14 = 3.5714
    expect(quality.rating).toMatchObject({ value: 3.5714, points: 11.4 });
    expect(quality.advice).toEqual([
      '评分偏低（1.25 分，4 条评价）：看看低分评价说了什么',
      // (0 + 3) / 30
      '完课率偏低（10%）：看看学员停在了哪里',
    ]);
  });

  test('one 5★ review scores below 200 reviews averaging 4.8', () => {
    const one = qualityOf(nothing({ rating: summaryOf([0, 0, 0, 0, 1]) }), PRIORS);
    const proven = qualityOf(nothing({ rating: summaryOf([0, 0, 0, 40, 160]) }), PRIORS);
    expect(one.rating.points).toBeLessThan(proven.rating.points);
  });
});

describe('catalogPriors', () => {
  test('the catalog’s pooled rates, or typical ones before it has any evidence', () => {
    const a = nothing({ finished: 4, stopped: 16, paidOrders: 30, refunds: 6, learners: 40, courseReports: 1 });
    const b = nothing({ finished: 6, stopped: 4, paidOrders: 10, learners: 10 });
    expect(catalogPriors([a, b], 4.6)).toEqual({
      ratingMean: 4.6,
      completionRate: 0.3333,
      refundRate: 0.15,
      reportRate: 0.02,
    });
    expect(catalogPriors([nothing()], 4.7)).toEqual({ ratingMean: 4.7, ...DEFAULT_PRIORS });
  });

  test('shrunkRate adds 10 observations at the prior', () => {
    expect(shrunkRate(1, 2, 0.1)).toBe(0.1667);
    expect(shrunkRate(0, 0, 0.05)).toBe(0.05);
  });
});

describe('mostStoppedLesson', () => {
  test('the lesson most stopped learners stopped at; a tie goes to the earlier lesson', () => {
    const at = (order: number, learners: number) => ({ lessonId: `l${order}`, order, title: `第${order}课`, learners });
    expect(mostStoppedLesson([at(2, 3), at(5, 7), at(4, 7), at(1, 1)])).toEqual(at(4, 7));
    expect(mostStoppedLesson([])).toBeUndefined();
  });
});
