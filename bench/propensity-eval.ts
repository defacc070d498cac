/**
 * The product's purchase propensity (shared/insights/propensity/learners.ts) on UCI Online Retail at an origin: its
 * ranking (AUC) and its calibration (Σ chances against the customers who bought in the 4 weeks), on the whole data
 * and on small seeded samples of customers, the size of a young deployment, where it falls back to the
 * recency-frequency prior. Each sample is scored three ways: the product's choice, always fitted, always the prior.
 *
 *   npm run propensity:eval -- --data ../shared/data/online-retail/online-retail.csv.gz [--origin=-4]
 *
 * The prior's coefficients were fitted on this data's cuts before origin −4, so the prior is favoured here.
 */
import { parseArgs } from 'util';
import { SeededRandom } from '../shared/recommender/algorithms/random';
import { learnerPropensity } from '../shared/insights/propensity/learners';
import { auc, boughtWithin, type PurchaseHistory } from '../shared/insights/propensity/model';
import { readOnlineRetail } from './online-retail';

const sizes = [25, 50, 100, 200, 400, 800];
const seeds = 20;

interface Score {
  auc: number;
  calibration: number;
}

/** AUC and Σ p / buyers of one way of computing the chances, on learners with a purchase before 0. */
function score(before: readonly PurchaseHistory[], full: ReadonlyMap<string, PurchaseHistory>, minEvents: number) {
  const result = learnerPropensity(before, before.length, { minEvents });
  const scores: number[] = [];
  const labels: boolean[] = [];
  for (const h of before) {
    scores.push(result.byLearner.get(h.id)!);
    labels.push(boughtWithin(full.get(h.id)!, 0));
  }
  const buyers = labels.filter(Boolean).length;
  if (buyers === 0 || buyers === labels.length) return null;
  const sum = scores.reduce((a, b) => a + b, 0);
  return { source: result.source, score: { auc: auc(scores, labels), calibration: sum / buyers } };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (s: Score[]) =>
  s.length === 0
    ? '– | –'
    : `${mean(s.map((x) => x.auc)).toFixed(3)} | ${mean(s.map((x) => x.calibration)).toFixed(2)}`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string' }, origin: { type: 'string', default: '-4' } } });
  if (values.data === undefined) throw new Error('Usage: npm run propensity:eval -- --data <csv.gz>');
  const data = await readOnlineRetail(values.data);
  const origin = data.weeks + Number(values.origin);
  if (!Number.isInteger(origin) || origin >= data.weeks) throw new Error('--origin must be a negative whole number');
  // Weeks counted from the origin, as the product counts them from the run's start.
  const full = new Map<string, PurchaseHistory>();
  const before: PurchaseHistory[] = [];
  for (const c of data.customers) {
    const weeks = c.weeks.map((w) => w - origin);
    full.set(c.customerId, { id: c.customerId, weeks, revenue: c.revenue });
    const kept = weeks.flatMap((w, k) => (w < 0 ? [k] : []));
    if (kept.length > 0) {
      before.push({ id: c.customerId, weeks: kept.map((k) => weeks[k]!), revenue: kept.map((k) => c.revenue[k]!) });
    }
  }
  console.log(`UCI Online Retail, origin ${values.origin}: ${before.length} customers with a purchase before it`);
  console.log(
    '| customers | fitted share | product AUC | product Σp/buyers | fitted AUC | fitted Σp/buyers | prior AUC | prior Σp/buyers |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const row = (label: string, samples: PurchaseHistory[][]) => {
    const product: Score[] = [];
    const fitted: Score[] = [];
    const prior: Score[] = [];
    let chosenFitted = 0;
    let scored = 0;
    for (const sample of samples) {
      const p = score(sample, full, 90);
      if (p === null) continue;
      scored++;
      product.push(p.score);
      if (p.source === 'fitted') chosenFitted++;
      try {
        const f = score(sample, full, 0);
        if (f !== null && f.source === 'fitted') fitted.push(f.score);
      } catch {
        // Too little history for the regression at all (no repeat buyer or no lapser at the cuts).
      }
      prior.push(score(sample, full, Infinity)!.score);
    }
    console.log(
      `| ${label} | ${chosenFitted}/${scored} | ${fmt(product)} | ${fmt(fitted)} (${fitted.length}) | ${fmt(prior)} |`,
    );
  };
  row(`all ${before.length}`, [before]);
  for (const n of sizes) {
    const samples: PurchaseHistory[][] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const random = new SeededRandom(seed * 1009 + n);
      const pool = [...before];
      for (let i = 0; i < n; i++) {
        const j = i + Math.floor(random.uniform() * (pool.length - i));
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      samples.push(pool.slice(0, n));
    }
    row(`${n} (${seeds} samples)`, samples);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
