import fc from 'fast-check';
import { CHUNK_OVERLAP, chunkRanges, chunkText } from '../chunks';

test('text that fits is one piece', () => {
  expect(chunkText('短文')).toEqual(['短文']);
  expect(chunkText('长'.repeat(2500))).toHaveLength(1);
  expect(chunkText('')).toEqual(['']);
});

test('a long body is cut after a paragraph break in the second half of a piece, then overlaps by 50', () => {
  const first = '甲'.repeat(2000) + '\n\n';
  const text = first + '乙'.repeat(1000);
  const chunks = chunkText(text);
  expect(chunks[0]).toBe(first);
  expect(chunks[1]).toBe(first.slice(-CHUNK_OVERLAP) + '乙'.repeat(1000));
});

test('without a paragraph break a sentence end is the cut; a break too early in the piece is not used', () => {
  const text = '起\n\n' + '丙'.repeat(1500) + '。' + '丁'.repeat(1500);
  expect(chunkText(text)[0]).toBe('起\n\n' + '丙'.repeat(1500) + '。');
});

test('a body with no boundary is cut at the limit, never inside an emoji', () => {
  const text = '字'.repeat(2499) + '😀' + '字'.repeat(100);
  const chunks = chunkText(text);
  expect(chunks[0]).toBe('字'.repeat(2499));
  expect(chunks[1]?.startsWith('字'.repeat(49))).toBe(true);
  expect(chunks.join('')).not.toContain('\ud83d字');
});

test('a boundary right after the overlap does not stall the cut (it once looped at 101 characters a piece)', () => {
  const text = 'a'.repeat(49) + ' ' + 'b'.repeat(200);
  const ranges = chunkRanges(text, 101);
  expect(ranges[0]).toEqual([0, 101]);
  expect(ranges.at(-1)?.[1]).toBe(text.length);
});

const piece = fc.oneof(
  fc.constantFrom('。', '\n', '\n\n', ' ', '!', '😀', '刷单', 'a'),
  fc.string({ unit: fc.constantFrom('学', '习', 'x', 'y'), maxLength: 400, size: 'max' }),
);

test('every piece fits, pieces cover the text, and every run of up to 50 characters lies inside one piece', () => {
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 40, size: 'max' }),
      fc.integer({ min: 101, max: 700 }),
      (parts, maxChars) => {
        const text = parts.join('');
        const ranges = chunkRanges(text, maxChars);
        expect(chunkText(text, maxChars)).toEqual(ranges.map(([start, end]) => text.slice(start, end)));
        expect(ranges[0]?.[0]).toBe(0);
        expect(ranges.at(-1)?.[1]).toBe(text.length);
        for (const [i, [start, end]] of ranges.entries()) {
          expect(end - start).toBeLessThanOrEqual(maxChars);
          if (text !== '') expect(end).toBeGreaterThan(start);
          const next = ranges[i + 1];
          if (next) expect(next[0]).toBeLessThanOrEqual(end - CHUNK_OVERLAP);
          if (next) expect(next[0]).toBeGreaterThan(start);
        }
        const split = [...Array(Math.max(0, text.length - CHUNK_OVERLAP + 1)).keys()].find(
          (at) => !ranges.some(([start, end]) => start <= at && at + CHUNK_OVERLAP <= end),
        );
        expect(split).toBeUndefined();
      },
    ),
    { numRuns: 100 },
  );
});
