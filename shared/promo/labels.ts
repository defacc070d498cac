/** What a learner reads of a coupon: its figure and its scope, in Chinese. */
import type { CouponScope, CouponTerms } from './documents';

/** `¥99`, `¥9.90` (as the mini-program's priceText, which shared/ cannot import). */
export function yuanText(fen: number): string {
  const yuan = Math.floor(fen / 100);
  const cents = fen % 100;
  return cents === 0 ? `¥${yuan}` : `¥${yuan}.${String(cents).padStart(2, '0')}`;
}

/** `立减 ¥20`, `8.5 折`, `8 折，最多减 ¥50`, `满 ¥100 减 ¥20`. */
export function couponLabel(terms: CouponTerms): string {
  switch (terms.kind) {
    case 'amount':
      return `立减 ${yuanText(terms.amountFen)}`;
    case 'percent': {
      // 折 is the tenths paid: 15 % off is 8.5 折, 20 % off is 8 折.
      const tenths = (100 - terms.percentOff) / 10;
      const rate = `${tenths} 折`;
      return terms.maxOffFen === undefined ? rate : `${rate}，最多减 ${yuanText(terms.maxOffFen)}`;
    }
    case 'threshold':
      return `满 ${yuanText(terms.thresholdFen)} 减 ${yuanText(terms.amountFen)}`;
  }
}

/** `全部课程和会员`, or the lists joined: `指定 3 门课程、2 个分类的课程、1 个会员或专栏`. */
export function scopeText(scope: CouponScope): string {
  if (scope.all) return '全部课程和会员';
  const parts: string[] = [];
  if (scope.courseIds) parts.push(`${scope.courseIds.length} 门课程`);
  if (scope.categories) parts.push(`${scope.categories.length} 个分类的课程`);
  if (scope.bundleIds) parts.push(`${scope.bundleIds.length} 个会员或专栏`);
  return `指定 ${parts.join('、')}`;
}
