/**
 * The result of a purchase attempt, above the buy bar: what is happening (creating, paying, confirming) or how it
 * ended (paid, cancelled, failed, still confirming, not allowed on iOS) and what the learner can do next (pay again,
 * check again, see the orders).
 */
Component({
  properties: {
    /** A `PurchasePhase` (flows/purchase.ts). */
    phase: { type: String, value: 'idle' },
    message: { type: String, value: '' },
    /** The order can still be paid after this attempt: offer 重新支付. */
    retryable: { type: Boolean, value: false },
  },
  methods: {
    onPayAgain(): void {
      this.triggerEvent('payagain');
    },
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
