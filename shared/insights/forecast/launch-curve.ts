/**
 * The launch curve of a group: mean weekly units in a series' first, second, … week, over the group's series whose
 * launch was observed (start after week 0, since a series already selling at week 0 launched earlier), shrunk toward
 * the whole catalog's curve: weight n / (n + prior) on the group's n launches seen at that week. The 80 % interval is
 * the same blend of the 10th and 90th percentiles (or the quantiles asked for).
 */
import type { DemandSeries } from './series';

export interface LaunchCurve {
  mean: number[];
  lower: number[];
  upper: number[];
  /** Launches of the group seen at each week (0: the catalog's curve alone). */
  launches: number[];
}

interface WeekStats {
  mean: number;
  lower: number;
  upper: number;
  count: number;
}

function stats(values: number[], lowerQuantile: number, upperQuantile: number): WeekStats {
  if (values.length === 0) return { mean: 0, lower: 0, upper: 0, count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    mean: values.reduce((s, v) => s + v, 0) / values.length,
    lower: at(lowerQuantile),
    upper: at(upperQuantile),
    count: values.length,
  };
}

export function launchCurve(
  catalog: readonly DemandSeries[],
  group: string,
  horizon: number,
  options: { prior: number; lowerQuantile: number; upperQuantile: number },
): LaunchCurve {
  const launched = catalog.filter((s) => s.start > 0 && s.units.length > 0);
  const curve: LaunchCurve = { mean: [], lower: [], upper: [], launches: [] };
  for (let k = 0; k < horizon; k++) {
    const all = launched.filter((s) => s.units.length > k);
    const catalogWeek = stats(
      all.map((s) => s.units[k]!),
      options.lowerQuantile,
      options.upperQuantile,
    );
    const groupWeek = stats(
      all.filter((s) => s.group === group).map((s) => s.units[k]!),
      options.lowerQuantile,
      options.upperQuantile,
    );
    const weight = groupWeek.count === 0 ? 0 : groupWeek.count / (groupWeek.count + options.prior);
    const blend = (g: number, c: number): number => weight * g + (1 - weight) * c;
    curve.mean.push(blend(groupWeek.mean, catalogWeek.mean));
    curve.lower.push(blend(groupWeek.lower, catalogWeek.lower));
    curve.upper.push(blend(groupWeek.upper, catalogWeek.upper));
    curve.launches.push(groupWeek.count);
  }
  return curve;
}
