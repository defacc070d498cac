export { fitBiases, fitGlobalMean, fitMostPopular } from './algorithms/baselines';
export {
  evaluateRanking,
  evaluateRating,
  ratingScale,
  type RankingScores,
  type RatingScores,
} from './evaluation/offline';
export { IdMap, type Interaction } from './data/interactions';
export { mae, ndcgAtK, recallAtK, rmse } from './evaluation/metrics';
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
export { parseInteractions } from './data/parse';
export { fitRankingModel } from './algorithms/ranking-model';
export { fitRatingModel } from './algorithms/rating-model';
