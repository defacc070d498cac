/**
 * Every collection of the product, with its indexes and its security rule in the JSON form the CloudBase console
 * takes. The local cloud creates exactly these (an unknown collection fails as it does in CloudBase), and
 * `scripts/apply-database.ts` applies them to a real environment.
 *
 * The rules live once, as console-ready files in `database/rules/<collection>.json` (paste one into 控制台 → 数据库 →
 * 权限设置 → 自定义安全规则); this module imports them. Clients write nothing anywhere: every write goes through a
 * cloud function, which bypasses the rules.
 *
 * Owner field: a document that belongs to one learner holds their openid in `_openid` (the field CloudBase itself
 * fills for client writes and that rule templates use). Functions write with the server SDK, which does not fill it,
 * so they set `_openid` explicitly from `getWXContext().OPENID`. Rules and queries test `doc._openid == auth.openid`.
 */
import categoriesRule from './rules/categories.json';
import courseProgressRule from './rules/courseProgress.json';
import coursesRule from './rules/courses.json';
import courseStatsRule from './rules/courseStats.json';
import courseDailyRule from './rules/courseDaily.json';
import cardImpressionsRule from './rules/cardImpressions.json';
import courseInsightsRule from './rules/courseInsights.json';
import priceTestsRule from './rules/priceTests.json';
import creatorsRule from './rules/creators.json';
import enrollmentsRule from './rules/enrollments.json';
import grantsRule from './rules/grants.json';
import interactionsRule from './rules/interactions.json';
import jobRunsRule from './rules/jobRuns.json';
import lessonsRule from './rules/lessons.json';
import ordersRule from './rules/orders.json';
import payEventsRule from './rules/payEvents.json';
import rateLimitsRule from './rules/rateLimits.json';
import recModelsRule from './rules/recModels.json';
import recommendationsRule from './rules/recommendations.json';
import reviewsRule from './rules/reviews.json';
import reportsRule from './rules/reports.json';
import mediaChecksRule from './rules/mediaChecks.json';
import penaltiesRule from './rules/penalties.json';
import courseRevisionsRule from './rules/courseRevisions.json';
import creatorAdminsRule from './rules/creatorAdmins.json';
import settingsRule from './rules/settings.json';
import couponsRule from './rules/coupons.json';
import userCouponsRule from './rules/userCoupons.json';
import promotionsRule from './rules/promotions.json';
import bundlesRule from './rules/bundles.json';
import redeemBatchesRule from './rules/redeemBatches.json';
import redeemCodesRule from './rules/redeemCodes.json';

export interface IndexSpec {
  /** Index name as shown in the console. */
  name: string;
  /** Field paths with 1 (ascending) or -1 (descending); equality queries on the first field use the index. */
  keys: Record<string, 1 | -1>;
  /** @default false */
  unique?: boolean;
}

/**
 * A client access rule: `read`/`write`, or `create`/`update`/`delete` (which take precedence over `write`).
 * Each is `true`, `false` or an expression over `auth`, `doc` and `now` (see rules/evaluate.ts).
 */
export interface CollectionRules {
  read: string | boolean;
  write: string | boolean;
  create?: string | boolean;
  update?: string | boolean;
  delete?: string | boolean;
}

export interface CollectionSpec {
  name: string;
  /** What a document is, its id and who writes it. */
  description?: string;
  indexes: IndexSpec[];
  /** Client access rule; functions bypass it. */
  rules: CollectionRules;
}

/** The field holding the openid of the learner a document belongs to. */
export const OWNER_FIELD = '_openid';

export const collections: CollectionSpec[] = [
  {
    name: 'courses',
    description:
      'The public part of a course (shared/catalog CourseDoc); _id is the course slug. Written by the import.',
    rules: coursesRule,
    indexes: [
      // `catalog.list`: status (and category or tag) equality, then the sort of CATALOG_SORT_ORDERS.
      { name: 'status_popular', keys: { status: 1, learnerCount: -1, _id: 1 } },
      { name: 'status_newest', keys: { status: 1, publishedAt: -1, _id: 1 } },
      { name: 'status_rating', keys: { status: 1, 'rating.score': -1, 'rating.count': -1, _id: 1 } },
      { name: 'status_price', keys: { status: 1, priceFen: 1, _id: 1 } },
      { name: 'status_category_popular', keys: { status: 1, category: 1, learnerCount: -1, _id: 1 } },
      { name: 'status_tags_popular', keys: { status: 1, tags: 1, learnerCount: -1, _id: 1 } },
      // Nightly creator numbers, per creator.
      { name: 'creator_status', keys: { 'creator.id': 1, status: 1 } },
    ],
  },
  {
    name: 'lessons',
    description: 'The private part of a lesson (LessonDoc: media fileID, article body); read only by functions.',
    rules: lessonsRule,
    indexes: [{ name: 'course_order', keys: { courseId: 1, order: 1 }, unique: true }],
  },
  {
    name: 'categories',
    description: 'Catalog categories (CategoryDoc); _id is the slug courses refer to.',
    rules: categoriesRule,
    indexes: [{ name: 'order', keys: { order: 1 } }],
  },
  {
    name: 'creators',
    description: 'Public creator profiles (CreatorDoc); courses keep a snapshot of id, name and title.',
    rules: creatorsRule,
    indexes: [],
  },
  {
    name: 'orders',
    description:
      'One purchase attempt: _openid, courseId, amountFen (from the course, never the client), status, outTradeNo.',
    rules: ordersRule,
    indexes: [
      // The merchant order number the pay platform echoes back in callbacks and queryOrder.
      { name: 'outTradeNo', keys: { outTradeNo: 1 }, unique: true },
      // `order.list`, newest first; and "is there a pending order for this course already?".
      { name: 'owner_created', keys: { _openid: 1, createdAt: -1 } },
      { name: 'owner_course_status', keys: { _openid: 1, courseId: 1, status: 1 } },
      // `order.create`: the learner's latest attempt for a course (the n-th order's _id is fixed, see shared/orders).
      { name: 'owner_course_attempt', keys: { _openid: 1, courseId: 1, attempt: -1 } },
      // The same for a learner's orders of a membership or 专栏.
      { name: 'owner_bundle_attempt', keys: { _openid: 1, bundleId: 1, attempt: -1 } },
      // The nightly insights job reads each day's paid and refunded orders (shared/insights/daily/sales.ts).
      { name: 'paid_at', keys: { paidAt: 1 } },
      { name: 'refunded_at', keys: { refundedAt: 1 } },
      // Sweeper, each kind due longest first (never tried, then by the end of its backoff): pending and closed
      // orders to settle, by expiry; refunds to push on; paid orders whose shipping information is not uploaded yet.
      { name: 'status_due_expires', keys: { status: 1, nextAttemptAt: 1, expiresAt: 1 } },
      { name: 'status_refund_due', keys: { status: 1, 'refund.nextAttemptAt': 1, 'refund.requestedAt': 1 } },
      {
        name: 'status_shipping_due',
        keys: { status: 1, 'shipping.status': 1, 'shipping.nextAttemptAt': 1, paidAt: 1 },
      },
    ],
  },
  {
    name: 'payEvents',
    description: 'Every pay callback and query result as received, for audit and reconciliation.',
    rules: payEventsRule,
    indexes: [{ name: 'outTradeNo_received', keys: { outTradeNo: 1, receivedAt: 1 } }],
  },
  {
    name: 'grants',
    description:
      'What opens a course to a learner (shared/grants GrantDoc): _openid, via purchase|bundle|redeem|free|org, target course:<id>|bundle:<id>, courseId? or bundleId?, status active|revoked, until? (absent = for life), orderId?, terms? [{orderId, days, paidAt}] of a membership, createdAt, revokedAt?; _id derived from openid, source and target.',
    rules: grantsRule,
    indexes: [
      // Fulfilment and redemption are idempotent: any number of deliveries gives one grant per source and target.
      // Every access check reads the learner's grants by `_openid` (a learner holds a few): the same index serves.
      { name: 'owner_via_target', keys: { _openid: 1, via: 1, target: 1 }, unique: true },
      { name: 'course_created', keys: { courseId: 1, createdAt: 1 } },
    ],
  },
  {
    name: 'enrollments',
    description:
      'Legacy, replaced by grants: read only by `npm run migrate`, which copies each enrollment into grants under the same _id (source paid → via purchase). Kept until every environment has migrated.',
    rules: enrollmentsRule,
    indexes: [],
  },
  {
    name: 'courseProgress',
    description:
      "A learner's progress in one course (shared/learning/progress.ts): lessons.<lessonId> {pos, at, max, done}, " +
      'completedLessonIds, percent, lastLessonId, lastPositionSec, updatedAt, enrolled, rev; one conditional write ' +
      'per report; delivered {orderId, lessons} (paid lessons handed out, shared/learning/consumption.ts) and limits ' +
      '(write limits). The refund policy reads percent and delivered.',
    rules: courseProgressRule,
    indexes: [
      { name: 'owner_course', keys: { _openid: 1, courseId: 1 }, unique: true },
      // `learning.myCourses`: most recently studied first.
      { name: 'owner_updated', keys: { _openid: 1, updatedAt: -1 } },
    ],
  },
  {
    name: 'reviews',
    description:
      'One rating (1–5) and text per learner and course (shared/reviews): status visible | pending | rejected | ' +
      'hidden (a creator approves or rejects pending ones here; rejectedBy = check | creator, and an edit of a ' +
      "review a creator rejected waits as pending; hidden by learners' reports), reports { count, hiddenAt?, " +
      'decision? keep | hide | reject typed by the creator or creator.moderate, decidedAt? } of the current ' +
      "version, reply? (the creator's reply from creator.reply: text, status visible | pending, moderation, " +
      'creatorId, creatorName, createdAt, updatedAt), refunded? (the ' +
      'author was refunded), counted = the rating the course summary counts; the public list goes through ' +
      '`review.list` without openids.',
    rules: reviewsRule,
    indexes: [
      { name: 'course_owner', keys: { courseId: 1, _openid: 1 }, unique: true },
      // `review.list`: the visible reviews of a course, newest first.
      { name: 'course_status_created', keys: { courseId: 1, status: 1, createdAt: -1 } },
      // Settling console moderation: visible but not counted, counted but no longer visible.
      { name: 'status_counted', keys: { status: 1, counted: 1 } },
    ],
  },
  {
    name: 'reports',
    description:
      "One learner's report of a review or a course, _id = <kind>_<targetId>_<openid> (one per learner and target): " +
      'kind review | course, targetId, courseId, reason, text?, _openid, createdAt. Written by review.report and ' +
      'catalog.report; read by functions only (creators see counts), never by a client.',
    rules: reportsRule,
    indexes: [
      // The distinct reports of one target (a review hidden after N), and a creator's reports by course.
      { name: 'kind_target', keys: { kind: 1, targetId: 1 } },
      { name: 'course', keys: { courseId: 1 } },
    ],
  },
  {
    name: 'mediaChecks',
    description:
      "One mediaCheckAsync submission of a creator's image or audio (shared/content/media-check.ts), _id = the " +
      'trace id: fileId, courseId, fieldPath (cover, lessons[2].media …), mediaType, openid, attempt, submittedAt, ' +
      'status pending | pass | review | risky | expired, label?, answeredAt?, resubmittedAs? (the next attempt). ' +
      'Written by the function that submits and by contentCheck (the wxa_media_check push, the expiry timer); no ' +
      'client reads it.',
    rules: mediaChecksRule,
    indexes: [
      // The timer: pending submissions past the wait, oldest first.
      { name: 'status_submitted', keys: { status: 1, submittedAt: 1 } },
      // A course's media verdicts.
      { name: 'course_field', keys: { courseId: 1, fieldPath: 1 } },
    ],
  },
  {
    name: 'penalties',
    description:
      'A Penalty_for_Violation push as WeChat sent it (shared/content/penalties.ts), _id = punish_id: eventType, ' +
      'punishTime, illegalReason, illegalContent, ruleName, ruleUrl, adjustGuideUrl, detail (parsed), receivedAt, ' +
      'courseIds and creatorIds (the courses it names and their creators); for the operator and those creators. No ' +
      'client reads it.',
    rules: penaltiesRule,
    indexes: [
      { name: 'received', keys: { receivedAt: -1 } },
      // A creator's penalties, newest first.
      { name: 'creator', keys: { creatorIds: 1, receivedAt: -1 } },
    ],
  },
  {
    name: 'courseRevisions',
    description:
      "A course's last import and its checks (shared/catalog/course-file/revision.ts), _id = course id: version, " +
      'state reviewing | rejected | applied, course and lessons as the file has them, creator, filePrice, field? and ' +
      'reason? (a rejection, or what it waits for), textPassed?, videoApproved? and operatorDecision? (approve | ' +
      'reject: the operator sets them in the console), importedAt, updatedAt, appliedAt?. Written by course:import ' +
      'and contentCheck; no client reads it.',
    rules: courseRevisionsRule,
    indexes: [{ name: 'state', keys: { state: 1, updatedAt: 1 } }],
  },
  {
    name: 'creatorAdmins',
    description:
      "A creator's administrator, _id = their openid: creatorIds (the creators they administer). The content " +
      'checks use this openid (msgSecCheck and mediaCheckAsync need one active in the mini-program in the last two ' +
      'hours). Added by the operator in the console; no client reads it.',
    rules: creatorAdminsRule,
    indexes: [{ name: 'creator', keys: { creatorIds: 1 } }],
  },
  {
    name: 'interactions',
    description:
      'Compact signal snapshot of one learner (_id = openid): course-id sets paid/free/q1-q4/r1-r5 and interest cats, ' +
      'kept by shared/recommender/signals.ts with one atomic update per signal; the nightly retrain reads only these.',
    rules: interactionsRule,
    indexes: [
      { name: 'owner', keys: { _openid: 1 }, unique: true },
      // The retrain reads the snapshots by ranges of this fixed hash bucket of the openid.
      { name: 'bucket', keys: { b: 1 } },
    ],
  },
  {
    name: 'recommendations',
    description:
      'Precomputed "for you" lists, sharded: _id <version>-<shard>, lists { openid: entries } for up to 250 learners ' +
      'of one model version (shared/recommender/platform/lists.ts); read only through the recommend function.',
    rules: recommendationsRule,
    indexes: [{ name: 'version_shard', keys: { version: 1, shard: 1 }, unique: true }],
  },
  {
    name: 'recModels',
    description:
      'The current model pointer (_id "current": version, item factor fileID, shard count, metrics), switched in one ' +
      'transactional update once a version is completely written.',
    rules: recModelsRule,
    indexes: [],
  },
  {
    name: 'courseStats',
    description:
      'Nightly per-course numbers for creators (shared/stats), one document per course, _id = courseId: learners, ' +
      'paid orders, revenue and refunds in fen, completion, progress, rating; all time and the last 7 and 30 days; ' +
      "stops (stopped learners by first unfinished lesson: the creator center's drop-off curve); " +
      "a published course's quality score with its components and advice (shared/stats/quality.ts).",
    rules: courseStatsRule,
    indexes: [{ name: 'creator', keys: { creatorId: 1 } }],
  },
  {
    name: 'courseDaily',
    description:
      'Counters per course and Beijing day (shared/insights/daily), _id = <courseId>_<YYYY-MM-DD>: detailViews and ' +
      'a 128-register sketch of the distinct viewers among prospects, freeLessonStarts, checkouts, the price in ' +
      'force; written by the learner calls, read nightly by insights, kept two years.',
    rules: courseDailyRule,
    indexes: [
      { name: 'course_day', keys: { courseId: 1, day: 1 } },
      { name: 'day', keys: { day: 1 } },
    ],
  },
  {
    name: 'cardImpressions',
    description:
      'Course cards shown, per Beijing day in 8 shards by learner (shared/insights/daily/impressions.ts), _id = ' +
      '<YYYY-MM-DD>_<shard>: counts.<courseId>; one update per batch the mini-program sends, kept two years.',
    rules: cardImpressionsRule,
    indexes: [{ name: 'day', keys: { day: 1 } }],
  },
  {
    name: 'courseInsights',
    description:
      "A course's nightly insight (shared/insights/job), _id = courseId: its demand forecast with the 80 % band, " +
      'price response and price advice, the day it was computed for; written by the insights timer, read by the ' +
      'console and the creator center; expectedBuyers (buyers expected in 4 weeks) is set by the retrain timer.',
    rules: courseInsightsRule,
    indexes: [],
  },
  {
    name: 'priceTests',
    description:
      "A course's price test (shared/insights/pricing/price-test-doc.ts), _id = courseId: status running | settled | " +
      "stopped, the creator's bounds, the policy's state, each weekly period's price and decidedWeek, the key that " +
      'keeps a week from being decided twice; switched on and off by npm run price-test, moved by the insights ' +
      'timer. No client reads or writes it: the creator center reads its state in courseInsights.',
    rules: priceTestsRule,
    indexes: [{ name: 'status_decided', keys: { status: 1, decidedWeek: 1 } }],
  },
  {
    name: 'settings',
    description:
      'Editable configuration (shared/settings AppSettings): one document _id "app" — merchant number, pay rail, order lifetime, refund policy, shipping upload. ' +
      'And _id "secrets": secrets the environment generated for itself on first use (learnerCode, redeemCode; shared/settings/secrets.ts). Functions only, never sent to a client.',
    rules: settingsRule,
    indexes: [],
  },
  {
    name: 'jobRuns',
    description:
      'Each timer run (retrain, order sweep, insights): job, status, checkpoint to resume from, timings; retrain-lock ' +
      'holds the lease that keeps two retrain invocations from interleaving; insights_<day> is the night of the ' +
      'insights job and insights_state how far its sales fold has gone.',
    rules: jobRunsRule,
    indexes: [{ name: 'job_started', keys: { job: 1, startedAt: -1 } }],
  },
  {
    name: 'rateLimits',
    description:
      "One learner's write limits (shared/limits/store.ts), _id = openid: tat.<limit> the limit's state (epoch ms) for " +
      'order.create, order.refund, review.submit, recommend.setInterests and failed promo.redeem attempts; one ' +
      'conditional update per call.',
    rules: rateLimitsRule,
    indexes: [],
  },
  {
    name: 'coupons',
    description:
      'A coupon a creator issues (shared/promo CouponDoc): kind amount | percent | threshold and its figures, the ' +
      'window [startsAt, endsAt), stock and claimed, perLearner, appliesTo, status active | paused | revoked.',
    rules: couponsRule,
    indexes: [{ name: 'status_ends', keys: { status: 1, endsAt: 1 } }],
  },
  {
    name: 'userCoupons',
    description:
      'A coupon one learner claimed (shared/promo UserCouponDoc): _openid, couponId, status usable | held | used, ' +
      'orderId of the order holding or using it, claimedAt; _id derived from coupon, learner and claim number.',
    rules: userCouponsRule,
    indexes: [
      { name: 'owner_coupon', keys: { _openid: 1, couponId: 1 } },
      { name: 'owner_status', keys: { _openid: 1, status: 1, claimedAt: -1 } },
      { name: 'order', keys: { orderId: 1 } },
    ],
  },
  {
    name: 'promotions',
    description:
      'A limited-time price (shared/promo PromotionDoc): target { kind course | bundle, id }, priceFen, the window ' +
      '[startsAt, endsAt), label, status active | paused | revoked; the same price for every learner.',
    rules: promotionsRule,
    indexes: [{ name: 'target_ends', keys: { 'target.kind': 1, 'target.id': 1, endsAt: 1 } }],
  },
  {
    name: 'bundles',
    description:
      'A membership (termDays) or 专栏 (for life) that opens courseIds (shared/promo BundleDoc): title, subtitle, ' +
      'cover, priceFen, kind, status draft | published | archived.',
    rules: bundlesRule,
    indexes: [
      { name: 'status_created', keys: { status: 1, createdAt: -1 } },
      // Which bundles open a course (a course added later is opened to the bundle's holders).
      { name: 'courses', keys: { courseIds: 1 } },
    ],
  },
  {
    name: 'redeemBatches',
    description:
      'A batch of redemption codes a creator generated for one course or bundle (shared/promo RedeemBatchDoc): ' +
      'target, count, expiresAt?, status active | paused | revoked, createdAt. The codes themselves are never stored.',
    rules: redeemBatchesRule,
    indexes: [],
  },
  {
    name: 'redeemCodes',
    description:
      'One single-use redemption code (shared/promo RedeemCodeDoc): _id = HMAC-SHA256 of the code under the ' +
      'REDEEM_CODE_SECRET variable (else settings/secrets redeemCode), batchId, target, status unused | used, ' +
      'usedBy?, usedAt?, expiresAt?. Marked used only by a conditional update on status unused.',
    rules: redeemCodesRule,
    indexes: [{ name: 'batch_status', keys: { batchId: 1, status: 1 } }],
  },
];
