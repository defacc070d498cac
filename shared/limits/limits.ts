/**
 * Every write a learner can make, with its limit. Sized so that a real learner never meets one (the figures and the
 * pace they were checked against are in the README and in ./__tests__/limits.test.ts), while a script cannot turn one
 * learner's account into thousands of writes, platform calls or content checks a minute.
 */
import type { Rate } from './rate';

export const LIMITS = {
  /** `order.create`: 10 at once (double taps, a sheet closed and reopened), then 6 a minute. */
  orderCreate: { burst: 10, everyMs: 10_000 },
  /** `order.refund`: 6 at once, then one a minute. */
  orderRefund: { burst: 6, everyMs: 60_000 },
  /** `review.submit`: 10 at once (editing a review), then 2 a minute. */
  reviewSubmit: { burst: 10, everyMs: 30_000 },
  /** `creator.reply`, per creator admin: 10 at once, then 2 a minute (each is a content check and a write). */
  creatorReply: { burst: 10, everyMs: 30_000 },
  /** `review.report` and `catalog.report` together: 10 at once, then one a minute. */
  report: { burst: 10, everyMs: 60_000 },
  /** `recommend.setInterests`: 10 at once, then 6 a minute. */
  setInterests: { burst: 10, everyMs: 10_000 },
  /**
   * `learning.progress`, per learner and course (kept on the progress document): 60 at once, then one a second. A
   * player reports at most every 15 s, plus a report on pause, end and leaving; two devices at once stay far below.
   */
  progress: { burst: 60, everyMs: 1_000 },
  /**
   * `learning.lesson`'s record of a paid lesson's first delivery, per learner and course (on the progress document):
   * 20 new lessons at once, then 6 a minute. Opening a lesson again writes nothing and is not limited.
   */
  lessonDelivery: { burst: 20, everyMs: 10_000 },
  /**
   * `promo.redeem`'s failed attempts (a code that is unknown, used or expired): 10 at once, then one every 6 minutes,
   * so a script guesses at most about 250 codes a day from one account. Every attempt spends first and a success gives
   * its share back (./store.ts `giveBackLimit`), so concurrent guesses cannot pass the limit either.
   */
  redeemFailure: { burst: 10, everyMs: 360_000 },
} as const satisfies Record<string, Rate>;

export type LimitName = keyof typeof LIMITS;

/** The limits kept in the learner's `rateLimits` document (./store.ts); the others live on the progress document. */
export type LearnerLimitName = Exclude<LimitName, 'progress' | 'lessonDelivery'>;
