/** 写评价 (`?courseId=&title=`): stars and text; after submitting, the moderation outcome is shown. */
import { call } from '../../services/call';
import { queryParam } from '../../services/nav';
import { definePage } from '../../core/define-page';
import { initialReview, ReviewStore } from '../../stores/review';

definePage({
  initial: initialReview(),
  createStore: (query) => new ReviewStore(queryParam(query, 'courseId'), queryParam(query, 'title'), { call }),
  load() {
    void this.store.load();
  },
  methods: {
    onRate(event: WechatMiniprogram.CustomEvent<{ value: number }>): void {
      this.store.setRating(event.detail.value);
    },
    onInput(event: WechatMiniprogram.TextareaInput): void {
      this.store.setText(event.detail.value);
    },
    onSubmit(): void {
      void this.store.submit();
    },
    onBack(): void {
      wx.navigateBack({ delta: 1 });
    },
  },
});
