/**
 * Who may open a lesson (../access.ts), against the local cloud with the real wx-server-sdk: each course status
 * crossed with a learner who holds a grant and one who does not, a free and a paid lesson, an unknown lesson as an open
 * and as a progress report, and which grant a delivered lesson counts against.
 */
import * as sdk from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import type { Database } from '../../db';
import { courseGrantId } from '../../grants';
import { COLLECTIONS } from '../../collections';
import { lessonAccess } from '../access';

const STATUSES = ['published', 'archived', 'draft', 'reviewing', 'rejected'] as const;
const NOW = new Date('2026-11-01T00:00:00.000Z');
const T = '2026-10-01T00:00:00.000Z';

let cloud: LocalCloud;
let db: Database;

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk.init({ env: cloud.envId });
  db = sdk.database();
  for (const status of STATUSES) {
    const courseId = `c-${status}`;
    await db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .set({
        data: { status, title: status, priceFen: 9900, category: 'dev', learnerCount: 0 },
      });
    for (const free of [true, false]) {
      await db
        .collection(COLLECTIONS.lessons)
        .doc(`${courseId}-${free ? 'free' : 'paid'}`)
        .set({
          data: {
            courseId,
            order: free ? 1 : 2,
            title: 'L',
            kind: 'article',
            durationSec: 60,
            free,
            body: 'x',
            updatedAt: T,
          },
        });
    }
  }
  // The buyer holds a grant of every course (the unreleased ones through a membership naming them, or bought before
  // the course went back to draft); the free learner got one for free.
  for (const status of STATUSES) {
    await grant('buyer', `c-${status}`, { via: 'purchase', orderId: `order-${status}` });
  }
  await grant('gifted', 'c-published', { via: 'free', orderId: 'order-free' });
});
afterAll(() => cloud.close());

async function grant(openid: string, courseId: string, fields: Record<string, unknown>): Promise<void> {
  await db
    .collection(COLLECTIONS.grants)
    .doc(courseGrantId(openid, courseId))
    .set({
      data: { _openid: openid, target: `course:${courseId}`, courseId, status: 'active', createdAt: T, ...fields },
    });
}

const open = (openid: string, course: string, lesson: 'free' | 'paid' | string, purpose: 'open' | 'report' = 'open') =>
  lessonAccess(
    db,
    openid,
    { courseId: `c-${course}`, lessonId: lesson.startsWith('c-') ? lesson : `c-${course}-${lesson}` },
    purpose,
    NOW,
  );

const CLOSED = { code: 'FORBIDDEN', message: '该课程不存在或尚未上架' };
const BUY_FIRST = { code: 'FORBIDDEN', message: '购买本课程后即可学习该课时' };

describe('a published course', () => {
  it('opens a free lesson to anyone, without a grant', async () => {
    const access = await open('stranger', 'published', 'free');
    expect(access).toStrictEqual({ course: access.course, lesson: access.lesson, enrolled: false });
    expect(access.lesson._id).toBe('c-published-free');
  });

  it('refuses a paid lesson without a grant, saying what to do', async () => {
    await expect(open('stranger', 'published', 'paid')).rejects.toMatchObject(BUY_FIRST);
  });

  it("opens a paid lesson to its buyer, counted against the buyer's purchase", async () => {
    const access = await open('buyer', 'published', 'paid');
    expect(access.enrolled).toBe(true);
    expect(access.paying?.orderId).toBe('order-published');
  });

  it('opens it to a learner given the course free, counted against nothing', async () => {
    const access = await open('gifted', 'published', 'paid');
    expect(access).toStrictEqual({ course: access.course, lesson: access.lesson, enrolled: true });
  });
});

describe('an archived course', () => {
  it('stays open to its buyer', async () => {
    expect((await open('buyer', 'archived', 'paid')).enrolled).toBe(true);
  });

  it('no longer opens even its free lesson to anyone else', async () => {
    await expect(open('stranger', 'archived', 'free')).rejects.toMatchObject(BUY_FIRST);
  });
});

describe('an unreleased course (draft, under its first review, rejected) and a course that does not exist', () => {
  it.each(['draft', 'reviewing', 'rejected'])(
    '%s: open to nobody, not to a grant holder, not a free lesson',
    async (status) => {
      await expect(open('buyer', status, 'paid')).rejects.toMatchObject(CLOSED);
      await expect(open('stranger', status, 'free')).rejects.toMatchObject(CLOSED);
    },
  );

  it('a made-up course is closed alike', async () => {
    await expect(open('buyer', 'missing', 'c-published-free')).rejects.toMatchObject(CLOSED);
  });
});

describe('a lesson that is not one of the course', () => {
  it('opening it is NOT_FOUND; reporting progress in it names lessonId', async () => {
    const unknown = { code: 'NOT_FOUND', message: '该课时不存在或已被删除' };
    await expect(open('buyer', 'published', 'nope')).rejects.toMatchObject(unknown);
    await expect(open('buyer', 'published', 'c-archived-paid')).rejects.toMatchObject(unknown);
    await expect(open('buyer', 'published', 'nope', 'report')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'lessonId must be a lesson of the course',
    });
  });
});
