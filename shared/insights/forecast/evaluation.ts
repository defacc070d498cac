/**
 * Issue 15's forecast protocol on a catalog: forecasts `horizon` weeks ahead from a few origins, scored on the series
 * with at least 10 selling weeks before the first origin by RMSSE (scale: in-sample mean squared one-step naive
 * error) weighted by the series' revenue in the 12 weeks before the origin (WRMSSE), and the 80 % interval's
 * coverage of the weeks. Used by the benchmark (test origins) and the tuning search (validation origins).
 */
import { coverage, naiveScale, rmsse, weightedMean } from './metrics';
import type { DemandSeries } from './series';

export const protocolHorizon = 4;
const minSellingWeeks = 10;
const revenueWeeks = 12;

/** The catalog as known at week `cut`: the series launched before it, cut to the weeks before it. */
export function catalogBefore(catalog: readonly DemandSeries[], cut: number): DemandSeries[] {
  return catalog
    .filter((s) => s.start < cut)
    .map((s) => ({
      ...s,
      units: Array.prototype.slice.call(s.units, 0, cut - s.start) as number[],
      revenue:
        s.revenue === undefined ? undefined : (Array.prototype.slice.call(s.revenue, 0, cut - s.start) as number[]),
    }));
}

/** A forecast of series `id` from `origin`, given its weeks before the origin. */
export type OriginForecast = (
  origin: number,
  id: string,
  history: ArrayLike<number>,
) => { mean: number[]; lower?: number[]; upper?: number[] };

export interface Scored {
  rmsse: number[];
  weight: number[];
  /** Weeks inside the interval and weeks with an interval. */
  inside: number;
  weeks: number;
}

/** Scores a forecast on the protocol's series-origins; every series needs its revenue. */
export function scoreOrigins(
  catalog: readonly DemandSeries[],
  origins: readonly number[],
  forecast: OriginForecast,
): Scored {
  const scored: Scored = { rmsse: [], weight: [], inside: 0, weeks: 0 };
  for (const s of catalog) {
    if (s.revenue === undefined) throw new RangeError(`series ${s.id} has no revenue to weigh it by`);
    let selling = 0;
    for (let t = 0; t < origins[0]! - s.start; t++) if (s.units[t]! > 0) selling++;
    if (selling < minSellingWeeks) continue;
    for (const o of origins) {
      const history = Array.prototype.slice.call(s.units, 0, o - s.start) as number[];
      const actual = Array.prototype.slice.call(s.units, o - s.start, o - s.start + protocolHorizon) as number[];
      if (actual.length < protocolHorizon) throw new RangeError(`origin ${o} leaves fewer than 4 weeks to score`);
      let revenue = 0;
      for (let t = Math.max(0, o - s.start - revenueWeeks); t < o - s.start; t++) revenue += s.revenue[t]!;
      const f = forecast(o, s.id, history);
      scored.rmsse.push(rmsse(actual, f.mean.slice(0, protocolHorizon), naiveScale(history)));
      scored.weight.push(revenue);
      if (f.lower !== undefined && f.upper !== undefined) {
        scored.inside +=
          coverage(actual, f.lower.slice(0, protocolHorizon), f.upper.slice(0, protocolHorizon)) * protocolHorizon;
        scored.weeks += protocolHorizon;
      }
    }
  }
  return scored;
}

export const wrmsseOf = (s: Scored): number => weightedMean(s.rmsse, s.weight);
export const coverageOf = (s: Scored): number => (s.weeks === 0 ? Number.NaN : s.inside / s.weeks);
