import { readCourse, readCourses, type SkippedCourse } from '..';
import { course } from '../../../testing/catalog-fixtures';

describe('readCourse', () => {
  it('accepts a valid course with fields this version does not know', () => {
    const raw = { ...course(), _openid: 'o-admin', legacyField: 1 };
    expect(readCourse(raw)).toEqual({ ok: true, course: raw });
  });

  it.each([
    [{ priceFen: '99' }, 'priceFen', 'priceFen must be an integer between 0 and 10000000'],
    [{ priceFen: 99.5 }, 'priceFen', 'priceFen must be an integer between 0 and 10000000'],
    [{ status: 'online' }, 'status', 'status must be one of draft, reviewing, published, rejected, archived'],
    [
      { rating: { avg: 4, count: 1, histogram: [1] } },
      'rating.histogram',
      'rating.histogram must have at least 5 items',
    ],
    [{ cover: 'https://x/y.png' }, 'cover', 'cover must be a cloud fileID (cloud://…)'],
    [{ updatedAt: '昨天' }, 'updatedAt', 'updatedAt must be an ISO-8601 date-time'],
  ])('reports %j at %s', (edit, path, message) => {
    expect(readCourse({ ...course(), ...edit })).toEqual({ ok: false, id: 'py-101', problems: [{ path, message }] });
  });

  it('reports a missing field and a document without an id', () => {
    const { title: _title, ...rest } = course();
    expect(readCourse(rest)).toMatchObject({ ok: false, problems: [{ path: 'title', message: 'title is required' }] });
    expect(readCourse({ title: 'x' })).toMatchObject({ ok: false, id: '(no _id)' });
    expect(readCourse(null)).toMatchObject({
      ok: false,
      id: '(no _id)',
      problems: [{ message: 'course must be an object' }],
    });
  });
});

describe('readCourses', () => {
  it('leaves bad courses out, keeps the order of the rest and reports each id and field', () => {
    const skipped: SkippedCourse[] = [];
    const raws = [course({ _id: 'a' }), { ...course({ _id: 'bad' }), lessonCount: -1 }, course({ _id: 'c' })];
    expect(readCourses(raws, (s) => skipped.push(s)).map((c) => c._id)).toEqual(['a', 'c']);
    expect(skipped).toEqual([
      { id: 'bad', fields: ['lessonCount'], message: 'course bad left out: lessonCount must be >= 0' },
    ]);
  });
});
