/**
 * The nightly `insights` job, resumable: each timer tick of the night continues the night's run (document
 * `insights_<day>` in `jobRuns`) where the last tick stopped, until it is done, within the function's time. Phases:
 *
 * 1. `fold`: each past day not folded yet (from the oldest paid order, at most two years back, on the first night)
 *    gets its sales from the orders (../daily/sales.ts); `insights_state.foldedThrough` remembers how far.
 * 2. `prune`: counters older than two years go (../daily/retention.ts).
 * 3. `pool`: the published courses' weekly history, a batch at a time (../data/weekly.ts, full weeks only), kept
 *    in the run (./catalog.ts): the models pool every course with its category and the catalog.
 * 4. `tests`: on the first night of a week, each running price test decides the week's period and the course's
 *    price is set to it (./price-tests.ts); the run's catalog gets the new prices.
 * 5. `courses`: `analyse` turns the whole catalog's history into each course's insight (once per tick), and the
 *    published courses, a batch at a time in `_id` order after `cursor`, get theirs in `courseInsights`, with the
 *    state of the course's price test if it has one.
 *
 * Every step is idempotent (a day folded again writes the same sales, a test's week is decided once, an insight is
 * recomputed from the same data), so
 * the lease (`leaseUntil`) only keeps two ticks from doing the same work at once; a tick that died leaves its lease to
 * expire and the next one redoes at most one step.
 */
import { COLLECTIONS } from '../../collections';
import { findMany, getById, isDuplicateKey, updated, type Database } from '../../db';
import { addDays, beijingDay, weekOf } from '../daily/calendar';
import { KEEP_DAYS, pruneDaily } from '../daily/retention';
import { foldSales } from '../daily/sales';
import { readCourseWeeks, type CourseWeekRow } from '../data/weekly';
import { historyOf, type CourseHistory } from './catalog';
import { stepPriceTests, testsOf, type PriceTestContext } from './price-tests';
import { testView } from '../pricing/price-test-doc';
import { keptExpectedBuyers } from '../propensity/store';
import { OPEN_COURSE_WHERE } from '../../catalog/visibility';

export type InsightsPhase = 'fold' | 'prune' | 'pool' | 'tests' | 'courses' | 'done';

export interface InsightsRunDoc {
  _id: string;
  job: 'insights';
  /** The Beijing day the run is for: it folds through the day before. */
  day: string;
  phase: InsightsPhase;
  /** The last course pooled (phase `pool`) or written (phase `courses`). */
  cursor?: string;
  /** The published courses' history (phase `pool`, read by `courses`). */
  catalog: CourseHistory[];
  leaseOwner: string;
  leaseUntil: number;
  startedAt: string;
  finishedAt?: string;
  invocations: number;
  daysFolded: number;
  coursesWritten: number;
}

/** A course as the job reads it. */
export interface CourseFacts {
  _id: string;
  category: string;
  priceFen: number;
}

/** Each course's insight from the whole catalog's history (the models: ../analyse.ts). */
export type AnalyseCatalog = (
  catalog: readonly CourseHistory[],
  context: { day: string; lastWeek: string },
) => Promise<Map<string, Record<string, unknown>>> | Map<string, Record<string, unknown>>;

export interface InsightsEnv {
  now: () => Date;
  /** Who runs this tick (the request id). */
  owner: string;
  /** Milliseconds this tick may still work. */
  timeLeft: () => number;
  log: (message: string) => void;
}

export type InsightsOutcome = { status: 'busy' | 'idle' } | { status: 'working' | 'done'; run: InsightsRunDoc };

const LEASE_MS = 90_000;
/** A step is started only with this much time left. */
const STEP_MS = 15_000;
/** Courses analysed per step. */
const BATCH = 50;
/** How far back the models look. */
export const HISTORY_WEEKS = 104;
const STATE_ID = 'insights_state';

const runs = (db: Database) => db.collection(COLLECTIONS.jobRuns);

/** Takes the night's run (creating it on the first tick), or null when another tick holds it. */
async function acquire(db: Database, env: InsightsEnv, day: string): Promise<InsightsRunDoc | null> {
  const id = `insights_${day}`;
  const now = env.now().getTime();
  const lease = { leaseOwner: env.owner, leaseUntil: now + LEASE_MS };
  const taken = await updated(
    runs(db)
      .where({ _id: id, leaseUntil: db.command.lt(now) })
      .update({ data: { ...lease, invocations: db.command.inc(1) } }),
  );
  if (taken === 1) return getById<InsightsRunDoc>(db, COLLECTIONS.jobRuns, id);
  const run: InsightsRunDoc = {
    _id: id,
    job: 'insights',
    day,
    phase: 'fold',
    ...lease,
    startedAt: env.now().toISOString(),
    invocations: 1,
    daysFolded: 0,
    coursesWritten: 0,
    catalog: [],
  };
  try {
    const { _id, ...data } = run;
    await runs(db).add({ data: { _id, ...data } });
    return run;
  } catch (error) {
    if (isDuplicateKey(error)) return null;
    throw error;
  }
}

/** Saves the run's progress, while this tick still holds it; false when the lease was lost. */
async function save(db: Database, env: InsightsEnv, run: InsightsRunDoc): Promise<boolean> {
  const { _id, ...data } = run;
  const leaseUntil = env.now().getTime() + LEASE_MS;
  const saved = await updated(
    runs(db)
      .where({ _id, leaseOwner: env.owner })
      .update({ data: { ...data, leaseUntil } }),
  );
  run.leaseUntil = leaseUntil;
  return saved === 1;
}

/** The first day to fold: the day after the last folded, else the oldest paid order's (at most two years back). */
async function firstUnfolded(db: Database, day: string): Promise<string> {
  const state = await getById<{ foldedThrough?: string }>(db, COLLECTIONS.jobRuns, STATE_ID);
  const oldest = addDays(day, -KEEP_DAYS);
  if (state?.foldedThrough) return addDays(state.foldedThrough > oldest ? state.foldedThrough : oldest, 1);
  const [first] = await findMany<{ paidAt: string }>(
    db,
    COLLECTIONS.orders,
    { paidAt: db.command.exists(true) },
    { orderBy: ['paidAt', 'asc'], limit: 1 },
  );
  const since = first ? beijingDay(new Date(first.paidAt)) : addDays(day, -1);
  return since > oldest ? since : oldest;
}

async function markFolded(db: Database, through: string): Promise<void> {
  const data = { job: 'insights-state', foldedThrough: through };
  const written = await updated(runs(db).where({ _id: STATE_ID }).update({ data }));
  if (written === 0) {
    try {
      await runs(db).add({ data: { _id: STATE_ID, ...data } });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await runs(db).where({ _id: STATE_ID }).update({ data });
    }
  }
}

/** The next batch of published courses in `_id` order. */
function publishedAfter(db: Database, cursor: string | undefined): Promise<CourseFacts[]> {
  return findMany<CourseFacts>(
    db,
    COLLECTIONS.courses,
    { ...OPEN_COURSE_WHERE, ...(cursor ? { _id: db.command.gt(cursor) } : {}) },
    { orderBy: ['_id', 'asc'], limit: BATCH },
  );
}

/** Moves the cursor past the batch; whether more may follow (a short batch was the last). */
function advance(run: InsightsRunDoc, batch: readonly CourseFacts[]): boolean {
  if (batch.length < BATCH) {
    delete run.cursor;
    return false;
  }
  run.cursor = batch[batch.length - 1]!._id;
  return true;
}

/** One step of the run's phase; returns false when the phase has nothing left (the run moves to the next). */
async function step(
  db: Database,
  env: InsightsEnv,
  run: InsightsRunDoc,
  analysed: (run: InsightsRunDoc) => Promise<Map<string, Record<string, unknown>>>,
  tests: PriceTestContext,
): Promise<boolean> {
  switch (run.phase) {
    case 'fold': {
      const day = await firstUnfolded(db, run.day);
      if (day >= run.day) return false;
      await foldSales(db, day, env.now());
      await markFolded(db, day);
      run.daysFolded += 1;
      return true;
    }
    case 'prune':
      await pruneDaily(db, run.day);
      return false;
    case 'pool': {
      const courses = await publishedAfter(db, run.cursor);
      if (courses.length === 0) {
        delete run.cursor;
        return false;
      }
      const lastWeek = addDays(weekOf(run.day), -7);
      const since = addDays(lastWeek, -7 * (HISTORY_WEEKS - 1));
      // Full weeks only: the week in progress would read as a drop in sales.
      const rows = await readCourseWeeks(
        db,
        courses.map((c) => c._id),
        since,
        weekOf(run.day),
      );
      const byCourse = new Map<string, CourseWeekRow[]>();
      for (const row of rows) byCourse.set(row.courseId, [...(byCourse.get(row.courseId) ?? []), row]);
      for (const course of courses) run.catalog.push(historyOf(course, byCourse.get(course._id) ?? []));
      return advance(run, courses);
    }
    case 'tests':
      return stepPriceTests(db, run, tests, env);
    case 'courses': {
      const courses = await publishedAfter(db, run.cursor);
      if (courses.length === 0) return false;
      const insights = await analysed(run);
      const priceTests = await testsOf(
        db,
        courses.map((c) => c._id),
      );
      // The retrain's expected buyers (written after this job each night) survive the replace.
      const kept = await keptExpectedBuyers(
        db,
        courses.map((c) => c._id),
      );
      const computedAt = env.now().toISOString();
      for (const course of courses) {
        const insight = insights.get(course._id);
        if (!insight) continue; // published since the pool phase: tomorrow
        const test = priceTests.get(course._id);
        await db
          .collection(COLLECTIONS.courseInsights)
          .doc(course._id)
          .set({
            data: {
              ...kept.get(course._id),
              ...insight,
              ...(test ? { priceTest: testView(test) } : {}),
              courseId: course._id,
              day: run.day,
              computedAt,
            },
          });
        run.coursesWritten += 1;
      }
      return advance(run, courses);
    }
    case 'done':
      return false;
  }
}

const NEXT: Record<InsightsPhase, InsightsPhase> = {
  fold: 'prune',
  prune: 'pool',
  pool: 'tests',
  tests: 'courses',
  courses: 'done',
  done: 'done',
};

/** One timer tick (see the module comment). */
export async function runInsights(
  db: Database,
  env: InsightsEnv,
  analyse: AnalyseCatalog,
  tests: PriceTestContext,
): Promise<InsightsOutcome> {
  const day = beijingDay(env.now());
  const run = await acquire(db, env, day);
  if (run === null) return { status: 'busy' };
  if (run.phase === 'done') return { status: 'idle' };
  // The models run once a tick, on the whole catalog (deterministic: a later tick gets the same insights).
  let insights: Promise<Map<string, Record<string, unknown>>> | undefined;
  const analysed = (r: InsightsRunDoc) =>
    (insights ??= Promise.resolve(analyse(r.catalog, { day: r.day, lastWeek: addDays(weekOf(r.day), -7) })));
  while (run.phase !== 'done' && env.timeLeft() > STEP_MS) {
    const more = await step(db, env, run, analysed, tests);
    if (!more) run.phase = NEXT[run.phase];
    if (run.phase === 'done') run.finishedAt = env.now().toISOString();
    if (!(await save(db, env, run))) {
      env.log(`insights ${run._id}: lease lost at ${run.phase}`);
      return { status: 'busy' };
    }
  }
  // Handed on to the next tick: the lease ends now.
  await runs(db)
    .where({ _id: run._id, leaseOwner: env.owner })
    .update({ data: { leaseUntil: 0 } });
  env.log(`insights ${run._id}: ${run.phase}, ${run.daysFolded} days folded, ${run.coursesWritten} courses written`);
  return { status: run.phase === 'done' ? 'done' : 'working', run };
}
