/** The card-impression queue (flows/impressions.ts): batching, the timer, the cap, and a failed send kept. */
import { ImpressionQueue, MAX_COUNT, MAX_COURSES } from '../flows/impressions';

function queue(send: jest.Mock = jest.fn(async () => undefined)) {
  const timers: (() => void)[] = [];
  const q = new ImpressionQueue({ send, later: (flush) => timers.push(flush), intervalMs: 30_000 });
  return { q, send, timers };
}

test('cards seen are sent in one batch when the timer fires, each course once with its count', async () => {
  const { q, send, timers } = queue();
  q.seen('py-101');
  q.seen('go-201');
  q.seen('py-101');
  expect(send).not.toHaveBeenCalled();
  expect(timers).toHaveLength(1);
  timers[0]!();
  await q.flush();
  expect(send.mock.calls).toEqual([
    [
      [
        { courseId: 'py-101', count: 2 },
        { courseId: 'go-201', count: 1 },
      ],
    ],
  ]);
  // Nothing left: another flush sends nothing.
  await q.flush();
  expect(send).toHaveBeenCalledTimes(1);
});

test(`a batch goes at once when ${MAX_COURSES} courses are waiting, and one timer at a time is set`, async () => {
  const { q, send, timers } = queue();
  for (let i = 0; i < MAX_COURSES; i++) q.seen(`c-${i}`);
  await q.flush();
  expect(send).toHaveBeenCalledTimes(1);
  expect((send.mock.calls[0]![0] as unknown[]).length).toBe(MAX_COURSES);
  expect(timers).toHaveLength(1);
});

test(`a course counts at most ${MAX_COUNT} in a batch; an empty id is no course`, async () => {
  const { q, send } = queue();
  for (let i = 0; i < 100; i++) q.seen('py-101');
  q.seen('');
  await q.flush();
  expect(send.mock.calls[0]![0]).toEqual([{ courseId: 'py-101', count: MAX_COUNT }]);
});

test('a failed batch is kept and sent with the next one', async () => {
  const send = jest.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(undefined);
  const { q } = queue(send);
  q.seen('py-101');
  await q.flush();
  q.seen('py-101');
  q.seen('go-201');
  await q.flush();
  expect(send).toHaveBeenCalledTimes(2);
  expect(send.mock.calls[1]![0]).toEqual([
    { courseId: 'py-101', count: 2 },
    { courseId: 'go-201', count: 1 },
  ]);
});
