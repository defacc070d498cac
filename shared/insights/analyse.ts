/**
 * A course's nightly insight, from the whole catalog's history (./job/catalog.ts): the demand forecast (weekly paid
 * orders 8 weeks ahead with the 80 % band, pooled across the catalog: ./forecast), the price response (shrunk toward
 * the course's category: ./pricing/response.ts) and the price advice on the ladder (./pricing/advice.ts). Pure and
 * seeded: the same history gives the same insight, whichever tick computes it.
 */
import type { PayRail } from '../contract';
import { addDays } from './daily/calendar';
import { fitDemandForecaster } from './forecast/forecaster';
import type { DemandSeries } from './forecast/series';
import type { CourseHistory } from './job/catalog';
import { advisePrice, type PriceAdvice } from './pricing/advice';
import { estimatePriceResponse, type CourseCounters, type PriceObservation } from './pricing/response';

/** Weeks of history the forecaster reads (the job keeps two years). */
export const FORECAST_WEEKS = 104;
export const HORIZON_WEEKS = 8;
/** Prospects (unique viewers) a week, for the advice: the mean of the last weeks. */
const RECENT_WEEKS = 4;

export interface CourseInsight {
  forecast: {
    /** `pooled`: from the course's own weeks; `launch-curve`: no sales history yet, its category's launch curve. */
    method: 'pooled' | 'launch-curve';
    weeks: { week: string; mean: number; lower: number; upper: number }[];
  };
  priceResponse: {
    sensitivity: number;
    sensitivitySd: number;
    conversionAtPrice: number;
    refundRate: number;
    viewers: number;
    paidOrders: number;
    pricesSeen: number;
  };
  advice: PriceAdvice;
}

export interface AnalysisContext {
  /** The Monday of the last full week. */
  lastWeek: string;
  rail: PayRail;
  /** Per course, the prices with a virtual-payment item registered (the list price always is). */
  registeredPricesFen?: ReadonlyMap<string, readonly number[]>;
  seed?: number;
}

/** Week index `k` of the forecast axis: 0 is FORECAST_WEEKS − 1 weeks before `lastWeek`. */
const weekAt = (lastWeek: string, k: number) => addDays(lastWeek, 7 * (k - (FORECAST_WEEKS - 1)));

function demandSeries(course: CourseHistory, lastWeek: string): DemandSeries {
  const units = new Array<number>(FORECAST_WEEKS).fill(0);
  const revenue = new Array<number>(FORECAST_WEEKS).fill(0);
  let start = FORECAST_WEEKS;
  for (const w of course.weeks) {
    const k = Math.round((Date.parse(w.week) - Date.parse(weekAt(lastWeek, 0))) / (7 * 86_400_000));
    if (k < 0 || k >= FORECAST_WEEKS) continue;
    units[k]! += w.paid;
    revenue[k]! += w.revenueFen;
    // The launch: the first week the course was seen or sold.
    if ((w.paid > 0 || w.views > 0) && k < start) start = k;
  }
  return { id: course.id, group: course.category, start, units: units.slice(start), revenue: revenue.slice(start) };
}

/**
 * A course's counters as the price response reads them: per week and price, its paid orders among its unique viewers
 * (the conversion the model is of: a prospect who opens the page three times is one prospect).
 */
export function priceCounters(course: CourseHistory): CourseCounters {
  const observations: PriceObservation[] = course.weeks
    .filter((w) => w.priceFen !== undefined && w.priceFen > 0 && w.viewers > 0)
    .map((w) => ({
      viewers: w.viewers,
      paidOrders: Math.min(w.paid, w.viewers),
      refunds: w.refunds,
      priceFen: w.priceFen!,
    }));
  // Relative prices are measured against the first price seen, else the list price.
  const sorted = [...course.weeks].sort((a, b) => a.week.localeCompare(b.week));
  const first = sorted.find((w) => w.priceFen !== undefined && w.priceFen > 0)?.priceFen;
  return { courseId: course.id, category: course.category, referencePriceFen: first ?? course.priceFen, observations };
}

function recentViewers(course: CourseHistory, lastWeek: string): number {
  const from = addDays(lastWeek, -7 * (RECENT_WEEKS - 1));
  const recent = course.weeks.filter((w) => w.week >= from && w.week <= lastWeek);
  return recent.reduce((sum, w) => sum + w.viewers, 0) / RECENT_WEEKS;
}

/** Every priced course's insight (a free course has no price to advise and is left out). */
export function analyseCatalog(
  catalog: readonly CourseHistory[],
  context: AnalysisContext,
): Map<string, CourseInsight> {
  const priced = catalog.filter((c) => c.priceFen > 0);
  const insights = new Map<string, CourseInsight>();
  if (priced.length === 0) return insights;
  const forecaster = fitDemandForecaster(
    priced.map((c) => demandSeries(c, context.lastWeek)),
    FORECAST_WEEKS,
    { horizon: HORIZON_WEEKS },
  );
  const responses = estimatePriceResponse(priced.map(priceCounters));
  priced.forEach((course, i) => {
    const forecast = forecaster.forecast(i);
    const response = responses[i]!;
    const registered = context.registeredPricesFen?.get(course.id);
    const advice = advisePrice({
      response,
      currentPriceFen: course.priceFen,
      bounds: {
        rail: context.rail,
        ...(context.rail === 'virtual' ? { registeredPricesFen: [course.priceFen, ...(registered ?? [])] } : {}),
      },
      viewersPerWeek: recentViewers(course, context.lastWeek),
      seed: (context.seed ?? 20261203) + i,
    });
    const conversion = Math.exp(
      response.logConversionAtRef - response.sensitivity * (course.priceFen / response.referencePriceFen - 1),
    );
    insights.set(course.id, {
      forecast: {
        method: forecast.method,
        weeks: forecast.mean.map((mean, k) => ({
          week: addDays(context.lastWeek, 7 * (k + 1)),
          mean,
          lower: forecast.lower[k]!,
          upper: forecast.upper[k]!,
        })),
      },
      priceResponse: {
        sensitivity: response.sensitivity,
        sensitivitySd: response.sensitivitySd,
        conversionAtPrice: Math.min(1, conversion),
        refundRate: response.refundRate,
        viewers: response.viewers,
        paidOrders: response.paidOrders,
        pricesSeen: response.pricesSeen,
      },
      advice,
    });
  });
  return insights;
}
