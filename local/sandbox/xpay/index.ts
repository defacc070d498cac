/**
 * The 小程序虚拟支付 sandbox of the local cloud, in four files: the platform's records and the payment sheet
 * (./state.ts), the mimicked WeChat server APIs the functions call over HTTP (./platform-api.ts), the message pushes
 * to `xpayNotify` (./pushes.ts), and the developer endpoints `/sandbox/xpay/{login,pay,push}` (./developer-api.ts).
 * This file is the part that wires them: the sheet checks `paySig` (over `requestVirtualPayment&signData`, else
 * -15006) and the learner's `signature` (with their current session key, else -15005), records the payment and
 * pushes `xpay_goods_deliver_notify` any number of times.
 */
import { XPAY_ENV_VARS } from '../../../shared/orders/xpay/config';
import type { LocalCloud } from '../../cloud';
import type { FunctionHost } from '../../functions';
import type { CloudPart } from '../../parts';
import { serveXpayDeveloperApi } from './developer-api';
import { serveXpayPlatformApi } from './platform-api';
import { XpayPushes, type PushOutcome } from './pushes';
import {
  XpayState,
  type Json,
  type SheetPayment,
  type XpayPayOptions,
  type XpaySandboxOptions,
  type XpaySandboxOrder,
  type XpaySandboxRefund,
} from './state';

export { XPAY_PUSH_FUNCTION, XPAY_PUSH_SOURCE, type PushOutcome } from './pushes';
export {
  XPAY_SANDBOX_CONFIG,
  XpaySheetError,
  type SheetPayment,
  type XpayPayOptions,
  type XpaySandboxOptions,
  type XpaySandboxOrder,
  type XpaySandboxRefund,
} from './state';

/** The platform's records, and the pushes a payment or a refund sends. */
export class XpaySandbox extends XpayState {
  private readonly pushes: XpayPushes;

  constructor(host: FunctionHost, options: XpaySandboxOptions = {}) {
    super(options);
    this.pushes = new XpayPushes(host, this);
  }

  /** Every push and what the function answered, in order. */
  get pushLog(): readonly { event: Json; outcome: PushOutcome }[] {
    return this.pushes.pushLog;
  }

  /** The learner pays with what `order.create` returned: checked, recorded, then pushed `deliveries` times. */
  async pay(openid: string, payment: SheetPayment, options: XpayPayOptions = {}): Promise<PushOutcome[]> {
    const order = this.acceptPayment(openid, payment, options);
    if (!order) return [];
    return this.push(order.outTradeNo, { deliveries: options.deliveries, concurrent: options.concurrent });
  }

  /** Pushes the delivery of a paid order `deliveries` times (late or repeated pushes). */
  push(outTradeNo: string, options: { deliveries?: number; concurrent?: boolean } = {}): Promise<PushOutcome[]> {
    return this.pushes.push(outTradeNo, options);
  }

  /** The delivery push of a paid order; any event can be pushed with `deliver`, so tests can forge one. */
  deliverEvent(order: XpaySandboxOrder): Json {
    return this.pushes.deliverEvent(order);
  }

  /** Invokes the push function as the platform does. */
  deliver(event: Json): Promise<PushOutcome> {
    return this.pushes.deliver(event);
  }

  /** Apple's refund inquiry for an iOS order, and the function's answer. */
  iosRefundQuery(outTradeNo: string): Promise<{ outcome: PushOutcome }> {
    return this.pushes.iosRefundQuery(outTradeNo);
  }

  /** Waits for every push the sandbox started on its own (refund pushes). */
  idle(): Promise<void> {
    return this.pushes.idle();
  }

  protected pushRefund(refund: XpaySandboxRefund): void {
    this.pushes.pushRefund(refund);
  }
}

/**
 * The xpay sandbox part: its routes and, when `settings/app` has no `virtualPayment` section, that section (attach
 * the pay sandbox first: it only seeds an empty settings). Once the cloud listens, the secrets and the API base URL
 * become environment variables of this process (the functions read them there, as they read function environment
 * variables in the cloud), so one process serves one xpay sandbox.
 */
export function xpaySandboxPart(options: XpaySandboxOptions = {}): CloudPart<'xpay'> {
  return {
    name: 'xpay',
    attach(cloud) {
      const sandbox = new XpaySandbox(cloud.parts.get('functions'), options);
      serveXpayPlatformApi(cloud, sandbox);
      serveXpayDeveloperApi(cloud, sandbox);
      const db = cloud.parts.get('database');
      if (db.collectionNames().includes('settings')) {
        const [settings] = db.find('settings', { _id: 'app' });
        if (!settings?.virtualPayment) {
          const { appId, offerId, env } = sandbox.config;
          db.update(
            'settings',
            { _id: 'app' },
            { $set: { virtualPayment: { appId, offerId, env } } },
            { upsert: true, merge: true, multi: false },
          );
        }
      }
      return sandbox;
    },
    connect(cloud, sandbox) {
      const { config } = sandbox;
      Object.assign(process.env, {
        [XPAY_ENV_VARS.appSecret]: config.appSecret,
        [XPAY_ENV_VARS.appKey]: config.appKey,
        [XPAY_ENV_VARS.sandboxAppKey]: config.sandboxAppKey,
        [XPAY_ENV_VARS.apiBaseUrl]: `${cloud.url}/sandbox/xpay/api`,
      });
    },
  };
}

/** Attaches the xpay sandbox to a started cloud (tests of the product; `npm start` runs it from the start). */
export function attachXpaySandbox(cloud: LocalCloud, options: XpaySandboxOptions = {}): XpaySandbox {
  return cloud.parts.add(xpaySandboxPart(options));
}
