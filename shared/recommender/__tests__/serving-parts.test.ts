/** The pure parts behind the retrain and serving: binary files, item factors, list entries, snapshot paging. */
import { decodeBinary, encodeBinary } from '../data/binary';
import { ItemFactors } from '../algorithms/item-factors';
import { formatEntry, parseList, recommendFromSignals, shardOf } from '../platform/lists';
import type { RetrainStore } from '../job/types';
import { readAllSnapshots } from '../platform/cloud-store';
import { SNAPSHOT_BUCKETS, type InteractionSnapshot } from '../data/snapshot';

describe('binary files', () => {
  it('round-trip a header and arrays of every kind and odd length', () => {
    const arrays = {
      a: Float32Array.from([1.5, -2.25, 3]),
      b: Float64Array.from([Math.PI]),
      c: Int32Array.from([-7, 0, 7, 2 ** 30, 5]),
    };
    const { header, arrays: back } = decodeBinary<{ ids: string[] }>(encodeBinary({ ids: ['x', '课程'] }, arrays));
    expect(header).toEqual({ ids: ['x', '课程'] });
    expect(back).toEqual(arrays);
  });

  it('refuse a foreign or truncated file', () => {
    expect(() => decodeBinary(Buffer.from('not a factors file'))).toThrow('Not a cloudcourse binary file');
    const bytes = encodeBinary({}, { a: new Float64Array(4) });
    expect(() => decodeBinary(bytes.subarray(0, bytes.length - 8))).toThrow('Truncated');
  });
});

describe('item factors', () => {
  // k = 1, items y = [1, 2], λ = 1, alpha = 1.
  const model = new ItemFactors(['a', 'b'], [1, 2], 1, 1, 1);

  it('fold a learner in with the ALS user step (known answer)', () => {
    // One signal of strength 1 on a: c = 2; x = c·y_a / (yᵀy + λ + (c − 1)·y_a²) = 2 / (5 + 1 + 1) = 2/7.
    const x = model.foldIn(new Map([[0, 1]])) as Float64Array;
    expect(x[0]).toBeCloseTo(2 / 7, 12);
    expect(model.top(x, 1, model.mask([0]))).toEqual([{ index: 1, score: expect.closeTo(4 / 7, 12) }]);
    expect(model.foldIn(new Map())).toBeNull();
  });

  it('survive storage as float32 and refuse non-finite factors', () => {
    const precise = new ItemFactors(['a', 'b'], [0.1, 1 / 3], 1, 1, 1);
    const back = ItemFactors.decode(precise.encode());
    expect([...back.factors]).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expect([...back.items.ids]).toEqual(['a', 'b']);
    expect(() => new ItemFactors(['a'], [NaN], 1, 1, 1)).toThrow('non-finite');
  });

  it('find similar items by cosine, never the item itself', () => {
    const three = new ItemFactors(['a', 'b', 'c'], [1, 0, 0.9, 0.1, 0, 1], 2, 1, 1);
    expect(three.similar('a', 5)).toEqual([
      { id: 'b', score: expect.closeTo(0.9 / Math.hypot(0.9, 0.1), 12) },
      { id: 'c', score: 0 },
    ]);
    expect(three.similar('unknown', 5)).toEqual([]);
  });
});

describe('list entries', () => {
  const three = new ItemFactors(['a', 'b', 'c', 'd'], [1, 0, 0.9, 0.1, 0, 1, 0.8, 0.3], 2, 0.1, 1);

  it('recommend neither a course with a signal nor a blocked one, each with its most similar own course', () => {
    const entries = recommendFromSignals(
      three,
      new Map([
        ['a', 3],
        ['x-unknown', 1],
      ]),
      10,
      new Set([1]),
    );
    expect(entries.map((e) => e.courseId)).toEqual(['d', 'c']);
    expect(entries.every((e) => e.because === 'a')).toBe(true);
    expect(recommendFromSignals(three, new Map([['x-unknown', 1]]), 10, new Set())).toEqual([]);
  });

  it('round-trip through their compact form and skip malformed ones', () => {
    const entries = [
      { courseId: 'py-101', score: 0.91234567, because: 'js-1' },
      { courseId: 'c2', score: -0.5 },
    ];
    const stored = entries.map(formatEntry);
    expect(stored).toEqual(['py-101:0.9123:js-1', 'c2:-0.5']);
    expect(parseList([...stored, 42, 'broken', ':1'])).toEqual([
      { courseId: 'py-101', score: 0.9123, because: 'js-1' },
      { courseId: 'c2', score: -0.5 },
    ]);
  });

  it('spread learners over shards stably', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`o${i}`, 4)]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(850);
    expect(shardOf('oAbc', 7)).toBe(shardOf('oAbc', 7));
  });
});

describe('reading every snapshot', () => {
  it('reads each document exactly once, never more than a page per read, whatever the bucket sizes', async () => {
    // 3,000 learners spread evenly plus 2,500 in bucket 7 alone (more than a page).
    const docs: InteractionSnapshot[] = [];
    for (let i = 0; i < 3000; i++) docs.push({ _id: `u${i}`, _openid: `u${i}`, b: i % SNAPSHOT_BUCKETS });
    for (let i = 0; i < 2500; i++) docs.push({ _id: `h${i}`, _openid: `h${i}`, b: 7 });
    const sizes: number[] = [];
    const store: Pick<RetrainStore, 'readSnapshots'> = {
      async readSnapshots(from, to, after, limit) {
        const page = docs
          .filter((d) => d.b >= from && d.b < to && (after === null || d._id > after))
          .sort((x, y) => (x._id < y._id ? -1 : 1))
          .slice(0, limit);
        sizes.push(page.length);
        return page;
      },
    };
    const seen: string[] = [];
    const reads = await readAllSnapshots(store, 1000, (doc) => seen.push(doc._id));
    expect(seen.sort()).toEqual(docs.map((d) => d._id).sort());
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    expect(reads).toBe(sizes.length);
    // Six pages would do; the skewed bucket costs a few halvings and the first ranges are probes.
    expect(reads).toBeLessThanOrEqual(40);
  });
});
