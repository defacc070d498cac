/** Course cards as lists show them: with the limited-time price running on each, the same for every learner. */
import type { CourseCard, PromotionBrief } from '../contract';
import type { Database } from '../db';
import { promotionBriefs } from '../promo/catalog-reads';
import { toCourseCard } from './projections';
import type { CourseDoc } from './schema';

/** The card, with `promotion` while one runs. */
export function withPromotion<C extends CourseCard>(card: C, promotion: PromotionBrief | undefined): C {
  return promotion ? { ...card, promotion } : card;
}

/** The courses' cards, with their running promotions (one read of promotions by course id). */
export async function cardsWithPromotions(
  db: Database,
  courses: readonly CourseDoc[],
  now: Date,
): Promise<CourseCard[]> {
  const briefs = await promotionBriefs(
    db,
    'course',
    courses.map((c) => ({ id: c._id, listPriceFen: c.priceFen })),
    now,
  );
  return courses.map((course) => withPromotion(toCourseCard(course), briefs.get(course._id)));
}
