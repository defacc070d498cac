/**
 * The nightly job's `tests` phase: on the first night of a week (Monday in Beijing; the first night the job runs in
 * that week, should Monday's fail), every running price test decides its next period from the catalog's history
 * (../pricing/price-test-doc.ts `decideWeek`), and the course's list price becomes the period's price, the same for
 * every learner, as an admin's change of the price would: `courses.priceFen` (with `updatedAt` and the content
 * `version`), which catalog.detail, promo.quote and order.create read. A pending order made at the old price is
 * not paid at it again: the checkout's rule for a changed list price (../../orders/pending-price.ts) replaces it.
 *
 * The test and its course are written in one transaction, which first checks that the week is still undecided, so a
 * tick that dies and is redone moves no price twice in a week. A test whose course is not in the catalog (unpublished
 * or free) or has no allowed price left (a registered item removed) is logged and its week passed over unmoved.
 */
import { COLLECTIONS } from '../../collections';
import { findMany, inTransaction, txGet, type Database } from '../../db';
import { priceCounters } from '../analyse';
import { weekOf } from '../daily/calendar';
import { railFeeRate } from '../pricing/ladder';
import { decideWeek, testPrices, type PriceTestDoc, type TestRail } from '../pricing/price-test-doc';
import { estimatePriceResponse } from '../pricing/response';
import type { CourseHistory } from './catalog';

/** What the job needs to know of the shop to run its tests. */
export interface PriceTestContext {
  /** The rail a course's test charges on (../pricing/price-test-doc.ts `testRailOf`, from the settings). */
  railOf(courseId: string, basePriceFen: number): TestRail;
}

/** Tests decided per step. */
const BATCH = 20;
/** Tests read per query. */
const PAGE = 1000;

/** The running tests whose period of `week` is not decided yet. */
function dueTests(db: Database, week: string): Promise<PriceTestDoc[]> {
  return findMany<PriceTestDoc>(
    db,
    COLLECTIONS.priceTests,
    { status: 'running', decidedWeek: db.command.lt(week) },
    { orderBy: ['_id', 'asc'], limit: BATCH },
  );
}

/** Writes the decided test and, when its price changed, the course's price; false when the week was decided meanwhile. */
async function apply(db: Database, next: PriceTestDoc, week: string, now: Date): Promise<boolean> {
  const priceFen = next.periods.at(-1)?.priceFen;
  return inTransaction(db, async (tx) => {
    const stored = await txGet<PriceTestDoc>(tx, COLLECTIONS.priceTests, next._id);
    if (!stored || stored.status !== 'running' || stored.decidedWeek >= week) return false;
    const { _id, ...data } = next;
    await tx.collection(COLLECTIONS.priceTests).doc(_id).set({ data });
    const course = await txGet<{ priceFen: number; version: number }>(tx, COLLECTIONS.courses, next.courseId);
    if (course && priceFen !== undefined && course.priceFen !== priceFen) {
      await tx
        .collection(COLLECTIONS.courses)
        .doc(next.courseId)
        .update({ data: { priceFen, updatedAt: now.toISOString(), version: course.version + 1 } });
    }
    return true;
  });
}

/** A week passed over without a move (see the module comment). */
async function passOver(db: Database, test: PriceTestDoc, week: string, now: Date): Promise<void> {
  await db
    .collection(COLLECTIONS.priceTests)
    .where({ _id: test._id, status: 'running', decidedWeek: db.command.lt(week) })
    .update({ data: { decidedWeek: week, updatedAt: now.toISOString() } });
}

/**
 * One step of the phase: a batch of due tests decided for the week of `run.day`; the run's catalog gets the prices
 * set (the advice of the `courses` phase reads them). Returns whether more tests may be due.
 */
export async function stepPriceTests(
  db: Database,
  run: { day: string; catalog: CourseHistory[] },
  context: PriceTestContext,
  env: { now: () => Date; log: (message: string) => void },
): Promise<boolean> {
  const week = weekOf(run.day);
  const due = await dueTests(db, week);
  if (due.length === 0) {
    await catalogAtWeekPrices(db, run, week);
    return false;
  }
  // One fit over every priced course, so each tested course is pooled with its category (tested or not).
  const priced = run.catalog.filter((c) => c.priceFen > 0);
  const responses = new Map(estimatePriceResponse(priced.map(priceCounters)).map((r) => [r.courseId, r]));
  for (const test of due) {
    const course = priced.find((c) => c.id === test.courseId);
    const response = responses.get(test.courseId);
    let allowedFen: number[] | undefined;
    const rail = context.railOf(test.courseId, test.basePriceFen);
    try {
      allowedFen = testPrices(test.bounds, rail);
    } catch (error) {
      env.log(`price test ${test._id}: ${(error as Error).message}; week ${week} passed over`);
    }
    if (!course || !response || !allowedFen) {
      if (!course)
        env.log(`price test ${test._id}: the course is not a published paid course; week ${week} passed over`);
      await passOver(db, test, week, env.now());
      continue;
    }
    const next = decideWeek(test, { week, response, allowedFen, feeRate: railFeeRate(rail.rail), now: env.now() });
    if (!next || !(await apply(db, next, week, env.now()))) continue;
    course.priceFen = next.periods.at(-1)!.priceFen;
    env.log(`price test ${test._id}: week ${week} at ${course.priceFen} fen (${next.status})`);
  }
  return due.length === BATCH;
}

/**
 * The run's catalog at the prices the tests set this week, also those set by a tick that died before saving the run
 * (its courses' insights are then advised at the price in force).
 */
async function catalogAtWeekPrices(db: Database, run: { catalog: CourseHistory[] }, week: string): Promise<void> {
  for (let skip = 0; ; skip += PAGE) {
    const decided = await findMany<PriceTestDoc>(
      db,
      COLLECTIONS.priceTests,
      { decidedWeek: week },
      { orderBy: ['_id', 'asc'], skip, limit: PAGE },
    );
    for (const test of decided) {
      const period = test.periods.at(-1);
      const course = run.catalog.find((c) => c.id === test.courseId);
      if (course && period?.week === week && test.status !== 'stopped') course.priceFen = period.priceFen;
    }
    if (decided.length < PAGE) return;
  }
}

/** The tests of these courses, any status, by course. */
export async function testsOf(db: Database, courseIds: readonly string[]): Promise<Map<string, PriceTestDoc>> {
  if (courseIds.length === 0) return new Map();
  const tests = await findMany<PriceTestDoc>(
    db,
    COLLECTIONS.priceTests,
    { _id: db.command.in([...courseIds]) },
    { limit: courseIds.length },
  );
  return new Map(tests.map((t) => [t.courseId, t]));
}
