/** Five stars: a read-only rating, or (editable) the 1–5 input of the review editor, each star a 44 px target. */

export interface StarView {
  value: number;
  on: boolean;
}

function starsOf(value: number): StarView[] {
  return [1, 2, 3, 4, 5].map((n) => ({ value: n, on: n <= Math.round(value) }));
}

Component({
  properties: {
    value: { type: Number, value: 0 },
    editable: { type: Boolean, value: false },
  },
  data: { stars: starsOf(0) },
  observers: {
    value(value: number): void {
      this.setData({ stars: starsOf(value) });
    },
  },
  methods: {
    onTap(event: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { value: number }>): void {
      if (!this.data.editable) return;
      const value = Number(event.currentTarget.dataset.value);
      this.setData({ stars: starsOf(value) });
      this.triggerEvent('change', { value });
    },
  },
});
