/**
 * The database part of the local cloud, driven by the real wx-server-sdk exactly as a cloud function drives CloudBase.
 * Where the real service cannot be consulted offline, the test says which assumption it encodes.
 */
import fc from 'fast-check';
import type { CollectionSpec } from '../../../database/collections';
import { inTransaction, isTransactionConflict, type Transaction } from '../../../shared/db';
import type { LocalCloud } from '../../cloud';
import { startTestCloud } from '../../testing';
import { databaseOf } from '../attach';
import type { QueryPlan } from '../database';

const collections: CollectionSpec[] = [
  { name: 'books', indexes: [{ name: 'tag', keys: { tags: 1 } }], rules: { read: true, write: false } },
  // As in MongoDB, a unique index treats a missing field as null: every document here carries `isbn`.
  {
    name: 'editions',
    indexes: [{ name: 'isbn_unique', keys: { isbn: 1 }, unique: true }],
    rules: { read: true, write: false },
  },
  { name: 'accounts', indexes: [], rules: { read: false, write: false } },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK ships no useful types for these calls
type Sdk = any;
let cloud: LocalCloud;
let sdk: Sdk;
let db: Sdk;

beforeAll(async () => {
  cloud = await startTestCloud({ collections });
  sdk = require('wx-server-sdk');
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
  db = sdk.database();
});
afterAll(() => cloud.close());
beforeEach(async () => {
  await db
    .collection('books')
    .where({ _id: db.command.exists(true) })
    .remove();
  await db
    .collection('accounts')
    .where({ _id: db.command.exists(true) })
    .remove();
  await db
    .collection('editions')
    .where({ _id: db.command.exists(true) })
    .remove();
});

describe('insert and read', () => {
  it('adds one document and reads it back by id with EJSON types intact', async () => {
    const when = new Date('2026-01-02T03:04:05.678Z');
    const added = await db
      .collection('books')
      .add({ data: { title: '深入浅出', price: 9.9, pages: 300, when, nested: { a: [1, 'x'] } } });
    expect(added._id).toMatch(/^[0-9a-f]{32}$/);
    const { data } = await db.collection('books').doc(added._id).get();
    expect(data).toEqual({ _id: added._id, title: '深入浅出', price: 9.9, pages: 300, when, nested: { a: [1, 'x'] } });
    expect(data.when).toBeInstanceOf(Date);
  });

  it('adds many documents in one call', async () => {
    const result = await db.collection('books').add({ data: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    expect(result._ids).toHaveLength(3);
    expect((await db.collection('books').count()).total).toBe(3);
  });

  it('resolves serverDate on the server, in inserts and in updates', async () => {
    const before = Date.now();
    const { _id } = await db.collection('books').add({ data: { at: db.serverDate({ offset: 60_000 }) } });
    const { data } = await db.collection('books').doc(_id).get();
    expect(data.at).toBeInstanceOf(Date);
    expect(data.at.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(data.at.getTime()).toBeLessThan(Date.now() + 61_000);
    await db
      .collection('books')
      .doc(_id)
      .update({ data: { touched: db.serverDate() } });
    const touched = (await db.collection('books').doc(_id).get()).data.touched;
    expect(touched).toBeInstanceOf(Date);
    expect(touched.getTime()).toBeGreaterThanOrEqual(before);
    expect(touched.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('round-trips EJSON types: dates in queries, integers beyond 32 bits, negative and fractional doubles', async () => {
    const when = new Date('2026-03-04T05:06:07.089Z');
    const doc = { when, big: 2 ** 40, small: -3, half: 0.5, list: [1.25, 2, when] };
    const { _id } = await db.collection('books').add({ data: doc });
    expect((await db.collection('books').doc(_id).get()).data).toEqual({ _id, ...doc });
    const _ = db.command;
    const byDate = await db
      .collection('books')
      .where({ when: _.gte(new Date('2026-03-04T00:00:00Z')).and(_.lt(new Date('2026-03-05T00:00:00Z'))) })
      .get();
    expect(byDate.data.map((d: { _id: string }) => d._id)).toEqual([_id]);
    expect(
      (
        await db
          .collection('books')
          .where({ big: 2 ** 40, half: 0.5 })
          .count()
      ).total,
    ).toBe(1);
  });

  it('fails doc().get() of a missing document as CloudBase does', async () => {
    await expect(db.collection('books').doc('missing').get()).rejects.toMatchObject({
      errMsg: expect.stringContaining('does not exist'),
    });
  });

  it('queries with operators, order, offset, limit and projection', async () => {
    await db.collection('books').add({
      data: [
        { title: 'A', price: 30, tags: ['x'] },
        { title: 'B', price: 10, tags: ['y'] },
        { title: 'C', price: 20, tags: ['x', 'y'] },
        { title: 'D', price: 40, tags: [] },
      ],
    });
    const _ = db.command;
    const { data } = await db
      .collection('books')
      .where({ price: _.gte(15), tags: 'x' })
      .orderBy('price', 'desc')
      .skip(1)
      .limit(5)
      .field({ title: true })
      .get();
    expect(data.map((doc: { title: string }) => doc.title)).toEqual(['C']);
    expect(Object.keys(data[0]).sort()).toEqual(['_id', 'title']);
    const regex = await db
      .collection('books')
      .where({ title: db.RegExp({ regexp: '^[ab]$', options: 'i' }) })
      .get();
    expect(regex.data.map((doc: { title: string }) => doc.title).sort()).toEqual(['A', 'B']);
    const or = await db
      .collection('books')
      .where(_.or([{ price: _.lt(15) }, { price: _.gt(35) }]))
      .orderBy('price', 'asc')
      .get();
    expect(or.data.map((doc: { title: string }) => doc.title)).toEqual(['B', 'D']);
    expect(
      (
        await db
          .collection('books')
          .where({ tags: _.size(0) })
          .count()
      ).total,
    ).toBe(1);
  });

  it('returns 100 documents without limit() and at most 1000 with it', async () => {
    await db.collection('books').add({ data: Array.from({ length: 1200 }, (_, n) => ({ n })) });
    expect((await db.collection('books').get()).data).toHaveLength(100);
    expect((await db.collection('books').limit(1000).get()).data).toHaveLength(1000);
    // Assumption: a limit above 1000 is capped rather than refused (the SDK itself refuses > 1000 client-side for some
    // versions; wx-server-sdk 4.0.2 sends it).
    expect((await db.collection('books').skip(1000).limit(1000).get()).data).toHaveLength(200);
  });
});

describe('indexes', () => {
  // Like MongoDB's explain: which index a read went through and how many documents it examined.
  async function plansOf(run: () => Promise<unknown>): Promise<QueryPlan[]> {
    const plans: QueryPlan[] = [];
    const stop = databaseOf(cloud).observePlans((plan) => plans.push(plan));
    try {
      await run();
    } finally {
      stop();
    }
    return plans;
  }

  beforeEach(async () => {
    // 300 books, 10 per tag; `shelf` holds the same values as `tags` but has no index.
    await db.collection('books').add({
      data: Array.from({ length: 300 }, (_, n) => ({ n, tags: [`t${n % 30}`], shelf: `t${n % 30}` })),
    });
  });

  it('answers an equality query on an indexed field from the index, examining only the matching documents', async () => {
    const _ = db.command;
    for (const where of [{ tags: 't7' }, { tags: _.eq('t7') }, _.and([{ tags: 't7' }, { n: _.gte(0) }])]) {
      const plans = await plansOf(() => db.collection('books').where(where).get());
      expect(plans).toEqual([{ collection: 'books', index: 'tag', examined: 10, matched: 10 }]);
    }
    const byIn = await plansOf(() =>
      db
        .collection('books')
        .where({ tags: _.in(['t1', 't2']) })
        .count(),
    );
    expect(byIn).toEqual([{ collection: 'books', index: 'tag', examined: 20, matched: 20 }]);
  });

  it('scans every document when no index covers the filter (the baseline the index avoids)', async () => {
    const plans = await plansOf(() => db.collection('books').where({ shelf: 't7' }).get());
    expect(plans).toEqual([{ collection: 'books', index: undefined, examined: 300, matched: 10 }]);
  });

  it('reads, updates and removes by _id without a scan', async () => {
    const { _id } = await db.collection('books').add({ data: { single: true } });
    const plans = await plansOf(async () => {
      await db.collection('books').doc(_id).get();
      await db
        .collection('books')
        .doc(_id)
        .update({ data: { seen: true } });
      await db.collection('books').doc(_id).remove();
    });
    expect(plans).toEqual(Array(3).fill({ collection: 'books', index: '_id', examined: 1, matched: 1 }));
  });

  it('uses the indexes of a leading $match and of the collection an equality $lookup joins', async () => {
    await db.collection('accounts').add({ data: [{ _id: 't7' }, { _id: 't8' }] });
    let list: { _id: string; books: unknown[] }[] = [];
    const plans = await plansOf(async () => {
      ({ list } = await db
        .collection('accounts')
        .aggregate()
        .match({ _id: 't7' })
        .lookup({ from: 'books', localField: '_id', foreignField: 'tags', as: 'books' })
        .end());
    });
    expect(list.map((a) => [a._id, a.books.length])).toEqual([['t7', 10]]);
    expect(plans).toEqual([
      { collection: 'accounts', index: '_id', examined: 1, matched: 1 },
      { collection: 'books', index: 'tag', examined: 10, matched: 10 },
    ]);
  });
});

describe('update operators', () => {
  it('applies every operator the SDK emits', async () => {
    const _ = db.command;
    const { _id } = await db.collection('books').add({
      data: {
        n: 1,
        m: 2,
        list: [1, 2, 3, 2],
        set: ['a'],
        gone: true,
        old: 'x',
        low: 5,
        high: 5,
        meta: { seen: false },
      },
    });
    const result = await db
      .collection('books')
      .doc(_id)
      .update({
        data: {
          n: _.inc(2),
          m: _.mul(3),
          list: _.pull(2),
          set: _.addToSet('b'),
          gone: _.remove(),
          old: _.rename('renamed'),
          low: _.min(1),
          high: _.max(9),
          'meta.seen': true,
          meta2: { deep: 1 },
        },
      });
    expect(result.stats.updated).toBe(1);
    const { data } = await db.collection('books').doc(_id).get();
    expect(data).toEqual({
      _id,
      n: 3,
      m: 6,
      list: [1, 3],
      set: ['a', 'b'],
      renamed: 'x',
      low: 1,
      high: 9,
      meta: { seen: true },
      meta2: { deep: 1 },
    });
    await db
      .collection('books')
      .doc(_id)
      .update({ data: { list: _.push([7, 8]), set: _.pullAll(['a']), n: _.set({ x: 1 }) } });
    await db
      .collection('books')
      .doc(_id)
      .update({ data: { list: _.pop() } });
    const after = (await db.collection('books').doc(_id).get()).data;
    expect(after.list).toEqual([1, 3, 7]);
    expect(after.set).toEqual(['b']);
    expect(after.n).toEqual({ x: 1 });
  });

  it('counts only documents that changed, updates many with where, and set() replaces or upserts', async () => {
    await db.collection('books').add({
      data: [
        { k: 1, s: 'a' },
        { k: 1, s: 'b' },
        { k: 2, s: 'a' },
      ],
    });
    const many = await db
      .collection('books')
      .where({ k: 1 })
      .update({ data: { s: 'a' } });
    // Assumption: `updated` counts modified documents (MongoDB's nModified): the one already 'a' is not counted.
    expect(many.stats.updated).toBe(1);
    const replaced = await db
      .collection('books')
      .doc('fixed-id')
      .set({ data: { only: true } });
    expect(replaced.stats).toMatchObject({ updated: 0, created: 1 });
    await db
      .collection('books')
      .doc('fixed-id')
      .set({ data: { other: 1 } });
    expect((await db.collection('books').doc('fixed-id').get()).data).toEqual({ _id: 'fixed-id', other: 1 });
    const missing = await db
      .collection('books')
      .doc('nope')
      .update({ data: { x: 1 } });
    expect(missing.stats.updated).toBe(0);
  });

  it('removes one by id and many by query', async () => {
    const { _ids } = await db.collection('books').add({ data: [{ k: 1 }, { k: 1 }, { k: 2 }] });
    expect((await db.collection('books').doc(_ids[2]).remove()).stats.removed).toBe(1);
    expect((await db.collection('books').where({ k: 1 }).remove()).stats.removed).toBe(2);
    expect((await db.collection('books').count()).total).toBe(0);
  });
});

describe('aggregate', () => {
  it('groups, sorts and looks up another collection', async () => {
    await db.collection('books').add({
      data: [
        { c: 'x', p: 1 },
        { c: 'x', p: 3 },
        { c: 'y', p: 2 },
      ],
    });
    await db.collection('accounts').add({ data: [{ _id: 'x', label: 'X' }] });
    const $ = db.command.aggregate;
    const { list } = await db
      .collection('books')
      .aggregate()
      .match({ p: db.command.gte(1) })
      .group({ _id: '$c', total: $.sum('$p'), n: $.sum(1) })
      .sort({ total: -1 })
      .lookup({ from: 'accounts', localField: '_id', foreignField: '_id', as: 'account' })
      .end();
    expect(list).toEqual([
      { _id: 'x', total: 4, n: 2, account: [{ _id: 'x', label: 'X' }] },
      { _id: 'y', total: 2, n: 1, account: [] },
    ]);
  });
});

describe('errors', () => {
  it('refuses an unknown collection with -502005', async () => {
    await expect(db.collection('nope').get()).rejects.toMatchObject({ errCode: -502005 });
    await expect(db.collection('nope').add({ data: { a: 1 } })).rejects.toMatchObject({ errCode: -502005 });
  });

  it('creates a collection once', async () => {
    await db.createCollection('made_at_runtime');
    await db.collection('made_at_runtime').add({ data: { a: 1 } });
    await expect(db.createCollection('made_at_runtime')).rejects.toMatchObject({ errCode: expect.any(Number) });
  });

  it('enforces unique indexes with a duplicate-key error and writes nothing', async () => {
    await db.collection('editions').add({ data: { isbn: '978-7', title: 'first' } });
    await expect(db.collection('editions').add({ data: { isbn: '978-7', title: 'second' } })).rejects.toMatchObject({
      errCode: -502001,
      errMsg: expect.stringContaining('E11000'),
    });
    await expect(db.collection('editions').add({ data: [{ isbn: '1' }, { isbn: '1' }] })).rejects.toMatchObject({
      errCode: -502001,
    });
    expect((await db.collection('editions').count()).total).toBe(1);
    const { _id } = await db.collection('editions').add({ data: { isbn: '978-8' } });
    await expect(
      db
        .collection('editions')
        .doc(_id)
        .update({ data: { isbn: '978-7' } }),
    ).rejects.toMatchObject({ errCode: -502001 });
  });

  it('refuses a bad query operator', async () => {
    await expect(
      db
        .collection('books')
        .where({ a: { $nosuch: 1 } })
        .get(),
    ).rejects.toMatchObject({ errCode: expect.any(Number) });
  });
});

describe('bad regular expressions', () => {
  // Assumption: the real service refuses a pattern MongoDB cannot compile as a bad parameter (INVALID_PARAM, -501007).
  it('bad regular expressions: a pattern that does not compile is a parameter error, not a server failure', async () => {
    await db.collection('books').add({ data: { title: 'a' } });
    await expect(
      db
        .collection('books')
        .where({ title: db.RegExp({ regexp: '(a+' }) })
        .get(),
    ).rejects.toMatchObject({ errCode: -501007, errMsg: expect.stringContaining('invalid regular expression') });
    await expect(
      db
        .collection('books')
        .where({ title: db.command.in([/x/, db.RegExp({ regexp: '[z' })]) })
        .count(),
    ).rejects.toMatchObject({ errCode: -501007 });
  });

  // Assumption: like MongoDB's maxTimeMS, a read over the limit fails with "operation exceeded time limit"; CloudBase
  // passes MongoDB's errors through as DATABASE_REQUEST_FAILED (-502001), as it does E11000.
  it('bad regular expressions: a catastrophic pattern fails at the time limit while other requests are still served', async () => {
    await db.collection('books').add({ data: [{ title: `${'a'.repeat(34)}!` }, { _id: 'plain', title: 'b' }] });
    const replies: string[] = [];
    const catastrophic = db
      .collection('books')
      .where({ title: db.RegExp({ regexp: '(a+)+$', options: 'i' }) })
      .get()
      .finally(() => replies.push('catastrophic'));
    const plain = db
      .collection('books')
      .doc('plain')
      .get()
      .finally(() => replies.push('plain'));
    await expect(catastrophic).rejects.toMatchObject({
      errCode: -502001,
      errMsg: expect.stringContaining('exceeded time limit'),
    });
    await expect(plain).resolves.toMatchObject({ data: { title: 'b' } });
    expect(replies.sort()).toEqual(['catastrophic', 'plain']);
    // Inside a pipeline too (a $match that is not the first stage runs in the pipeline, not through the indexes).
    await expect(
      db
        .collection('books')
        .aggregate()
        .project({ title: 1 })
        .match({ title: db.RegExp({ regexp: '(a|a)+$' }) })
        .end(),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('exceeded time limit') });
  });
});

describe('transactions', () => {
  const _ = () => db.command;
  const read = async (id: string) => (await db.collection('accounts').doc(id).get()).data;
  /** Whether a promise has settled, without waiting for it. */
  function settled(promise: Promise<unknown>): () => boolean {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    return () => done;
  }

  it('reads its own writes, hides them from others until commit, and commits atomically', async () => {
    await db.collection('accounts').add({
      data: [
        { _id: 'a', balance: 100 },
        { _id: 'b', balance: 0 },
      ],
    });
    const tx = await db.startTransaction();
    await tx
      .collection('accounts')
      .doc('a')
      .update({ data: { balance: _().inc(-30) } });
    await tx
      .collection('accounts')
      .doc('b')
      .update({ data: { balance: _().inc(30) } });
    expect((await tx.collection('accounts').doc('a').get()).data.balance).toBe(70);
    expect((await read('a')).balance).toBe(100);
    await tx.commit();
    expect((await read('a')).balance).toBe(70);
    expect((await read('b')).balance).toBe(30);
  });

  it('leaves nothing behind on rollback', async () => {
    const tx = await db.startTransaction();
    await tx.collection('accounts').add({ data: { _id: 'temp', x: 1 } });
    await tx.rollback();
    expect((await db.collection('accounts').where({ _id: 'temp' }).get()).data).toEqual([]);
  });

  it('snapshot reads: a transaction reads the state at its start, whatever is committed after it', async () => {
    await db.collection('accounts').add({
      data: [
        { _id: 's1', n: 1, tag: 'old' },
        { _id: 's2', n: 1, tag: 'old' },
      ],
    });
    const tx = await db.startTransaction();
    await db
      .collection('accounts')
      .doc('s1')
      .update({ data: { n: 2, tag: 'new' } });
    await db.collection('accounts').doc('s2').remove();
    await db.collection('accounts').add({ data: { _id: 's3', n: 1, tag: 'old' } });
    expect((await tx.collection('accounts').doc('s1').get()).data).toEqual({ _id: 's1', n: 1, tag: 'old' });
    expect((await tx.collection('accounts').doc('s2').get()).data).toEqual({ _id: 's2', n: 1, tag: 'old' });
    await expect(tx.collection('accounts').doc('s3').get()).rejects.toMatchObject({
      errMsg: expect.stringContaining('does not exist'),
    });
    // Queries too, through values the documents no longer hold.
    const old = await tx.collection('accounts').where({ tag: 'old' }).get();
    expect(old.data.map((doc: { _id: string }) => doc._id).sort()).toEqual(['s1', 's2']);
    // (`count()` is not transactional: the SDK sends it without the transaction.)
    expect((await tx.collection('accounts').where({ tag: 'new' }).get()).data).toEqual([]);
    // Its own writes show over the snapshot.
    await tx
      .collection('accounts')
      .doc('s9')
      .set({ data: { n: 9, tag: 'old' } });
    expect((await tx.collection('accounts').where({ tag: 'old' }).get()).data).toHaveLength(3);
    await tx.rollback();
    expect((await read('s1')).n).toBe(2);
  });

  it('conflict at the write: the second writer of a document fails at once, the first commits', async () => {
    await db.collection('accounts').add({ data: { _id: 'c', n: 0 } });
    const first = await db.startTransaction();
    const second = await db.startTransaction();
    await first
      .collection('accounts')
      .doc('c')
      .update({ data: { n: 1 } });
    await expect(
      second
        .collection('accounts')
        .doc('c')
        .update({ data: { n: 2 } }),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('WriteConflict') });
    // The loser is aborted, as MongoDB aborts a transaction on a write conflict.
    await expect(second.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
    await first.commit();
    expect((await read('c')).n).toBe(1);
  });

  it('conflict at the write: a document committed by anyone after the start cannot be written, nor brought back', async () => {
    await db.collection('accounts').add({
      data: [
        { _id: 'd', n: 0 },
        { _id: 'e', n: 0 },
      ],
    });
    const tx = await db.startTransaction();
    await db
      .collection('accounts')
      .doc('d')
      .update({ data: { n: 5 } });
    await expect(
      tx
        .collection('accounts')
        .doc('d')
        .update({ data: { n: _().inc(1) } }),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('WriteConflict') });
    const late = await db.startTransaction();
    await db.collection('accounts').doc('e').remove();
    await expect(
      late
        .collection('accounts')
        .doc('e')
        .set({ data: { n: 1 } }),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('WriteConflict') });
    expect((await read('d')).n).toBe(5);
    expect((await db.collection('accounts').where({ _id: 'e' }).get()).data).toEqual([]);
    // Inserting it again is a conflict too, not a duplicate of what the snapshot still shows.
    const again = await db.startTransaction();
    await db.collection('accounts').doc('d').remove();
    await expect(again.collection('accounts').add({ data: { _id: 'd', n: 1 } })).rejects.toMatchObject({
      errMsg: expect.stringContaining('WriteConflict'),
    });
  });

  it('a write that fails in a transaction for another reason (a duplicate) holds nothing afterwards', async () => {
    await db.collection('accounts').add({ data: { _id: 'dup', n: 0 } });
    const tx = await db.startTransaction();
    await expect(tx.collection('accounts').add({ data: { _id: 'dup', n: 1 } })).rejects.toMatchObject({
      errCode: -502001,
    });
    await tx.rollback();
    const next = await db.startTransaction();
    await next
      .collection('accounts')
      .doc('dup')
      .update({ data: { n: 2 } });
    await next.commit();
    expect((await read('dup')).n).toBe(2);
  });

  // Assumption: CloudBase passes MongoDB's WriteConflict on as DATABASE_TRANSACTION_CONFLICT with MongoDB's message;
  // wx-server-sdk (4.0.2) has no errCode for that code, so the function sees -501001 and the message, and no `code`.
  it('conflict error shape: what the function sees from a conflicting write inside runTransaction', async () => {
    await db.collection('accounts').add({ data: { _id: 'f', n: 0 } });
    const holder = await db.startTransaction();
    await holder
      .collection('accounts')
      .doc('f')
      .update({ data: { n: 1 } });
    let bodyRuns = 0;
    const error = await db
      .runTransaction(async (t: Sdk) => {
        bodyRuns += 1;
        await t
          .collection('accounts')
          .doc('f')
          .update({ data: { n: 2 } });
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      errCode: -501001,
      errMsg: expect.stringMatching(/^document\.update:fail -501001 .*WriteConflict/),
    });
    expect((error as { code?: unknown }).code).toBeUndefined();
    // The SDK's runTransaction does not retry it (it retries only a `code` of DATABASE_TRANSACTION_CONFLICT).
    expect(bodyRuns).toBe(1);
    expect(isTransactionConflict(error)).toBe(true);
    await holder.commit();
    expect((await read('f')).n).toBe(1);
  });

  // Assumption (MongoDB's documented behaviour): a write outside any transaction to a document an open transaction
  // has written waits until that transaction ends, then applies to what it committed; it neither fails nor is lost.
  it('a write outside a transaction waits for the transaction that wrote the document, then applies', async () => {
    await db.collection('accounts').add({
      data: [
        { _id: 'g', n: 0 },
        { _id: 'h', n: 0 },
      ],
    });
    const tx = await db.startTransaction();
    await tx
      .collection('accounts')
      .doc('g')
      .update({ data: { n: 1 } });
    await tx.collection('accounts').doc('h').remove();
    const outsideUpdate = db
      .collection('accounts')
      .doc('g')
      .update({ data: { outside: true } });
    const outsideRemove = db.collection('accounts').doc('g').remove();
    const updateDone = settled(outsideUpdate);
    // Later requests are served meanwhile, and the outside writes still wait.
    expect((await tx.collection('accounts').doc('g').get()).data).toEqual({ _id: 'g', n: 1 });
    expect((await read('g')).n).toBe(0);
    expect(updateDone()).toBe(false);
    await tx.commit();
    expect((await outsideUpdate).stats.updated).toBe(1);
    expect((await outsideRemove).stats.removed).toBe(1);
    expect(
      (
        await db
          .collection('accounts')
          .where({ _id: _().in(['g', 'h']) })
          .get()
      ).data,
    ).toEqual([]);
  });

  it('a write outside a transaction goes on when the transaction that held the document rolls back', async () => {
    await db.collection('accounts').add({ data: { _id: 'i', n: 0 } });
    const tx = await db.startTransaction();
    await tx
      .collection('accounts')
      .doc('i')
      .update({ data: { n: 1 } });
    const outside = db
      .collection('accounts')
      .doc('i')
      .update({ data: { n: _().inc(10) } });
    await tx.rollback();
    await outside;
    expect((await read('i')).n).toBe(10);
  });

  it('inTransaction retries a conflicting transaction to success, in a fresh transaction that sees the winner', async () => {
    await db.collection('accounts').add({ data: { _id: 'j', n: 0 } });
    const winner = await db.startTransaction();
    await winner
      .collection('accounts')
      .doc('j')
      .update({ data: { n: _().inc(1) } });
    const seen: number[] = [];
    const result = await inTransaction(db, async (t) => {
      const doc = (await t.collection('accounts').doc('j').get()) as { data: { n: number } };
      seen.push(doc.data.n);
      // The first run reads 0, then the winner commits: its write conflicts.
      if (seen.length === 1) await winner.commit();
      await t
        .collection('accounts')
        .doc('j')
        .update({ data: { n: doc.data.n + 1 } });
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual([0, 1]);
    expect((await read('j')).n).toBe(2);
  });

  it('inTransaction gives up after its attempts and throws the conflict; other errors are not retried', async () => {
    await db.collection('accounts').add({ data: { _id: 'k', n: 0 } });
    const holder = await db.startTransaction();
    await holder
      .collection('accounts')
      .doc('k')
      .update({ data: { n: 1 } });
    let runs = 0;
    const body = async (t: Transaction) => {
      runs += 1;
      await t
        .collection('accounts')
        .doc('k')
        .update({ data: { n: 2 } });
    };
    const error = await inTransaction(db, body, 3).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTransactionConflict(error)).toBe(true);
    expect(runs).toBe(3);
    await holder.rollback();
    runs = 0;
    await expect(
      inTransaction(db, async () => {
        runs += 1;
        throw new Error('not a conflict');
      }),
    ).rejects.toThrow('not a conflict');
    expect(runs).toBe(1);
  });

  it('no lost update: concurrent read-then-write increments through inTransaction all count', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 3 }), async (racers, pauseMs) => {
        const id = `counter-${racers}-${pauseMs}-${Math.random()}`;
        await db.collection('accounts').add({ data: { _id: id, n: 0 } });
        await Promise.all(
          Array.from({ length: racers }, () =>
            inTransaction(
              db,
              async (t) => {
                const { data } = (await t.collection('accounts').doc(id).get()) as { data: { n: number } };
                await new Promise((resolve) => setTimeout(resolve, pauseMs));
                await t
                  .collection('accounts')
                  .doc(id)
                  .update({ data: { n: data.n + 1 } });
              },
              50,
            ),
          ),
        );
        expect((await read(id)).n).toBe(racers);
      }),
      { numRuns: 8, seed: 11 },
    );
  });

  it('keeps older states only while a transaction that may read them is open', async () => {
    await db.collection('accounts').add({
      data: [
        { _id: 'm', n: 0 },
        { _id: 'o', n: 0 },
      ],
    });
    const local = databaseOf(cloud);
    expect(local.keptStates()).toBe(0);
    const older = await db.startTransaction();
    await db
      .collection('accounts')
      .doc('m')
      .update({ data: { n: 1 } });
    const newer = await db.startTransaction();
    await db
      .collection('accounts')
      .doc('o')
      .update({ data: { n: 1 } });
    expect(local.keptStates()).toBe(2);
    // The oldest ends: `newer` still needs o's state before its update, not m's.
    await older.rollback();
    expect(local.keptStates()).toBe(1);
    expect((await newer.collection('accounts').doc('o').get()).data.n).toBe(0);
    expect((await newer.collection('accounts').doc('m').get()).data.n).toBe(1);
    await newer.rollback();
    expect(local.keptStates()).toBe(0);
  });

  it('rejects a duplicate key at commit and writes nothing of the transaction', async () => {
    await db.collection('editions').add({ data: { isbn: 'dup' } });
    const tx = await db.startTransaction();
    await tx.collection('editions').add({ data: { _id: 'new-one', isbn: 'fresh' } });
    await tx.collection('editions').add({ data: { _id: 'new-two', isbn: 'dup' } });
    await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_REQUEST_FAILED' });
    expect((await db.collection('editions').count()).total).toBe(1);
  });
});

describe('@cloudbase/node-sdk', () => {
  it('speaks to the same server', async () => {
    const tcb = require('@cloudbase/node-sdk');
    const app = tcb.init({ env: cloud.envId });
    const nodeDb = app.database();
    await nodeDb.collection('editions').add({ title: 'node-sdk' });
    const { data } = await nodeDb.collection('editions').where({ title: 'node-sdk' }).get();
    expect(data).toHaveLength(1);
  });
});
