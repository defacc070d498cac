/** What an order sells, as fulfilment needs it: whether it is still on sale, and a course's category. */
import type { CourseDoc } from '../catalog/schema';
import { getById, type Database } from '../db';
import { COLLECTIONS } from '../collections';
import type { BundleDoc } from '../promo/documents';
import { orderTarget, type OrderDoc } from './model';
import { isCourseOpen } from '../catalog/visibility';

export interface Sold {
  /** Still sold: a late payment for something withdrawn since is refunded. */
  published: boolean;
  /** A course's category, for the recommender's signal ('' for a bundle or a deleted course). */
  category: string;
  /** What the learner calls it in a note: 课程, 会员 or 专栏. */
  noun: string;
}

export async function readSold(db: Database, order: OrderDoc): Promise<Sold> {
  const target = orderTarget(order);
  if (target.kind === 'course') {
    const course = await getById<CourseDoc>(db, COLLECTIONS.courses, target.id);
    return { published: isCourseOpen(course), category: course?.category ?? '', noun: '课程' };
  }
  const bundle = await getById<BundleDoc>(db, COLLECTIONS.bundles, target.id);
  const noun = order.bundle?.kind === 'membership' ? '会员' : '专栏';
  return { published: bundle?.status === 'published', category: '', noun };
}
