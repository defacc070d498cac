/**
 * `catalog.report` through the local cloud's client gateway, with the real wx-server-sdk inside: a published course is
 * reported once per learner, a course the catalog does not show is NOT_FOUND as `catalog.detail` answers it.
 */
import { found } from '../../../shared/db';
import type { ReportDoc } from '../../../shared/reports';
import { COURSE_ID, startWorld, type World } from '../../../testing/learning-world';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const report = (openid: string, courseId: string, extra: Record<string, unknown> = {}) =>
  world.call('catalog', openid, { action: 'report', courseId, reason: 'misleading', ...extra });
const reportsOf = (courseId: string) =>
  found<ReportDoc>(world.db.collection('reports').where({ kind: 'course', courseId }).limit(100));

test('a published course: recorded once per learner, the same answer again, never hidden', async () => {
  const first = await report('o-c1', COURSE_ID, { text: '和简介\u200b不符 ' });
  expect(first.ok).toBe(true);
  const racing = await Promise.all([report('o-c1', COURSE_ID), report('o-c2', COURSE_ID), report('o-c2', COURSE_ID)]);
  expect(racing.map((r) => r.ok)).toEqual([true, true, true]);
  expect(racing[0]?.data).toEqual(first.data);
  const reports = await reportsOf(COURSE_ID);
  expect(reports).toHaveLength(2);
  expect(reports.find((r) => r._openid === 'o-c1')).toEqual({
    _id: `course_${COURSE_ID}_o-c1`,
    kind: 'course',
    targetId: COURSE_ID,
    courseId: COURSE_ID,
    reason: 'misleading',
    text: '和简介不符',
    _openid: 'o-c1',
    createdAt: first.data.reportedAt,
  });
  expect((await world.call('catalog', 'o-c3', { action: 'detail', courseId: COURSE_ID })).ok).toBe(true);
});

test('a draft or unknown course is NOT_FOUND the way catalog.detail answers it; nothing is written', async () => {
  for (const courseId of ['draft-1', 'no-such-course']) {
    const reply = await report('o-c1', courseId);
    const detail = await world.call('catalog', 'o-c1', { action: 'detail', courseId });
    expect(reply.error).toEqual(detail.error);
    expect(reply.error?.code).toBe('NOT_FOUND');
    expect(await reportsOf(courseId)).toEqual([]);
  }
});

test('a bad reason or text is refused naming the field; nothing is written', async () => {
  for (const [extra, field] of [
    [{ reason: '不好' }, 'reason'],
    [{ text: 'x'.repeat(201) }, 'text'],
    [{ courseId: 'bad id!' }, 'courseId'],
  ] as const) {
    const reply = await report('o-c4', COURSE_ID, extra);
    expect(reply.error?.code).toBe('INVALID_ARGUMENT');
    expect(reply.error?.message).toMatch(new RegExp(`^${field}\\b`));
  }
  expect((await reportsOf(COURSE_ID)).filter((r) => r._openid === 'o-c4')).toEqual([]);
});
