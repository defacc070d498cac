/**
 * `npm run price-test`: a creator switches a course's price test on or off, or looks at it, writing `priceTests`
 * through @cloudbase/node-sdk. The rules are shared/insights/pricing/price-test-switch.ts's, as in the creator
 * center; here the bounds are read from the options, and every problem is named by its option.
 */
import { COLLECTIONS } from '../../shared/collections';
import type { Problem } from '../../shared/contract';
import { readTestBounds, type PriceTestDoc } from '../../shared/insights/pricing/price-test-doc';
import {
  priceTestCourseProblems,
  switchPriceTestOff,
  switchPriceTestOn,
  type PriceTestStore,
  type TestResult,
} from '../../shared/insights/pricing/price-test-switch';
import { checkSettings, SETTINGS_DOC_ID, type AppSettings } from '../../shared/settings';
import type { NodeDb } from '../../toolchain/catalog-store';
import { byId } from './promo/store';

export type { TestResult };

async function settingsOf(db: NodeDb): Promise<AppSettings> {
  const checked = checkSettings((await byId<Record<string, unknown>>(db, COLLECTIONS.settings, SETTINGS_DOC_ID)) ?? {});
  if (!checked.ok) throw new Error(`settings/app is invalid: ${checked.problems.map((p) => p.message).join('; ')}`);
  return checked.settings;
}

/** The switch's store over node-sdk. */
function nodeStore(db: NodeDb): PriceTestStore {
  return {
    course: (courseId) => byId(db, COLLECTIONS.courses, courseId),
    test: (courseId) => byId<PriceTestDoc>(db, COLLECTIONS.priceTests, courseId),
    settings: () => settingsOf(db),
    save: async ({ _id, ...data }) => {
      await db.collection(COLLECTIONS.priceTests).doc(_id).set(data);
    },
    stop: async (courseId, at) => {
      const result = (await db
        .collection(COLLECTIONS.priceTests)
        .where({ _id: courseId, status: 'running' })
        .update({ status: 'stopped', stoppedAt: at, updatedAt: at })) as { updated?: number };
      return (result.updated ?? 0) > 0;
    },
  };
}

const required: Problem[] = [{ path: 'courseId', message: 'courseId is required' }];

/** `start <courseId> --min-fen N --max-fen N [--ladder a,b,c]`. */
export async function startTest(
  db: NodeDb,
  courseId: string | undefined,
  options: { minFen?: string; maxFen?: string; ladder?: string },
  now: Date,
): Promise<TestResult> {
  const bounds = readTestBounds(options);
  if (courseId === undefined) return { ok: false, problems: [...(bounds.ok ? [] : bounds.problems), ...required] };
  const store = nodeStore(db);
  if (!bounds.ok) {
    // The course's own problems too, so that every problem is reported at once.
    return { ok: false, problems: [...bounds.problems, ...(await priceTestCourseProblems(store, courseId)).problems] };
  }
  return switchPriceTestOn(store, courseId, bounds.bounds, now);
}

/** `stop <courseId>`: the test stops; the course keeps the price in force. */
export async function stopTest(db: NodeDb, courseId: string | undefined, now: Date): Promise<TestResult> {
  if (courseId === undefined) return { ok: false, problems: required };
  return switchPriceTestOff(nodeStore(db), courseId, now);
}

/** `show <courseId>`. */
export async function showTest(db: NodeDb, courseId: string | undefined): Promise<TestResult> {
  const test = courseId === undefined ? undefined : await byId<PriceTestDoc>(db, COLLECTIONS.priceTests, courseId);
  if (!test) {
    return {
      ok: false,
      problems: [
        {
          path: 'courseId',
          message: courseId === undefined ? 'courseId is required' : `courseId "${courseId}" has no price test`,
        },
      ],
    };
  }
  return { ok: true, test };
}
