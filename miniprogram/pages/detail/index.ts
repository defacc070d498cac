/**
 * 课程详情 (`?courseId=`): binds CourseStore; buying (through the bill), claiming coupons, opening lessons, writing
 * a review and 举报 (a review or the course, with a reason from the action sheet) are forwarded to it.
 */
import { call } from '../../services/call';
import { navigate, queryParam } from '../../services/nav';
import { purchaseDeps } from '../../services/payment';
import { toast } from '../../services/wx-api';
import { CourseStore, initialCourse } from '../../stores/detail';
import { saleEvents } from '../../flows/sale-events';
import { pickReportReason } from '../../flows/report';
import { definePage } from '../../core/define-page';

type LessonTap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>;
type ReviewTap = LessonTap;

definePage({
  initial: initialCourse(),
  createStore: (query) => new CourseStore(queryParam(query, 'courseId'), { call, purchase: purchaseDeps() }),
  load() {
    void this.store.load();
  },
  onShow() {
    // Back from a lesson, the review editor or 领券: refresh progress, reviews and coupons without a spinner.
    if (this.store.state.status === 'ready') void this.store.load(true);
  },
  methods: {
    ...saleEvents,
    onMainAction(): void {
      const { action, course, resumeLessonId } = this.store.state;
      if (!course) return;
      if (action.kind === 'learn') navigate('lesson', { courseId: course.id, lessonId: resumeLessonId });
      else if (action.kind === 'buy' || action.kind === 'enroll') void this.store.buy();
    },
    /** A membership opens the course for a while; buying it keeps it for good. */
    onBuyForever(): void {
      void this.store.buy();
    },
    onCoupons(): void {
      const { course } = this.store.state;
      if (course) navigate('coupons', { courseId: course.id });
    },
    onLessonTap(event: LessonTap): void {
      const { course } = this.store.state;
      const lessonId = event.currentTarget.dataset.id;
      if (!course) return;
      if (this.store.canOpen(lessonId)) navigate('lesson', { courseId: course.id, lessonId });
      else toast('购买课程后即可学习本节');
    },
    onWriteReview(): void {
      const { course } = this.store.state;
      if (course) navigate('review', { courseId: course.id, title: course.title });
    },
    async onReportReview(event: ReviewTap): Promise<void> {
      const reason = await pickReportReason();
      if (reason) toast(await this.store.report(reason, event.currentTarget.dataset.id));
    },
    async onReportCourse(): Promise<void> {
      const reason = await pickReportReason();
      if (reason) toast(await this.store.report(reason));
    },
    onBrowse(): void {
      navigate('list');
    },
  },
});
