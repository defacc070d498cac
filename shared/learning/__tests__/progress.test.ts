import fc from 'fast-check';
import {
  acceptReport,
  applyReport,
  percentOf,
  reachesCompletion,
  type CourseFacts,
  type CourseProgressDoc,
  type Report,
} from '../progress';

const facts: CourseFacts = { id: 'p1', openid: 'o1', courseId: 'c1', lessonCount: 3, enrolled: true };
const NOW = new Date('2024-05-01T08:00:00.000Z');
const T0 = NOW.getTime() - 3600_000;
const video = (lessonId: string, positionSec: number, at: number): Report => ({
  lessonId,
  kind: 'video',
  positionSec,
  durationSec: 100,
  at,
});

function run(reports: Report[]): CourseProgressDoc | null {
  let doc: CourseProgressDoc | null = null;
  for (const report of reports) doc = applyReport(doc, facts, report, NOW) ?? doc;
  return doc;
}

describe('applyReport', () => {
  test('resume is the latest report, furthest the maximum, completion at 90 % and kept', () => {
    const doc = run([video('l1', 50, T0), video('l1', 95, T0 + 1), video('l1', 10, T0 + 2)]);
    expect(doc?.lessons.l1).toEqual({ pos: 10, at: T0 + 2, max: 95, done: true });
    expect(doc).toMatchObject({ percent: 33, completedLessonIds: ['l1'], lastLessonId: 'l1', lastPositionSec: 10 });
  });

  test('89.9 % is not complete; an article needs its full length', () => {
    expect(reachesCompletion('video', 89.9, 100)).toBe(false);
    expect(reachesCompletion('audio', 90, 100)).toBe(true);
    expect(reachesCompletion('article', 99, 100)).toBe(false);
    expect(reachesCompletion('article', 100, 100)).toBe(true);
  });

  test('percent is rounded down, so 100 means every lesson', () => {
    expect(percentOf(2, 3)).toBe(66);
    expect(percentOf(3, 3)).toBe(100);
    expect(percentOf(1, 0)).toBe(0);
    expect(percentOf(5, 3)).toBe(100);
  });

  test('completedAt is stamped when the course is first finished', () => {
    const doc = run([video('l1', 95, T0), video('l2', 95, T0 + 1), video('l3', 95, T0 + 2), video('l3', 5, T0 + 3)]);
    expect(doc).toMatchObject({ percent: 100, completedAt: NOW.toISOString() });
  });

  test('a report that changes nothing gives null (no write)', () => {
    const doc = run([video('l1', 50, T0 + 5)]);
    expect(applyReport(doc, facts, video('l1', 50, T0 + 5), NOW)).toBeNull();
    expect(applyReport(doc, facts, video('l1', 40, T0 + 1), NOW)).toBeNull();
    expect(applyReport(doc, facts, video('l1', 60, T0 + 1), NOW)?.lessons.l1).toEqual({
      pos: 50,
      at: T0 + 5,
      max: 60,
      done: false,
    });
  });

  test('the outcome does not depend on the order reports arrive in', () => {
    const report = fc.record({
      lessonId: fc.constantFrom('l1', 'l2', 'l3'),
      positionSec: fc.integer({ min: 0, max: 100 }),
      at: fc.integer({ min: T0, max: T0 + 1000 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(report, { minLength: 1, maxLength: 12, selector: (r) => r.at }), (reports) => {
        const all = reports.map((r) => video(r.lessonId, r.positionSec, r.at));
        const forward = run(all);
        const backward = run([...all].reverse());
        const comparable = (doc: CourseProgressDoc | null) => ({
          ...doc,
          rev: 0,
          completedLessonIds: [...(doc?.completedLessonIds ?? [])].sort(),
        });
        expect(comparable(backward)).toEqual(comparable(forward));
      }),
    );
  });
});

describe('acceptReport', () => {
  const lesson = { kind: 'video' as const, durationSec: 600 };
  test('a time in the future counts as now; no time is now', () => {
    const base = { lessonId: 'l1', positionSec: 1, durationSec: 600 };
    expect(acceptReport({ ...base, reportedAt: NOW.getTime() + 60_000 }, lesson, NOW).at).toBe(NOW.getTime());
    expect(acceptReport(base, lesson, NOW).at).toBe(NOW.getTime());
    expect(acceptReport({ ...base, reportedAt: T0 }, lesson, NOW).at).toBe(T0);
  });

  test('the duration may differ by rounding (5 %), not more; the position may not pass it', () => {
    expect(() => acceptReport({ lessonId: 'l1', positionSec: 620, durationSec: 629 }, lesson, NOW)).not.toThrow();
    expect(() => acceptReport({ lessonId: 'l1', positionSec: 1, durationSec: 631 }, lesson, NOW)).toThrow(
      "durationSec must be about 600, the lesson's duration",
    );
    expect(() => acceptReport({ lessonId: 'l1', positionSec: 600.5, durationSec: 600 }, lesson, NOW)).toThrow(
      'positionSec must be <= durationSec',
    );
  });
});
