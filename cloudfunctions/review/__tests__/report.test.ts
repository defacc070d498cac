/**
 * `review.report` through the local cloud's client gateway, with the real wx-server-sdk inside: reports counted once
 * per learner and version, a review hidden by enough of them, a creator's decision in the console, and the 已退款
 * mark a refund leaves on a review.
 */
import fc from 'fast-check';
import { attachSecuritySandbox } from '../../../local/sandbox/security';
import { found, type Transaction } from '../../../shared/db';
import { markReviewRefunded, reviewId, type ReviewDoc } from '../../../shared/reviews';
import type { ReportDoc } from '../../../shared/reports';
import { COURSE_ID, REVIEW_CHECK_RULES, startWorld, visibleSummary, type World } from '../../../testing/learning-world';

let world: World;
beforeAll(async () => {
  world = await startWorld();
  attachSecuritySandbox(world.cloud, REVIEW_CHECK_RULES);
  await setThreshold(3);
});
afterAll(() => world.close());

const setThreshold = (hideReviewAfter: number) =>
  world.db
    .collection('settings')
    .doc('app')
    .set({ data: { reports: { hideReviewAfter } } });

const submit = (openid: string, rating: number, text: string) =>
  world.call('review', openid, { action: 'submit', courseId: COURSE_ID, rating, text });
const report = (openid: string, id: string, extra: Record<string, unknown> = {}) =>
  world.call('review', openid, { action: 'report', reviewId: id, reason: 'ad', ...extra });
const list = (openid: string) => world.call('review', openid, { action: 'list', courseId: COURSE_ID, pageSize: 50 });
async function stored(id: string): Promise<ReviewDoc> {
  const [doc] = await found<ReviewDoc>(world.db.collection('reviews').where({ _id: id }).limit(1));
  if (doc === undefined) throw new Error(`no review ${id}`);
  return doc;
}
const reportsOf = (id: string) =>
  found<ReportDoc>(world.db.collection('reports').where({ kind: 'review', targetId: id }).limit(100));
const consoleEdit = (id: string, data: Record<string, unknown>) =>
  world.db.collection('reviews').doc(id).update({ data });

/** A new author's visible review; returns its id. */
async function reviewBy(author: string, rating = 5, text = '讲得清楚'): Promise<string> {
  await world.enrol(author, COURSE_ID);
  const reply = await submit(author, rating, text);
  expect(reply.data.review.status).toBe('visible');
  return reply.data.review.id;
}

/** What other learners see: the texts listed and the summary, which must be what the visible reviews make. */
async function seenByOthers(): Promise<{ ids: string[]; summary: unknown }> {
  const reply = await list('o-reader');
  expect(reply.data.summary).toEqual(await visibleSummary(world.db, COURSE_ID));
  return { ids: reply.data.items.map((r: { id: string }) => r.id), summary: reply.data.summary };
}

describe('review.report', () => {
  test('a bad reason, a missing review id or too long a text is refused naming the field; nothing is written', async () => {
    const id = await reviewBy('o-author-bad');
    const cases: [Record<string, unknown>, string][] = [
      [{ reason: 'boring' }, 'reason'],
      [{ reason: undefined }, 'reason'],
      [{ reviewId: undefined }, 'reviewId'],
      [{ text: '长'.repeat(201) }, 'text'],
      [{ text: 'a\u0000b' }, 'text'],
      [{ status: 'hidden' }, 'status'],
    ];
    for (const [extra, field] of cases) {
      const reply = await report('o-bad-reporter', id, extra);
      expect([field, reply.error?.code]).toEqual([field, 'INVALID_ARGUMENT']);
      expect(reply.error?.message).toMatch(new RegExp(`^${field}\\b`));
    }
    expect(await reportsOf(id)).toEqual([]);
    expect((await stored(id)).reports).toBeUndefined();
    expect(await found(world.db.collection('rateLimits').where({ _id: 'o-bad-reporter' }).limit(1))).toEqual([]);
  });

  test('a review nobody else can see is NOT_FOUND, and nobody reports their own', async () => {
    await world.enrol('o-author-pending', COURSE_ID);
    const pending = (await submit('o-author-pending', 1, '想交流的加我微信')).data.review.id;
    expect((await report('o-reporter-1', pending)).error).toMatchObject({
      code: 'NOT_FOUND',
      details: { field: 'reviewId' },
    });
    expect((await report('o-reporter-1', 'no-such-review')).error?.code).toBe('NOT_FOUND');
    const own = await reviewBy('o-author-own');
    expect((await report('o-author-own', own)).error?.code).toBe('FAILED_PRECONDITION');
    expect(await reportsOf(own)).toEqual([]);
  });

  test('one learner reporting twice, or twice at once, counts once and gets the same answer', async () => {
    const id = await reviewBy('o-author-twice');
    const first = await report('o-twice', id, { reason: 'abuse', text: '  人身\u200b攻击  ' });
    expect(first.ok).toBe(true);
    const again = await report('o-twice', id, { reason: 'other' });
    expect(again.data).toEqual(first.data);
    const racing = await Promise.all(Array.from({ length: 5 }, () => report('o-twice-racing', id)));
    expect(racing.filter((r) => !r.ok)).toEqual([]);
    expect(new Set(racing.map((r) => r.data.reportedAt)).size).toBe(1);
    expect((await stored(id)).reports).toEqual({ count: 2, reasons: { abuse: 1, ad: 1 } });
    const reports = await reportsOf(id);
    expect(reports).toHaveLength(2);
    expect(reports.find((r) => r._openid === 'o-twice')).toEqual({
      _id: `review_${id}_o-twice`,
      kind: 'review',
      targetId: id,
      courseId: COURSE_ID,
      reason: 'abuse',
      // Cleaned like review text (no invisible characters, trimmed); never sent to the content check.
      text: '人身攻击',
      _openid: 'o-twice',
      createdAt: first.data.reportedAt,
    });
    expect((await stored(id)).status).toBe('visible');
  });

  test('the third distinct report hides the review: out of the list and the summary, its author still sees it', async () => {
    const id = await reviewBy('o-author-hidden', 1, '内容太水');
    const before = await seenByOthers();
    expect(before.ids).toContain(id);
    await report('o-hide-1', id);
    await report('o-hide-2', id);
    expect((await seenByOthers()).ids).toContain(id);
    await report('o-hide-3', id, { reason: 'misleading' });
    const after = await seenByOthers();
    expect(after.ids).not.toContain(id);
    expect((after.summary as { count: number }).count).toBe((before.summary as { count: number }).count - 1);
    expect(await stored(id)).toMatchObject({
      status: 'hidden',
      counted: null,
      reports: { count: 3, reasons: { ad: 2, misleading: 1 }, hiddenAt: expect.any(String) },
    });
    const own = await list('o-author-hidden');
    expect(own.data.items[0]).toMatchObject({ id, status: 'hidden', mine: true });
    // Reported again while hidden: counted, still hidden.
    await report('o-hide-4', id);
    expect(await stored(id)).toMatchObject({ status: 'hidden', reports: { count: 4 } });
  });

  test("a creator's keep is final for that version; an edit is a new version that reports can hide again", async () => {
    const id = await reviewBy('o-author-kept', 2, '节奏有点慢');
    for (const reporter of ['o-keep-1', 'o-keep-2', 'o-keep-3']) await report(reporter, id);
    expect((await stored(id)).status).toBe('hidden');

    // The creator keeps it in the console (数据库 → reviews → reports.decision).
    await consoleEdit(id, { 'reports.decision': 'keep' });
    expect((await seenByOthers()).ids).toContain(id);
    expect(await stored(id)).toMatchObject({ status: 'visible', counted: 2, reports: { decision: 'keep' } });
    for (const reporter of ['o-keep-4', 'o-keep-5', 'o-keep-6']) await report(reporter, id);
    expect(await stored(id)).toMatchObject({ status: 'visible', reports: { count: 6, decision: 'keep' } });

    // The author edits: a new version with no reports and no decision, checked again.
    expect((await submit('o-author-kept', 3, '节奏有点慢，但讲得细')).data.review.status).toBe('visible');
    expect((await stored(id)).reports).toBeUndefined();
    // Those who reported the last version may report this one; the third of them hides it again.
    await report('o-keep-1', id);
    await report('o-keep-2', id);
    expect(await stored(id)).toMatchObject({ status: 'visible', reports: { count: 2 } });
    await report('o-keep-3', id);
    expect(await stored(id)).toMatchObject({ status: 'hidden', counted: null, reports: { count: 3 } });
    expect((await reportsOf(id)).filter((r) => r._openid === 'o-keep-1')).toHaveLength(1);
  });

  test('a creator may hide or reject on the reports, or show a hidden review again by its status', async () => {
    const hidden = await reviewBy('o-author-hide', 5, '推荐');
    await report('o-decide-1', hidden);
    await consoleEdit(hidden, { 'reports.decision': 'hide' });
    expect((await seenByOthers()).ids).not.toContain(hidden);
    expect(await stored(hidden)).toMatchObject({ status: 'hidden', counted: null, reports: { decision: 'hide' } });

    const rejected = await reviewBy('o-author-reject', 4, '还行');
    await consoleEdit(rejected, { 'reports.decision': 'reject' });
    await seenByOthers();
    expect(await stored(rejected)).toMatchObject({ status: 'rejected', rejectedBy: 'creator', counted: null });
    // A rejection by a creator holds the author's edit for a creator, as before.
    expect((await submit('o-author-reject', 4, '还行吧')).data.review.status).toBe('pending');

    const shown = await reviewBy('o-author-shown', 3, '一般');
    for (const reporter of ['o-show-1', 'o-show-2', 'o-show-3']) await report(reporter, shown);
    await consoleEdit(shown, { status: 'visible' });
    expect((await seenByOthers()).ids).toContain(shown);
    expect(await stored(shown)).toMatchObject({ counted: 3, reports: { decision: 'keep' } });
    await report('o-show-4', shown);
    expect((await stored(shown)).status).toBe('visible');
  });

  test('no learner can act as the creator: a decision or a status in the call is refused, nothing changes', async () => {
    const id = await reviewBy('o-author-guarded', 5, '很好');
    for (const reporter of ['o-guard-1', 'o-guard-2', 'o-guard-3']) await report(reporter, id);
    const before = await stored(id);
    for (const extra of [{ decision: 'keep' }, { 'reports.decision': 'keep' }, { status: 'visible' }]) {
      const reply = await report('o-guard-1', id, extra);
      expect(reply.error?.code).toBe('INVALID_ARGUMENT');
    }
    // The author cannot report their own review back into view either, nor is there any other action for it.
    expect((await report('o-author-guarded', id)).error?.code).toBe('FAILED_PRECONDITION');
    const decide = await world.call('review', 'o-guard-1', { action: 'decide', reviewId: id, decision: 'keep' });
    expect(decide.error?.code).toBe('INVALID_ARGUMENT');
    expect(await stored(id)).toEqual(before);
  });

  test('the threshold is the setting: with 1, the first report hides', async () => {
    await setThreshold(1);
    try {
      const id = await reviewBy('o-author-one', 4, '不错');
      await report('o-one-1', id);
      expect((await stored(id)).status).toBe('hidden');
    } finally {
      await setThreshold(3);
    }
  });
});

describe('concurrent reports', () => {
  test('any mix of distinct and repeated reports at once: each learner counts once, hidden at the threshold', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 10 }),
        fc.scheduler(),
        async (reporters, s) => {
          run += 1;
          const id = await reviewBy(`o-author-race-${run}`, 4, `第 ${run} 条`);
          const calls = reporters.map((n) =>
            s.schedule(Promise.resolve(n)).then((m) => report(`o-race-${run}-${m}`, id)),
          );
          await s.waitAll();
          const replies = await Promise.all(calls);
          expect(replies.filter((r) => !r.ok)).toEqual([]);
          const distinct = new Set(reporters).size;
          const review = await stored(id);
          expect(review.reports?.count).toBe(distinct);
          expect(await reportsOf(id)).toHaveLength(distinct);
          expect(review.status).toBe(distinct >= 3 ? 'hidden' : 'visible');
          expect((await seenByOthers()).ids.includes(id)).toBe(distinct < 3);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('a refunded review', () => {
  test('stays visible, marked refunded, and no longer counts in the summary', async () => {
    const id = await reviewBy('o-author-refunded', 1, '不适合我');
    const before = (await seenByOthers()).summary as { count: number };
    // What the refund's transaction does once it revokes the learner's grant (shared/orders/refunds.ts).
    await world.db.runTransaction((tx: Transaction) => markReviewRefunded(tx, 'o-author-refunded', COURSE_ID));
    const reply = await list('o-reader');
    expect(reply.data.items.find((r: { id: string }) => r.id === id)).toMatchObject({
      refunded: true,
      status: 'visible',
    });
    expect(reply.data.summary.count).toBe(before.count - 1);
    expect(reply.data.summary).toEqual(await visibleSummary(world.db, COURSE_ID));
    expect(await stored(id)).toMatchObject({ refunded: true, counted: null });
    expect(id).toBe(reviewId('o-author-refunded', COURSE_ID));
  });
});
