/**
 * The offline recommender library (what `npm run rec:eval` fits and scores): models over interaction lists and their
 * evaluation. The folders by role:
 * - algorithms/: the models (rating: Bayesian MF by Gibbs sampling; ranking: implicit ALS; baselines), their options,
 *   and the item factors that serving and the nightly lists fold learners into;
 * - data/: interaction lists and the CSR matrix, the snapshot document and the slice the retrain reads from it, the
 *   binary container of stored files, the synthetic platform of tests and benchmarks;
 * - evaluation/: metrics, offline scores of any model on a test list, the retrain's held-out scores;
 * - job/: the nightly retrain (documents and store port, settings, the lease, the phases);
 * - platform/: wx-server-sdk stores, serving (`recommend`), the stored list shards.
 * Other modules record signals through signals.ts.
 */
export { fitBiases, fitGlobalMean, fitMostPopular } from './algorithms/baselines';
export {
  FactorModel,
  type ExportedFactors,
  type ModelKind,
  type Recommendation,
  type ScoredItem,
} from './algorithms/model';
export {
  checkRankingModelOptions,
  checkRatingModelOptions,
  rankingModelDefaults,
  ratingModelDefaults,
  type RankingModelOptions,
  type RatingModelOptions,
} from './algorithms/options';
export { fitRankingModel } from './algorithms/ranking-model';
export { fitRatingModel } from './algorithms/rating-model';
export { IdMap, type Interaction } from './data/interactions';
export { parseInteractions } from './data/parse';
export { mae, ndcgAtK, recallAtK, rmse } from './evaluation/metrics';
export {
  evaluateRanking,
  evaluateRating,
  ratingScale,
  type RankingScores,
  type RatingScores,
} from './evaluation/offline';
