/**
 * A course in a list: cover, title, subtitle, meta line, rating and price (`price-tag`, with a running promotion);
 * tapping opens the course. Each card shown counts as an impression of its course (services/impressions.ts).
 */
import { impressions } from '../../services/impressions';
import { navigate } from '../../services/nav';
import type { CardView } from '../../view/format';

Component({
  properties: {
    /** A `CardView` (view/format.ts). */
    course: { type: Object, value: {} as CardView },
    /** A line under the title instead of the subtitle, e.g. the reason of a recommendation. */
    reason: { type: String, value: '' },
    /** `row` (cover left) or `grid` (cover on top, two per line). */
    layout: { type: String, value: 'row' },
  },
  lifetimes: {
    attached(): void {
      impressions.seen((this.data.course as CardView).id);
    },
  },
  methods: {
    onTap(): void {
      const course = this.data.course as CardView;
      if (course.id) navigate('detail', { courseId: course.id });
    },
  },
});
