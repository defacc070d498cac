/**
 * No limits on writes: every write action a learner can call answers RESOURCE_EXHAUSTED with `details.retryAfterSec`
 * once the learner's limit is used up, and writes nothing; through the client gateway of the local cloud, with the
 * real wx-server-sdk inside the functions. The limit state is set as a learner who just used their whole burst
 * leaves it (the pace itself is tested with a fake clock in ./limits.test.ts and in the orders and learning tests).
 */
import { attachPaySandbox } from '../../../local/sandbox/pay';
import { progressId, type CourseProgressDoc } from '../../learning';
import { COURSE_ID, startWorld, type Reply, type World } from '../../../testing/learning-world';
import { found, getById } from '../../db';
import { LIMITS, type LearnerLimitName, type LimitName } from '..';
import { COLLECTIONS } from '../../collections';

let world: World;
beforeAll(async () => {
  world = await startWorld();
  attachPaySandbox(world.cloud);
  await world.db.collection(COLLECTIONS.categories).add({ data: { _id: 'python', name: 'Python', order: 1 } });
});
afterAll(() => world.close());

/** The state a learner leaves right after using the whole burst of `name` now. */
const usedUp = (name: LimitName) => Date.now() + LIMITS[name].burst * LIMITS[name].everyMs;

async function exhaust(openid: string, name: LearnerLimitName): Promise<void> {
  await world.db
    .collection(COLLECTIONS.rateLimits)
    .add({ data: { _id: openid, _openid: openid, tat: { [name]: usedUp(name) } } });
}

function expectLimited(reply: Reply, name: LimitName): void {
  expect(reply).toMatchObject({
    ok: false,
    error: { code: 'RESOURCE_EXHAUSTED', message: expect.stringMatching(/^操作太频繁，请 \d+ (秒|分钟)后再试$/) },
  });
  const wait = reply.error?.details?.retryAfterSec as number;
  expect(wait).toBeGreaterThanOrEqual(1);
  expect(wait).toBeLessThanOrEqual(LIMITS[name].everyMs / 1000);
}

const count = async (collection: string, where: object) =>
  (await found(world.db.collection(collection).where(where).limit(100))).length;

test('order.create', async () => {
  const openid = 'o-limited-create';
  await exhaust(openid, 'orderCreate');
  expectLimited(await world.call('order', openid, { action: 'create', courseId: COURSE_ID }), 'orderCreate');
  expect(await count('orders', { _openid: openid })).toBe(0);
});

test('order.refund', async () => {
  const openid = 'o-limited-refund';
  const order = { _id: 'limited-refund-order', _openid: openid, courseId: COURSE_ID, status: 'paid', amountFen: 9900 };
  await world.db.collection(COLLECTIONS.orders).add({
    data: { ...order, paidAt: new Date().toISOString(), createdAt: new Date().toISOString(), history: [] },
  });
  await exhaust(openid, 'orderRefund');
  expectLimited(
    await world.call('order', openid, { action: 'refund', orderId: order._id, reason: '不想学了' }),
    'orderRefund',
  );
  expect((await getById<{ status: string }>(world.db, 'orders', order._id))?.status).toBe('paid');
});

test('review.submit', async () => {
  const openid = 'o-limited-review';
  await world.enrol(openid, COURSE_ID);
  await exhaust(openid, 'reviewSubmit');
  expectLimited(
    await world.call('review', openid, { action: 'submit', courseId: COURSE_ID, rating: 5, text: '' }),
    'reviewSubmit',
  );
  expect(await count('reviews', { _openid: openid })).toBe(0);
});

test('recommend.setInterests', async () => {
  const openid = 'o-limited-interests';
  await exhaust(openid, 'setInterests');
  expectLimited(
    await world.call('recommend', openid, { action: 'setInterests', categories: ['python'] }),
    'setInterests',
  );
  expect(await count('interactions', { _id: openid })).toBe(0);
  // An unknown category is still INVALID_ARGUMENT naming it, and costs nothing.
  const other = 'o-bad-interests';
  const bad = await world.call('recommend', other, { action: 'setInterests', categories: ['nope'] });
  expect(bad.error?.code).toBe('INVALID_ARGUMENT');
  expect(await count(COLLECTIONS.rateLimits, { _id: other })).toBe(0);
});

test('learning.progress and learning.lesson (state on the progress document)', async () => {
  const openid = 'o-limited-learner';
  await world.enrol(openid, COURSE_ID);
  const first = await world.call('learning', openid, {
    action: 'progress',
    courseId: COURSE_ID,
    lessonId: 'py-101-2',
    positionSec: 10,
    durationSec: 600,
  });
  expect(first.ok).toBe(true);
  const id = progressId(openid, COURSE_ID);
  await world.db
    .collection(COLLECTIONS.courseProgress)
    .doc(id)
    .update({ data: { limits: { progress: usedUp('progress'), lessonDelivery: usedUp('lessonDelivery') } } });
  const before = await getById<CourseProgressDoc>(world.db, COLLECTIONS.courseProgress, id);
  const report = { action: 'progress', courseId: COURSE_ID, lessonId: 'py-101-2', positionSec: 20, durationSec: 600 };
  expectLimited(await world.call('learning', openid, report), 'progress');
  const lesson = await world.call('learning', openid, { action: 'lesson', courseId: COURSE_ID, lessonId: 'py-101-3' });
  expectLimited(lesson, 'lessonDelivery');
  expect(JSON.stringify(lesson)).not.toContain('mediaUrl');
  expect(await getById<CourseProgressDoc>(world.db, COLLECTIONS.courseProgress, id)).toEqual(before);
  // A free-trial lesson records nothing, so it still opens.
  expect(
    (await world.call('learning', openid, { action: 'lesson', courseId: COURSE_ID, lessonId: 'py-101-1' })).ok,
  ).toBe(true);
});
