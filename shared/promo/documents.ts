/**
 * The selling documents a creator manages (console or `npm run promo`), with their schemas, and the readers that
 * validate a document when it is read: a hand edit that breaks one is reported by field and never sells at a guessed
 * price. Conventions as the catalog's (shared/catalog/schema.ts): ISO-8601 UTC times, money in integer fen, fields
 * this version does not know allowed at the top level. Every window is [startsAt, endsAt): it starts at `startsAt`
 * and is over at `endsAt`.
 */
import { createHash } from 'node:crypto';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  BUNDLE_KINDS,
  COUPON_KINDS,
  DocId,
  Line,
  StringEnum,
  validate,
  type Problem,
  type Validation,
} from '../contract';
import { FileId, IsoTime, MAX_PRICE_FEN } from '../catalog/schema';

/** What a promotion, a redemption code or a coupon scope points at. */
export const TARGET_KINDS = ['course', 'bundle'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const PromoTarget = Type.Object({ kind: StringEnum(TARGET_KINDS), id: DocId }, { additionalProperties: false });
export type PromoTarget = Static<typeof PromoTarget>;

const Fen = Type.Integer({ minimum: 1, maximum: MAX_PRICE_FEN });
const Ids = Type.Array(DocId, { minItems: 1, maxItems: 200, uniqueItems: true });

/**
 * What a coupon applies to: `{ all: true }` (every course and bundle), or any of listed courses, the courses of
 * listed categories, listed bundles (readCoupon refuses an empty scope and `all` beside a list).
 */
export const CouponScope = Type.Object(
  {
    all: Type.Optional(Type.Literal(true)),
    courseIds: Type.Optional(Ids),
    categories: Type.Optional(Ids),
    bundleIds: Type.Optional(Ids),
  },
  { additionalProperties: false },
);
export type CouponScope = Static<typeof CouponScope>;

/**
 * The status of a coupon, a limited-time price and a batch of codes: `active` sells (inside its window); `paused`
 * does not, until it is made `active` again (the creator center); `revoked` is final. Everything that sells, claims
 * or redeems checks `status === 'active'`.
 */
export const COUPON_STATUSES = ['active', 'paused', 'revoked'] as const;
export type PromoStatus = (typeof COUPON_STATUSES)[number];

/** `coupons`: what every coupon has, whatever its kind. */
export const CouponBase = Type.Object({
  _id: DocId,
  title: Type.String({ minLength: 1, maxLength: 30 }),
  kind: StringEnum(COUPON_KINDS),
  /** The window in which it can be claimed and used. */
  startsAt: IsoTime,
  endsAt: IsoTime,
  /** Coupons issued in all. */
  stock: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  /** Claimed so far, raised by the claim transaction only while below `stock`. */
  claimed: Type.Integer({ minimum: 0 }),
  /** How many one learner may claim. */
  perLearner: Type.Integer({ minimum: 1, maximum: 100 }),
  appliesTo: CouponScope,
  /** `paused` and `revoked`: not claimed nor used meanwhile (claimed ones show as expired); `revoked` for good. */
  status: StringEnum(COUPON_STATUSES),
  createdAt: IsoTime,
});

/** The figures of each kind. */
export const COUPON_TERMS = {
  /** 立减: `amountFen` off. */
  amount: Type.Object({ kind: Type.Literal('amount'), amountFen: Fen }),
  /** 折扣: `percentOff` percent off (15 = 15 % off, 8.5 折), at most `maxOffFen`. */
  percent: Type.Object({
    kind: Type.Literal('percent'),
    percentOff: Type.Integer({ minimum: 1, maximum: 99 }),
    maxOffFen: Type.Optional(Fen),
  }),
  /** 满减: `amountFen` off a price in force of at least `thresholdFen`. */
  threshold: Type.Object({ kind: Type.Literal('threshold'), thresholdFen: Fen, amountFen: Fen }),
} satisfies Record<(typeof COUPON_KINDS)[number], TSchema>;

export type AmountTerms = Static<typeof COUPON_TERMS.amount>;
export type PercentTerms = Static<typeof COUPON_TERMS.percent>;
export type ThresholdTerms = Static<typeof COUPON_TERMS.threshold>;
export type CouponTerms = AmountTerms | PercentTerms | ThresholdTerms;
export type CouponDoc = Static<typeof CouponBase> & CouponTerms;

/** A claimed coupon's stored state; `expired` is not stored but derived from the coupon (coupons.ts). */
export const USER_COUPON_STATUSES = ['usable', 'held', 'used'] as const;
export type UserCouponStatus = (typeof USER_COUPON_STATUSES)[number];

/** `userCoupons`: one claim of a coupon by one learner. */
export const UserCouponDoc = Type.Object({
  _id: DocId,
  _openid: Type.String({ minLength: 1 }),
  couponId: DocId,
  status: StringEnum(USER_COUPON_STATUSES),
  /** The order holding (`held`) or having used (`used`) it. */
  orderId: Type.Optional(DocId),
  claimedAt: IsoTime,
  usedAt: Type.Optional(IsoTime),
});
export type UserCouponDoc = Static<typeof UserCouponDoc>;

/**
 * The id of a learner's n-th claim of a coupon (n from 1 to `perLearner`): two concurrent claims of the same slot
 * collide on `_id`, so the per-learner limit holds without a read-then-write race.
 */
export function userCouponId(openid: string, couponId: string, n: number): string {
  const slot = createHash('sha256').update(`${openid}\u0000${couponId}`).digest('hex').slice(0, 24);
  return `${slot}-${n}`;
}

/**
 * `promotions`: a limited-time price, the same for every learner. At least ¥1, so the price a card shows can be paid
 * on every rail (the virtual rail's minimum, pricing.ts).
 */
export const PromotionDoc = Type.Object({
  _id: DocId,
  target: PromoTarget,
  priceFen: Type.Integer({ minimum: 100, maximum: MAX_PRICE_FEN }),
  startsAt: IsoTime,
  endsAt: IsoTime,
  /** Shown beside the price, e.g. `限时特惠`. */
  label: Type.String({ minLength: 1, maxLength: 12 }),
  status: StringEnum(COUPON_STATUSES),
  createdAt: IsoTime,
});
export type PromotionDoc = Static<typeof PromotionDoc>;

export const BUNDLE_STATUSES = ['draft', 'published', 'archived'] as const;

/** `bundles`: a membership (`termDays` of access from payment) or a 专栏 (`column`, for life). */
export const BundleDoc = Type.Object({
  _id: DocId,
  title: Type.String({ minLength: 1, maxLength: 60 }),
  subtitle: Type.String({ maxLength: 120 }),
  cover: FileId,
  priceFen: Type.Integer({ minimum: 0, maximum: MAX_PRICE_FEN }),
  kind: StringEnum(BUNDLE_KINDS),
  /** Required for a membership, absent for a 专栏. */
  termDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  /** In the order the bundle page lists them. */
  courseIds: Type.Array(DocId, { maxItems: 500, uniqueItems: true }),
  status: StringEnum(BUNDLE_STATUSES),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type BundleDoc = Static<typeof BundleDoc>;

/** `redeemBatches`: codes generated together for one course or bundle. The codes are never stored. */
export const RedeemBatchDoc = Type.Object({
  _id: DocId,
  target: PromoTarget,
  count: Type.Integer({ minimum: 1, maximum: 10_000 }),
  /** After this no code of the batch redeems. */
  expiresAt: Type.Optional(IsoTime),
  /** The creator's note, e.g. who the codes were sold to. */
  note: Type.Optional(Line({ maxLength: 60 })),
  status: StringEnum(COUPON_STATUSES),
  createdAt: IsoTime,
});
export type RedeemBatchDoc = Static<typeof RedeemBatchDoc>;

export const REDEEM_CODE_STATUSES = ['unused', 'used'] as const;

/** `redeemCodes`: one single-use code; `_id` is `codeHash(key, code)` (codes.ts), never the code. */
export const RedeemCodeDoc = Type.Object({
  _id: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'an HMAC-SHA256 in hex' }),
  batchId: DocId,
  target: PromoTarget,
  status: StringEnum(REDEEM_CODE_STATUSES),
  usedBy: Type.Optional(Type.String({ minLength: 1 })),
  usedAt: Type.Optional(IsoTime),
  expiresAt: Type.Optional(IsoTime),
});
export type RedeemCodeDoc = Static<typeof RedeemCodeDoc>;

/** Rules across fields that a schema cannot say: each returns the problems it finds. */
function windowProblems(doc: { startsAt: string; endsAt: string }): Problem[] {
  return Date.parse(doc.startsAt) < Date.parse(doc.endsAt)
    ? []
    : [{ path: 'endsAt', message: 'endsAt must be after startsAt' }];
}

function read<S extends TSchema, T extends Static<S>>(
  schema: S,
  raw: unknown,
  name: string,
  rules: (doc: Static<S>) => Problem[],
): Validation<T> {
  const checked = validate(schema, raw, name);
  if (!checked.ok) return checked;
  const problems = rules(checked.value);
  return problems.length === 0 ? { ok: true, value: checked.value as T } : { ok: false, problems };
}

export function readCoupon(raw: unknown): Validation<CouponDoc> {
  const base = validate(CouponBase, raw, 'coupon');
  if (!base.ok) return base;
  return read(COUPON_TERMS[base.value.kind], raw, 'coupon', (terms) => {
    const problems = windowProblems(base.value);
    const scope = base.value.appliesTo;
    const lists = scope.courseIds || scope.categories || scope.bundleIds;
    if (scope.all && lists) {
      problems.push({ path: 'appliesTo.all', message: 'appliesTo.all cannot be given with a list' });
    }
    if (!scope.all && !lists) {
      problems.push({
        path: 'appliesTo',
        message: 'appliesTo must be { all: true } or name courseIds, categories or bundleIds',
      });
    }
    if (base.value.claimed > base.value.stock) {
      problems.push({ path: 'claimed', message: 'claimed must be <= stock' });
    }
    if (terms.kind === 'threshold' && terms.amountFen >= terms.thresholdFen) {
      problems.push({ path: 'amountFen', message: 'amountFen must be below thresholdFen' });
    }
    return problems;
  });
}

export function readUserCoupon(raw: unknown): Validation<UserCouponDoc> {
  return read(UserCouponDoc, raw, 'userCoupon', (doc) =>
    doc.status !== 'usable' && doc.orderId === undefined
      ? [{ path: 'orderId', message: `orderId is required when status is ${doc.status}` }]
      : [],
  );
}

export function readPromotion(raw: unknown): Validation<PromotionDoc> {
  return read(PromotionDoc, raw, 'promotion', windowProblems);
}

export function readBundle(raw: unknown): Validation<BundleDoc> {
  return read(BundleDoc, raw, 'bundle', (doc) => {
    if (doc.kind === 'membership' && doc.termDays === undefined) {
      return [{ path: 'termDays', message: 'termDays is required for a membership' }];
    }
    if (doc.kind === 'column' && doc.termDays !== undefined) {
      return [{ path: 'termDays', message: 'termDays is not allowed for a column (a 专栏 is for life)' }];
    }
    return [];
  });
}

export function readRedeemBatch(raw: unknown): Validation<RedeemBatchDoc> {
  return read(RedeemBatchDoc, raw, 'redeemBatch', () => []);
}

export function readRedeemCode(raw: unknown): Validation<RedeemCodeDoc> {
  return read(RedeemCodeDoc, raw, 'redeemCode', (doc) =>
    doc.status === 'used' && (doc.usedBy === undefined || doc.usedAt === undefined)
      ? [{ path: 'usedBy', message: 'usedBy and usedAt are required when status is used' }]
      : [],
  );
}
