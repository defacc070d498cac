export { fitBiases, fitGlobalMean, fitMostPopular } from './baselines';
export { evaluateRanking, evaluateRating, ratingScale, type RankingScores, type RatingScores } from './evaluate';
export { IdMap, type Interaction } from './interactions';
export { mae, ndcgAtK, recallAtK, rmse } from './metrics';
export { FactorModel, type ExportedFactors, type ModelKind, type Recommendation, type ScoredItem } from './model';
export {
  checkRankingModelOptions,
  checkRatingModelOptions,
  rankingModelDefaults,
  ratingModelDefaults,
  type RankingModelOptions,
  type RatingModelOptions,
} from './options';
export { parseInteractions } from './parse';
export { fitRankingModel } from './ranking-model';
export { fitRatingModel } from './rating-model';
