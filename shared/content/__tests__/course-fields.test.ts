import { creatorMediaFields, creatorTextFields } from '../course-fields';

const course = {
  title: '摄影入门',
  subtitle: '',
  description: '从零开始',
  tags: ['摄影', '入门'],
  cover: 'cloud://env.b/covers/c.png',
  creator: { name: '王老师' },
};
const lessons = [
  {
    title: '构图',
    kind: 'article' as const,
    body: '看图 ![示例](cloud://env.b/a/1.png) 和 ![](<cloud://env.b/a/2.jpg> "二")',
  },
  { title: '用光', kind: 'audio' as const, media: 'cloud://env.b/l/2.mp3' },
  { title: '实拍', kind: 'video' as const, media: 'cloud://env.b/l/3.mp4' },
];

test('every non-empty text a creator wrote, by path', () => {
  expect(creatorTextFields(course, lessons).map((f) => f.path)).toEqual([
    'title',
    'description',
    'tags[0]',
    'tags[1]',
    'creator.name',
    'lessons[0].title',
    'lessons[0].body',
    'lessons[1].title',
    'lessons[2].title',
  ]);
});

test('the cover, audio lessons and body images are media to check; video lessons are listed apart', () => {
  expect(creatorMediaFields(course, lessons)).toEqual({
    media: [
      { path: 'cover', fileId: 'cloud://env.b/covers/c.png', mediaType: 2 },
      { path: 'lessons[0].body.images[0]', fileId: 'cloud://env.b/a/1.png', mediaType: 2 },
      { path: 'lessons[0].body.images[1]', fileId: 'cloud://env.b/a/2.jpg', mediaType: 2 },
      { path: 'lessons[1].media', fileId: 'cloud://env.b/l/2.mp3', mediaType: 1 },
    ],
    videos: [{ path: 'lessons[2].media', fileId: 'cloud://env.b/l/3.mp4' }],
  });
});
