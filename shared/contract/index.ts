/**
 * The contract between the mini-program and the cloud functions. Import from here.
 *
 * To add a function: write `shared/contract/<fn>.ts` with `<fn>Actions` and `<Fn>Responses` (see ./catalog.ts), and
 * register it in `ClientFunctions` below.
 */
import type { ActionSchemas, ActionRequest, ActionResponses } from './handler';
import { catalogActions, type CatalogResponses } from './catalog';
import { orderActions, type OrderResponses } from './order';
import { learningActions, type LearningResponses } from './learning';
import { reviewActions, type ReviewResponses } from './review';
import { recommendActions, type RecommendResponses } from './recommend';
import { promoActions, type PromoResponses } from './promo';
import { creatorActions, type CreatorResponses } from './creator';

export * from './envelope';
export * from './validation';
export * from './handler';
export * from './catalog';
export * from './order';
export * from './learning';
export * from './review';
export * from './report';
export * from './recommend';
export * from './promo';
export * from './creator';

export interface FunctionContract<S extends ActionSchemas, R extends ActionResponses<S>> {
  actions: S;
  responses: R;
}

/** Every client-callable function, by name. The type parameters are the source of the typed `call()`. */
export interface ClientFunctions {
  catalog: FunctionContract<typeof catalogActions, CatalogResponses>;
  order: FunctionContract<typeof orderActions, OrderResponses>;
  learning: FunctionContract<typeof learningActions, LearningResponses>;
  review: FunctionContract<typeof reviewActions, ReviewResponses>;
  recommend: FunctionContract<typeof recommendActions, RecommendResponses>;
  promo: FunctionContract<typeof promoActions, PromoResponses>;
  creator: FunctionContract<typeof creatorActions, CreatorResponses>;
}

export type FunctionName = keyof ClientFunctions;
export type ActionName<F extends FunctionName> = keyof ClientFunctions[F]['actions'] & string;

/** The event of `name`'s `action`: `{ action, ...params }`. */
export type CallRequest<F extends FunctionName, A extends ActionName<F>> = ActionRequest<
  ClientFunctions[F]['actions'],
  A
>;

/** The `data` of a successful reply to `name`'s `action`. */
export type CallResponse<F extends FunctionName, A extends ActionName<F>> = ClientFunctions[F]['responses'][A &
  keyof ClientFunctions[F]['responses']];
