/**
 * Expected buyers of each course in the next 4 weeks (pure): Σ over the learners who can still buy it of
 * P(the learner buys a course in 4 weeks) × the share of that purchase going to this course.
 *
 * The share is the course's weight (its paid orders of the last 12 weeks plus a half, so a course that has not sold
 * yet still gets a little) normalised over the courses that learner can still buy. Recent sales rather than the
 * learner's recommendation scores: sales are what learners actually chose, so summed over learners the shares match
 * where purchases went, they exist for learners without a list (inactive for 30 days, yet they buy), and implicit-ALS
 * scores are unnormalised preferences, some negative, that no step here would turn into purchase probabilities. The
 * cost: a niche course gets its catalog-wide share among its non-owners, not its audience's.
 */
import type { PaidCourseOrder } from './learners';

/** A learner as the sum reads them: their purchase chance and the courses they cannot buy (owned, or a signal on). */
export interface ProspectiveBuyer {
  p: number;
  unavailable: Iterable<string>;
}

export interface ExpectedBuyers {
  byCourse: Map<string, number>;
  /** Σ over courses: the expected course purchases of the catalog (one per buying learner). */
  total: number;
}

export const SHARE_WEEKS = 12;
export const SHARE_PSEUDO_ORDERS = 0.5;

/** Each buyable course's weight: its paid orders in the `weeks` before `at`, plus `pseudo`. */
export function salesShareWeights(
  orders: readonly PaidCourseOrder[],
  buyable: readonly string[],
  at: Date,
  weeks = SHARE_WEEKS,
  pseudo = SHARE_PSEUDO_ORDERS,
): Map<string, number> {
  const weights = new Map(buyable.map((id) => [id, pseudo]));
  const since = at.getTime() - weeks * 7 * 86_400_000;
  for (const order of orders) {
    if (order.courseId === undefined || order.paidAt === undefined || !(order.amountFen > 0)) continue;
    const paid = Date.parse(order.paidAt);
    const weight = weights.get(order.courseId);
    if (weight !== undefined && paid >= since && paid < at.getTime()) weights.set(order.courseId, weight + 1);
  }
  return weights;
}

/**
 * E_c = w_c · Σ_{u can buy c} p_u / W_u, W_u the weight of what u can buy: computed as w_c · (A − O_c) with
 * A = Σ_u p_u / W_u and O_c the same sum over those who cannot buy c, so the cost is one pass over the learners'
 * unavailable courses. A learner with nothing left to buy adds nothing.
 */
export function expectedBuyers(
  learners: Iterable<ProspectiveBuyer>,
  weights: ReadonlyMap<string, number>,
): ExpectedBuyers {
  let all = 0;
  for (const w of weights.values()) all += w;
  let everyone = 0;
  const excluded = new Map<string, number>();
  for (const learner of learners) {
    if (!(learner.p > 0)) continue;
    const unavailable = [...new Set(learner.unavailable)].filter((id) => weights.has(id));
    const left = all - unavailable.reduce((sum, id) => sum + weights.get(id)!, 0);
    if (left <= 1e-9 * all) continue;
    const share = learner.p / left;
    everyone += share;
    for (const id of unavailable) excluded.set(id, (excluded.get(id) ?? 0) + share);
  }
  const byCourse = new Map<string, number>();
  let total = 0;
  for (const [id, w] of weights) {
    const expected = w * Math.max(0, everyone - (excluded.get(id) ?? 0));
    byCourse.set(id, expected);
    total += expected;
  }
  return { byCourse, total };
}
