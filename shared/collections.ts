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
  /** grants: what opens a course to a learner (shared/grants). */
  grants: 'grants',
  /** grants: the enrollments grants replaced, read only by the migration (npm run migrate). */
  enrollments: 'enrollments',
  /** learning */
  courseProgress: 'courseProgress',
  /** reviews */
  reviews: 'reviews',
  /** reviews: one learner's report of a review or a course. */
  reports: 'reports',
  /** content: one mediaCheckAsync submission, by trace id (shared/content/media-check.ts). */
  mediaChecks: 'mediaChecks',
  /** content: the platform's Penalty_for_Violation pushes (shared/content/penalties.ts). */
  penalties: 'penalties',
  /** content: a course's staged change, checked before it applies (shared/catalog/course-file/revision.ts). */
  courseRevisions: 'courseRevisions',
  /** content: who administers which creators (their openid is the one the content checks use). */
  creatorAdmins: 'creatorAdmins',
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
  /** insights: counters per course and day (shared/insights/daily). */
  courseDaily: 'courseDaily',
  /** insights: card impressions per day, sharded (shared/insights/daily/impressions.ts). */
  cardImpressions: 'cardImpressions',
  /** insights: the nightly forecast and price advice, one document per course (shared/insights/job). */
  courseInsights: 'courseInsights',
  /** insights: the price tests creators switch on, one document per course (shared/insights/pricing/price-test-doc.ts). */
  priceTests: 'priceTests',
  /** settings */
  settings: 'settings',
  /** limits: rate-limit buckets per learner. */
  rateLimits: 'rateLimits',
  /** promo: coupons creators issue (shared/promo/documents.ts). */
  coupons: 'coupons',
  /** promo: the coupons each learner claimed. */
  userCoupons: 'userCoupons',
  /** promo: limited-time prices of a course or bundle. */
  promotions: 'promotions',
  /** promo: memberships and 专栏. */
  bundles: 'bundles',
  /** promo: batches of redemption codes. */
  redeemBatches: 'redeemBatches',
  /** promo: one redemption code, keyed by its hash. */
  redeemCodes: 'redeemCodes',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];
