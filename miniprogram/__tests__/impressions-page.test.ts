/**
 * @jest-environment jsdom
 *
 * Card impressions from a real page (a file of its own: the card's queue lives in its module, and this needs a fresh
 * one): the home page's cards are sent in one `catalog.impressions` batch when the queue's timer fires.
 */
import { card } from './helpers/fixtures';
import { installWx, openPage, settle } from './helpers/simulate';

test('the home page’s course cards are counted as impressions, in one batch when the timer fires', async () => {
  const timers: { run: () => void; ms: number | undefined }[] = [];
  const realSetTimeout = global.setTimeout;
  jest.spyOn(global, 'setTimeout').mockImplementation(((run: () => void, ms?: number) => {
    // The queue's 30-second timer is kept to fire by hand; everything else runs as usual.
    if (ms === 30_000) {
      timers.push({ run, ms });
      return 0 as unknown as NodeJS.Timeout;
    }
    return realSetTimeout(run, ms);
  }) as typeof setTimeout);
  const cloud = installWx();
  cloud
    .on('catalog.impressions', (r) => ({ counted: (r.items as unknown[]).length }))
    .on('catalog.categories', () => ({ items: [] }))
    .on('catalog.list', (r) => ({
      items: r.sort === 'newest' ? [card('new1')] : [card('hot1'), card('hot2')],
      total: 2,
      page: 1,
      pageSize: 6,
    }))
    .on('learning.myCourses', () => ({ items: [] }))
    .on('recommend.forMe', () => ({ items: [{ course: card('hot1'), score: 1, reason: '热门' }], modelVersion: 'v1' }));
  openPage('home');
  await settle();
  expect(cloud.callsOf('catalog.impressions')).toEqual([]);
  expect(timers).toHaveLength(1);
  timers[0]!.run();
  await settle();
  const sent = cloud.callsOf('catalog.impressions');
  expect(sent).toHaveLength(1);
  expect(sent[0]?.items).toEqual(
    expect.arrayContaining([
      { courseId: 'hot1', count: 2 },
      { courseId: 'hot2', count: 1 },
      { courseId: 'new1', count: 1 },
    ]),
  );
  expect(sent[0]?.items).toHaveLength(3);
});
