/**
 * The per-course, per-day counters demand forecasting and price response learn from (collection `courseDaily`, one
 * document per course and Beijing day, `_id` = `<courseId>_<YYYY-MM-DD>`): never one document per event.
 *
 * - Written by the learner's own calls, each adding one update to what the call already does (the first event of a
 *   course's day: a failed update and an insert): `catalog.detail` (views and unique viewers among learners who
 *   cannot open the course yet, and the price in force they saw), `learning.lesson` (free lessons started by them),
 *   `order.create` (checkouts started). Card impressions, far more frequent, are kept apart (./impressions.ts).
 * - Paid orders and revenue at each price, and refunds, are not counted here: the nightly `insights` job reads them
 *   from the orders of each past day into `sales` (./sales.ts; the orders are the record of money, and counting
 *   them twice could only disagree).
 * - A counter that cannot be written is logged and never fails the learner's call: it only makes the figures lower.
 */
import { updateOrInsert, type Database } from '../../db';
import { COLLECTIONS } from '../../collections';
import { beijingDay, weekOf } from './calendar';
import type { DaySales } from './sales';
import { sketchEntry, type ViewerSketch } from './viewer-sketch';

export interface CourseDailyDoc {
  _id: string;
  courseId: string;
  /** The Beijing (UTC+8) calendar day, `YYYY-MM-DD`. */
  day: string;
  /** The Monday of its week (./calendar.ts), for the weekly sums the models read. */
  week: string;
  /** Course pages opened by learners who could not open the course (its owners revisiting are not prospects). */
  detailViews: number;
  /** The distinct learners among those views (./viewer-sketch.ts). */
  viewers: ViewerSketch;
  /** Free lessons opened by learners who could not open the rest of the course. */
  freeLessonStarts: number;
  /** `order.create` calls that reached a price (refused requests are not checkouts). */
  checkouts: number;
  /** The price the page showed at the day's last view: the limited-time price while one ran, else the list price. */
  priceFen?: number;
  /** Paid orders, revenue at each price and refunds of the day, written by the nightly job (./sales.ts). */
  sales?: DaySales;
  updatedAt: string;
}

export type CounterName = 'detailViews' | 'freeLessonStarts' | 'checkouts';

export type DailyEvent =
  { kind: 'detailView'; openid: string; priceFen: number } | { kind: 'freeLessonStart' } | { kind: 'checkout' };

export function courseDailyId(courseId: string, day: string): string {
  return `${courseId}_${day}`;
}

/** What one event adds: the counters it increments, the sketch register it raises, the fields it sets. */
function effectOf(event: DailyEvent): {
  counts: Partial<Record<CounterName, number>>;
  sketch?: { register: number; rank: number };
  set: Partial<Pick<CourseDailyDoc, 'priceFen'>>;
} {
  switch (event.kind) {
    case 'detailView':
      return { counts: { detailViews: 1 }, sketch: sketchEntry(event.openid), set: { priceFen: event.priceFen } };
    case 'freeLessonStart':
      return { counts: { freeLessonStarts: 1 }, set: {} };
    case 'checkout':
      return { counts: { checkouts: 1 }, set: {} };
  }
}

/** Adds the event to the course's counters of the day of `now`: one update, or an insert for the day's first. */
export async function recordDaily(db: Database, courseId: string, now: Date, event: DailyEvent): Promise<void> {
  const day = beijingDay(now);
  const _ = db.command;
  const { counts, sketch, set } = effectOf(event);
  const at = now.toISOString();
  const update: Record<string, unknown> = { ...set, updatedAt: at };
  for (const [name, n] of Object.entries(counts)) update[name] = _.inc(n);
  if (sketch) update[`viewers.${sketch.register}`] = _.max(sketch.rank);
  const first: Omit<CourseDailyDoc, '_id'> = {
    courseId,
    day,
    week: weekOf(day),
    detailViews: 0,
    viewers: sketch ? { [String(sketch.register)]: sketch.rank } : {},
    freeLessonStarts: 0,
    checkouts: 0,
    ...counts,
    ...set,
    updatedAt: at,
  };
  await updateOrInsert(db, COLLECTIONS.courseDaily, courseDailyId(courseId, day), update, first);
}

/** recordDaily for a call that must not fail because of it: a lost count is logged. */
export async function countDaily(
  deps: { db: Database; log?: (message: string, error?: unknown) => void },
  courseId: string,
  now: Date,
  event: DailyEvent,
): Promise<void> {
  try {
    await recordDaily(deps.db, courseId, now, event);
  } catch (error) {
    (deps.log ?? console.warn)(`[insights] ${event.kind} of ${courseId} not counted`, error);
  }
}
