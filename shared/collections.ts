/**
 * The name of every collection, in one place. Each module reads and writes only its own collections (the owner is
 * named here) and reaches another module's data through that module's functions; `database/collections.ts` declares
 * the indexes and rules of each name.
 */
export const COLLECTIONS = {
  /** catalog: the public part of a course. */
  courses: 'courses',
  /** catalog: the private part of a lesson. */
  lessons: 'lessons',
  /** catalog */
  categories: 'categories',
  /** catalog */
  creators: 'creators',
  /** orders */
  orders: 'orders',
  /** orders: every pay notice and query result as received. */
  payEvents: 'payEvents',
  /** enrollments */
  enrollments: 'enrollments',
  /** learning */
  courseProgress: 'courseProgress',
  /** reviews */
  reviews: 'reviews',
  /** recommender: one signal snapshot per learner. */
  interactions: 'interactions',
  /** recommender: precomputed lists. */
  recommendations: 'recommendations',
  /** recommender: the current model pointer. */
  recModels: 'recModels',
  /** recommender: retrain leases and runs. */
  jobRuns: 'jobRuns',
  /** stats: nightly numbers per course. */
  courseStats: 'courseStats',
  /** settings */
  settings: 'settings',
  /** limits: rate-limit buckets per learner. */
  rateLimits: 'rateLimits',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];
