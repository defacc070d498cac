/**
 * The nightly timer checking again the reviews submitted while the content check was down, through the local cloud:
 * reviews submitted through `review` with msgSecCheck failing (fault injected on the open-API registry), then the
 * timer fired with the check still down and once it is back, answering from the sandbox's word list.
 */
import { openApisOf } from '../../../local/openapi';
import {
  attachSecuritySandbox,
  MSG_SEC_CHECK,
  SECURITY_LABELS,
  type SecuritySandbox,
} from '../../../local/sandbox/security';
import type { CourseDoc } from '../../../shared/catalog';
import { getById } from '../../../shared/db';
import {
  COURSE_ID,
  emptyRating,
  startWorld,
  type World,
  visibleSummary,
  REVIEW_CHECK_RULES,
} from '../../../testing/learning-world';
import { reviewId, type ReviewDoc } from '../../../shared/reviews';
import type { CourseStatsDoc } from '../../../shared/stats';

let world: World;
let sandbox: SecuritySandbox;
beforeAll(async () => {
  world = await startWorld();
  sandbox = attachSecuritySandbox(world.cloud, REVIEW_CHECK_RULES);
  for (const openid of ['o-pass', 'o-risky', 'o-review', 'o-flagged']) await world.enrol(openid, COURSE_ID);
});
afterAll(() => world.close());

const submit = (openid: string, rating: number, text: string) =>
  world.call('review', openid, { action: 'submit', courseId: COURSE_ID, rating, text });
const stored = (openid: string) => getById<ReviewDoc>(world.db, 'reviews', reviewId(openid, COURSE_ID));
const courseRating = async () => (await getById<CourseDoc>(world.db, 'courses', COURSE_ID))?.rating;
/** The stored summary without its sort score (shared/reviews/rating-score.ts). */
const courseSummary = async () => {
  const rating = await courseRating();
  if (rating === undefined) return undefined;
  const { score: _score, prior: _prior, ...summary } = rating;
  return summary;
};

const summaryFromReviews = () => visibleSummary(world.db, COURSE_ID);

const fire = () => world.fireTimer('courseStats');

/** Runs `body` with msgSecCheck failing as the platform does when the service is down (its errors logged quietly). */
async function whileCheckIsDown<T>(body: () => Promise<T>): Promise<T> {
  const apis = openApisOf(world.cloud).openApi;
  apis.setFault(MSG_SEC_CHECK, { unavailable: true });
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await body();
  } finally {
    quiet.mockRestore();
    apis.clearFault(MSG_SEC_CHECK);
  }
}

test('reviews left pending by a check outage are checked again at night; flagged ones stay for a creator', async () => {
  // Flagged by the check itself: waiting for a creator, never checked again.
  expect((await submit('o-flagged', 1, '想交流的加我微信')).data.review.status).toBe('pending');
  const flagged = await stored('o-flagged');
  await whileCheckIsDown(async () => {
    for (const [openid, rating, text] of [
      ['o-pass', 5, '内容扎实'],
      ['o-risky', 1, '老师是骗子'],
      ['o-review', 2, '课后加我微信答疑'],
    ] as const) {
      expect((await submit(openid, rating, text)).data.review.status).toBe('pending');
    }
  });
  const checksBefore = sandbox.checks.length;

  // Still down at night: everything stays pending, and the run stops at the first failed check.
  const down = await whileCheckIsDown(fire);
  expect(down).toEqual({
    ok: true,
    data: {
      courses: 2,
      settled: 0,
      rechecked: { pass: 0, review: 0, risky: 0, unavailable: 1 },
      replies: { pass: 0, review: 0, risky: 0, unavailable: 0 },
    },
  });
  for (const openid of ['o-pass', 'o-risky', 'o-review']) {
    expect(await stored(openid)).toMatchObject({
      status: 'pending',
      counted: null,
      moderation: { outcome: 'unavailable' },
    });
  }
  expect(await courseSummary()).toEqual(emptyRating());

  // Back up: each outcome of the word list applies.
  expect(await fire()).toEqual({
    ok: true,
    data: {
      courses: 2,
      settled: 0,
      rechecked: { pass: 1, review: 1, risky: 1, unavailable: 0 },
      replies: { pass: 0, review: 0, risky: 0, unavailable: 0 },
    },
  });
  expect(sandbox.checks.slice(checksBefore)).toEqual(
    expect.arrayContaining(
      ['o-pass', 'o-risky', 'o-review'].map((openid) => expect.objectContaining({ version: 2, scene: 2, openid })),
    ),
  );
  expect(sandbox.checks).toHaveLength(checksBefore + 3);
  expect(await stored('o-pass')).toMatchObject({ status: 'visible', counted: 5, moderation: { outcome: 'pass' } });
  expect(await stored('o-risky')).toMatchObject({
    status: 'rejected',
    counted: null,
    moderation: { outcome: 'risky', label: SECURITY_LABELS.abuse },
  });
  expect(await stored('o-review')).toMatchObject({
    status: 'pending',
    counted: null,
    moderation: { outcome: 'review', label: SECURITY_LABELS.ad },
  });
  expect(await stored('o-flagged')).toEqual(flagged);
  // The summary moved with the review, and the night's figures already count it.
  // Scored toward the catalog's mean, 5 capped at 4.7: (5 + 10 · 4.7) / 11.
  expect(await courseRating()).toEqual({ avg: 5, count: 1, histogram: [0, 0, 0, 0, 1], score: 4.7273, prior: 4.7 });
  expect(await courseSummary()).toEqual(await summaryFromReviews());
  expect((await getById<CourseStatsDoc>(world.db, 'courseStats', COURSE_ID))?.rating).toEqual(await courseSummary());
  const shown = await world.call('review', 'o-stranger', { action: 'list', courseId: COURSE_ID });
  expect(shown.data.items.map((r: { text: string }) => r.text)).toEqual(['内容扎实']);

  // Nothing is left to check again.
  expect(await fire()).toMatchObject({ data: { rechecked: { pass: 0, review: 0, risky: 0, unavailable: 0 } } });
  expect(sandbox.checks).toHaveLength(checksBefore + 3);
});

test("content check evasion: the nightly re-check applies the operator's blocked terms first", async () => {
  await world.enrol('o-blocked', COURSE_ID);
  await whileCheckIsDown(async () => {
    expect((await submit('o-blocked', 5, '五星好评\u200b返 现')).data.review.status).toBe('pending');
  });
  // Stored without the invisible character, as the learner sees it.
  expect((await stored('o-blocked'))?.text).toBe('五星好评返 现');
  await world.db
    .collection('settings')
    .doc('app')
    .set({ data: { content: { blockedTerms: ['好评返现'] } } });
  const checksBefore = sandbox.checks.length;
  expect(await fire()).toMatchObject({ data: { rechecked: { pass: 0, review: 0, risky: 1, unavailable: 0 } } });
  expect(sandbox.checks).toHaveLength(checksBefore);
  expect(await stored('o-blocked')).toMatchObject({
    status: 'rejected',
    rejectedBy: 'check',
    counted: null,
    moderation: { outcome: 'risky', blockedTerm: '好评返现' },
  });
});
