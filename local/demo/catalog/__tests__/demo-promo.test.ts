import { claimDecision } from '../../../../shared/promo/coupons';
import { readBundle, readCoupon, readPromotion } from '../../../../shared/promo/documents';
import { priceInForce } from '../../../../shared/promo/pricing';
import { buildDemoCatalog } from '..';
import { buildDemoPromo, DEMO_PROMO_DAYS } from '../promo';

const catalog = buildDemoCatalog();
const now = new Date('2026-03-01T08:00:00.000Z');
const promo = buildDemoPromo(catalog.courses, now);
const courses = new Map(catalog.courses.map((c) => [c._id, c]));

describe('the demo selling documents', () => {
  it('are valid documents', () => {
    for (const c of promo.coupons) expect(readCoupon(c)).toEqual({ ok: true, value: c });
    for (const p of promo.promotions) expect(readPromotion(p)).toEqual({ ok: true, value: p });
    for (const b of promo.bundles) expect(readBundle(b)).toEqual({ ok: true, value: b });
  });

  it('give coupons a learner can claim at the load and for the next 30 days', () => {
    expect(promo.coupons.length).toBeGreaterThanOrEqual(1);
    const later = new Date(now.getTime() + (DEMO_PROMO_DAYS * 86_400_000 - 60_000));
    for (const c of promo.coupons) {
      expect(claimDecision(c, 0, now)).toEqual({ ok: true });
      expect(claimDecision(c, 0, later)).toEqual({ ok: true });
    }
  });

  it('run a limited-time price below the list price of a paid course', () => {
    const onCourse = promo.promotions.filter((p) => p.target.kind === 'course');
    expect(onCourse.length).toBeGreaterThanOrEqual(1);
    for (const p of onCourse) {
      const course = courses.get(p.target.id);
      expect(course?.priceFen).toBeGreaterThan(0);
      expect(priceInForce(course?.priceFen ?? 0, [p], now)).toEqual({ priceFen: p.priceFen, promotion: p });
    }
  });

  it('offer a membership of 365 days over at least 5 paid courses, and a 专栏 for life', () => {
    const membership = promo.bundles.find((b) => b.kind === 'membership');
    expect(membership).toMatchObject({ termDays: 365, status: 'published' });
    expect(membership?.courseIds.length).toBeGreaterThanOrEqual(5);
    const column = promo.bundles.find((b) => b.kind === 'column');
    expect(column).toMatchObject({ status: 'published' });
    expect(column).not.toHaveProperty('termDays');
    for (const b of promo.bundles) {
      for (const id of b.courseIds) expect(courses.get(id)?.priceFen).toBeGreaterThan(0);
      expect(catalog.files.some((f) => f.fileID === b.cover)).toBe(true);
    }
  });
});
