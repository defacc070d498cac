import { CourseCard, CourseDetail, validate } from '../../contract';
import { toCourseCard, toCourseDetail, lessonContentProblem } from '..';
import { course, lesson } from '../../../testing/catalog-fixtures';

const secrets = /cloud:\/\/env\.bucket\/media|SECRET BODY|tmp\.example|_openid/;

describe('projections', () => {
  const doc = { ...course(), _openid: 'o-admin', internalNote: 'x' };
  const lessons = [
    lesson({ _id: 'b', order: 2, kind: 'article', media: undefined, body: 'SECRET BODY', free: false }),
    { ...lesson({ _id: 'a', order: 1 }), tempUrl: 'https://tmp.example/a.mp4' },
  ];

  it('makes a card of exactly the public fields', () => {
    expect(toCourseCard(doc)).toEqual({
      id: 'py-101',
      title: 'Python 入门',
      subtitle: '从零写出第一个脚本',
      cover: 'cloud://env.bucket/covers/py-101.png',
      priceFen: 9900,
      category: 'python',
      tags: ['Python', '入门'],
      level: 'beginner',
      lessonCount: 2,
      rating: { avg: 4.5, count: 2 },
      learnerCount: 12,
      creatorName: '林老师',
    });
  });

  it('makes a detail with the outline in order and no media, temp URL or body', () => {
    const detail = toCourseDetail(doc, lessons);
    expect(detail.lessons).toEqual([
      { id: 'a', title: '安装 Python', kind: 'video', durationSec: 300, free: true },
      { id: 'b', title: '安装 Python', kind: 'article', durationSec: 300, free: false },
    ]);
    expect(detail.creator).toEqual({ id: 'lin', name: '林老师', title: '后端工程师' });
    expect(detail.rating.histogram).toEqual([0, 0, 0, 1, 1]);
    expect(JSON.stringify(detail)).not.toMatch(secrets);
    expect(JSON.stringify(toCourseCard(doc))).not.toMatch(secrets);
  });

  it('produces exactly the contract shapes', () => {
    expect(validate(CourseCard, toCourseCard(doc)).ok).toBe(true);
    expect(validate(CourseDetail, toCourseDetail(doc, lessons)).ok).toBe(true);
  });

  it('counts lessons from the outline it was given', () => {
    expect(toCourseDetail(course({ lessonCount: 9 }), [lesson()]).lessonCount).toBe(1);
  });
});

describe('lessonContentProblem', () => {
  it.each([
    [{ kind: 'video' as const, media: 'cloud://x' }, null],
    [{ kind: 'audio' as const }, 'media'],
    [{ kind: 'article' as const, body: '' }, null],
    [{ kind: 'article' as const, media: 'cloud://x' }, 'body'],
  ])('%j → %s', (l, expected) => expect(lessonContentProblem(l)).toBe(expected));
});
