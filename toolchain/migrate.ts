/**
 * `npm run migrate`: brings an environment's data up to what this version of the code reads. Each step is idempotent
 * and never overwrites what the new code has written since, so running it again (or on a migrated environment) changes
 * nothing.
 *
 * Steps:
 * - `enrollments → grants`: every enrollment without a grant of the same `_id` is copied (shared/grants/migrate.ts).
 *   A grant that exists already — written by an order, a refund or an earlier run — is left as it is.
 */
import { grantOfEnrollment, type LegacyEnrollmentDoc } from '../shared/grants/migrate';
import { COLLECTIONS } from '../shared/collections';
import { isDuplicateKey } from '../shared/db';
import type { NodeDb } from './catalog-store';

/** Documents read per page (the server's maximum for one `get`). */
const PAGE = 1000;

export interface MigrationReport {
  /** Enrollments read. */
  read: number;
  /** Grants written. */
  copied: number;
  /** Enrollments that already had their grant. */
  kept: number;
}

/** Copies enrollments into grants; with `dryRun`, only counts what it would copy. */
export async function migrateEnrollments(db: NodeDb, options: { dryRun: boolean }): Promise<MigrationReport> {
  const report: MigrationReport = { read: 0, copied: 0, kept: 0 };
  const _ = db.command;
  let after = '';
  for (;;) {
    // Paged by `_id` rather than skip, so enrollments written during the run cannot shift a page.
    const page = (await db
      .collection(COLLECTIONS.enrollments)
      .where({ _id: _.gt(after) })
      .orderBy('_id', 'asc')
      .limit(PAGE)
      .get()) as { data: LegacyEnrollmentDoc[] };
    if (page.data.length === 0) return report;
    report.read += page.data.length;
    const ids = page.data.map((d) => d._id);
    const existing = (await db
      .collection(COLLECTIONS.grants)
      .where({ _id: _.in(ids) })
      .field({ _id: true })
      .limit(PAGE)
      .get()) as { data: { _id: string }[] };
    const have = new Set(existing.data.map((g) => g._id));
    for (const enrollment of page.data) {
      if (have.has(enrollment._id)) {
        report.kept += 1;
        continue;
      }
      report.copied += 1;
      if (options.dryRun) continue;
      const { _id, ...grant } = grantOfEnrollment(enrollment);
      // `add` with the id, not `set`: a grant an order writes between the read and here wins, and this one is kept.
      try {
        await db.collection(COLLECTIONS.grants).add({ _id, ...grant });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        report.copied -= 1;
        report.kept += 1;
      }
    }
    after = ids[ids.length - 1] as string;
  }
}
