/**
 * A local cloud with the product's functions, a small catalog and helpers to act as learners through the client
 * gateway (what `wx.cloud.callFunction` does), for the learning, review and stats tests.
 */
import type { TSchema } from '@sinclair/typebox';
import { validate } from '../shared/contract';
import type { LocalCloud } from '../local/cloud';
import { SECURITY_LABELS, type SecurityRule } from '../local/sandbox/security';
import { storageOf } from '../local/storage';
import { startTestCloud } from '../local/testing';
import { course, lesson } from './catalog-fixtures';
import type { CourseDoc, LessonDoc, RatingSummary } from '../shared/catalog';
import { courseGrantId, type GrantDoc } from '../shared/grants';
import { found, type Database } from '../shared/db';
import { summaryOf, type ReviewDoc } from '../shared/reviews';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the envelope is asserted field by field
export type Reply = { ok: boolean; data?: any; error?: { code: string; message: string; details?: any } };

/** The reply's data, after checking it is no error and matches the contract's schema of it. */
export function replyData(reply: Reply, schema: TSchema) {
  expect(reply.error).toBeUndefined();
  const checked = validate(schema, reply.data);
  expect(checked.ok ? [] : checked.problems).toEqual([]);
  return reply.data;
}

export interface World {
  cloud: LocalCloud;
  db: Database;
  call(fn: string, openid: string, data: Record<string, unknown>): Promise<Reply>;
  enrol(openid: string, courseId: string, overrides?: Partial<GrantDoc>): Promise<void>;
  /** Fires a function's timer as the platform does (its console.log silenced) and returns the result. */
  fireTimer(fn: string): Promise<unknown>;
  close(): Promise<void>;
}

export const COURSE_ID = 'py-101';

/** The content-check sandbox's words for the review tests: an ad waits for a creator, abuse is refused. */
export const REVIEW_CHECK_RULES: SecurityRule[] = [
  { word: '加我微信', suggest: 'review', label: SECURITY_LABELS.ad },
  { word: '骗子', suggest: 'risky', label: SECURITY_LABELS.abuse },
];

/** py-101: a paid course of a free video, a paid video, a paid audio and a paid article. */
export async function startWorld(): Promise<World> {
  const cloud = await startTestCloud();
  const sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  const db: Database = sdk.database();
  const storage = storageOf(cloud);
  const video = await storage.put('media/py-101/1.mp4', Buffer.from('video bytes'));
  const audio = await storage.put('media/py-101/3.m4a', Buffer.from('audio bytes'));
  const { media: _none, ...article } = lesson({ _id: 'py-101-4', order: 4, kind: 'article', durationSec: 120 });
  const lessons: LessonDoc[] = [
    lesson({ _id: 'py-101-1', order: 1, kind: 'video', durationSec: 300, free: true, media: video }),
    lesson({ _id: 'py-101-2', order: 2, kind: 'video', durationSec: 600, free: false, media: video }),
    lesson({ _id: 'py-101-3', order: 3, kind: 'audio', durationSec: 200, free: false, media: audio }),
    { ...article, free: false, body: '# 变量\n\n变量是名字。' },
  ];
  await insert(db, 'courses', [
    course({ _id: COURSE_ID, lessonCount: 4, learnerCount: 0, rating: emptyRating() }),
    course({ _id: 'draft-1', status: 'draft', lessonCount: 1, rating: emptyRating() }),
  ]);
  await insert(db, 'lessons', [
    ...lessons,
    lesson({ _id: 'draft-1-1', courseId: 'draft-1', order: 1, free: true, media: video }),
  ]);
  return {
    cloud,
    db,
    async call(fn, openid, data) {
      const res = await fetch(`${cloud.url}/client/functions/${fn}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
        body: JSON.stringify({ data }),
      });
      const body = (await res.json()) as { result?: Reply; errMsg?: string };
      if (res.status !== 200 || body.result === undefined) throw new Error(`${fn} failed: ${body.errMsg}`);
      return body.result;
    },
    async enrol(openid, courseId, overrides = {}) {
      const doc: GrantDoc = {
        _id: courseGrantId(openid, courseId),
        _openid: openid,
        courseId,
        target: `course:${courseId}`,
        via: 'purchase',
        orderId: `order-${openid}`,
        status: 'active',
        createdAt: '2024-03-01T00:00:00.000Z',
        ...overrides,
      };
      const { _id, ...data } = doc;
      await db.collection('grants').doc(_id).set({ data });
    },
    async fireTimer(fn) {
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        const res = await fetch(`${cloud.url}/sandbox/timers/${fn}`, { method: 'POST' });
        expect(res.status).toBe(200);
        return ((await res.json()) as { result: unknown }).result;
      } finally {
        log.mockRestore();
      }
    },
    close: () => cloud.close(),
  };
}

/**
 * The rating summary the visible reviews of a course make (but those of refunded learners), counted from the review
 * documents themselves.
 */
export async function visibleSummary(db: Database, courseId: string): Promise<RatingSummary> {
  const all = await found<ReviewDoc>(db.collection('reviews').where({ courseId }).limit(1000));
  const histogram = [0, 0, 0, 0, 0];
  for (const review of all)
    if (review.status === 'visible' && !review.refunded)
      histogram[review.rating - 1] = (histogram[review.rating - 1] ?? 0) + 1;
  return summaryOf(histogram);
}

export function emptyRating(): CourseDoc['rating'] {
  return { avg: 0, count: 0, histogram: [0, 0, 0, 0, 0] };
}

export async function insert(db: Database, collection: string, docs: object[]): Promise<void> {
  for (const doc of docs) await db.collection(collection).add({ data: doc });
}
