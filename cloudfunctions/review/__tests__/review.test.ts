/**
 * The `review` function through the local cloud's client gateway, with the real wx-server-sdk inside and the
 * msgSecCheck sandbox answering the content check.
 */
import { openApisOf } from '../../../local/openapi';
import { attachSecuritySandbox, SECURITY_LABELS, type SecuritySandbox } from '../../../local/sandbox/security';
import type { CourseDoc } from '../../../shared/catalog';
import { getById } from '../../../shared/db';
import { authorName } from '../../../shared/learning';
import { COURSE_ID, startWorld, type World, visibleSummary, REVIEW_CHECK_RULES } from '../../../testing/learning-world';
import { SECRETS_DOC_ID } from '../../../shared/settings/secrets';
import { reviewId, type ReviewDoc } from '../../../shared/reviews';

let world: World;
let sandbox: SecuritySandbox;
beforeAll(async () => {
  world = await startWorld();
  sandbox = attachSecuritySandbox(world.cloud, REVIEW_CHECK_RULES);
});
afterAll(() => world.close());

const submit = (openid: string, rating: number, text: string) =>
  world.call('review', openid, { action: 'submit', courseId: COURSE_ID, rating, text });
const list = (openid: string, extra: Record<string, unknown> = {}) =>
  world.call('review', openid, { action: 'list', courseId: COURSE_ID, ...extra });
const courseRating = async () => (await getById<CourseDoc>(world.db, 'courses', COURSE_ID))?.rating;
/** The stored summary without its sort score (shared/reviews/rating-score.ts). */
const courseSummary = async () => {
  const rating = await courseRating();
  if (rating === undefined) return undefined;
  const { score: _score, prior: _prior, ...summary } = rating;
  return summary;
};
const stored = (openid: string) => getById<ReviewDoc>(world.db, 'reviews', reviewId(openid, COURSE_ID));

const summaryFromReviews = () => visibleSummary(world.db, COURSE_ID);

describe('review.submit', () => {
  test('only an enrolled learner reviews; a refunded one is FORBIDDEN', async () => {
    expect((await submit('o-stranger', 5, '很好')).error?.code).toBe('FORBIDDEN');
    await world.enrol('o-refund-review', COURSE_ID, { status: 'revoked', revokedAt: '2024-03-02T00:00:00.000Z' });
    expect((await submit('o-refund-review', 5, '很好')).error?.code).toBe('FORBIDDEN');
    expect(await stored('o-stranger')).toBeNull();
  });

  test('passing text is visible at once, checked with version 2, scene 2 and the learner openid', async () => {
    await world.enrol('o-r1', COURSE_ID);
    const reply = await submit('o-r1', 5, '  讲得清楚，例子实用  ');
    expect(reply.data.review).toMatchObject({ rating: 5, text: '讲得清楚，例子实用', status: 'visible', mine: true });
    expect(reply.data.review.author).toMatch(/^学员 [0-9A-Z]{4}$/);
    // Without LEARNER_CODE_SECRET the pseudonym is keyed by the environment's stored secret, not computable from the
    // openid alone.
    expect(process.env.LEARNER_CODE_SECRET).toBeUndefined();
    const secrets = await getById<{ learnerCode: string }>(world.db, 'settings', SECRETS_DOC_ID);
    expect(reply.data.review.author).toBe(authorName('o-r1', secrets?.learnerCode ?? 'missing'));
    expect(reply.data.review.author).not.toBe(authorName('o-r1', ''));
    expect(sandbox.checks.at(-1)).toMatchObject({
      // The check form of the text (full-width punctuation folded).
      content: '讲得清楚,例子实用',
      version: 2,
      scene: 2,
      openid: 'o-r1',
    });
    // With its sort score, toward the cap until a nightly run stores the catalog's mean: (5 + 10 · 4.7) / 11.
    expect(await courseRating()).toEqual({ avg: 5, count: 1, histogram: [0, 0, 0, 0, 1], score: 4.7273, prior: 4.7 });
  });

  test('submitting again edits the one review, and the summary follows the new rating', async () => {
    const first = await stored('o-r1');
    const reply = await submit('o-r1', 3, '后半部分有点快');
    expect(reply.data.review).toMatchObject({ rating: 3, status: 'visible', createdAt: first?.createdAt });
    expect(await courseRating()).toEqual({ avg: 3, count: 1, histogram: [0, 0, 1, 0, 0], score: 4.5455, prior: 4.7 });
    // The recommender's snapshot holds the learner's current rating only.
    expect(await getById(world.db, 'interactions', 'o-r1')).toMatchObject({ r3: [COURSE_ID], r5: [] });
    const mine = await world.db.collection('reviews').where({ _openid: 'o-r1' }).count();
    expect((mine as { total: number }).total).toBe(1);
  });

  test('risky text is refused with a message saying what to change; the stored review is untouched', async () => {
    const before = await stored('o-r1');
    const reply = await submit('o-r1', 1, '老师是骗子');
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', details: { label: 20003 } } });
    expect(reply.error?.message).toBe('评价内容可能含有辱骂信息，未能提交。请修改或删除相关内容后重新提交。');
    expect(await stored('o-r1')).toEqual(before);
    expect(await courseSummary()).toEqual({ avg: 3, count: 1, histogram: [0, 0, 1, 0, 0] });
  });

  test('"review" text waits for a creator: only its author sees it, the summary does not count it', async () => {
    await world.enrol('o-r2', COURSE_ID);
    const reply = await submit('o-r2', 1, '想交流的加我微信');
    expect(reply.data.review.status).toBe('pending');
    expect(await courseSummary()).toEqual({ avg: 3, count: 1, histogram: [0, 0, 1, 0, 0] });

    const seenByOthers = await list('o-r1');
    expect(seenByOthers.data.items.map((r: { text: string }) => r.text)).toEqual(['后半部分有点快']);
    expect(seenByOthers.data).toMatchObject({ total: 1, summary: { count: 1 } });
    const seenByAuthor = await list('o-r2');
    expect(seenByAuthor.data.items[0]).toMatchObject({ text: '想交流的加我微信', status: 'pending', mine: true });
    expect(seenByAuthor.data.items).toHaveLength(2);
  });

  test('a creator approving it in the console publishes it, and the summary then counts it', async () => {
    await world.db
      .collection('reviews')
      .doc(reviewId('o-r2', COURSE_ID))
      .update({ data: { status: 'visible' } });
    const reply = await list('o-stranger');
    expect(reply.data.items.map((r: { text: string }) => r.text)).toContain('想交流的加我微信');
    expect(reply.data).toMatchObject({ total: 2, summary: { avg: 2, count: 2, histogram: [1, 0, 1, 0, 0] } });
    expect((await stored('o-r2'))?.counted).toBe(1);
    // Rejecting it later takes it out again.
    await world.db
      .collection('reviews')
      .doc(reviewId('o-r2', COURSE_ID))
      .update({ data: { status: 'rejected' } });
    expect((await list('o-stranger')).data).toMatchObject({ total: 1, summary: { count: 1 } });
    expect(await courseSummary()).toEqual(await summaryFromReviews());
  });

  test('with the check service down the review waits as pending and is not published', async () => {
    await world.enrol('o-r3', COURSE_ID);
    const apis = openApisOf(world.cloud).openApi;
    apis.setFault('security.msgSecCheck', { unavailable: true });
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const reply = await submit('o-r3', 4, '内容扎实');
      expect(reply.data.review.status).toBe('pending');
    } finally {
      quiet.mockRestore();
      apis.clearFault('security.msgSecCheck');
    }
    expect((await stored('o-r3'))?.moderation.outcome).toBe('unavailable');
    const others = await list('o-stranger');
    expect(others.data.items.map((r: { text: string }) => r.text)).not.toContain('内容扎实');
    expect(await courseSummary()).toEqual(await summaryFromReviews());
  });

  test('concurrent submissions and edits keep the summary exact', async () => {
    const learners = Array.from({ length: 10 }, (_, i) => `o-crowd-${i}`);
    for (const openid of learners) await world.enrol(openid, COURSE_ID);
    const firsts = learners.map((openid, i) => submit(openid, (i % 5) + 1, `第 ${i} 条`));
    // Half of them change their mind at the same time.
    const edits = learners.slice(0, 5).map((openid, i) => submit(openid, 5 - (i % 5), `改过的第 ${i} 条`));
    const replies = await Promise.all([...firsts, ...edits]);
    expect(replies.filter((r) => !r.ok)).toEqual([]);
    const summary = await courseSummary();
    expect(summary).toEqual(await summaryFromReviews());
    expect(summary?.count).toBe(11);
    const page = await list('o-stranger', { pageSize: 50 });
    expect(page.data.total).toBe(11);
    expect(page.data.summary).toEqual(summary);
  });
});

describe('review.list', () => {
  test('visible reviews newest first, paged; the caller flagged as mine', async () => {
    const first = await list('o-crowd-3', { page: 1, pageSize: 4 });
    const second = await list('o-crowd-3', { page: 2, pageSize: 4 });
    const times = [...first.data.items, ...second.data.items].map((r: { createdAt: string }) => r.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    const ids = new Set([...first.data.items, ...second.data.items].map((r: { id: string }) => r.id));
    expect(ids.size).toBe(8);
    const all = await list('o-crowd-3', { pageSize: 50 });
    const mine = all.data.items.filter((r: { mine: boolean }) => r.mine);
    expect(mine).toHaveLength(1);
    expect(JSON.stringify(all.data)).not.toContain('o-crowd');
  });

  test('an unknown course is NOT_FOUND; a bad page size names the field', async () => {
    expect((await world.call('review', 'o-r1', { action: 'list', courseId: 'nope' })).error?.code).toBe('NOT_FOUND');
    const bad = await list('o-r1', { pageSize: 51 });
    expect(bad.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'pageSize must be <= 50' });
  });
});

describe('a rejected review comes back', () => {
  const rejectInConsole = (openid: string) =>
    world.db
      .collection('reviews')
      .doc(reviewId(openid, COURSE_ID))
      .update({ data: { status: 'rejected' } });
  const approveInConsole = (openid: string) =>
    world.db
      .collection('reviews')
      .doc(reviewId(openid, COURSE_ID))
      .update({ data: { status: 'visible' } });
  const textsSeenBy = async (openid: string) =>
    (await list(openid, { pageSize: 50 })).data.items.map((r: { text: string }) => r.text);

  test('resubmitting the text a creator rejected waits for a creator instead of publishing itself', async () => {
    await world.enrol('o-rejected', COURSE_ID);
    expect((await submit('o-rejected', 5, '这门课讲得很好')).data.review.status).toBe('visible');
    await rejectInConsole('o-rejected');

    const again = await submit('o-rejected', 5, '这门课讲得很好');
    expect(again.data.review).toMatchObject({ status: 'pending', text: '这门课讲得很好', mine: true });
    expect(await stored('o-rejected')).toMatchObject({ status: 'pending', counted: null, rejectedBy: 'creator' });
    expect(await textsSeenBy('o-stranger')).not.toContain('这门课讲得很好');
    expect((await list('o-rejected')).data.items[0]).toMatchObject({ text: '这门课讲得很好', status: 'pending' });
    expect(await courseSummary()).toEqual(await summaryFromReviews());

    // Edited again, with other words: still the creator's to decide.
    expect((await submit('o-rejected', 4, '这门课讲得很好，练习再多些就更好了')).data.review.status).toBe('pending');
    expect(await stored('o-rejected')).toMatchObject({ rejectedBy: 'creator', counted: null });
  });

  test('the edit still goes through the content check: risky text is refused', async () => {
    const before = await stored('o-rejected');
    const reply = await submit('o-rejected', 1, '老师是骗子');
    expect(reply.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { label: 20003 } });
    expect(await stored('o-rejected')).toEqual(before);
    expect(sandbox.checks.at(-1)).toMatchObject({ content: '老师是骗子', openid: 'o-rejected' });
  });

  test('a creator approving the edit publishes it and lifts the hold; later edits are checked as usual', async () => {
    await approveInConsole('o-rejected');
    expect(await textsSeenBy('o-stranger')).toContain('这门课讲得很好，练习再多些就更好了');
    const approved = await stored('o-rejected');
    expect(approved).toMatchObject({ status: 'visible', counted: 4 });
    expect(approved?.rejectedBy).toBeUndefined();
    expect((await submit('o-rejected', 5, '二刷之后更喜欢了')).data.review.status).toBe('visible');
    expect(await courseSummary()).toEqual(await summaryFromReviews());
  });

  test('a creator rejecting a pending review is recorded as rejected by a creator', async () => {
    await world.enrol('o-rejected-pending', COURSE_ID);
    expect((await submit('o-rejected-pending', 2, '想交流的加我微信')).data.review.status).toBe('pending');
    await rejectInConsole('o-rejected-pending');
    await list('o-stranger');
    expect(await stored('o-rejected-pending')).toMatchObject({ status: 'rejected', rejectedBy: 'creator' });
    expect((await submit('o-rejected-pending', 2, '课程不错')).data.review.status).toBe('pending');
    expect(await textsSeenBy('o-stranger')).not.toContain('课程不错');
  });
});

describe('content check evasion', () => {
  const setBlockedTerms = (blockedTerms: unknown[]) =>
    world.db
      .collection('settings')
      .doc('app')
      .set({ data: { content: { blockedTerms } } });
  beforeAll(async () => {
    await world.enrol('o-evader', COURSE_ID);
    sandbox.setRules([
      ...REVIEW_CHECK_RULES,
      { word: '刷单', suggest: 'risky', label: SECURITY_LABELS.fraud },
      { word: '加微信', suggest: 'review', label: SECURITY_LABELS.ad },
    ]);
  });
  afterAll(async () => {
    sandbox.setRules(REVIEW_CHECK_RULES);
    await setBlockedTerms([]);
  });

  test('a zero-width space between the characters is refused like the word itself', async () => {
    const before = await stored('o-evader');
    const reply = await submit('o-evader', 5, '刷\u200b单返现，五星好评');
    expect(reply.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { label: SECURITY_LABELS.fraud } });
    expect(reply.error?.message).toBe('评价内容可能含有欺诈信息，未能提交。请修改或删除相关内容后重新提交。');
    expect(sandbox.checks.at(-1)?.content).toBe('刷单返现,五星好评');
    expect(await stored('o-evader')).toEqual(before);
  });

  test('spaces between the characters do not get an ad past the check; the text is stored as typed', async () => {
    const reply = await submit('o-evader', 4, '想交流可以加 微 信\u200b');
    expect(reply.data.review).toMatchObject({ status: 'pending', text: '想交流可以加 微 信' });
    expect(sandbox.checks.at(-1)?.content).toBe('想交流可以加微信');
    expect(await stored('o-evader')).toMatchObject({ text: '想交流可以加 微 信', status: 'pending', counted: null });
  });

  test("the operator's blocked terms are checked first and refused like risky text", async () => {
    await setBlockedTerms(['好评返现']);
    const checksBefore = sandbox.checks.length;
    const reply = await submit('o-evader', 5, '五星好评\u200b返 现哦');
    expect(reply.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { problems: [{ path: 'text' }] } });
    expect(reply.error?.message).toContain('请修改或删除相关内容后重新提交');
    expect(sandbox.checks.length).toBe(checksBefore);
    expect((await submit('o-evader', 5, '五星好评，讲得清楚')).data.review.status).toBe('visible');
  });

  test('unreadable blocked terms keep the review pending, never published unchecked', async () => {
    await setBlockedTerms([42]);
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await submit('o-evader', 5, '讲得清楚，推荐')).data.review.status).toBe('pending');
    } finally {
      quiet.mockRestore();
    }
    expect((await stored('o-evader'))?.moderation.outcome).toBe('unavailable');
  });
});
