/**
 * The money side of a course's day, read from the orders rather than counted (the orders are the record): paid
 * course orders by the price in force when they were made (the list price less a limited-time price, before any
 * coupon: the price a detail viewer saw), what they paid, and the refunds completed that day. The nightly `insights`
 * job folds each past day into the courses' `courseDaily` documents (`sales`), so the models read one place.
 * Free enrolments and bundle orders are not course sales.
 */
import { COLLECTIONS } from '../../collections';
import { findMany, updateOrInsert, type Database } from '../../db';
import type { OrderDoc } from '../../orders/model';
import { addDays, dayStart, weekOf } from './calendar';
import { courseDailyId, type CourseDailyDoc } from './counters';

export interface PriceSales {
  paid: number;
  revenueFen: number;
}

export interface DaySales {
  paid: number;
  revenueFen: number;
  /** Price in force (fen, as a string key) → orders paid at it and what they paid. */
  byPrice: Record<string, PriceSales>;
  refunds: number;
  refundedFen: number;
}

type SoldOrder = Pick<OrderDoc, 'courseId' | 'amountFen' | 'listPriceFen' | 'discounts' | 'paidAt' | 'refundedAt'>;

export function emptySales(): DaySales {
  return { paid: 0, revenueFen: 0, byPrice: {}, refunds: 0, refundedFen: 0 };
}

/** The price the learner saw on the page when ordering: list price less a limited-time price, before coupons. */
export function priceInForce(order: Pick<OrderDoc, 'amountFen' | 'listPriceFen' | 'discounts'>): number {
  const list = order.listPriceFen ?? order.amountFen;
  const sale = (order.discounts ?? []).filter((d) => d.kind === 'promotion').reduce((sum, d) => sum + d.amountFen, 0);
  return list - sale;
}

/** Each course's sales of the day from its paid and its refunded orders (pure). */
export function salesByCourse(paid: readonly SoldOrder[], refunded: readonly SoldOrder[]): Map<string, DaySales> {
  const byCourse = new Map<string, DaySales>();
  const of = (courseId: string) => {
    let sales = byCourse.get(courseId);
    if (!sales) byCourse.set(courseId, (sales = emptySales()));
    return sales;
  };
  for (const order of paid) {
    if (order.courseId === undefined || order.amountFen === 0) continue;
    const sales = of(order.courseId);
    const key = String(priceInForce(order));
    const at = (sales.byPrice[key] ??= { paid: 0, revenueFen: 0 });
    sales.paid += 1;
    sales.revenueFen += order.amountFen;
    at.paid += 1;
    at.revenueFen += order.amountFen;
  }
  for (const order of refunded) {
    if (order.courseId === undefined || order.amountFen === 0) continue;
    const sales = of(order.courseId);
    sales.refunds += 1;
    sales.refundedFen += order.amountFen;
  }
  return byCourse;
}

/** Orders read per query. */
const PAGE = 1000;

async function ordersBetween(db: Database, field: 'paidAt' | 'refundedAt', from: Date, to: Date) {
  const _ = db.command;
  const where = { [field]: _.gte(from.toISOString()).and(_.lt(to.toISOString())) };
  const orders: SoldOrder[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const page = await findMany<SoldOrder>(db, COLLECTIONS.orders, where, {
      orderBy: [field, 'asc'],
      skip,
      limit: PAGE,
    });
    orders.push(...page);
    if (page.length < PAGE) return orders;
  }
}

/**
 * Writes the day's sales into each selling course's document of that day (replacing what an earlier run wrote, so a
 * day folded twice is the same). Returns how many courses sold or refunded.
 */
export async function foldSales(db: Database, day: string, now: Date): Promise<number> {
  const [from, to] = [dayStart(day), dayStart(addDays(day, 1))];
  const [paid, refunded] = await Promise.all([
    ordersBetween(db, 'paidAt', from, to),
    ordersBetween(db, 'refundedAt', from, to),
  ]);
  const byCourse = salesByCourse(paid, refunded);
  const at = now.toISOString();
  for (const [courseId, sales] of byCourse) {
    const first: Omit<CourseDailyDoc, '_id'> = {
      courseId,
      day,
      week: weekOf(day),
      detailViews: 0,
      viewers: {},
      freeLessonStarts: 0,
      checkouts: 0,
      sales,
      updatedAt: at,
    };
    const update = { sales: db.command.set(sales), updatedAt: at };
    await updateOrInsert(db, COLLECTIONS.courseDaily, courseDailyId(courseId, day), update, first);
  }
  return byCourse.size;
}
