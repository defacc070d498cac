/**
 * The catalog's `rating` sort through the local cloud: reviews submitted with `review.submit`, the order read with
 * `catalog.list`, the nightly `courseStats` run storing the catalog's mean. A course with one 5★ review must not
 * outrank one with 200 reviews averaging 4.8.
 */
import type { CourseDoc } from '../../../shared/catalog';
import { getById } from '../../../shared/db';
import { course } from '../../../testing/catalog-fixtures';
import { emptyRating, insert, startWorld, type World } from '../../../testing/learning-world';

let world: World;
beforeAll(async () => {
  world = await startWorld();
  await insert(
    world.db,
    'courses',
    ['one-five', 'proven-48', 'low-3'].map((id) => course({ _id: id, learnerCount: 0, rating: emptyRating() })),
  );
});
afterAll(() => world.close());

/** `count` learners of the course each submit `rating` (no text: nothing to check), a few at a time. */
async function review(courseId: string, rating: number, count: number, prefix = `${courseId}-${rating}`) {
  const openids = Array.from({ length: count }, (_v, i) => `o-${prefix}-${i}`);
  for (const openid of openids) await world.enrol(openid, courseId);
  for (let i = 0; i < openids.length; i += 5) {
    const replies = await Promise.all(
      openids
        .slice(i, i + 5)
        .map((openid) => world.call('review', openid, { action: 'submit', courseId, rating, text: '' })),
    );
    expect(replies.filter((reply) => !reply.ok)).toEqual([]);
  }
}

async function ratingOrder(): Promise<string[]> {
  const reply = await world.call('catalog', 'o-visitor', { action: 'list', sort: 'rating' });
  expect(reply.ok).toBe(true);
  return reply.data.items.map((card: { id: string }) => card.id);
}

const stored = async (id: string) => (await getById<CourseDoc>(world.db, 'courses', id))?.rating;

test('one 5★ review ranks below 200 reviews averaging 4.8, from the review on and after the nightly run', async () => {
  await review('proven-48', 5, 160);
  await review('proven-48', 4, 40);
  await review('low-3', 3, 20);
  // Unrated courses last, the more reviewed first among them (none), then by id.
  expect(await ratingOrder()).toEqual(['proven-48', 'low-3', 'one-five', 'py-101']);

  // The new review moves the course at once (its average alone, 5, would put it first).
  await review('one-five', 5, 1);
  expect(await stored('one-five')).toMatchObject({ avg: 5, count: 1, score: 4.7273, prior: 4.7 });
  expect(await ratingOrder()).toEqual(['proven-48', 'one-five', 'low-3', 'py-101']);

  // The nightly run shrinks every course toward the catalog's mean: (960 + 5 + 60) / 221 = 4.64.
  await world.fireTimer('courseStats');
  expect(await stored('proven-48')).toMatchObject({ avg: 4.8, count: 200, score: 4.7924, prior: 4.64 });
  expect(await stored('one-five')).toMatchObject({ score: 4.6727, prior: 4.64 });
  expect(await stored('low-3')).toMatchObject({ score: 3.5467, prior: 4.64 });
  expect(await stored('py-101')).toMatchObject({ count: 0, score: 0, prior: 4.64 });
  expect(await ratingOrder()).toEqual(['proven-48', 'one-five', 'low-3', 'py-101']);

  // A review after the night is scored toward the stored mean: (5 + 5 + 46.4) / 12.
  await review('one-five', 5, 1, 'second');
  expect(await stored('one-five')).toMatchObject({ count: 2, score: 4.7, prior: 4.64 });
}, 120_000);
