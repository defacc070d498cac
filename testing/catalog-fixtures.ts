import type { CourseDoc, LessonDoc } from '../shared/catalog/schema';

export function course(overrides: Partial<CourseDoc> = {}): CourseDoc {
  return {
    _id: 'py-101',
    status: 'published',
    title: 'Python 入门',
    subtitle: '从零写出第一个脚本',
    description: '面向零基础的 Python 课程。',
    category: 'python',
    tags: ['Python', '入门'],
    level: 'beginner',
    cover: 'cloud://env.bucket/covers/py-101.png',
    creator: { id: 'lin', name: '林老师', title: '后端工程师' },
    priceFen: 9900,
    lessonCount: 2,
    learnerCount: 12,
    rating: { avg: 4.5, count: 2, histogram: [0, 0, 0, 1, 1] },
    version: 3,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-02-01T00:00:00.000Z',
    publishedAt: '2024-01-02T00:00:00.000Z',
    ...overrides,
  };
}

export function lesson(overrides: Partial<LessonDoc> = {}): LessonDoc {
  return {
    _id: 'py-101-1',
    courseId: 'py-101',
    order: 1,
    title: '安装 Python',
    kind: 'video',
    durationSec: 300,
    free: true,
    media: 'cloud://env.bucket/media/py-101/1.mp4',
    updatedAt: '2024-02-01T00:00:00.000Z',
    ...overrides,
  };
}
