/**
 * WeChat's callback APIs, promisified once. Each wrapper looks `wx.<api>` up when it is called, not when this module
 * loads, so a test (or the browser preview) can install its own `wx` first.
 */

interface Callbacks<R> {
  success?: (result: R) => void;
  fail?: (error: WechatMiniprogram.GeneralCallbackResult) => void;
  complete?: unknown;
}

type SuccessOf<O> = O extends { success?: (result: infer R) => void } ? R : never;
type ParamsOf<O> = Omit<O, 'success' | 'fail' | 'complete'>;

/** The error a failed wx API rejects with: its `errMsg`, e.g. `requestPayment:fail cancel`. */
export class WxApiError extends Error {
  readonly name = 'WxApiError';

  constructor(readonly errMsg: string) {
    super(errMsg);
  }

  /** The learner closed the sheet or said no (payment sheet, privacy dialog, modal). */
  get cancelled(): boolean {
    return /cancel/i.test(this.errMsg);
  }
}

export function promisify<O extends object>(
  api: (options: O) => unknown,
): (params: ParamsOf<O>) => Promise<SuccessOf<O>> {
  return (params) =>
    new Promise((resolve, reject) => {
      const callbacks: Callbacks<SuccessOf<O>> = {
        success: resolve,
        fail: (error) => reject(new WxApiError(error?.errMsg ?? 'fail')),
      };
      api({ ...params, ...callbacks } as unknown as O);
    });
}

export const requestPayment = promisify((o: WechatMiniprogram.RequestPaymentOption) => wx.requestPayment(o));

/** A fresh login code (the virtual rail's server side exchanges it for the session key that signs the payment). */
export const login = promisify((o: WechatMiniprogram.LoginOption) => wx.login(o));

export const requestVirtualPayment = promisify((o: WechatMiniprogram.RequestVirtualPaymentOption) =>
  wx.requestVirtualPayment(o),
);

export const requirePrivacyAuthorize = promisify((o: WechatMiniprogram.RequirePrivacyAuthorizeOption) =>
  wx.requirePrivacyAuthorize(o),
);

export const getPrivacySetting = promisify((o: WechatMiniprogram.GetPrivacySettingOption) => wx.getPrivacySetting(o));

export const showModal = promisify((o: WechatMiniprogram.ShowModalOption) => wx.showModal(o));

/** Resolves with the tapped item's `tapIndex`; rejects with a cancelled `WxApiError` when the sheet is dismissed. */
export const showActionSheet = promisify((o: WechatMiniprogram.ShowActionSheetOption) => wx.showActionSheet(o));

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A short message at the centre of the screen; for outcomes that need no decision. */
export function toast(title: string, icon: 'success' | 'none' = 'none'): void {
  wx.showToast({ title, icon, duration: 2000 });
}
