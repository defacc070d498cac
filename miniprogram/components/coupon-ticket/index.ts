/**
 * A coupon as a ticket: its figure on the left, its name, what it applies to, its window and an extra line, and the
 * slot on the right for what the page offers (领取, a status). `dim` greys out a used or expired one.
 */
import type { CouponFace } from '../../view/coupon';

Component({
  properties: {
    /** A `CouponFace` (view/coupon.ts). */
    coupon: { type: Object, value: {} as CouponFace },
    /** A line under the window, e.g. `剩余 12 张`. */
    extra: { type: String, value: '' },
    dim: { type: Boolean, value: false },
  },
});
