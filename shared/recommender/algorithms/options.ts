/** Options of the rating model (Bayesian matrix factorization with biases, Gibbs sampling). */
export interface RatingModelOptions {
  /**
   * Latent factors per user and per item (each also has a bias).
   * @default 8
   */
  factors?: number;
  /**
   * Gibbs sweeps run and discarded before averaging.
   * @default 10
   */
  burnIn?: number;
  /**
   * Gibbs sweeps averaged into the posterior-mean factors.
   * @default 100
   */
  samples?: number;
  /**
   * Precision (1 / variance) of the rating noise; lower trusts single ratings less.
   * @default 1.5
   */
  noisePrecision?: number;
  /**
   * Standard deviation of the random initial factors.
   * @default 0.1
   */
  initScale?: number;
  /**
   * Seed of the random source: the same data and seed give identical factors.
   * @default 42
   */
  seed?: number;
}

/** Options of the ranking model (implicit-feedback ALS, confidence 1 + alpha * signal). */
export interface RankingModelOptions {
  /**
   * Latent factors per user and per item.
   * @default 16
   */
  factors?: number;
  /**
   * Alternating sweeps (each solves every user, then every item).
   * @default 12
   */
  iterations?: number;
  /**
   * L2 regularization added to every k×k system.
   * @default 20
   */
  regularization?: number;
  /**
   * Confidence slope: an observed signal s weighs 1 + alpha * s against 1 for an unobserved pair.
   * @default 0.5
   */
  alpha?: number;
  /**
   * Standard deviation of the random initial factors.
   * @default 0.01
   */
  initScale?: number;
  /**
   * Seed of the random source: the same data and seed give identical factors.
   * @default 42
   */
  seed?: number;
}

export const ratingModelDefaults: Readonly<Required<RatingModelOptions>> = {
  factors: 8,
  burnIn: 10,
  samples: 100,
  noisePrecision: 1.5,
  initScale: 0.1,
  seed: 42,
};

export const rankingModelDefaults: Readonly<Required<RankingModelOptions>> = {
  factors: 16,
  iterations: 12,
  regularization: 20,
  alpha: 0.5,
  initScale: 0.01,
  seed: 42,
};

type Rule = 'positive integer' | 'non-negative integer' | 'positive number' | 'non-negative number' | 'seed';

function checkValue(name: string, value: unknown, rule: Rule): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule === 'positive integer'
      ? Number.isInteger(value) && value > 0
      : rule === 'non-negative integer'
        ? Number.isInteger(value) && value >= 0
        : rule === 'positive number'
          ? value > 0
          : rule === 'non-negative number'
            ? value >= 0
            : Number.isInteger(value) && value >= 0 && value <= 0xffffffff);
  if (!ok) {
    const expected = rule === 'seed' ? 'an integer between 0 and 4294967295' : `a ${rule}`;
    throw new RangeError(`Option ${name} must be ${expected}, got ${String(value)}`);
  }
  return value as number;
}

function checkOptions<T extends object>(
  options: T,
  defaults: Readonly<Required<T>>,
  rules: Readonly<Record<keyof T, Rule>>,
): Required<T> {
  if (typeof options !== 'object' || options === null) throw new TypeError('Options must be an object');
  for (const key of Object.keys(options)) {
    if (!(key in defaults)) throw new RangeError(`Unknown option ${key}`);
  }
  const checked = { ...defaults } as Required<T>;
  for (const key of Object.keys(defaults) as (keyof T & string)[]) {
    const value = options[key];
    if (value !== undefined) (checked as Record<string, unknown>)[key] = checkValue(key, value, rules[key]);
  }
  return checked;
}

/** Fills defaults and validates; throws a RangeError naming the first invalid option. */
export function checkRatingModelOptions(options: RatingModelOptions = {}): Required<RatingModelOptions> {
  return checkOptions(options, ratingModelDefaults, {
    factors: 'positive integer',
    burnIn: 'non-negative integer',
    samples: 'positive integer',
    noisePrecision: 'positive number',
    initScale: 'positive number',
    seed: 'seed',
  });
}

/** Fills defaults and validates; throws a RangeError naming the first invalid option. */
export function checkRankingModelOptions(options: RankingModelOptions = {}): Required<RankingModelOptions> {
  return checkOptions(options, rankingModelDefaults, {
    factors: 'positive integer',
    iterations: 'positive integer',
    regularization: 'positive number',
    alpha: 'non-negative number',
    initScale: 'positive number',
    seed: 'seed',
  });
}
