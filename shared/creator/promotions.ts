/**
 * The creator center's promotions: coupons, limited-time prices (`promotions`) and batches of redemption codes of
 * the caller's own courses, with their usage; creating them by the rules of `npm run promo` (shared/promo/manage.ts:
 * read back through the readers, a discount below the list price of a published course, codes hashed with the
 * environment's code key and handed back once); pausing, resuming and revoking them.
 *
 * What is the creator's: a coupon whose scope is `courseIds` only, every one a course of the caller's creators; a
 * limited-time price or a batch whose target is such a course. Coupons for everything, for categories or bundles,
 * and bundles themselves (memberships, 专栏) are the operator's (`npm run promo`, the console): never listed here, and
 * refused when asked for, naming the field. One of another creator, or one that does not exist, is one FORBIDDEN.
 *
 * Database calls: `promotions` 7 in 4 rounds (the admin; the creators' courses; coupons, prices and batches; the
 * claims and the used codes counted by two aggregates); `createPromotion` 3–5 and the writes (codes: 1 insert per 500);
 * `updatePromotionStatus` 3 and one conditional update.
 */
import { COLLECTIONS } from '../collections';
import {
  AppError,
  PROMOTION_LIMITS,
  type CodesInput,
  type CouponInput,
  type CreatePromotionData,
  type CreatePromotionParams,
  type CreatorCodeBatchView,
  type CreatorCouponView,
  type CreatorDiscountView,
  type CreatorPromotionsData,
  type CreatorPromotionsParams,
  type DiscountInput,
  type ErrorCode,
  type PromotionKind,
  type UpdatePromotionStatusData,
  type UpdatePromotionStatusParams,
  type Validation,
} from '../contract';
import { found, getById, updated, type Database } from '../db';
import type { RandomBytes } from '../promo/codes';
import {
  readCoupon,
  readPromotion,
  readRedeemBatch,
  type CouponDoc,
  type PromotionDoc,
  type RedeemBatchDoc,
} from '../promo/documents';
import { couponLabel, yuanText } from '../promo/labels';
import {
  defined,
  issueCodes,
  newPromoId,
  saveCoupon,
  saveDiscount,
  statusChange,
  STATUS_COLLECTIONS,
  TERM_FIELDS,
  type PromoProblem,
} from '../promo/manage';
import { promoUsage, type BatchUsage, type CouponUsage, type PromotionUsage } from '../promo/usage';
import { promotionRuns } from '../promo/pricing';
import { remainingStock } from '../promo/coupons';
import { wxPromoStore } from '../promo/wx-store';
import { callerCreatorIds, NOT_YOUR_COURSE } from './access';
import type { CreatorDeps } from './overview';

export interface PromotionDeps extends CreatorDeps {
  /** Key of the redemption codes' hashes: the promo function's (shared/promo/code-key.ts `redeemCodeKey`). */
  codeKey: () => Promise<string>;
  /** `crypto.randomBytes` unless a test gives fixed ones. */
  random?: RandomBytes;
}

/** One answer for a promotion of another creator and one that does not exist. */
export const NOT_YOUR_PROMOTION = '没有这项优惠的管理权限';

/** Rows per read: the server's largest page (a creator's courses and promotions are far fewer). */
const PAGE = 1000;
const DAY_MS = 86_400_000;

/** The caller's creators' courses, id → status. One read. */
async function ownCourses(db: Database, creatorIds: readonly string[]): Promise<Map<string, unknown>> {
  const rows = await found<{ _id: string; status?: unknown }>(
    db
      .collection(COLLECTIONS.courses)
      .where({ 'creator.id': db.command.in([...creatorIds]) })
      .field({ _id: true, status: true })
      .limit(PAGE),
  );
  return new Map(rows.map((row) => [row._id, row.status]));
}

/** Whether the coupon concerns only courses of `own`: a list of courses, nothing else. Pure. */
export function couponIsOwn(coupon: CouponDoc, own: ReadonlySet<string> | ReadonlyMap<string, unknown>): boolean {
  const { all, categories, bundleIds, courseIds } = coupon.appliesTo;
  if (all || categories || bundleIds || !courseIds || courseIds.length === 0) return false;
  return courseIds.every((id) => own.has(id));
}

function readAll<T>(raws: readonly unknown[], read: (raw: unknown) => Validation<T>): T[] {
  return raws.flatMap((raw) => {
    const result = read(raw);
    return result.ok ? [result.value] : [];
  });
}

export function couponView({ coupon, claimed, remaining, held, used }: CouponUsage): CreatorCouponView {
  return {
    id: coupon._id,
    title: coupon.title,
    kind: coupon.kind,
    label: couponLabel(coupon),
    ...defined(Object.fromEntries(TERM_FIELDS.map((field) => [field, (coupon as Record<string, unknown>)[field]]))),
    courseIds: coupon.appliesTo.courseIds ?? [],
    startsAt: coupon.startsAt,
    endsAt: coupon.endsAt,
    status: coupon.status,
    stock: coupon.stock,
    perLearner: coupon.perLearner,
    claimed,
    remaining,
    held,
    used,
    createdAt: coupon.createdAt,
  };
}

export function discountView({ promotion, running }: PromotionUsage): CreatorDiscountView {
  return {
    id: promotion._id,
    courseId: promotion.target.id,
    priceFen: promotion.priceFen,
    label: promotion.label,
    startsAt: promotion.startsAt,
    endsAt: promotion.endsAt,
    status: promotion.status,
    running,
    createdAt: promotion.createdAt,
  };
}

export function batchView({ batch, used }: BatchUsage): CreatorCodeBatchView {
  return {
    id: batch._id,
    courseId: batch.target.id,
    count: batch.count,
    used,
    ...(batch.expiresAt !== undefined ? { expiresAt: batch.expiresAt } : {}),
    ...(batch.note !== undefined ? { note: batch.note } : {}),
    status: batch.status,
    createdAt: batch.createdAt,
  };
}

interface CountRow<K> {
  _id: K;
  n: number;
}

/** Claims held and used per coupon, used codes per batch: two aggregates. */
async function usageCounts(db: Database, couponIds: string[], batchIds: string[]) {
  const _ = db.command;
  const aggregate = async <K>(collection: 'userCoupons' | 'redeemCodes', match: object, key: unknown) =>
    (
      (await db
        .collection(collection)
        .aggregate()
        .match(match)
        .group({ _id: key, n: { $sum: 1 } })
        .limit(PAGE)
        .end()) as {
        list: CountRow<K>[];
      }
    ).list;
  const [claims, codes] = await Promise.all([
    couponIds.length === 0
      ? []
      : aggregate<{ coupon: string; status: string }>(
          'userCoupons',
          { couponId: _.in(couponIds), status: _.in(['held', 'used']) },
          { coupon: '$couponId', status: '$status' },
        ),
    batchIds.length === 0
      ? []
      : aggregate<string>('redeemCodes', { batchId: _.in(batchIds), status: 'used' }, '$batchId'),
  ]);
  const claimsIn = (status: string) =>
    new Map(claims.filter((row) => row._id.status === status).map((row) => [row._id.coupon, row.n]));
  return { held: claimsIn('held'), used: claimsIn('used'), codesUsed: new Map(codes.map((row) => [row._id, row.n])) };
}

export async function creatorPromotionsOf(
  deps: CreatorDeps,
  openid: string,
  params: CreatorPromotionsParams,
): Promise<CreatorPromotionsData> {
  const { db } = deps;
  const creatorIds = await callerCreatorIds(db, openid);
  const own = await ownCourses(db, creatorIds);
  if (params.courseId !== undefined && !own.has(params.courseId)) throw new AppError('FORBIDDEN', NOT_YOUR_COURSE);
  const ids = params.courseId !== undefined ? [params.courseId] : [...own.keys()];
  if (ids.length === 0) return { coupons: [], discounts: [], batches: [] };
  const _ = db.command;
  const ofCourses = { 'target.kind': 'course', 'target.id': _.in(ids) };
  const [coupons, promotions, batches] = await Promise.all([
    found<unknown>(
      db
        .collection(COLLECTIONS.coupons)
        .where({ 'appliesTo.courseIds': _.in(ids) })
        .limit(PAGE),
    ),
    found<unknown>(db.collection(COLLECTIONS.promotions).where(ofCourses).limit(PAGE)),
    found<unknown>(db.collection(COLLECTIONS.redeemBatches).where(ofCourses).limit(PAGE)),
  ]);
  const docs = {
    coupons: readAll(coupons, readCoupon).filter((coupon) => couponIsOwn(coupon, own)),
    promotions: readAll(promotions, readPromotion),
    batches: readAll(batches, readRedeemBatch),
  };
  const counts = await usageCounts(
    db,
    docs.coupons.map((c) => c._id),
    docs.batches.map((b) => b._id),
  );
  const usage = promoUsage(docs, counts, deps.now());
  return {
    coupons: usage.coupons.map(couponView),
    discounts: usage.promotions.map(discountView),
    batches: usage.batches.map(batchView),
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError('INVALID_ARGUMENT', `${field}：${message}`, { field });
}

/** The creator's words for a problem the shared rules found, by its rule or its field. */
const RULE_TEXT: Record<NonNullable<PromoProblem['rule']>, { code: ErrorCode; text: string }> = {
  termNotOfKind: { code: 'INVALID_ARGUMENT', text: '这种优惠券不使用这一项，请去掉' },
  unknownId: { code: 'FAILED_PRECONDITION', text: '课程不存在' },
  notPublished: { code: 'FAILED_PRECONDITION', text: '课程未上架：上架后才能设置优惠' },
  notBelowListPrice: { code: 'INVALID_ARGUMENT', text: '限时价必须低于原价，否则不会生效' },
  expiresInPast: { code: 'INVALID_ARGUMENT', text: '过期时间必须晚于现在' },
  idTaken: { code: 'CONFLICT', text: '编号冲突，请重试' },
};
const FIELD_TEXT: Record<string, string> = {
  endsAt: '结束时间必须晚于开始时间',
  amountFen: '满减金额必须低于门槛金额',
};

/** The first problem as the creator reads it, naming the field under the kind's object (`coupon.amountFen`). */
function refusal(kind: PromotionKind, problems: readonly PromoProblem[], listPriceFen?: number): AppError {
  const problem = problems[0] ?? { path: '', message: 'invalid' };
  const path = problem.path === 'course' || problem.path === 'bundle' ? 'target.id' : problem.path;
  const field = `${kind}.${path}`;
  if (problem.rule) {
    const { code, text } = RULE_TEXT[problem.rule];
    const price =
      problem.rule === 'notBelowListPrice' && listPriceFen !== undefined ? `（原价 ${yuanText(listPriceFen)}）` : '';
    return new AppError(code, `${field}：${text}${price}`, { field });
  }
  return invalid(field, FIELD_TEXT[path] ?? problem.message);
}

/** [startsAt, endsAt) as given (start: now), checked for the creator center: ends after now, at most windowDays. */
function windowOf(kind: PromotionKind, given: { startsAt?: string; endsAt: string }, now: Date) {
  const startsAt = given.startsAt ?? now.toISOString();
  const start = Date.parse(startsAt);
  const end = Date.parse(given.endsAt);
  if (end <= now.getTime()) throw invalid(`${kind}.endsAt`, '结束时间必须晚于现在');
  if (end - start > PROMOTION_LIMITS.windowDays * DAY_MS) {
    throw invalid(`${kind}.endsAt`, `一次最长 ${PROMOTION_LIMITS.windowDays} 天`);
  }
  return { startsAt, endsAt: given.endsAt };
}

/** The course a price or a batch is for: one of the caller's (FORBIDDEN otherwise); bundles are the operator's. */
async function ownTarget(
  db: Database,
  creatorIds: readonly string[],
  kind: PromotionKind,
  target: { kind: 'course' | 'bundle'; id: string },
) {
  if (target.kind !== 'course') {
    throw invalid(`${kind}.target.kind`, '会员和专栏由平台设置，创作者中心只能为自己的课程设置优惠');
  }
  const course = await getById<{ creator?: { id?: unknown }; priceFen?: number }>(db, COLLECTIONS.courses, target.id);
  const creatorId = course?.creator?.id;
  if (typeof creatorId !== 'string' || !creatorIds.includes(creatorId))
    throw new AppError('FORBIDDEN', NOT_YOUR_COURSE);
  return { target: { kind: 'course' as const, id: target.id }, listPriceFen: course?.priceFen };
}

/** A coupon's scope for the creator center: `courseIds` of the caller's published courses, nothing else. */
async function ownScope(db: Database, creatorIds: readonly string[], input: CouponInput): Promise<string[]> {
  const scope = input.appliesTo;
  for (const other of ['all', 'categories', 'bundleIds'] as const) {
    if (scope[other] !== undefined) {
      throw invalid(
        `coupon.appliesTo.${other}`,
        '创作者中心的优惠券只能用于自己的课程，请用 appliesTo.courseIds 列出课程（全场券、分类券和会员券由平台设置）',
      );
    }
  }
  const courseIds = scope.courseIds;
  if (!courseIds) throw invalid('coupon.appliesTo.courseIds', '请至少选择一门课程');
  const own = await ownCourses(db, creatorIds);
  if (courseIds.some((id) => !own.has(id))) throw new AppError('FORBIDDEN', NOT_YOUR_COURSE);
  const closed = courseIds.findIndex((id) => own.get(id) !== 'published');
  if (closed >= 0) {
    throw new AppError('FAILED_PRECONDITION', `coupon.appliesTo.courseIds[${closed}]：课程未上架：上架后才能设置优惠`, {
      field: `coupon.appliesTo.courseIds[${closed}]`,
    });
  }
  return courseIds;
}

/** The object named by `kind` (the param, narrowed by the caller), and no other. */
function inputOf<K extends PromotionKind>(
  params: CreatePromotionParams,
  kind: K,
): NonNullable<CreatePromotionParams[K]> {
  for (const other of ['coupon', 'discount', 'codes'] as const) {
    if (other !== kind && params[other] !== undefined) throw invalid(other, `kind 为 ${kind} 时不能给出`);
  }
  const input = params[kind];
  if (input === undefined) throw invalid(kind, `kind 为 ${kind} 时必须给出`);
  return input as NonNullable<CreatePromotionParams[K]>;
}

/** What every new one starts with. */
const fresh = (now: Date) => ({ status: 'active', createdAt: now.toISOString() });

async function createCoupon(deps: PromotionDeps, creatorIds: readonly string[], input: CouponInput, now: Date) {
  const window = windowOf('coupon', input, now);
  const courseIds = await ownScope(deps.db, creatorIds, input);
  const raw = defined({
    _id: newPromoId('coupon'),
    ...input,
    ...window,
    perLearner: input.perLearner ?? 1,
    appliesTo: { courseIds },
    claimed: 0,
    ...fresh(now),
  });
  const saved = await saveCoupon(wxPromoStore(deps.db), raw);
  if (!saved.ok) throw refusal('coupon', saved.problems);
  const coupon = saved.doc;
  return couponView({ coupon, claimed: 0, remaining: remainingStock(coupon), held: 0, used: 0 });
}

async function createDiscount(deps: PromotionDeps, creatorIds: readonly string[], input: DiscountInput, now: Date) {
  const window = windowOf('discount', input, now);
  const { target, listPriceFen } = await ownTarget(deps.db, creatorIds, 'discount', input.target);
  const raw = {
    _id: newPromoId('discount'),
    ...window,
    target,
    priceFen: input.priceFen,
    label: input.label ?? '限时特惠',
  };
  const saved = await saveDiscount(wxPromoStore(deps.db), { ...raw, ...fresh(now) });
  if (!saved.ok) throw refusal('discount', saved.problems, listPriceFen);
  return discountView({ promotion: saved.doc, running: promotionRuns(saved.doc, now) });
}

async function createCodes(deps: PromotionDeps, creatorIds: readonly string[], input: CodesInput, now: Date) {
  const { target } = await ownTarget(deps.db, creatorIds, 'codes', input.target);
  const raw = defined({
    _id: newPromoId('batch'),
    target,
    count: input.count,
    expiresAt: input.expiresAt,
    note: input.note,
  });
  const issued = await issueCodes(wxPromoStore(deps.db), { ...raw, ...fresh(now) }, [], now, deps.codeKey, deps.random);
  if (!issued.ok) throw refusal('codes', issued.problems);
  return { batch: batchView({ batch: issued.issued.batch, used: 0 }), codes: issued.issued.codes };
}

export async function createCreatorPromotion(
  deps: PromotionDeps,
  openid: string,
  params: CreatePromotionParams,
): Promise<CreatePromotionData> {
  const creatorIds = await callerCreatorIds(deps.db, openid);
  const now = deps.now();
  switch (params.kind) {
    case 'coupon':
      return {
        kind: 'coupon',
        coupon: await createCoupon(deps, creatorIds, inputOf(params, 'coupon'), now),
      };
    case 'discount':
      return {
        kind: 'discount',
        discount: await createDiscount(deps, creatorIds, inputOf(params, 'discount'), now),
      };
    case 'codes':
      return { kind: 'codes', ...(await createCodes(deps, creatorIds, inputOf(params, 'codes'), now)) };
  }
}

const KIND_COLLECTIONS = {
  coupon: STATUS_COLLECTIONS.coupon,
  discount: STATUS_COLLECTIONS.discount,
  codes: STATUS_COLLECTIONS.batch,
} as const;

type Managed = CouponDoc | PromotionDoc | RedeemBatchDoc;

const READERS: Record<PromotionKind, (raw: unknown) => Validation<Managed>> = {
  coupon: readCoupon,
  discount: readPromotion,
  codes: readRedeemBatch,
};

export async function updateCreatorPromotionStatus(
  deps: CreatorDeps,
  openid: string,
  params: UpdatePromotionStatusParams,
): Promise<UpdatePromotionStatusData> {
  const { db } = deps;
  const creatorIds = await callerCreatorIds(db, openid);
  const collection = KIND_COLLECTIONS[params.kind];
  const [raw, own] = await Promise.all([getById<unknown>(db, collection, params.id), ownCourses(db, creatorIds)]);
  const read = raw === null ? undefined : READERS[params.kind](raw);
  const doc = read?.ok ? read.value : undefined;
  const mine =
    doc !== undefined &&
    ('appliesTo' in doc ? couponIsOwn(doc, own) : doc.target.kind === 'course' && own.has(doc.target.id));
  if (!doc || !mine) throw new AppError('FORBIDDEN', NOT_YOUR_PROMOTION);
  const change = statusChange(doc.status, params.status);
  if (!change.ok) {
    throw new AppError('FAILED_PRECONDITION', 'status：已撤销的优惠不能恢复或暂停，请新建一个', { field: 'status' });
  }
  const answer = {
    kind: params.kind,
    id: doc._id,
    status: params.status,
    previousStatus: doc.status,
    changed: change.changed,
  };
  if (!change.changed) return answer;
  // Conditional on the status read: a change made meanwhile (another admin, `npm run promo -- revoke`) is kept.
  const count = await updated(
    db
      .collection(collection)
      .where({ _id: doc._id, status: doc.status })
      .update({ data: { status: params.status } }),
  );
  if (count === 0) throw new AppError('CONFLICT', '状态刚被修改过，请刷新后再试', { field: 'status' });
  return answer;
}
