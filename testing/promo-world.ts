/**
 * Selling documents for tests that run through the local cloud with the real clock (the functions read `new Date()`):
 * windows around now, written with the wx-server-sdk admin database of a `learning-world`.
 */
import type { Database } from '../shared/db';
import type { CouponDoc, CouponTerms, PromotionDoc, BundleDoc } from '../shared/promo/documents';
import { course } from './catalog-fixtures';
import { emptyRating, insert } from './learning-world';

const DAY_MS = 86_400_000;

/** An ISO time `days` from now (negative: in the past). */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString();
}

export function runningCoupon(
  id: string,
  terms: CouponTerms,
  fields: Partial<Omit<CouponDoc, keyof CouponTerms>> = {},
): CouponDoc {
  return {
    _id: id,
    title: '新人券',
    startsAt: daysFromNow(-1),
    endsAt: daysFromNow(30),
    stock: 100,
    claimed: 0,
    perLearner: 1,
    appliesTo: { all: true },
    status: 'active',
    createdAt: daysFromNow(-1),
    ...fields,
    ...terms,
  };
}

export function runningPromotion(id: string, fields: Partial<PromotionDoc> = {}): PromotionDoc {
  return {
    _id: id,
    target: { kind: 'course', id: 'py-101' },
    priceFen: 4900,
    startsAt: daysFromNow(-1),
    endsAt: daysFromNow(7),
    label: '限时特惠',
    status: 'active',
    createdAt: daysFromNow(-1),
    ...fields,
  };
}

export function bundle(id: string, fields: Partial<BundleDoc> = {}): BundleDoc {
  return {
    _id: id,
    title: '年度会员',
    subtitle: '一年畅学',
    cover: 'cloud://env.bucket/covers/vip.png',
    priceFen: 29900,
    kind: 'membership',
    termDays: 365,
    courseIds: [],
    status: 'published',
    createdAt: daysFromNow(-10),
    updatedAt: daysFromNow(-10),
    ...fields,
  };
}

/** Published courses beside py-101, for bundles to open. */
export async function insertCourses(db: Database, ids: readonly string[]): Promise<void> {
  await insert(
    db,
    'courses',
    ids.map((id) => course({ _id: id, lessonCount: 1, learnerCount: 0, rating: emptyRating() })),
  );
}

/** Makes each openid an admin of its creators (`creatorAdmins`, as `npm run creator -- add-admin` writes). */
export async function admitCreatorAdmins(db: Database, admins: Record<string, string[]>): Promise<void> {
  for (const [openid, creatorIds] of Object.entries(admins)) {
    await db.collection('creatorAdmins').doc(openid).set({ data: { creatorIds } });
  }
}
