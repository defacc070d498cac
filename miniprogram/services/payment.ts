/** The real dependencies of a purchase: the cloud, the device and WeChat's two payment sheets. */
import type { VirtualPayment, WxPayment } from '../../shared/contract';
import type { PurchaseDeps } from '../flows/purchase';
import { call } from './call';
import { currentPlatform } from './platform';
import { login, requestPayment, requestVirtualPayment, sleep } from './wx-api';

export function purchaseDeps(): PurchaseDeps {
  return {
    call,
    platform: currentPlatform,
    login: async () => (await login({})).code,
    requestPayment: (payment: WxPayment) =>
      requestPayment({ ...payment, signType: payment.signType as WechatMiniprogram.RequestPaymentOption['signType'] }),
    requestVirtualPayment: (payment: VirtualPayment) =>
      requestVirtualPayment({
        // The API documents signData as the JSON string the server signed; the typings model it as an object.
        signData: payment.signData as unknown as WechatMiniprogram.SignData,
        paySig: payment.paySig,
        signature: payment.signature,
        mode: payment.mode as WechatMiniprogram.RequestVirtualPaymentOption['mode'],
      }),
    sleep,
  };
}
