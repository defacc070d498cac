/** The forecaster's input: one course's (or product's) weekly paid orders on the catalog's common week axis. */
export interface DemandSeries {
  id: string;
  /** The course's category: series of one group share a trend and a launch curve. */
  group: string;
  /** Week of the first observed week (the launch); units[k] is week start + k. */
  start: number;
  /** Paid orders (units) per week, from `start` to the catalog's last observed week. */
  units: ArrayLike<number>;
  /** Revenue per week on the same weeks; weighs the series in training (units are used without it). */
  revenue?: ArrayLike<number>;
}
