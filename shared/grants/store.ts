/**
 * Reading a learner's grants: which courses they can open and through which grant. Every check of access (lessons,
 * reviews, the catalog, checkout) goes through `courseAccess`. Database calls: one query of the learner's grants
 * (`_openid`, index owner_via_target), and, only when the learner holds a bundle, one read of those bundles' course lists —
 * bundles are read at the time of the check, so a course added to a bundle later opens to its holders at once.
 *
 * Only the orders domain and redemption write grants (shared/orders/grants.ts, shared/promo).
 */
import { found, type Database } from '../db';
import { COLLECTIONS } from '../collections';
import { bundleCourses } from '../promo/bundle-courses';
import { isActive, longestGrant, type GrantDoc } from './model';

/** A learner holds at most this many grants in one read. */
const MAX_GRANTS = 1000;

/** The learner's grants that are not revoked (some may be past their term). */
export async function learnerGrants(db: Database, openid: string): Promise<GrantDoc[]> {
  return found<GrantDoc>(
    db.collection(COLLECTIONS.grants).where({ _openid: openid, status: 'active' }).limit(MAX_GRANTS),
  );
}

/** Every course the grants open at `now`, with the grants that open it (direct ones first). */
async function openedCourses(db: Database, grants: readonly GrantDoc[], now: Date): Promise<Map<string, GrantDoc[]>> {
  const active = grants.filter((g) => isActive(g, now));
  const opened = new Map<string, GrantDoc[]>();
  const add = (courseId: string, grant: GrantDoc) => opened.set(courseId, [...(opened.get(courseId) ?? []), grant]);
  for (const grant of active) if (grant.courseId !== undefined) add(grant.courseId, grant);
  const bundled = active.filter((g) => g.bundleId !== undefined);
  const courses = await bundleCourses(db, [...new Set(bundled.map((g) => g.bundleId as string))]);
  for (const grant of bundled) for (const courseId of courses.get(grant.bundleId as string) ?? []) add(courseId, grant);
  return opened;
}

export interface CourseAccess {
  /** The active grants that open the course (empty: the learner cannot open its paid lessons). */
  grants: GrantDoc[];
  /** The longest-lived of them. */
  longest?: GrantDoc;
}

/** Whether and through which grants the learner can open the course at `now`. */
export async function courseAccess(db: Database, openid: string, courseId: string, now: Date): Promise<CourseAccess> {
  const own = await learnerGrants(db, openid);
  const grants = (await openedCourses(db, own, now)).get(courseId) ?? [];
  const longest = longestGrant(grants, now);
  return longest === undefined ? { grants } : { grants, longest };
}

/** Whether the learner may open the paid content of the course at `now`. */
export async function hasAccess(db: Database, openid: string, courseId: string, now: Date): Promise<boolean> {
  return (await courseAccess(db, openid, courseId, now)).grants.length > 0;
}

/** Every course the learner can open at `now`, each with its longest-lived grant. */
export async function openableCourses(db: Database, openid: string, now: Date): Promise<Map<string, GrantDoc>> {
  const opened = await openedCourses(db, await learnerGrants(db, openid), now);
  const result = new Map<string, GrantDoc>();
  for (const [courseId, grants] of opened) result.set(courseId, longestGrant(grants, now) as GrantDoc);
  return result;
}
