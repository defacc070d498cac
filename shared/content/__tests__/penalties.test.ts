import { namedCourses, penaltyOf, type PenaltyCourse } from '../penalties';

const courses: PenaltyCourse[] = [
  { _id: 'py-101', title: 'Python 入门', creator: { id: 'cr-a' } },
  { _id: 'go-201', title: 'Go 并发实战', creator: { id: 'cr-b' } },
  { _id: 'ai', title: 'AI', creator: { id: 'cr-c' } },
];

test('a page path names its course by courseId', () => {
  const doc = { illegalContent: '页面 pages/detail/index?courseId=go-201&from=share 中的内容' };
  expect(namedCourses(doc, courses).map((c) => c._id)).toEqual(['go-201']);
});

test('a path in detail counts too, and wins over a title also quoted', () => {
  const doc = { illegalContent: '《Python 入门》的封面', detail: { path: 'pages/detail/index?courseId=go-201' } };
  expect(namedCourses(doc, courses).map((c) => c._id)).toEqual(['go-201']);
});

test('without a path, a title quoted in what was punished; a title too short to say is ignored', () => {
  expect(namedCourses({ illegalContent: '课程《Python 入门》的封面图片' }, courses).map((c) => c._id)).toEqual([
    'py-101',
  ]);
  expect(namedCourses({ illegalContent: 'AI 生成的违规图片' }, courses)).toEqual([]);
  expect(namedCourses({ illegalContent: '首页横幅' }, courses)).toEqual([]);
});

test('a push starts with no course named', () => {
  expect(penaltyOf({ punish_id: 'p-9' }, 5)).toEqual({ _id: 'p-9', courseIds: [], creatorIds: [], receivedAt: 5 });
});
