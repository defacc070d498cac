/**
 * `npm run promo -- virtual-items`: the 道具 to register in the MP backend (虚拟支付 → 道具配置) so every price the
 * catalog can ask from now on can be paid on the virtual rail (shared/promo/virtual-items.ts `itemsToRegister`).
 */
import { COLLECTIONS } from '../../../shared/collections';
import { OPEN_COURSE_WHERE, readCourse } from '../../../shared/catalog';
import { readBundle, readCoupon, readPromotion } from '../../../shared/promo/documents';
import { itemsToRegister, type ItemsToRegister, type SellableTarget } from '../../../shared/promo/virtual-items';
import { checkSettings, SETTINGS_DOC_ID } from '../../../shared/settings';
import type { NodeDb } from '../../../toolchain/catalog-store';
import { byId, everything, readEach } from './store';

export async function virtualItems(db: NodeDb, now: Date): Promise<ItemsToRegister & { prefix: string }> {
  const [settingsDoc, courses, bundles, promotions, coupons] = await Promise.all([
    byId<Record<string, unknown>>(db, COLLECTIONS.settings, SETTINGS_DOC_ID),
    everything(db, COLLECTIONS.courses, { ...OPEN_COURSE_WHERE }),
    everything(db, COLLECTIONS.bundles, { status: 'published' }),
    everything(db, COLLECTIONS.promotions, { status: 'active' }),
    everything(db, COLLECTIONS.coupons, { status: 'active' }),
  ]);
  const settings = checkSettings(settingsDoc ?? {});
  if (!settings.ok) throw new Error(`settings/app is invalid: ${settings.problems.map((p) => p.message).join('; ')}`);
  const prefix = settings.settings.virtualPayment.productIdPrefix;
  const targets: SellableTarget[] = [
    ...courses.flatMap((raw) => {
      const read = readCourse(raw);
      return read.ok
        ? [
            {
              target: { kind: 'course' as const, id: read.course._id, category: read.course.category },
              title: read.course.title,
              listPriceFen: read.course.priceFen,
            },
          ]
        : [];
    }),
    ...bundles.flatMap((raw) => {
      const read = readBundle(raw);
      return read.ok
        ? [
            {
              target: { kind: 'bundle' as const, id: read.value._id },
              title: read.value.title,
              listPriceFen: read.value.priceFen,
            },
          ]
        : [];
    }),
  ];
  return {
    prefix,
    ...itemsToRegister({
      prefix,
      targets,
      promotions: readEach(promotions, readPromotion),
      coupons: readEach(coupons, readCoupon),
      now,
    }),
  };
}
