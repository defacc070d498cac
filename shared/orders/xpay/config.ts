/**
 * Where the virtual rail's configuration comes from. The non-secret part (AppID, OfferID, env, item prefix) is in
 * `settings/app` (`virtualPayment`), editable in the console. The secrets are function environment variables
 * (云开发控制台 → 云函数 → <function> → 函数配置 → 环境变量) of `order`, `orderSweep` and `xpayNotify`:
 * a database document is readable by everyone with console or database access, by every function, in every export
 * and backup, and one wrong security rule away from the client; an environment variable is none of these.
 */
import type { AppSettings } from '../../settings';
import type { PaymentRail } from '../rail';
import { weChatApi } from './client';
import { virtualRail } from './rail';

/** The names of the environment variables. */
export const XPAY_ENV_VARS = {
  /** The mini-program's AppSecret (jscode2session, access token). */
  appSecret: 'MP_APP_SECRET',
  /** 虚拟支付 → 基本配置 → 现网 AppKey (env 0). */
  appKey: 'XPAY_APP_KEY',
  /** 虚拟支付 → 基本配置 → 沙箱 AppKey (env 1). */
  sandboxAppKey: 'XPAY_SANDBOX_APP_KEY',
  /** Where the WeChat server APIs are; unset in a real environment (https://api.weixin.qq.com). */
  apiBaseUrl: 'WECHAT_API_BASE_URL',
} as const;

type Env = Record<string, string | undefined>;

/**
 * The virtual rail when settings and environment configure it, else undefined (the rail is then not offered and
 * `order.create` answers FAILED_PRECONDITION for it).
 */
export function configuredVirtualRail(settings: AppSettings, env: Env): PaymentRail | undefined {
  const { appId, offerId, env: payEnv, productIdPrefix } = settings.virtualPayment;
  const appSecret = env[XPAY_ENV_VARS.appSecret];
  const appKey = env[payEnv === 0 ? XPAY_ENV_VARS.appKey : XPAY_ENV_VARS.sandboxAppKey];
  if (!appId || !offerId || !appSecret || !appKey) return undefined;
  const baseUrl = env[XPAY_ENV_VARS.apiBaseUrl] || undefined;
  return virtualRail({
    api: weChatApi({ baseUrl, appId, appSecret }),
    offerId,
    env: payEnv,
    appKey,
    productIdPrefix,
  });
}
