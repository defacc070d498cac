/**
 * What the pooled demand model sees of a series at a cut week t (history = weeks before t): its recent weeks and
 * smoothed levels divided by its own level, how intermittent and how volatile it is, how old, and how its group
 * (category) and the whole catalog moved lately. Dividing by the level lets one model learn from every series.
 */
import type { DemandSeries } from './series';

export const featureNames = [
  'lag1',
  'lag2',
  'lag3',
  'lag4',
  'lag5',
  'lag6',
  'lag7',
  'lag8',
  'mean4',
  'mean8',
  'mean26',
  'ses0.2',
  'ses0.5',
  'sba0.1',
  'zeroShare13',
  'weeksSinceSale',
  'age',
  'volatility',
  'max13',
  'logLevel',
  'groupTrend4',
  'groupTrend1',
  'catalogTrend4',
  'catalogTrend1',
  'groupMomentum',
  'priceRatio',
  'groupTrend26',
  'catalogTrend26',
  'catalogGrowth13',
] as const;

export const featureCount = featureNames.length;

/** Weeks the level is averaged over. */
const levelWeeks = 13;

export class CatalogFeatures {
  private readonly prefix: Float64Array[];
  private readonly groupIndex: Int32Array;
  private readonly groupTotals: Float64Array[];
  private readonly catalogTotals: Float64Array;

  /** `weeks`: the catalog's observed weeks (every series' units end at week weeks − 1). */
  constructor(
    readonly catalog: readonly DemandSeries[],
    readonly weeks: number,
  ) {
    this.prefix = catalog.map((s) => {
      const p = new Float64Array(s.units.length + 1);
      for (let i = 0; i < s.units.length; i++) p[i + 1] = p[i]! + s.units[i]!;
      return p;
    });
    const groups = new Map<string, number>();
    this.groupIndex = Int32Array.from(
      catalog.map((s) => groups.get(s.group) ?? groups.set(s.group, groups.size).get(s.group)!),
    );
    this.groupTotals = Array.from({ length: groups.size }, () => new Float64Array(weeks));
    this.catalogTotals = new Float64Array(weeks);
    catalog.forEach((s, i) => {
      const totals = this.groupTotals[this.groupIndex[i]!]!;
      for (let k = 0; k < s.units.length; k++) {
        totals[s.start + k]! += s.units[k]!;
        this.catalogTotals[s.start + k]! += s.units[k]!;
      }
    });
  }

  /** Sum of series i's units in global weeks [from, to). */
  private sum(i: number, from: number, to: number): number {
    const s = this.catalog[i]!;
    const a = Math.max(0, from - s.start);
    const b = Math.max(0, to - s.start);
    return this.prefix[i]![b]! - this.prefix[i]![a]!;
  }

  /** Units of series i in global week w (0 before its start). */
  private at(i: number, w: number): number {
    const s = this.catalog[i]!;
    return w >= s.start ? s.units[w - s.start]! : 0;
  }

  /**
   * The level that divides everything: mean of the last 13 weeks, else of the whole history, else 1 (nothing sold
   * yet). Requires t > start.
   */
  level(i: number, t: number): number {
    const s = this.catalog[i]!;
    const from = Math.max(s.start, t - levelWeeks);
    const recent = this.sum(i, from, t) / (t - from);
    if (recent > 0) return recent;
    const all = this.sum(i, s.start, t) / (t - s.start);
    return all > 0 ? all : 1;
  }

  /** Mean units of series i over weeks [t, t + weeks): the forecast target. */
  futureMean(i: number, t: number, weeks: number): number {
    return this.sum(i, t, t + weeks) / weeks;
  }

  /** Revenue of series i in the `weeks` weeks before t (units when it has no revenue). */
  recentRevenue(i: number, t: number, weeks: number): number {
    const s = this.catalog[i]!;
    const from = Math.max(s.start, t - weeks);
    if (s.revenue === undefined) return this.sum(i, from, t);
    let sum = 0;
    for (let w = from; w < t; w++) sum += s.revenue[w - s.start]!;
    return sum;
  }

  /** Mean squared one-step naive error of series i before t (0 with fewer than two weeks). */
  naiveScale(i: number, t: number): number {
    const s = this.catalog[i]!;
    let sum = 0;
    for (let w = s.start + 1; w < t; w++) sum += (this.at(i, w) - this.at(i, w - 1)) ** 2;
    return t - s.start >= 2 ? sum / (t - s.start - 1) : 0;
  }

  /** Writes series i's features at cut t into `out` (featureCount values); t must be after its start. */
  write(i: number, t: number, out: Float64Array | number[]): void {
    const s = this.catalog[i]!;
    const age = t - s.start;
    const level = this.level(i, t);
    for (let k = 1; k <= 8; k++) out[k - 1] = this.at(i, t - k) / level;
    const mean = (weeks: number): number => {
      const from = Math.max(s.start, t - weeks);
      return this.sum(i, from, t) / (t - from) / level;
    };
    out[8] = mean(4);
    out[9] = mean(8);
    out[10] = mean(26);
    let slow = this.at(i, s.start);
    let fast = slow;
    let size = 0;
    let interval = 0;
    let sinceSale = 0;
    let sold = false;
    for (let w = s.start; w < t; w++) {
      const y = this.at(i, w);
      if (w > s.start) {
        slow += 0.2 * (y - slow);
        fast += 0.5 * (y - fast);
      }
      sinceSale++;
      if (y > 0) {
        if (!sold) {
          size = y;
          interval = sinceSale;
          sold = true;
        } else {
          size += 0.1 * (y - size);
          interval += 0.1 * (sinceSale - interval);
        }
        sinceSale = 0;
      }
    }
    out[11] = slow / level;
    out[12] = fast / level;
    out[13] = sold ? (0.95 * size) / interval / level : 0;
    let zeros = 0;
    let max = 0;
    const from13 = Math.max(s.start, t - 13);
    for (let w = from13; w < t; w++) {
      const y = this.at(i, w);
      if (y === 0) zeros++;
      max = Math.max(max, y);
    }
    out[14] = zeros / (t - from13);
    out[15] = Math.min(sold ? sinceSale : age, 52);
    out[16] = Math.min(age, 52);
    out[17] = Math.sqrt(this.naiveScale(i, t)) / level;
    out[18] = max / level;
    out[19] = Math.log(level);
    const group = this.groupTotals[this.groupIndex[i]!]!;
    out[20] = trend(group, t, 4);
    out[21] = trend(group, t, 1);
    out[22] = trend(this.catalogTotals, t, 4);
    out[23] = trend(this.catalogTotals, t, 1);
    // How the group's latest 4 weeks compare with the 4 before them.
    const last4 = windowSum(group, t - 4, t);
    const before4 = windowSum(group, t - 8, t - 4);
    out[24] = before4 > 0 ? last4 / before4 : 1;
    out[25] = this.priceRatio(i, t);
    // The slower swings of the group and of the whole catalog (a season rising lifts most series at once).
    out[26] = ratio(group, t, 4, 26);
    out[27] = ratio(this.catalogTotals, t, 4, 26);
    const catalog13 = windowSum(this.catalogTotals, t - 13, t);
    const catalogBefore13 = windowSum(this.catalogTotals, t - 26, t - 13);
    out[28] = catalogBefore13 > 0 ? catalog13 / catalogBefore13 : 1;
  }

  /** Mean unit price of the last 4 weeks over that of the last 26 (1 without revenue or sales). */
  private priceRatio(i: number, t: number): number {
    const s = this.catalog[i]!;
    if (s.revenue === undefined) return 1;
    const price = (weeks: number): number => {
      const from = Math.max(s.start, t - weeks);
      let revenue = 0;
      for (let w = from; w < t; w++) revenue += s.revenue![w - s.start]!;
      const units = this.sum(i, from, t);
      return units > 0 ? revenue / units : 0;
    };
    const recent = price(4);
    const longer = price(26);
    return recent > 0 && longer > 0 ? recent / longer : 1;
  }
}

function windowSum(totals: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let w = Math.max(0, from); w < to; w++) sum += totals[w]!;
  return sum;
}

/** Mean of the last `weeks` weeks over the mean of the last 13 (1 when the 13 weeks sold nothing). */
function trend(totals: Float64Array, t: number, weeks: number): number {
  return ratio(totals, t, weeks, 13);
}

/** Mean of the last `short` weeks over the mean of the last `long` (1 when those sold nothing). */
function ratio(totals: Float64Array, t: number, short: number, long: number): number {
  const fromLong = Math.max(0, t - long);
  const longMean = windowSum(totals, fromLong, t) / (t - fromLong);
  const from = Math.max(0, t - short);
  const shortMean = windowSum(totals, from, t) / (t - from);
  return longMean > 0 ? shortMean / longMean : 1;
}
