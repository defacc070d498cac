/**
 * The write limits: the rule (pure, with a fake clock), the paces of a real learner that must never meet a limit, and
 * the database store through the local cloud with the real wx-server-sdk (the same decisions as the rule, also when
 * calls come at once).
 */
import fc from 'fast-check';
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import { AppError } from '../../contract';
import { getById, type Database } from '../../db';
import {
  admit,
  giveBackLimit,
  LIMITS,
  limitedError,
  spendLimit,
  type LimitName,
  type Rate,
  type RateLimitDoc,
} from '..';
import { COLLECTIONS } from '../../collections';

/** How many of the calls at `times` (epoch ms, ascending) the rule admits, from rest. */
function admitted(rate: Rate, times: number[]): boolean[] {
  let tat: number | undefined;
  return times.map((now) => {
    const verdict = admit(rate, tat, now);
    if (verdict.allowed) tat = verdict.tat;
    return verdict.allowed;
  });
}

describe('the rule (GCRA)', () => {
  test('burst calls at once, then one per interval; an idle learner gets the burst back', () => {
    const rate = { burst: 3, everyMs: 10_000 };
    expect(admitted(rate, [0, 0, 0, 0])).toEqual([true, true, true, false]);
    expect(admitted(rate, [0, 0, 0, 9_999, 10_000, 10_001, 20_000])).toEqual([
      true,
      true,
      true,
      false,
      true,
      false,
      true,
    ]);
    expect(admitted(rate, [0, 0, 0, 30_000, 30_000, 30_000, 30_000])).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  test('a refusal says when the next call is admitted, in whole seconds', () => {
    const rate = { burst: 2, everyMs: 60_000 };
    let tat = 0;
    for (const now of [0, 0]) {
      const verdict = admit(rate, tat, now);
      if (!verdict.allowed) throw new Error('expected admitted');
      tat = verdict.tat;
    }
    expect(admit(rate, tat, 0)).toEqual({ allowed: false, retryAfterSec: 60 });
    expect(admit(rate, tat, 59_500)).toEqual({ allowed: false, retryAfterSec: 1 });
    expect(admit(rate, tat, 60_000)).toMatchObject({ allowed: true });
  });

  test('RESOURCE_EXHAUSTED carries retryAfterSec, the message says how long in Chinese', () => {
    expect(limitedError(8)).toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      message: '操作太频繁，请 8 秒后再试',
      details: { retryAfterSec: 8 },
    });
    expect(limitedError(90).message).toBe('操作太频繁，请 2 分钟后再试');
  });
});

/**
 * Call times of a learner: in each block of `blockMs`, up to `perBlock` calls at any moments. Blocks are mostly full
 * and their calls often at a border, so two blocks' calls crowd together: the busiest such learner, for a long time.
 */
function pace(blockMs: number, perBlock: number, blocks = 60): fc.Arbitrary<number[]> {
  const offset = fc.oneof(fc.constant(0), fc.constant(blockMs - 1), fc.integer({ min: 0, max: blockMs - 1 }));
  const block = fc.oneof(
    { weight: 4, arbitrary: fc.array(offset, { minLength: perBlock, maxLength: perBlock }) },
    { weight: 1, arbitrary: fc.array(offset, { maxLength: perBlock }) },
  );
  return fc
    .array(block, { minLength: blocks, maxLength: blocks })
    .map((perBlockOffsets) =>
      perBlockOffsets.flatMap((offsets, i) => offsets.map((at) => i * blockMs + at)).sort((a, b) => a - b),
    );
}

/** Reports of one device, at least `minGapMs` apart, mostly exactly that (a device reporting as often as it may). */
function device(minGapMs: number, count = 600): fc.Arbitrary<number[]> {
  const gap = fc.oneof(
    { weight: 9, arbitrary: fc.constant(minGapMs) },
    { weight: 1, arbitrary: fc.integer({ min: minGapMs, max: 60_000 }) },
  );
  return fc
    .array(gap, { minLength: count, maxLength: count })
    .map((gaps) => gaps.reduce<number[]>((times, g) => [...times, (times.at(-1) ?? 0) + g], []));
}

describe("a real learner's pace never meets a limit", () => {
  const never = (name: LimitName, schedule: fc.Arbitrary<number[]>) =>
    fc.assert(
      fc.property(schedule, fc.integer({ min: 0, max: 2 ** 40 }), (times, start) => {
        expect(
          admitted(
            LIMITS[name],
            times.map((t) => start + t),
          ).every(Boolean),
        ).toBe(true);
      }),
      { numRuns: 200 },
    );

  test('progress: two devices, each reporting every 2 s or slower (the player reports every 15 s)', () => {
    never(
      'progress',
      fc.tuple(device(2_000), device(2_000)).map(([a, b]) => [...a, ...b].sort((x, y) => x - y)),
    );
  });

  test('orders: up to 5 creates in every minute (a few a minute, double taps included)', () => {
    never('orderCreate', pace(60_000, 5));
  });

  test('refunds: up to 3 requests in every 5 minutes', () => {
    never('orderRefund', pace(5 * 60_000, 3));
  });

  test('reviews: up to 5 submits in every 5 minutes (writing and editing one)', () => {
    never('reviewSubmit', pace(5 * 60_000, 5));
  });

  test('reports: up to 5 in every 10 minutes (a few reviews of one course, and the course)', () => {
    never('report', pace(10 * 60_000, 5));
  });

  test('interests: up to 5 changes in every minute', () => {
    never('setInterests', pace(60_000, 5));
  });

  test('lessons: up to 5 new paid lessons opened in every minute (skimming a syllabus)', () => {
    never('lessonDelivery', pace(60_000, 5));
  });

  test('redeem codes: up to 5 mistyped codes in every hour (failures only: a redeemed code gives its call back)', () => {
    never('redeemFailure', pace(3_600_000, 5));
  });

  test('and the limits do bite: 100 creates in a minute get at most a burst and the minute’s share', () => {
    const times = Array.from({ length: 100 }, (_, i) => i * 600);
    const count = admitted(LIMITS.orderCreate, times).filter(Boolean).length;
    expect(count).toBe(LIMITS.orderCreate.burst + Math.floor((99 * 600) / LIMITS.orderCreate.everyMs));
  });
});

describe('the database store (rateLimits)', () => {
  let cloud: LocalCloud;
  let db: Database;
  let learners = 0;
  const learner = () => `o-limits-${++learners}`;
  beforeAll(async () => {
    cloud = await startTestCloud();
    sdk.init({ env: cloud.envId });
    db = sdk.database();
  });
  afterAll(() => cloud.close());

  const spend = async (openid: string, now: number): Promise<boolean> => {
    try {
      await spendLimit(db, openid, 'orderRefund', new Date(now));
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'RESOURCE_EXHAUSTED') return false;
      throw error;
    }
  };

  test('decides every call as the rule does, on a fake clock', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 120_000 })), { minLength: 1, maxLength: 25 }),
        async (gaps) => {
          const openid = learner();
          const times = gaps.reduce<number[]>((all, gap) => [...all, (all.at(-1) ?? 1e12) + gap], []);
          const decided: boolean[] = [];
          for (const now of times) decided.push(await spend(openid, now));
          expect(decided).toEqual(admitted(LIMITS.orderRefund, times));
        },
      ),
      { numRuns: 25 },
    );
  });

  test('40 calls at once admit exactly the burst; a refused call writes nothing', async () => {
    const openid = learner();
    const now = Date.UTC(2024, 4, 1);
    const results = await Promise.all(Array.from({ length: 40 }, () => spend(openid, now)));
    expect(results.filter(Boolean)).toHaveLength(LIMITS.orderRefund.burst);
    const doc = await getById<RateLimitDoc>(db, COLLECTIONS.rateLimits, openid);
    expect(doc).toMatchObject({ _openid: openid, tat: { orderRefund: now + LIMITS.orderRefund.burst * 60_000 } });
    await expect(spendLimit(db, openid, 'orderRefund', new Date(now + 1000))).rejects.toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      details: { retryAfterSec: 59 },
    });
    expect(await getById<RateLimitDoc>(db, COLLECTIONS.rateLimits, openid)).toEqual(doc);
    // Each limit is its own field: refunds used up leave orders alone.
    await spendLimit(db, openid, 'orderCreate', new Date(now));
  });

  test('a call given back is admitted again, once; a learner at rest has nothing to give back', async () => {
    const openid = learner();
    const now = Date.UTC(2024, 4, 2);
    const { burst, everyMs } = LIMITS.redeemFailure;
    await giveBackLimit(db, openid, 'redeemFailure', new Date(now));
    expect(await getById<RateLimitDoc>(db, COLLECTIONS.rateLimits, openid)).toBeNull();
    for (let i = 0; i < burst; i++) await spendLimit(db, openid, 'redeemFailure', new Date(now));
    await expect(spendLimit(db, openid, 'redeemFailure', new Date(now))).rejects.toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
    });
    await giveBackLimit(db, openid, 'redeemFailure', new Date(now));
    expect((await getById<RateLimitDoc>(db, COLLECTIONS.rateLimits, openid))?.tat.redeemFailure).toBe(
      now + (burst - 1) * everyMs,
    );
    await spendLimit(db, openid, 'redeemFailure', new Date(now));
    await expect(spendLimit(db, openid, 'redeemFailure', new Date(now))).rejects.toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
    });
    // Long after, the state is behind the clock: giving back changes nothing and the burst is whole again.
    const later = now + 2 * burst * everyMs;
    const before = await getById<RateLimitDoc>(db, COLLECTIONS.rateLimits, openid);
    await giveBackLimit(db, openid, 'redeemFailure', new Date(later));
    expect(await getById<RateLimitDoc>(db, COLLECTIONS.rateLimits, openid)).toEqual(before);
  });
});
