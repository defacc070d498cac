/**
 * The product's editable configuration: one document `settings/app`, edited in the CloudBase console (数据库 →
 * settings → app). Every field is optional in the document; what is absent takes the default below. A document that
 * does not validate stops payments (with the problems logged) rather than selling at a guessed configuration.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AppError, Line, PAY_RAILS, StringEnum, validate, type Problem } from '../contract';
import type { Database } from '../db';
import { COLLECTIONS } from '../collections';

export const SETTINGS_DOC_ID = 'app';

export const AppSettings = Type.Object(
  {
    /** The WeChat Pay merchant number (商户号) cloudPay orders are made for; empty = paid courses cannot be sold. */
    subMchId: Type.String({ pattern: '^[0-9]{0,32}$', description: 'a merchant number of digits' }),
    /** The rail `order.create` uses when the client names none (iOS clients always ask for `virtual`). @default 'wxpay' */
    payRail: StringEnum(PAY_RAILS),
    /**
     * 小程序虚拟支付. Only what is not secret lives here: the AppSecret and the AppKeys are function environment
     * variables (see shared/orders/xpay/config.ts), never in the database. The rail is offered once `appId` and
     * `offerId` are set and the secrets are present.
     */
    virtualPayment: Type.Object(
      {
        /** The mini-program's AppID (jscode2session and the access token need it). @default '' */
        appId: Type.String({ pattern: '^(wx[0-9A-Za-z]{16})?$', description: 'an AppID like wx0123456789abcdef' }),
        /** 虚拟支付 → 基本配置 → 支付应用 ID (OfferID). @default '' */
        offerId: Type.String({ pattern: '^[0-9]{0,20}$', description: 'an OfferID of digits' }),
        /** 0 = 现网 (real money), 1 = 沙箱. Selects which AppKey signs. @default 0 */
        env: Type.Union([Type.Literal(0), Type.Literal(1)]),
        /** Item (道具) ids are this prefix plus the course id, e.g. `course_py101`. @default 'course_' */
        productIdPrefix: Type.String({ pattern: '^[0-9A-Za-z_-]{0,20}$' }),
        /**
         * The items registered besides each course at its list price: a bundle, and every discounted price
         * (`npm run promo -- virtual-items` prints them). A sale with no item here at exactly its price is refused.
         */
        items: Type.Optional(
          Type.Array(
            Type.Object(
              {
                productId: Type.String({ pattern: '^[0-9A-Za-z_-]{1,64}$' }),
                priceFen: Type.Integer({ minimum: 100 }),
              },
              { additionalProperties: false },
            ),
            { maxItems: 2000 },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    /** How long a pending order can be paid (the platform's prepay id lives 2 h). @default 30 */
    orderLifetimeMinutes: Type.Integer({ minimum: 5, maximum: 120 }),
    /** The timer asks the platform about pending orders created this recently. @default 180 */
    reconcileWindowMinutes: Type.Integer({ minimum: 5, maximum: 2880 }),
    refund: Type.Object(
      {
        /** Days after payment a learner may ask for a refund. @default 7 */
        windowDays: Type.Integer({ minimum: 0, maximum: 365 }),
        /** A refund is refused once course progress reaches this percent. @default 20 */
        maxProgressPercent: Type.Integer({ minimum: 0, maximum: 100 }),
      },
      { additionalProperties: false },
    ),
    shipping: Type.Object(
      {
        /** Upload shipping information (虚拟发货) after fulfilment so WeChat releases the funds. @default true */
        upload: Type.Boolean(),
        /** The item description shown in the learner's WeChat order. @default '在线课程' */
        itemDesc: Type.String({ minLength: 1, maxLength: 120 }),
      },
      { additionalProperties: false },
    ),
    content: Type.Object(
      {
        /**
         * The operator's own blocked words, refused like risky text before the platform's content check is asked.
         * Matched ignoring case, invisible characters, full-width forms and spacing between CJK characters (both the
         * text and the term; see shared/content). @default []
         */
        blockedTerms: Type.Array(Line({ minLength: 1, maxLength: 50 }), { maxItems: 1000 }),
      },
      { additionalProperties: false },
    ),
    reports: Type.Object(
      {
        /**
         * Distinct learners whose reports of one version of a review hide it until its creator decides (README,
         * Review moderation). 3: one learner cannot hide a review, and a handful is enough on a course platform, where
         * a review rarely has more than a few readers who report. @default 3
         */
        hideReviewAfter: Type.Integer({ minimum: 1, maximum: 1000 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type AppSettings = Static<typeof AppSettings>;

export const DEFAULT_SETTINGS: AppSettings = {
  subMchId: '',
  payRail: 'wxpay',
  virtualPayment: { appId: '', offerId: '', env: 0, productIdPrefix: 'course_' },
  orderLifetimeMinutes: 30,
  reconcileWindowMinutes: 180,
  refund: { windowDays: 7, maxProgressPercent: 20 },
  shipping: { upload: true, itemDesc: '在线课程' },
  content: { blockedTerms: [] },
  reports: { hideReviewAfter: 3 },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The defaults overlaid with what the document sets (nested objects merged field by field). */
export function mergeSettings(stored: Record<string, unknown>): unknown {
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [key, value] of Object.entries(stored)) {
    if (key === '_id' || key === '_openid') continue;
    const base = merged[key];
    merged[key] = isObject(base) && isObject(value) ? { ...base, ...value } : value;
  }
  return merged;
}

export type SettingsCheck = { ok: true; settings: AppSettings } | { ok: false; problems: Problem[] };

export function checkSettings(stored: Record<string, unknown>): SettingsCheck {
  const checked = validate(AppSettings, mergeSettings(stored), 'settings');
  return checked.ok ? { ok: true, settings: checked.value } : { ok: false, problems: checked.problems };
}

/**
 * Reads `settings/app` with defaults. An invalid document throws UNAVAILABLE for the learner and logs every problem
 * for the creator.
 */
export async function readSettings(
  db: Database,
  log: (message: string, detail?: unknown) => void = console.error,
): Promise<AppSettings> {
  const found = await db.collection(COLLECTIONS.settings).where({ _id: SETTINGS_DOC_ID }).limit(1).get();
  const stored = (found as { data: Record<string, unknown>[] }).data[0] ?? {};
  const checked = checkSettings(stored);
  if (checked.ok) return checked.settings;
  log('[settings] settings/app is invalid:', checked.problems.map((p) => p.message).join('; '));
  throw new AppError('UNAVAILABLE', '系统配置有误，暂时无法处理订单，请稍后再试');
}

/** The operator's blocked terms (`content.blockedTerms`) for the content checks; throws as `readSettings` does. */
export async function readBlockedTerms(db: Database): Promise<string[]> {
  return (await readSettings(db)).content.blockedTerms;
}
