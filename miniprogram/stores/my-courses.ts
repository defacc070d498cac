/** 我的课程: the learner's courses with their progress, where their access comes from and where to continue. */
import type { AccessVia } from '../../shared/contract';
import type { call } from '../services/call';
import { messageOf } from '../services/call';
import { dateTimeText } from '../view/format';
import { accessText } from '../view/access';
import type { LoadStatus } from '../core/store';
import { Store } from '../core/store';

export interface MyCourseView {
  courseId: string;
  title: string;
  cover: string;
  percent: number;
  lessonId: string;
  updatedAt: string;
  /** `已购买`, `免费`, `兑换`, `会员·至 2025-05-01`, `专栏`, `机构`. */
  access: string;
  via: AccessVia;
}

export interface MyCoursesState {
  status: LoadStatus;
  error: string;
  items: MyCourseView[];
}

export function initialMyCourses(): MyCoursesState {
  return { status: 'loading', error: '', items: [] };
}

export class MyCoursesStore extends Store<MyCoursesState> {
  constructor(private readonly deps: { call: typeof call }) {
    super(initialMyCourses());
  }

  async load(quiet = false): Promise<void> {
    if (!quiet) this.update({ status: 'loading', error: '' });
    try {
      const { items } = await this.deps.call('learning', { action: 'myCourses' });
      this.update({
        status: items.length ? 'ready' : 'empty',
        error: '',
        items: items.map((item) => ({
          courseId: item.course.id,
          title: item.course.title,
          cover: item.course.cover,
          percent: item.percent,
          lessonId: item.lastLessonId ?? '',
          // Never studied: the date is the enrollment's.
          updatedAt: `${item.lastLessonId ? '最近学习' : '加入于'} ${dateTimeText(item.updatedAt).slice(0, 10)}`,
          access: accessText(item.access),
          via: item.access.via,
        })),
      });
    } catch (error) {
      if (!quiet || this.state.status !== 'ready') this.update({ status: 'error', error: messageOf(error) });
    }
  }
}
