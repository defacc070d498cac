/** 我的课程: every course the learner can open, with progress and its access; a tap resumes the last lesson. */
import { call } from '../../services/call';
import { navigate } from '../../services/nav';
import { definePage } from '../../core/define-page';
import { initialMyCourses, MyCoursesStore } from '../../stores/my-courses';

type ItemTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { index: number }>;

definePage({
  initial: initialMyCourses(),
  createStore: () => new MyCoursesStore({ call }),
  load() {
    void this.store.load();
  },
  onShow() {
    // A tab page stays alive: refresh progress each time it comes back.
    if (this.store.state.status === 'ready') void this.store.load(true);
  },
  methods: {
    onBrowse(): void {
      navigate('list');
    },
    onOpen(event: ItemTap): void {
      const item = this.store.state.items[event.currentTarget.dataset.index];
      if (!item) return;
      if (item.lessonId) navigate('lesson', { courseId: item.courseId, lessonId: item.lessonId });
      else navigate('detail', { courseId: item.courseId });
    },
    onDetail(event: ItemTap): void {
      const item = this.store.state.items[event.currentTarget.dataset.index];
      if (item) navigate('detail', { courseId: item.courseId });
    },
  },
});
