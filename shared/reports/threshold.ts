/** How many distinct reports hide a review (`settings/app` → `reports.hideReviewAfter`). */
import type { Database } from '../db';
import { DEFAULT_SETTINGS, readSettings } from '../settings';

/**
 * The setting, or its default when `settings/app` does not validate (the problems are logged): a learner's report is
 * recorded either way, and an operator's broken document must not stop learners from reporting.
 */
export async function hideReviewAfter(db: Database): Promise<number> {
  try {
    return (await readSettings(db)).reports.hideReviewAfter;
  } catch (error) {
    console.error('[reports] settings/app unreadable, hiding after the default number of reports', error);
    return DEFAULT_SETTINGS.reports.hideReviewAfter;
  }
}
