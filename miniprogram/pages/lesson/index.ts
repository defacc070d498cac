/** 学习 (`?courseId=&lessonId=`): binds LessonStore; player events are forwarded, leaving reports progress. */
import { call } from '../../services/call';
import { navigate, queryParam, redirect } from '../../services/nav';
import { LessonStore, initialLesson } from '../../stores/lesson';
import { definePage } from '../../core/define-page';

type VideoEvent = WechatMiniprogram.CustomEvent<{ currentTime: number; duration: number }>;

definePage({
  initial: initialLesson(),
  createStore: (query) =>
    new LessonStore(queryParam(query, 'courseId'), queryParam(query, 'lessonId'), {
      call,
      now: () => Date.now(),
      createAudio: () => wx.createInnerAudioContext(),
    }),
  load() {
    void this.store.load();
  },
  onShow() {
    if (this.store.state.kind === 'article') this.store.startReading();
  },
  onHide() {
    void this.store.flush();
  },
  onUnload() {
    void this.store.leave();
  },
  methods: {
    onCourse(): void {
      navigate('detail', { courseId: this.store.state.courseId });
    },
    onTimeUpdate(event: VideoEvent): void {
      this.store.onTime(event.detail.currentTime);
    },
    onPause(): void {
      void this.store.flush();
    },
    onEnded(): void {
      this.store.onEnded();
    },
    onMediaError(): void {
      void this.store.refreshMedia(this.store.state.resumeSec);
    },
    onToggleAudio(): void {
      this.store.toggleAudio();
    },
    onBack15(): void {
      this.store.seekAudio(-15);
    },
    onForward15(): void {
      this.store.seekAudio(15);
    },
    onFinishReading(): void {
      void this.store.finishReading();
    },
    async onNext(): Promise<void> {
      const { courseId, nextLessonId, nextLocked } = this.store.state;
      if (!nextLessonId) return;
      if (nextLocked) {
        navigate('detail', { courseId });
        return;
      }
      await this.store.flush();
      redirect('lesson', { courseId, lessonId: nextLessonId });
    },
  },
});
