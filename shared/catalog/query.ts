/**
 * The catalog `list` query in a database-neutral form: the function maps it onto `wx-server-sdk`
 * (`db.RegExp`, `_.or`, `orderBy`, `skip`, `limit`).
 */
import { CATALOG_LIST_DEFAULTS, type CatalogListParams, type CatalogSort } from '../contract';
import { OPEN_COURSE_WHERE } from './visibility';

/** Fields a keyword is matched against (tags is an array: a regex matches any element). */
export const KEYWORD_FIELDS = ['title', 'subtitle', 'tags'] as const;

/** Escapes every regular-expression metacharacter, so the keyword matches literally and cannot backtrack. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Trims and collapses whitespace; blank → undefined (no keyword filter). */
export function normalizeKeyword(keyword: string | undefined): string | undefined {
  const trimmed = keyword?.trim().replace(/\s+/g, ' ');
  return trimmed ? trimmed : undefined;
}

/**
 * Orders for each sort. Every order ends with `_id` so it is total: pages never repeat or skip a course while the
 * catalog is unchanged. A course without `publishedAt` sorts last under `newest`.
 */
export const CATALOG_SORT_ORDERS: Record<CatalogSort, readonly [field: string, direction: 'asc' | 'desc'][]> = {
  popular: [
    ['learnerCount', 'desc'],
    ['_id', 'asc'],
  ],
  newest: [
    ['publishedAt', 'desc'],
    ['_id', 'asc'],
  ],
  // The Bayesian average (shared/reviews/rating-score.ts), kept on the course with its summary; unrated courses last.
  rating: [
    ['rating.score', 'desc'],
    ['rating.count', 'desc'],
    ['_id', 'asc'],
  ],
  priceAsc: [
    ['priceFen', 'asc'],
    ['_id', 'asc'],
  ],
  priceDesc: [
    ['priceFen', 'desc'],
    ['_id', 'asc'],
  ],
};

export interface CatalogListQuery {
  /** Equality filters; always the open courses' (visibility.ts). */
  where: typeof OPEN_COURSE_WHERE & { category?: string; tags?: string };
  /** Case-insensitive match of the escaped pattern on any of `fields`. */
  keyword?: { pattern: string; options: 'i'; fields: typeof KEYWORD_FIELDS };
  orderBy: readonly [string, 'asc' | 'desc'][];
  skip: number;
  limit: number;
  page: number;
}

export function catalogListQuery(params: CatalogListParams): CatalogListQuery {
  const page = params.page ?? CATALOG_LIST_DEFAULTS.page;
  const limit = params.pageSize ?? CATALOG_LIST_DEFAULTS.pageSize;
  const where: CatalogListQuery['where'] = { ...OPEN_COURSE_WHERE };
  if (params.category !== undefined) where.category = params.category;
  if (params.tag !== undefined) where.tags = params.tag;
  const query: CatalogListQuery = {
    where,
    orderBy: CATALOG_SORT_ORDERS[params.sort ?? CATALOG_LIST_DEFAULTS.sort],
    skip: (page - 1) * limit,
    limit,
    page,
  };
  const keyword = normalizeKeyword(params.keyword);
  if (keyword !== undefined) query.keyword = { pattern: escapeRegExp(keyword), options: 'i', fields: KEYWORD_FIELDS };
  return query;
}
