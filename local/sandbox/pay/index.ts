/**
 * The WeChat Pay sandbox of the local cloud, in four files: the trade records (./state.ts), the platform's cloudPay
 * and shipping APIs over them (./platform-api.ts), the result callback (./callbacks.ts), and the developer endpoint
 * `POST /sandbox/pay` (./developer-api.ts). This file is the part that wires them.
 *
 * Platform faults: `openApisOf(cloud).payApi.setFault(name, { unavailable, delayMs })` (and `.openApi` for the
 * shipping upload). Modelled behaviour worth knowing:
 * - time_expire is recorded but not enforced: a trade can be paid until it is closed, which is what makes "paid after
 *   our expiry" testable;
 * - refunds settle at once unless `refunds: 'manual'` (then `settleRefunds()`).
 */
import type { LocalCloud } from '../../cloud';
import type { FunctionHost } from '../../functions';
import type { CloudPart } from '../../parts';
import { callbackEvent, deliverCallback, type DeliveryOutcome } from './callbacks';
import { servePayDeveloperApi } from './developer-api';
import { servePayPlatformApi } from './platform-api';
import { PayState, SANDBOX_MCH_ID, type PayOptions, type PaySandboxOptions, type SandboxTrade } from './state';

export { PAY_CALLBACK_SOURCE, type DeliveryOutcome } from './callbacks';
export { SHIPPING_API } from './platform-api';
export {
  SANDBOX_MCH_ID,
  type PayOptions,
  type PaySandboxOptions,
  type SandboxRefund,
  type SandboxTrade,
  type SandboxTradeState,
  type ShippingUpload,
} from './state';

/** The sandbox's records, and what the learner and the platform do with them. */
export class PaySandbox extends PayState {
  constructor(
    private readonly host: FunctionHost,
    options: PaySandboxOptions = {},
  ) {
    super(options);
  }

  /** The learner pays (or fails to): the trade's state changes, then the callback is delivered. */
  async pay(outTradeNo: string, options: PayOptions = {}): Promise<DeliveryOutcome[]> {
    const trade = this.settlePayment(outTradeNo, options);
    const deliveries = options.deliveries ?? 1;
    if (options.concurrent) {
      return Promise.all(
        Array.from({ length: deliveries }, () => this.deliver(trade.functionName, this.callbackEvent(trade))),
      );
    }
    const outcomes: DeliveryOutcome[] = [];
    for (let i = 0; i < deliveries; i += 1)
      outcomes.push(await this.deliver(trade.functionName, this.callbackEvent(trade)));
    return outcomes;
  }

  /** The camelCase WeChat Pay v2 result event for the trade as it stands. */
  callbackEvent(trade: SandboxTrade): Record<string, unknown> {
    return callbackEvent(trade);
  }

  /** Invokes the callback function as the platform does; any event, so tests can forge one. */
  deliver(functionName: string, event: Record<string, unknown>): Promise<DeliveryOutcome> {
    return deliverCallback(this.host, functionName, event);
  }
}

/**
 * The pay sandbox part: the platform's APIs on the cloud's open-API transports, `POST /sandbox/pay`, and
 * `settings/app` seeded with the sandbox merchant when the database has no settings yet.
 */
export function paySandboxPart(options: PaySandboxOptions = {}): CloudPart<'pay'> {
  return {
    name: 'pay',
    attach(cloud) {
      const host = cloud.parts.get('functions');
      const db = cloud.parts.get('database');
      const sandbox = new PaySandbox(host, options);
      servePayPlatformApi(cloud.parts.get('openApi'), sandbox, host);
      servePayDeveloperApi(cloud, sandbox, db);
      if (db.collectionNames().includes('settings') && db.find('settings', { _id: 'app' }).length === 0) {
        db.insert('settings', [{ _id: 'app', subMchId: SANDBOX_MCH_ID }]);
      }
      return sandbox;
    },
  };
}

/** Attaches the pay sandbox to a started cloud (tests of the product; `npm start` runs it from the start). */
export function attachPaySandbox(cloud: LocalCloud, options: PaySandboxOptions = {}): PaySandbox {
  return cloud.parts.add(paySandboxPart(options));
}
