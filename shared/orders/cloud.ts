/**
 * Builds the orders domain's dependencies from wx-server-sdk inside a cloud function: the database, cloudPay as the
 * `wxpay` rail (callbacks to `payNotify` in this environment, shipping through the order-shipping open API), the
 * `virtual` rail when it is configured (xpay/config.ts), the settings document, the real clock and crypto randomness.
 */
import { randomBytes } from 'node:crypto';
import type * as WxServerSdk from 'wx-server-sdk';
import { AppError } from '../contract';
import { recordEnrollment, recordRefund } from '../recommender/signals';
import { readSettings } from '../settings';
import { wxPayRail, type CloudPayApi } from './wxpay/rail';
import type { OrderDeps } from './deps';
import { openApiShipping, type UploadShippingInfo } from './wxpay/shipping';
import { configuredVirtualRail } from './xpay/config';

/** The function the platform delivers cloudPay results to. */
export const PAY_CALLBACK_FUNCTION = 'payNotify';

type Sdk = typeof WxServerSdk;

/** wx-server-sdk declares neither `cloudPay` nor the nested open-API namespaces. */
interface UntypedApis {
  cloudPay: CloudPayApi;
  openapi: { wxa: { sec: { order: { uploadShippingInfo: UploadShippingInfo } } } };
}

export async function cloudOrderDeps(sdk: Sdk, envId: string | undefined): Promise<OrderDeps> {
  // Without the full environment id the platform never calls back; refuse rather than take money blindly.
  if (!envId) throw new AppError('UNAVAILABLE', '云环境信息缺失，请稍后再试');
  const db = sdk.database();
  const apis = sdk as unknown as UntypedApis;
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  const settings = await readSettings(db);
  return {
    db,
    settings,
    rails: {
      wxpay: wxPayRail({
        cloudPay: apis.cloudPay,
        merchantId: settings.subMchId,
        envId,
        callbackFunction: PAY_CALLBACK_FUNCTION,
        nonce: () => hex(16),
        shipping: openApiShipping((params) => apis.openapi.wxa.sec.order.uploadShippingInfo(params)),
      }),
      virtual: configuredVirtualRail(settings, process.env),
    },
    clock: () => new Date(),
    randomHex: hex,
    signals: {
      enrolled: (openid, signal, at) => recordEnrollment(db, openid, signal, at),
      refunded: (openid, courseId, at) => recordRefund(db, openid, { courseId }, at),
    },
  };
}
