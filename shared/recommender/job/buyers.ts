/**
 * The retrain's `buyers` phase: every learner's chance of buying a course in the 4 weeks from the run's start, from
 * the paid course orders (shared/insights/propensity), for the lists (buyer-tilt.ts) and for each course's expected
 * buyers, which the `expected` phase writes to `courseInsights`. Only the sums per course are stored; a learner's
 * chance stays in the invocation's memory and is recomputed from the orders when a resumed run needs it (the same
 * orders before the same start give the same chances).
 */
import { expectedBuyers, salesShareWeights, type ProspectiveBuyer } from '../../insights/propensity/expected-buyers';
import { learnerPropensity, purchaseHistories, type PaidCourseOrder } from '../../insights/propensity/learners';
import { propensityWindow } from '../../insights/propensity/model';
import type { SnapshotData } from '../data/snapshot-data';
import type { BuyerTilt } from '../platform/buyer-tilt';
import type { RetrainStore } from './types';

/** What the run record keeps of the phase: the fit's figures and each course's expected buyers. */
export interface BuyersSummary {
  source: 'fitted' | 'prior';
  /** Labelled rows (a learner at an earlier cut) the fit saw, and how many bought in the 4 weeks after. */
  rows: number;
  positives: number;
  /** Learners known (a snapshot or a paid order), and those with a paid course order before the run. */
  learners: number;
  buyers: number;
  /** The chance given to a learner who has never bought. */
  firstPurchase: number;
  horizonWeeks: number;
  /** Σ of every course's expected buyers. */
  catalogTotal: number;
  /** Each course for sale (published, price > 0) and its expected buyers, in id order. */
  byCourse: [string, number][];
}

export interface Buyers {
  tilt: BuyerTilt;
  summary: BuyersSummary;
}

/** Reads the paid course orders before `at` page by page, then computes the chances and the expected buyers. */
export async function computeBuyers(
  store: Pick<RetrainStore, 'readPaidCourseOrders' | 'paidCourseIds'>,
  data: SnapshotData,
  at: Date,
  pageSize: number,
): Promise<Buyers> {
  const orders: PaidCourseOrder[] = [];
  for (let after: string | null = null; ;) {
    const page = await store.readPaidCourseOrders(at, after, pageSize);
    orders.push(...page);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!._id;
  }
  const histories = purchaseHistories(orders, at);
  const bought = new Map<string, Set<string>>();
  for (const order of orders) {
    if (order.courseId === undefined) continue;
    let courses = bought.get(order._openid);
    if (courses === undefined) bought.set(order._openid, (courses = new Set()));
    courses.add(order.courseId);
  }
  const known = new Set([...data.userIds, ...bought.keys()]);
  const propensity = learnerPropensity(histories, known.size);
  const chance = (openid: string) => propensity.byLearner.get(openid) ?? propensity.firstPurchase;
  const paid = new Set(await store.paidCourseIds());
  const weights = salesShareWeights(orders, [...paid].sort(), at);
  const signalled = new Map<string, number>(data.userIds.map((id, u) => [id, u]));
  function* prospects(): Generator<ProspectiveBuyer> {
    for (const openid of known) {
      const u = signalled.get(openid);
      const unavailable = new Set(bought.get(openid));
      if (u !== undefined) {
        for (let k = data.pointers[u]!; k < data.pointers[u + 1]!; k++) unavailable.add(data.itemIds[data.items[k]!]!);
      }
      yield { p: chance(openid), unavailable };
    }
  }
  const expected = expectedBuyers(prospects(), weights);
  return {
    tilt: { propensity: chance, paid },
    summary: {
      source: propensity.source,
      rows: propensity.rows,
      positives: propensity.positives,
      learners: known.size,
      buyers: histories.length,
      firstPurchase: propensity.firstPurchase,
      horizonWeeks: propensityWindow,
      catalogTotal: expected.total,
      byCourse: [...expected.byCourse],
    },
  };
}
