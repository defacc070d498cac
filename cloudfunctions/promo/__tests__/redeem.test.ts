/**
 * `promo.redeem` through the local cloud's client gateway with the real wx-server-sdk inside: what a code opens, where
 * the learner then sees it (catalog.detail, learning.myCourses), single use under concurrency, the one answer for
 * every code that cannot be redeemed, and the limit on failed attempts.
 */
import { databaseOf } from '../../../local/db/attach';
import type { CourseDoc } from '../../../shared/catalog';
import { COLLECTIONS } from '../../../shared/collections';
import { countWhere, getById } from '../../../shared/db';
import { grantId, type GrantDoc } from '../../../shared/grants';
import { LIMITS } from '../../../shared/limits';
import { codeHash, generateCode, normalizeCode } from '../../../shared/promo/codes';
import { newCodeKey } from '../../../shared/promo/code-key';
import type { PromoTarget, RedeemCodeDoc } from '../../../shared/promo/documents';
import { storedSecret } from '../../../shared/settings/secrets';
import { COURSE_ID, insert, startWorld, type Reply, type World } from '../../../testing/learning-world';
import { bundle, daysFromNow, insertCourses } from '../../../testing/promo-world';

let world: World;
let key: string;
let batches = 0;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  world = await startWorld();
  // The key the function would generate on first use, made first here so the test can hash the codes it issues.
  key = await storedSecret(world.db, 'redeemCode', newCodeKey);
  await insertCourses(world.db, ['m-1', 'm-2', 'col-1']);
  const { termDays: _forLife, ...column } = bundle('column', { kind: 'column', courseIds: ['col-1'] });
  await insert(world.db, 'bundles', [bundle('vip', { courseIds: ['m-1', 'm-2'] }), column]);
});
afterAll(() => world.close());

const hashOf = (code: string) => codeHash(key, normalizeCode(code) as string);

/** A batch of `count` codes for the target, as `npm run promo -- codes` stores it; returns the codes. */
async function issue(
  target: PromoTarget,
  count = 1,
  options: { expiresAt?: string; status?: 'active' | 'revoked' } = {},
): Promise<string[]> {
  const batchId = `batch-${++batches}`;
  const codes = Array.from({ length: count }, () => generateCode());
  await insert(world.db, COLLECTIONS.redeemBatches, [
    {
      _id: batchId,
      target,
      count,
      status: options.status ?? 'active',
      createdAt: daysFromNow(-1),
      ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
    },
  ]);
  await insert(
    world.db,
    COLLECTIONS.redeemCodes,
    codes.map((code) => ({
      _id: hashOf(code),
      batchId,
      target,
      status: 'unused',
      ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
    })),
  );
  return codes;
}

const redeem = (openid: string, code: string) => world.call('promo', openid, { action: 'redeem', code });
const stored = (code: string) => getById<RedeemCodeDoc>(world.db, COLLECTIONS.redeemCodes, hashOf(code));
const learnerCount = async (id: string) => (await getById<CourseDoc>(world.db, COLLECTIONS.courses, id))?.learnerCount;
const course = { kind: 'course', id: COURSE_ID } as const;

function expectNotRedeemable(reply: Reply): void {
  expect(reply).toEqual({
    ok: false,
    error: {
      code: 'FAILED_PRECONDITION',
      message: '兑换码无效、已被使用或已过期，请核对后重试',
      details: { field: 'code' },
    },
  });
}

describe('a course code', () => {
  let code: string;
  beforeAll(async () => {
    [code] = (await issue(course)) as [string];
  });

  test('opens the course for life, seen in catalog.detail and learning.myCourses as via redeem', async () => {
    const before = await learnerCount(COURSE_ID);
    // Typed in lower case, with spaces instead of dashes and full-width digits: read as the code.
    const typed = code
      .toLowerCase()
      .replace(/-/g, ' ')
      .replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const reply = await redeem('o-ann', typed);
    expect(reply).toEqual({ ok: true, data: { access: { courseId: COURSE_ID, via: 'redeem' } } });

    expect(await stored(code)).toMatchObject({ status: 'used', usedBy: 'o-ann', usedAt: expect.any(String) });
    expect(await getById<GrantDoc>(world.db, COLLECTIONS.grants, grantId('o-ann', 'redeem', course))).toMatchObject({
      _openid: 'o-ann',
      via: 'redeem',
      target: `course:${COURSE_ID}`,
      courseId: COURSE_ID,
      status: 'active',
    });
    expect(await learnerCount(COURSE_ID)).toBe((before ?? 0) + 1);

    const detail = await world.call('catalog', 'o-ann', { action: 'detail', courseId: COURSE_ID });
    expect(detail.data).toMatchObject({ enrolled: true, access: { via: 'redeem' } });
    expect(detail.data.access.until).toBeUndefined();
    const mine = await world.call('learning', 'o-ann', { action: 'myCourses' });
    expect(mine.data.items).toEqual([
      expect.objectContaining({ course: expect.objectContaining({ id: COURSE_ID }), access: { via: 'redeem' } }),
    ]);
    const lesson = await world.call('learning', 'o-ann', {
      action: 'lesson',
      courseId: COURSE_ID,
      lessonId: 'py-101-2',
    });
    expect(lesson.ok).toBe(true);
  });

  test('the same learner again gets the same answer and nothing moves; anyone else gets the one refusal', async () => {
    const before = await learnerCount(COURSE_ID);
    expect(await redeem('o-ann', code)).toEqual({ ok: true, data: { access: { courseId: COURSE_ID, via: 'redeem' } } });
    expect(await learnerCount(COURSE_ID)).toBe(before);
    expectNotRedeemable(await redeem('o-bob', code));
    expect(await stored(code)).toMatchObject({ usedBy: 'o-ann' });
    expect(await getById(world.db, COLLECTIONS.grants, grantId('o-bob', 'redeem', course))).toBeNull();
  });

  test('the used, unknown, malformed, expired and revoked-batch code all get the identical answer', async () => {
    const [expired] = (await issue(course, 1, { expiresAt: daysFromNow(-1) })) as [string];
    const [revoked] = (await issue(course, 1, { status: 'revoked' })) as [string];
    for (const attempt of [code, generateCode(), 'HELLO', expired, revoked])
      expectNotRedeemable(await redeem('o-cat', attempt));
    expect(await stored(expired)).toMatchObject({ status: 'unused' });
    expect(await stored(revoked)).toMatchObject({ status: 'unused' });
    expect(await countWhere(world.db, COLLECTIONS.grants, { _openid: 'o-cat' })).toBe(0);
  });

  test('a learner who owns the course for life is told so, and the code stays unused for someone else', async () => {
    await world.enrol('o-owner', COURSE_ID);
    const [gift] = (await issue(course)) as [string];
    const reply = await redeem('o-owner', gift);
    expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'owned' } } });
    expect(await stored(gift)).toMatchObject({ status: 'unused' });
    expect((await redeem('o-friend', gift)).ok).toBe(true);
  });

  test('a code of a course no longer on sale is kept unused', async () => {
    const [draft] = (await issue({ kind: 'course', id: 'draft-1' })) as [string];
    const reply = await redeem('o-dan', draft);
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', details: { reason: 'notOnSale' } },
    });
    expect(await stored(draft)).toMatchObject({ status: 'unused' });
  });
});

describe('bundle codes', () => {
  test('a membership opens its courses for termDays; a second code extends from the end', async () => {
    const [first, second] = (await issue({ kind: 'bundle', id: 'vip' }, 2)) as [string, string];
    const started = Date.now();
    const one = await redeem('o-member', first);
    expect(one.data.access).toMatchObject({ bundleId: 'vip', via: 'redeem' });
    const until = Date.parse(one.data.access.until);
    expect(until - started).toBeGreaterThanOrEqual(365 * DAY_MS - 5_000);
    expect(until - started).toBeLessThanOrEqual(365 * DAY_MS + 5_000);

    const two = await redeem('o-member', second);
    expect(Date.parse(two.data.access.until)).toBe(until + 365 * DAY_MS);
    const grant = await getById<GrantDoc>(
      world.db,
      COLLECTIONS.grants,
      grantId('o-member', 'redeem', { kind: 'bundle', id: 'vip' }),
    );
    expect(grant?.terms?.map((t) => t.orderId)).toEqual([
      `redeem:${hashOf(first).slice(0, 12)}`,
      `redeem:${hashOf(second).slice(0, 12)}`,
    ]);
    // Redeeming the first code again adds no term.
    expect((await redeem('o-member', first)).data.access.until).toBe(two.data.access.until);

    const mine = await world.call('learning', 'o-member', { action: 'myCourses' });
    expect(mine.data.items.map((i: { course: { id: string } }) => i.course.id).sort()).toEqual(['m-1', 'm-2']);
    for (const item of mine.data.items) expect(item.access).toEqual({ via: 'redeem', until: two.data.access.until });
    const detail = await world.call('catalog', 'o-member', { action: 'detail', courseId: 'm-1' });
    expect(detail.data).toMatchObject({ enrolled: true, access: { via: 'redeem', until: two.data.access.until } });
  });

  test('a 专栏 opens its courses for life; a second code for it is refused and kept', async () => {
    const [first, second] = (await issue({ kind: 'bundle', id: 'column' }, 2)) as [string, string];
    expect(await redeem('o-reader', first)).toEqual({
      ok: true,
      data: { access: { bundleId: 'column', via: 'redeem' } },
    });
    expect(await redeem('o-reader', second)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await stored(second)).toMatchObject({ status: 'unused' });
    const detail = await world.call('catalog', 'o-reader', { action: 'detail', courseId: 'col-1' });
    expect(detail.data).toMatchObject({ enrolled: true, access: { via: 'redeem' } });
  });
});

describe('concurrency and the limit', () => {
  test('20 learners redeeming one code at once: exactly one succeeds, one grant is written', async () => {
    const [code] = (await issue({ kind: 'course', id: 'm-1' })) as [string];
    const before = await learnerCount('m-1');
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(`o-rush-${i}`, code)));
    const winners = replies.flatMap((r, i) => (r.ok ? [`o-rush-${i}`] : []));
    expect(winners).toHaveLength(1);
    for (const r of replies.filter((x) => !x.ok)) expectNotRedeemable(r);
    expect(await stored(code)).toMatchObject({ status: 'used', usedBy: winners[0] });
    expect(await countWhere(world.db, COLLECTIONS.grants, { courseId: 'm-1', via: 'redeem' })).toBe(1);
    expect(await learnerCount('m-1')).toBe((before ?? 0) + 1);
  });

  test(`after ${LIMITS.redeemFailure.burst} failures even a good code is RESOURCE_EXHAUSTED; successes do not count`, async () => {
    const [good, spare] = (await issue({ kind: 'course', id: 'm-2' }, 2)) as [string, string];
    const learner = 'o-guesser';
    for (let i = 0; i < LIMITS.redeemFailure.burst - 1; i++) expectNotRedeemable(await redeem(learner, generateCode()));
    expect((await redeem(learner, good)).ok).toBe(true);
    // The success gave its share back: one more failure is still answered as such.
    expectNotRedeemable(await redeem(learner, generateCode()));
    const limited = await redeem(learner, spare);
    expect(limited).toMatchObject({
      ok: false,
      error: { code: 'RESOURCE_EXHAUSTED', details: { retryAfterSec: expect.any(Number) } },
    });
    expect(await stored(spare)).toMatchObject({ status: 'unused' });
  });

  test('30 guesses at once from one learner: exactly the burst is tried, the rest are limited', async () => {
    const looked: string[] = [];
    const stop = databaseOf(world.cloud).observePlans((plan) => looked.push(plan.collection));
    const replies = await Promise.all(Array.from({ length: 30 }, () => redeem('o-script', generateCode())));
    stop();
    // Only the admitted attempts looked a code up.
    expect(looked.filter((c) => c === COLLECTIONS.redeemCodes)).toHaveLength(LIMITS.redeemFailure.burst);
    const codes = replies.map((r) => r.error?.code);
    expect(codes.filter((c) => c === 'FAILED_PRECONDITION')).toHaveLength(LIMITS.redeemFailure.burst);
    expect(codes.filter((c) => c === 'RESOURCE_EXHAUSTED')).toHaveLength(30 - LIMITS.redeemFailure.burst);
  });
});
