/** The courses each bundle opens, read for the access rules (shared/grants), which own no bundle documents. */
import { found, type Database } from '../db';
import { COLLECTIONS } from '../collections';
import type { BundleDoc } from './documents';

/** A learner holds at most this many bundles in one read. */
const MAX_BUNDLES = 100;

/** `bundleId → courseIds` of the bundles that exist among `bundleIds` (a deleted one opens nothing). */
export async function bundleCourses(db: Database, bundleIds: readonly string[]): Promise<Map<string, string[]>> {
  if (bundleIds.length === 0) return new Map();
  const bundles = await found<Pick<BundleDoc, '_id' | 'courseIds'>>(
    db
      .collection(COLLECTIONS.bundles)
      .where({ _id: db.command.in([...bundleIds]) })
      .field({ _id: true, courseIds: true })
      .limit(MAX_BUNDLES),
  );
  return new Map(bundles.map((b) => [b._id, b.courseIds]));
}
