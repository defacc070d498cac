/**
 * `recheckUnavailable` against the local cloud's database with a scripted content check and an injected clock: the
 * bound per run, the order, a check still down, and a review edited while it was being checked.
 */
import type { CourseDoc } from '../../catalog';
import { getById } from '../../db';
import { COURSE_ID, emptyRating, startWorld, type World } from '../../../testing/learning-world';
import type { Verdict } from '../moderation';
import { heldByCreator, RECHECK_BATCH, recheckUnavailable, reviewId, submitReview, type ReviewDoc } from '../service';

const NOW = new Date('2024-05-08T00:00:00.000Z');
let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(() => world.close());

/** Stores a review left pending by an outage, checked `minutesAgo` before NOW. */
async function pendingReview(openid: string, minutesAgo: number): Promise<void> {
  const at = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  const data: Omit<ReviewDoc, '_id'> = {
    _openid: openid,
    courseId: COURSE_ID,
    rating: 4,
    text: `${openid} 的评价`,
    status: 'pending',
    counted: null,
    author: '学员 TEST',
    moderation: { outcome: 'unavailable', checkedAt: at },
    createdAt: at,
    updatedAt: at,
  };
  await world.db.collection('reviews').doc(reviewId(openid, COURSE_ID)).set({ data });
}

/** A check answering `outcome` for everything, recording whose text it was asked about. */
function scripted(outcome: Verdict['outcome'], asked: string[]) {
  return async (_text: string, openid: string): Promise<Verdict> => {
    asked.push(openid);
    return { outcome };
  };
}

const stored = (openid: string) => getById<ReviewDoc>(world.db, 'reviews', reviewId(openid, COURSE_ID));
const courseRating = async () => (await getById<CourseDoc>(world.db, 'courses', COURSE_ID))?.rating;

test('a run checks at most RECHECK_BATCH reviews, least recently checked first', async () => {
  const learners = Array.from({ length: RECHECK_BATCH + 2 }, (_v, i) => `o-${String(i).padStart(2, '0')}`);
  // o-00 was checked longest ago.
  for (const [i, openid] of learners.entries()) await pendingReview(openid, 1000 - i);
  const asked: string[] = [];
  const deps = { db: world.db, now: () => NOW, checkText: scripted('pass', asked) };

  expect(await recheckUnavailable(deps)).toEqual({ pass: RECHECK_BATCH, review: 0, risky: 0, unavailable: 0 });
  expect(asked).toEqual(learners.slice(0, RECHECK_BATCH));
  expect(await recheckUnavailable(deps)).toEqual({ pass: 2, review: 0, risky: 0, unavailable: 0 });
  expect(asked.slice(RECHECK_BATCH)).toEqual(learners.slice(RECHECK_BATCH));
  expect(await courseRating()).toMatchObject({ avg: 4, count: RECHECK_BATCH + 2 });
});

test('a check still down ends the run and sends its review to the back of the queue', async () => {
  await pendingReview('o-old', 60);
  await pendingReview('o-new', 30);
  const asked: string[] = [];
  const down = { db: world.db, now: () => NOW, checkText: scripted('unavailable', asked) };
  expect(await recheckUnavailable(down)).toEqual({ pass: 0, review: 0, risky: 0, unavailable: 1 });
  expect(asked).toEqual(['o-old']);
  expect(await stored('o-old')).toMatchObject({
    status: 'pending',
    counted: null,
    moderation: { outcome: 'unavailable', checkedAt: NOW.toISOString() },
  });
  expect(await courseRating()).toEqual(emptyRating());

  // The next run starts with the review that has waited longest since its last try.
  const up = { db: world.db, now: () => NOW, checkText: scripted('review', asked) };
  expect(await recheckUnavailable(up)).toEqual({ pass: 0, review: 2, risky: 0, unavailable: 0 });
  expect(asked).toEqual(['o-old', 'o-new', 'o-old']);
});

test('a review edited while it was being checked keeps what its edit got', async () => {
  await pendingReview('o-edit', 10);
  const checkText = async (): Promise<Verdict> => {
    // The learner edits meanwhile; review.submit checks the new text itself (down again here).
    await world.db
      .collection('reviews')
      .doc(reviewId('o-edit', COURSE_ID))
      .update({ data: { text: '改过的评价' } });
    return { outcome: 'pass' };
  };
  expect(await recheckUnavailable({ db: world.db, now: () => NOW, checkText })).toEqual({
    pass: 0,
    review: 0,
    risky: 0,
    unavailable: 0,
  });
  expect(await stored('o-edit')).toMatchObject({ text: '改过的评价', status: 'pending', counted: null });
  expect(await courseRating()).toEqual(emptyRating());
});

describe('a rejected review comes back', () => {
  test('a review the re-check rejected is marked so, and an edit of it is checked as usual', async () => {
    await pendingReview('o-risky', 10);
    const asked: string[] = [];
    const deps = { db: world.db, now: () => NOW, checkText: scripted('risky', asked) };
    expect(await recheckUnavailable(deps)).toMatchObject({ risky: 1 });
    expect(await stored('o-risky')).toMatchObject({ status: 'rejected', rejectedBy: 'check', counted: null });

    await world.enrol('o-risky', COURSE_ID);
    const edit = { ...deps, checkText: scripted('pass', asked), identitySecret: async () => 'secret' };
    const review = await submitReview(edit, 'o-risky', { courseId: COURSE_ID, rating: 4, text: '改过了' });
    expect(review.status).toBe('visible');
    expect((await stored('o-risky'))?.rejectedBy).toBeUndefined();
  });

  test('a review held by a creator rejection stays pending when the re-check passes it', async () => {
    await pendingReview('o-held', 10);
    await world.db
      .collection('reviews')
      .doc(reviewId('o-held', COURSE_ID))
      .update({ data: { rejectedBy: 'creator' } });
    const deps = { db: world.db, now: () => NOW, checkText: scripted('pass', []) };
    expect(await recheckUnavailable(deps)).toMatchObject({ pass: 1 });
    expect(await stored('o-held')).toMatchObject({
      status: 'pending',
      rejectedBy: 'creator',
      counted: null,
      moderation: { outcome: 'pass' },
    });
    expect(await courseRating()).toEqual(emptyRating());
  });

  test.each([
    [{ status: 'rejected' }, true],
    [{ status: 'rejected', rejectedBy: 'creator' }, true],
    [{ status: 'rejected', rejectedBy: 'check' }, false],
    [{ status: 'pending', rejectedBy: 'creator' }, true],
    [{ status: 'pending' }, false],
    [{ status: 'visible', rejectedBy: 'creator' }, false],
    [{ status: 'visible' }, false],
  ] as const)('held by a creator: %j → %s', (review, held) => {
    expect(heldByCreator(review)).toBe(held);
  });
});
