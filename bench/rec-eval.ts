/**
 * Offline evaluation of the recommender on public rating data, with baselines measured in the same run.
 *
 *   npm run rec:eval -- --train <file> --test <file> [--task rating|ranking|both] [--json]
 *   npm run rec:eval -- --folds <dir> [--task ...] [--json]      (u1..u5.base/.test in <dir>, mean over the folds)
 *   extra: --rating '<json RatingModelOptions>' --ranking '<json RankingModelOptions>'
 *
 * Rating protocol: RMSE/MAE of predictions clipped to the training range. Ranking protocol: positives are test
 * ratings in the top quarter of the training range (≥ 4 on 1–5), every item the user has not rated in training is
 * ranked, Recall@10/NDCG@10 averaged over users with a positive; the ranking model is fitted on who rated what, with the
 * rating mapped onto 1–5 as the signal strength (see ratingScale). With --json the last line printed is one JSON object.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseArgs } from 'util';
import {
  evaluateRanking,
  evaluateRating,
  ratingScale,
  fitBiases,
  fitGlobalMean,
  fitMostPopular,
  fitRankingModel,
  fitRatingModel,
  parseInteractions,
  type FactorModel,
  type Interaction,
  type RankingModelOptions,
  type RatingModelOptions,
} from '../shared/recommender';

type Task = 'rating' | 'ranking' | 'both';

interface Scores {
  rmse: number | null;
  mae: number | null;
  recall10: number | null;
  ndcg10: number | null;
}

interface FoldResult extends Scores {
  fold: string;
  fitSeconds: number;
  ratingFitSeconds: number | null;
  rankingFitSeconds: number | null;
  baselines: { globalMean: Scores; biases: Scores; mostPopular: Scores };
}

const usage =
  'Usage: npm run rec:eval -- (--train <file> --test <file> | --folds <dir>) [--task rating|ranking|both] [--json]' +
  " [--rating '<json options>'] [--ranking '<json options>']";

function main(): void {
  const { values } = parseArgs({
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      folds: { type: 'string' },
      task: { type: 'string', default: 'both' },
      json: { type: 'boolean', default: false },
      rating: { type: 'string', default: '{}' },
      ranking: { type: 'string', default: '{}' },
    },
  });
  const task = values.task;
  if (task !== 'rating' && task !== 'ranking' && task !== 'both')
    throw new Error(`--task must be rating, ranking or both\n${usage}`);
  const ratingOptions = JSON.parse(values.rating) as RatingModelOptions;
  const rankingOptions = JSON.parse(values.ranking) as RankingModelOptions;
  let splits: { fold: string; train: string; test: string }[];
  if (values.folds !== undefined) {
    const dir = values.folds;
    splits = [1, 2, 3, 4, 5].map((n) => ({
      fold: `u${n}`,
      train: join(dir, `u${n}.base`),
      test: join(dir, `u${n}.test`),
    }));
  } else if (values.train !== undefined && values.test !== undefined) {
    splits = [{ fold: 'split', train: values.train, test: values.test }];
  } else {
    throw new Error(usage);
  }

  const results: FoldResult[] = [];
  for (const split of splits) {
    const train = parseInteractions(readFileSync(split.train, 'utf8'));
    const test = parseInteractions(readFileSync(split.test, 'utf8'));
    const result = evaluateFold(split.fold, train, test, task, ratingOptions, rankingOptions);
    results.push(result);
    printRows(result);
  }
  const summary = results.length === 1 ? results[0]! : meanOf(results);
  if (results.length > 1) printRows(summary);
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`peak RSS ${peakRssMb} MB`);
  if (values.json) {
    const { fold: _fold, ...scores } = summary;
    console.log(
      JSON.stringify({
        task,
        folds: results.map((r) => r.fold),
        ...scores,
        peakRssMb,
        perFold: results.length > 1 ? results : undefined,
        ratingOptions,
        rankingOptions,
      }),
    );
  }
}

function evaluateFold(
  fold: string,
  train: Interaction[],
  test: Interaction[],
  task: Task,
  ratingOptions: RatingModelOptions,
  rankingOptions: RankingModelOptions,
): FoldResult {
  const rating = task !== 'ranking';
  const ranking = task !== 'rating';
  const none: Scores = { rmse: null, mae: null, recall10: null, ndcg10: null };
  const result: FoldResult = {
    fold,
    ...none,
    fitSeconds: 0,
    ratingFitSeconds: null,
    rankingFitSeconds: null,
    baselines: { globalMean: { ...none }, biases: { ...none }, mostPopular: { ...none } },
  };
  if (rating) {
    const { model, seconds } = timed(() => fitRatingModel(train, ratingOptions));
    result.ratingFitSeconds = seconds;
    Object.assign(result, ratingScores(model, test));
    Object.assign(result.baselines.globalMean, ratingScores(fitGlobalMean(train), test));
    Object.assign(result.baselines.biases, ratingScores(fitBiases(train), test));
  }
  if (ranking) {
    // Implicit signal = the rating's strength on 1–5, so "rated 5" counts more than "rated 1" (training file only).
    const scale = ratingScale(train);
    const signals = train.map((t) => ({ user: t.user, item: t.item, value: scale.signal(t.value) }));
    const { model, seconds } = timed(() => fitRankingModel(signals, rankingOptions));
    result.rankingFitSeconds = seconds;
    Object.assign(result, rankingScores(model, train, test, scale.threshold));
    Object.assign(result.baselines.biases, rankingScores(fitBiases(train), train, test, scale.threshold));
    Object.assign(result.baselines.mostPopular, rankingScores(fitMostPopular(train), train, test, scale.threshold));
  }
  result.fitSeconds = (result.ratingFitSeconds ?? 0) + (result.rankingFitSeconds ?? 0);
  return result;
}

function timed(fit: () => FactorModel): { model: FactorModel; seconds: number } {
  const start = process.hrtime.bigint();
  const model = fit();
  return { model, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

function ratingScores(model: FactorModel, test: Interaction[]): Pick<Scores, 'rmse' | 'mae'> {
  return evaluateRating(model, test);
}

function rankingScores(
  model: FactorModel,
  train: Interaction[],
  test: Interaction[],
  threshold: number,
): Pick<Scores, 'recall10' | 'ndcg10'> {
  const { recall, ndcg } = evaluateRanking(model, train, test, 10, threshold);
  return { recall10: recall, ndcg10: ndcg };
}

function meanOf(results: FoldResult[]): FoldResult {
  const mean = (pick: (r: FoldResult) => number | null): number | null => {
    const values = results.map(pick);
    return values.some((v) => v === null)
      ? null
      : values.reduce<number>((s, v) => s + (v as number), 0) / values.length;
  };
  const meanScores = (pick: (r: FoldResult) => Scores): Scores => ({
    rmse: mean((r) => pick(r).rmse),
    mae: mean((r) => pick(r).mae),
    recall10: mean((r) => pick(r).recall10),
    ndcg10: mean((r) => pick(r).ndcg10),
  });
  return {
    fold: 'mean',
    ...meanScores((r) => r),
    fitSeconds: mean((r) => r.fitSeconds) as number,
    ratingFitSeconds: mean((r) => r.ratingFitSeconds),
    rankingFitSeconds: mean((r) => r.rankingFitSeconds),
    baselines: {
      globalMean: meanScores((r) => r.baselines.globalMean),
      biases: meanScores((r) => r.baselines.biases),
      mostPopular: meanScores((r) => r.baselines.mostPopular),
    },
  };
}

let headerPrinted = false;

function printRows(r: FoldResult): void {
  const cell = (v: number | null, digits = 4): string => (v === null ? '-' : v.toFixed(digits)).padStart(8);
  if (!headerPrinted) {
    console.log(
      ['fold  ', 'model'.padEnd(26), 'RMSE', 'MAE', 'R@10', 'NDCG@10', 'fit s']
        .map((h, i) => (i < 2 ? h : h.padStart(8)))
        .join(' '),
    );
    headerPrinted = true;
  }
  const row = (model: string, s: Scores, fit: string): void =>
    console.log(
      [r.fold.padEnd(6), model.padEnd(26), cell(s.rmse), cell(s.mae), cell(s.recall10), cell(s.ndcg10), fit].join(' '),
    );
  const fit = [r.ratingFitSeconds, r.rankingFitSeconds].map((s) => (s === null ? '-' : s.toFixed(2))).join(' + ');
  row('BPMF (rating) + iALS (rank)', r, fit.padStart(8));
  row('  global mean', r.baselines.globalMean, '');
  row('  biases only', r.baselines.biases, '');
  row('  most popular', r.baselines.mostPopular, '');
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
