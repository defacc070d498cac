/**
 * Price response: how conversion among a course's detail viewers changes with its price, from the counters of the
 * periods it was sold at each price.
 *
 * Model (the market of issue 15): conversion(p) = exp(α − s · (p / r − 1)), capped at 1, where r is the course's
 * reference price (the list price its data starts from), exp(α) the conversion at r and s the sensitivity. The paid
 * orders of a period with n viewers at price p are taken as Poisson(n · conversion(p)) (conversions are a few percent,
 * where the binomial and the Poisson agree), a log-linear GLM in (α, s).
 *
 * Prices change rarely, so one course alone says little about s. The sensitivity is shrunk toward its category by
 * empirical Bayes: each course's own estimate ŝᵢ (± vᵢ, from its data alone) feeds a normal category prior
 * N(μ, τ²), with μ the precision-weighted mean of the ŝᵢ and a platform default as one more observation, and τ² the
 * DerSimonian–Laird between-course variance blended with a default spread (so two courses do not decide that a
 * category has none). Each course's posterior is then the Laplace approximation (mode and inverse Hessian) of the
 * GLM under that prior; its sd is what is reported. Refund rates are shrunk the same way with beta pseudo-counts.
 */
import type { SeededRandom } from '../../recommender/algorithms/random';

/** The counters of one period (a week, say) at one price in force. */
export interface PriceObservation {
  /** Unique detail viewers who could not open the course. */
  viewers: number;
  paidOrders: number;
  refunds: number;
  priceFen: number;
}

export interface CourseCounters {
  courseId: string;
  category: string;
  /** The price relative prices are measured against: the list price when its data starts. */
  referencePriceFen: number;
  observations: readonly PriceObservation[];
}

export interface ResponseOptions {
  /** @default true — shrink toward the category; false = each course alone under the platform default prior. */
  pool?: boolean;
  /** The platform's prior sensitivity: 1 says the creator's reference price maximises revenue. @default 1 */
  defaultSensitivity?: number;
  /** @default 1 */
  defaultSensitivitySd?: number;
  /** Spread of sensitivity between the courses of a category, before data. @default 0.4 */
  defaultSpread?: number;
  /** How many courses the default spread weighs as. @default 2 */
  spreadPseudoCourses?: number;
  /** @default 0.1 */
  minSpread?: number;
  /** @default 0.05 */
  defaultRefundRate?: number;
  /** Paid orders the category's (or default) refund rate weighs as in a course's rate. @default 20 */
  refundPseudoOrders?: number;
}

const DEFAULTS: Required<ResponseOptions> = {
  pool: true,
  defaultSensitivity: 1,
  defaultSensitivitySd: 1,
  defaultSpread: 0.4,
  spreadPseudoCourses: 2,
  minSpread: 0.1,
  defaultRefundRate: 0.05,
  refundPseudoOrders: 20,
};

/** The weak prior on α (log conversion at the reference price): centred on 3 %, sd 3 in log units. */
const ALPHA_PRIOR = { mean: Math.log(0.03), sd: 3 };
/** The prior that leaves a course's own sensitivity estimate to its data. */
const FLAT_SENSITIVITY_SD = 10;
/** A course whose own estimate is vaguer than this does not count toward the category's spread. */
const INFORMATIVE_SD = 1;

export interface PriceResponse {
  courseId: string;
  category: string;
  referencePriceFen: number;
  /** Posterior mode of α and s. */
  logConversionAtRef: number;
  sensitivity: number;
  /** Posterior sd of s (Laplace). */
  sensitivitySd: number;
  /** Posterior covariance [var α, cov(α, s), var s]. */
  covariance: readonly [number, number, number];
  refundRate: number;
  /** The prior the course was shrunk toward. */
  prior: { sensitivity: number; sd: number };
  viewers: number;
  paidOrders: number;
  /** Distinct prices observed. */
  pricesSeen: number;
}

export interface ResponseDraw {
  logConversionAtRef: number;
  sensitivity: number;
}

/** Conversion at a price under (α, s), capped at 1. */
export function conversionAt(draw: ResponseDraw, referencePriceFen: number, priceFen: number): number {
  return Math.min(1, Math.exp(draw.logConversionAtRef - draw.sensitivity * (priceFen / referencePriceFen - 1)));
}

/** One draw of (α, s) from the course's Laplace posterior. */
export function sampleResponse(response: PriceResponse, random: SeededRandom): ResponseDraw {
  const [vaa, vas, vss] = response.covariance;
  const l11 = Math.sqrt(vaa);
  const l21 = vas / l11;
  const l22 = Math.sqrt(Math.max(vss - l21 * l21, 0));
  const z1 = random.normal();
  const z2 = random.normal();
  return {
    logConversionAtRef: response.logConversionAtRef + l11 * z1,
    sensitivity: response.sensitivity + l21 * z1 + l22 * z2,
  };
}

interface Fit {
  alpha: number;
  s: number;
  covariance: [number, number, number];
}

/** Posterior mode and inverse Hessian of the Poisson GLM under normal priors on α and s (damped Newton). */
function fitCourse(course: CourseCounters, sPrior: { mean: number; sd: number }): Fit {
  const obs = course.observations.filter((o) => o.viewers > 0);
  const xs = obs.map((o) => o.priceFen / course.referencePriceFen - 1);
  const pa = 1 / ALPHA_PRIOR.sd ** 2;
  const ps = 1 / sPrior.sd ** 2;
  const objective = (a: number, s: number): number => {
    let f = -0.5 * pa * (a - ALPHA_PRIOR.mean) ** 2 - 0.5 * ps * (s - sPrior.mean) ** 2;
    obs.forEach((o, i) => {
      const eta = a - s * xs[i]!;
      f += o.paidOrders * eta - o.viewers * Math.exp(eta);
    });
    return f;
  };
  const curvature = (a: number, s: number) => {
    let ga = -pa * (a - ALPHA_PRIOR.mean);
    let gs = -ps * (s - sPrior.mean);
    let haa = pa;
    let has = 0;
    let hss = ps;
    obs.forEach((o, i) => {
      const x = xs[i]!;
      const m = o.viewers * Math.exp(a - s * x);
      ga += o.paidOrders - m;
      gs -= x * (o.paidOrders - m);
      haa += m;
      has -= m * x;
      hss += m * x * x;
    });
    return { ga, gs, haa, has, hss };
  };
  const viewers = obs.reduce((sum, o) => sum + o.viewers, 0);
  const paid = obs.reduce((sum, o) => sum + o.paidOrders, 0);
  let a = viewers > 0 ? Math.log((paid + 0.5) / (viewers + 1)) : ALPHA_PRIOR.mean;
  let s = sPrior.mean;
  let f = objective(a, s);
  for (let iter = 0; iter < 100; iter++) {
    const { ga, gs, haa, has, hss } = curvature(a, s);
    const det = haa * hss - has * has;
    const da = (hss * ga - has * gs) / det;
    const ds = (haa * gs - has * ga) / det;
    let step = 1;
    let next = objective(a + da, s + ds);
    while (!(next >= f) && step > 1e-6) {
      step /= 2;
      next = objective(a + step * da, s + step * ds);
    }
    if (!(next >= f)) break;
    a += step * da;
    s += step * ds;
    const gain = next - f;
    f = next;
    if (Math.abs(step * da) + Math.abs(step * ds) < 1e-10 || gain < 1e-12) break;
  }
  const { haa, has, hss } = curvature(a, s);
  const det = haa * hss - has * has;
  return { alpha: a, s, covariance: [hss / det, -has / det, haa / det] };
}

interface CategoryPrior {
  mean: number;
  sd: number;
  refundRate: number;
}

/** The category's prior on s from its courses' own estimates, and its refund rate. */
function categoryPrior(courses: readonly CourseCounters[], options: Required<ResponseOptions>): CategoryPrior {
  const own = courses.map((c) => {
    const fit = fitCourse(c, { mean: options.defaultSensitivity, sd: FLAT_SENSITIVITY_SD });
    return { s: fit.s, v: fit.covariance[2] };
  });
  const informative = own.filter((e) => Math.sqrt(e.v) < INFORMATIVE_SD);
  let tau2DL = 0;
  if (informative.length >= 2) {
    const w = informative.map((e) => 1 / e.v);
    const sw = w.reduce((x, y) => x + y, 0);
    const fixed = informative.reduce((sum, e, i) => sum + w[i]! * e.s, 0) / sw;
    const q = informative.reduce((sum, e, i) => sum + w[i]! * (e.s - fixed) ** 2, 0);
    const c = sw - w.reduce((sum, wi) => sum + wi * wi, 0) / sw;
    tau2DL = Math.max(0, (q - (informative.length - 1)) / c);
  }
  const k = informative.length;
  const k0 = options.spreadPseudoCourses;
  const tau2 = Math.max((k * tau2DL + k0 * options.defaultSpread ** 2) / (k + k0), options.minSpread ** 2);
  let precision = 1 / options.defaultSensitivitySd ** 2;
  let weighted = precision * options.defaultSensitivity;
  for (const e of own) {
    const w = 1 / (tau2 + e.v);
    precision += w;
    weighted += w * e.s;
  }
  const paid = sumOf(courses, 'paidOrders');
  const refunds = sumOf(courses, 'refunds');
  const kr = options.refundPseudoOrders;
  return {
    mean: weighted / precision,
    // The course's prior: the spread between courses plus what is still unknown about the category's mean.
    sd: Math.sqrt(tau2 + 1 / precision),
    refundRate: (refunds + kr * options.defaultRefundRate) / (paid + kr),
  };
}

function sumOf(courses: readonly CourseCounters[], field: 'paidOrders' | 'refunds' | 'viewers'): number {
  return courses.reduce((sum, c) => sum + c.observations.reduce((s, o) => s + o[field], 0), 0);
}

function checkCourse(course: CourseCounters): void {
  const at = `course ${course.courseId}`;
  if (!(course.referencePriceFen > 0)) throw new Error(`${at}: referencePriceFen must be positive`);
  for (const o of course.observations) {
    for (const field of ['viewers', 'paidOrders', 'refunds'] as const) {
      if (!Number.isInteger(o[field]) || o[field] < 0)
        throw new Error(`${at}: ${field} must be a count, got ${o[field]}`);
    }
    if (!(o.priceFen > 0)) throw new Error(`${at}: priceFen must be positive, got ${o.priceFen}`);
  }
}

/** The price response of every course, each shrunk toward its own category (or, unpooled, toward the default). */
export function estimatePriceResponse(
  courses: readonly CourseCounters[],
  options: ResponseOptions = {},
): PriceResponse[] {
  const o = { ...DEFAULTS, ...options };
  courses.forEach(checkCourse);
  const byCategory = new Map<string, CourseCounters[]>();
  for (const c of courses) byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);
  const priors = new Map<string, CategoryPrior>();
  for (const [category, members] of byCategory) {
    priors.set(
      category,
      o.pool
        ? categoryPrior(members, o)
        : { mean: o.defaultSensitivity, sd: o.defaultSensitivitySd, refundRate: o.defaultRefundRate },
    );
  }
  return courses.map((c) => {
    const prior = priors.get(c.category)!;
    const fit = fitCourse(c, { mean: prior.mean, sd: prior.sd });
    const paid = sumOf([c], 'paidOrders');
    const refunds = sumOf([c], 'refunds');
    const kr = o.refundPseudoOrders;
    return {
      courseId: c.courseId,
      category: c.category,
      referencePriceFen: c.referencePriceFen,
      logConversionAtRef: fit.alpha,
      sensitivity: fit.s,
      sensitivitySd: Math.sqrt(fit.covariance[2]),
      covariance: fit.covariance,
      refundRate: (refunds + kr * prior.refundRate) / (paid + kr),
      prior: { sensitivity: prior.mean, sd: prior.sd },
      viewers: sumOf([c], 'viewers'),
      paidOrders: paid,
      pricesSeen: new Set(c.observations.map((x) => x.priceFen)).size,
    };
  });
}
