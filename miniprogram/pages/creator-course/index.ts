/** A course in the creator center: binds CreatorCourseStore; the price actions confirm with wx.showModal first. */
import { call } from '../../services/call';
import { navigate, queryParam } from '../../services/nav';
import { showModal, toast } from '../../services/wx-api';
import { CreatorCourseStore, initialCreatorCourse } from '../../stores/creator-course';
import { definePage } from '../../core/define-page';

definePage({
  initial: initialCreatorCourse(''),
  createStore: (query) =>
    new CreatorCourseStore(queryParam(query, 'courseId'), {
      call,
      confirm: async (title, content) => (await showModal({ title, content, confirmText: '确定' })).confirm,
      toast: (text) => toast(text),
    }),
  load() {
    void this.store.load();
  },
  methods: {
    onApplyAdvice(): void {
      void this.store.applyAdvice();
    },
    onPriceTest(): void {
      void this.store.togglePriceTest();
    },
    onPromotions(): void {
      const { courseId, title } = this.store.state;
      navigate('creator-promotions', { courseId, title });
    },
  },
});
