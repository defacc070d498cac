/** 首页: binds HomeStore; search, categories and continue-learning taps navigate. */
import { call } from '../../services/call';
import { navigate } from '../../services/nav';
import { HomeStore, initialHome } from '../../stores/home';
import { definePage } from '../../core/define-page';

type IdTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;

definePage({
  initial: initialHome(),
  createStore: () => new HomeStore({ call }),
  load() {
    void this.store.load();
  },
  methods: {
    /** A limited-time price on a card ended: the cards as the server prices them now. */
    onPromotionEnd(): void {
      void this.store.load();
    },
    onSearch(): void {
      navigate('list');
    },
    onCategory(event: IdTap): void {
      navigate('list', { category: event.currentTarget.dataset.id });
    },
    onBundles(): void {
      navigate('bundles');
    },
    onMore(): void {
      navigate('list');
    },
    onContinue(): void {
      const item = this.store.state.continueItem;
      if (item) navigate('lesson', { courseId: item.courseId, lessonId: item.lessonId });
    },
  },
});
