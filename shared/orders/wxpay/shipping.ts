/**
 * 小程序发货信息管理: WeChat holds a mini-program payment's funds until the seller uploads shipping information.
 * A course is a virtual good: `logistics_type` 3, one unified delivery, no tracking number.
 */
import type { OrderDoc } from '../model';

export interface ShippingUploader {
  /** Resolves when accepted; rejects with the platform's reason otherwise. */
  upload(order: OrderDoc, itemDesc: string, at: Date): Promise<void>;
}

/** The order-shipping open API as wx-server-sdk's `cloud.openapi` exposes it (a non-zero errcode throws). */
export type UploadShippingInfo = (params: Record<string, unknown>) => Promise<unknown>;

/** RFC 3339 in UTC+8, as the API's examples write `upload_time`. */
export function rfc3339Beijing(time: Date): string {
  return `${new Date(time.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

export function openApiShipping(uploadShippingInfo: UploadShippingInfo): ShippingUploader {
  return {
    async upload(order, itemDesc, at) {
      await uploadShippingInfo({
        // By WeChat Pay transaction id, which identifies the payment without the merchant number.
        order_key: { order_number_type: 2, transaction_id: order.transactionId },
        logistics_type: 3,
        delivery_mode: 1,
        shipping_list: [{ item_desc: itemDesc }],
        upload_time: rfc3339Beijing(at),
        payer: { openid: order._openid },
      });
    },
  };
}
