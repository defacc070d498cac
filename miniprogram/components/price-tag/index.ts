/**
 * A price (view/price.ts): the price in force and, while a limited-time price runs, the list price struck through,
 * the label and a countdown that updates each minute. When the countdown reaches the end it fires `promotionend`
 * (bubbling out of the components around it), and the page reads the price from the server again.
 */
import type { PromotionBrief } from '../../../shared/contract';
import { msLeft, nextTickMs, priceView } from '../../view/price';

const timers = new WeakMap<object, ReturnType<typeof setTimeout>>();

function stop(owner: object): void {
  const timer = timers.get(owner);
  if (timer !== undefined) clearTimeout(timer);
  timers.delete(owner);
}

Component({
  properties: {
    /** The list price, fen. */
    fen: { type: Number, value: 0 },
    /** A `PromotionBrief`, or null. */
    promotion: { type: Object, value: null as unknown as PromotionBrief },
    /** `normal` or `big`. */
    size: { type: String, value: 'normal' },
    /** `start` or `end`: which side the lines keep to. */
    align: { type: String, value: 'start' },
    /** Show the label and the countdown (the bottom bar shows the prices only). */
    countdown: { type: Boolean, value: true },
  },
  data: { view: priceView(0, null, 0) },
  observers: {
    'fen, promotion, countdown'(): void {
      this.refresh();
    },
  },
  lifetimes: {
    attached(): void {
      this.refresh();
    },
    detached(): void {
      stop(this);
    },
  },
  methods: {
    refresh(): void {
      stop(this);
      const promotion = (this.data.promotion as PromotionBrief | null) || null;
      const now = Date.now();
      const view = priceView(this.data.fen, promotion, now);
      this.setData({ view });
      if (!promotion || !view.sale || !this.data.countdown) return;
      const left = msLeft(promotion, now);
      if (left <= 0) return;
      timers.set(
        this,
        setTimeout(() => {
          this.refresh();
          if (msLeft(promotion, Date.now()) <= 0)
            this.triggerEvent('promotionend', {}, { bubbles: true, composed: true });
        }, nextTickMs(left)),
      );
    },
  },
});
