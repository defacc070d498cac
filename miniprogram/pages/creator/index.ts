/** 创作者中心: binds CreatorStore; a course row opens its screen. */
import type { OverviewPeriod } from '../../../shared/contract';
import { call } from '../../services/call';
import { navigate } from '../../services/nav';
import { CreatorStore, initialCreator } from '../../stores/creator';
import { definePage } from '../../core/define-page';

type KeyTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { key: string }>;
type CourseTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;

definePage({
  initial: initialCreator(),
  createStore: () => new CreatorStore({ call }),
  load() {
    void this.store.load();
  },
  methods: {
    onPeriod(event: KeyTap): void {
      void this.store.switchPeriod(event.currentTarget.dataset.key as OverviewPeriod);
    },
    onCreator(event: KeyTap): void {
      this.store.switchCreator(event.currentTarget.dataset.key);
    },
    onCourse(event: CourseTap): void {
      navigate('creator-course', { courseId: event.currentTarget.dataset.id });
    },
    onReviews(): void {
      navigate('creator-reviews', {});
    },
  },
});
