/**
 * The result of a purchase attempt, above the buy bar: what is happening (creating, paying, confirming) or how it
 * ended (paid, cancelled, failed, still confirming, not allowed on iOS) and what the learner can do next.
 */
Component({
  properties: {
    /** A `PurchasePhase` (stores/purchase.ts). */
    phase: { type: String, value: 'idle' },
    message: { type: String, value: '' },
  },
  methods: {
    onRecheck(): void {
      this.triggerEvent('recheck');
    },
    onClose(): void {
      this.triggerEvent('close');
    },
    onOrders(): void {
      this.triggerEvent('orders');
    },
  },
});
