/**
 * The snapshot API through the local cloud with the real wx-server-sdk: one atomic update per signal, concurrent
 * signals of one learner all kept, and the strengths the retrain derives from the document.
 */
import * as wx from 'wx-server-sdk';
import type { LocalCloud } from '../../../local/cloud';
import { startTestCloud } from '../../../local/testing';
import {
  chosenInterests,
  interestCategories,
  isActive,
  ownedCourses,
  snapshotBucket,
  snapshotStrengths,
  SIGNAL_WEIGHTS,
  type InteractionSnapshot,
} from '../data/snapshot';
import {
  recordCourseView,
  recordEnrollment,
  recordInterests,
  recordProgress,
  recordRating,
  recordRefund,
} from '../signals';

let cloud: LocalCloud;
let db: ReturnType<typeof wx.database>;
const calls: string[] = [];
const at = new Date('2024-05-01T08:00:00.000Z');

beforeAll(async () => {
  cloud = await startTestCloud();
  wx.init({ env: wx.DYNAMIC_CURRENT_ENV as unknown as string });
  db = wx.database();
  cloud.admin.observe(({ action }) => calls.push(action));
});

afterAll(() => cloud.close());

async function snapshot(openid: string): Promise<InteractionSnapshot> {
  return ((await db.collection('interactions').doc(openid).get()) as unknown as { data: InteractionSnapshot }).data;
}

describe('recording signals', () => {
  it('creates the learner’s document on the first signal, then costs one update per signal', async () => {
    const before = calls.length;
    await recordEnrollment(db, 'o-one', { courseId: 'py-101', category: 'python', paid: true }, at);
    expect(calls.slice(before)).toEqual([
      'database.modifyDocument',
      'database.insertDocument',
      'database.modifyDocument',
    ]);
    const next = calls.length;
    await recordProgress(db, 'o-one', { courseId: 'py-101', percent: 60 }, at);
    expect(calls.slice(next)).toEqual(['database.modifyDocument']);
    expect(await snapshot('o-one')).toEqual({
      _id: 'o-one',
      _openid: 'o-one',
      b: snapshotBucket('o-one'),
      paid: ['py-101'],
      cats: ['python'],
      q2: ['py-101'],
      n: 2,
      activeAt: at.toISOString(),
    });
  });

  it('keeps every one of many concurrent signals of a new learner', async () => {
    const courses = Array.from({ length: 12 }, (_v, i) => `c-${i}`);
    await Promise.all(
      courses.map((courseId, i) =>
        i % 2 === 0
          ? recordEnrollment(db, 'o-busy', { courseId, category: `cat-${i % 3}`, paid: false }, at)
          : recordRating(db, 'o-busy', { courseId, rating: 5 }, at),
      ),
    );
    const doc = await snapshot('o-busy');
    expect(doc.n).toBe(12);
    expect([...(doc.free ?? [])].sort()).toEqual(courses.filter((_c, i) => i % 2 === 0).sort());
    expect([...(doc.r5 ?? [])].sort()).toEqual(courses.filter((_c, i) => i % 2 === 1).sort());
  });

  it('keeps one rating per course, never takes progress back, and un-owns a refunded course', async () => {
    await recordEnrollment(db, 'o-two', { courseId: 'js-1', category: 'web', paid: true }, at);
    await recordProgress(db, 'o-two', { courseId: 'js-1', percent: 100 }, at);
    await recordProgress(db, 'o-two', { courseId: 'js-1', percent: 30 }, at);
    await recordRating(db, 'o-two', { courseId: 'js-1', rating: 2 }, at);
    await recordRating(db, 'o-two', { courseId: 'js-1', rating: 4 }, at);
    let doc = await snapshot('o-two');
    // The late 30 % report lands in q1; q4 still counts.
    expect([doc.q1, doc.q2, doc.q3, doc.q4]).toEqual([['js-1'], undefined, undefined, ['js-1']]);
    expect([doc.r2, doc.r4]).toEqual([[], ['js-1']]);
    expect(snapshotStrengths(doc)).toEqual(
      new Map([['js-1', SIGNAL_WEIGHTS.paid + 4 * SIGNAL_WEIGHTS.quarter + (SIGNAL_WEIGHTS.rating[3] as number)]]),
    );
    await recordRefund(db, 'o-two', { courseId: 'js-1' }, at);
    doc = await snapshot('o-two');
    expect(ownedCourses(doc)).toEqual(new Set());
    expect(snapshotStrengths(doc).get('js-1')).toBe(4 * SIGNAL_WEIGHTS.quarter + (SIGNAL_WEIGHTS.rating[3] as number));
  });

  it('records interest in a category without owning anything', async () => {
    await recordCourseView(db, 'o-three', { category: 'design' }, at);
    await recordCourseView(db, 'o-three', { category: 'design' }, at);
    const doc = await snapshot('o-three');
    expect(interestCategories(doc)).toEqual(['design']);
    expect(snapshotStrengths(doc).size).toBe(0);
  });

  it('replaces the picked interests as a whole in one update, keeping the learned categories', async () => {
    await recordCourseView(db, 'o-four', { category: 'design' }, at);
    await recordInterests(db, 'o-four', { categories: ['python', 'data'] }, at);
    const before = calls.length;
    await recordInterests(db, 'o-four', { categories: ['data', 'ai'] }, at);
    expect(calls.slice(before)).toEqual(['database.modifyDocument']);
    let doc = await snapshot('o-four');
    expect(chosenInterests(doc)).toEqual(['data', 'ai']);
    expect(interestCategories(doc)).toEqual(['design']);
    expect(snapshotStrengths(doc).size).toBe(0);
    await recordInterests(db, 'o-four', { categories: [] }, at);
    doc = await snapshot('o-four');
    expect(chosenInterests(doc)).toEqual([]);
    expect(doc.n).toBe(4);
  });

  it('rejects an out-of-range rating or progress before writing', async () => {
    const before = calls.length;
    await expect(recordRating(db, 'o-one', { courseId: 'py-101', rating: 6 }, at)).rejects.toThrow('rating');
    await expect(recordProgress(db, 'o-one', { courseId: 'py-101', percent: 101 }, at)).rejects.toThrow('percent');
    expect(calls.length).toBe(before);
  });
});

describe('snapshot helpers', () => {
  const doc: InteractionSnapshot = { _id: 'o', _openid: 'o', b: 0, free: ['a'], r1: ['a'], activeAt: at.toISOString() };

  it('never lets a low rating push a strength below the minimum', () => {
    expect(snapshotStrengths(doc).get('a')).toBe(SIGNAL_WEIGHTS.min);
  });

  it('counts a learner as active for 30 days after their last signal', () => {
    expect(isActive(doc, new Date(at.getTime() + 30 * 86_400_000))).toBe(true);
    expect(isActive(doc, new Date(at.getTime() + 30 * 86_400_000 + 1))).toBe(false);
    expect(isActive({ ...doc, activeAt: undefined }, at)).toBe(false);
  });
});
