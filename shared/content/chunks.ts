/**
 * Long text cut into pieces msgSecCheck takes (at most 2,500 characters a call). A piece ends at the last paragraph
 * break, else line break, else sentence end, else space in its second half, else at the limit (never inside a
 * surrogate pair). Consecutive pieces overlap by CHUNK_OVERLAP characters, so any run of up to that many characters
 * — a word the platform knows, which may sit on a cut — lies whole inside one piece: if a run is not inside piece i,
 * it starts after piece i's end minus the overlap, which is where piece i + 1 starts.
 *
 * The operator's blocked terms never need this: they are matched on the whole text (./normalize.ts).
 */
import { MSG_SEC_CHECK_MAX_CHARS } from './sec-check';

/** Longer than any blocked term (at most 50 characters) and than the words and phrases a platform matches. */
export const CHUNK_OVERLAP = 50;

/** Where a piece may end, best first: after a paragraph break, a line break, a sentence end, a space. */
const BOUNDARIES: readonly RegExp[] = [/\n\s*\n/g, /\n/g, /[。！？!?；;…]|[.](?=\s)/g, /\s/g];

/**
 * `text` in pieces of at most `maxChars` (UTF-16 units, as the API counts) that overlap by `overlap`; one piece when
 * it fits. `maxChars` must exceed twice the overlap.
 */
export function chunkText(text: string, maxChars = MSG_SEC_CHECK_MAX_CHARS, overlap = CHUNK_OVERLAP): string[] {
  return chunkRanges(text, maxChars, overlap).map(([start, end]) => text.slice(start, end));
}

/** Where the pieces of `chunkText` start and end in `text`, `[start, end)`. */
export function chunkRanges(
  text: string,
  maxChars = MSG_SEC_CHECK_MAX_CHARS,
  overlap = CHUNK_OVERLAP,
): [number, number][] {
  if (maxChars <= 2 * overlap) throw new Error(`maxChars (${maxChars}) must exceed twice the overlap (${overlap})`);
  const ranges: [number, number][] = [];
  let start = 0;
  for (;;) {
    if (text.length - start <= maxChars) {
      ranges.push([start, text.length]);
      return ranges;
    }
    const end = cutAt(text, start, maxChars, overlap);
    ranges.push([start, end]);
    start = end - overlap;
    // The next piece must not begin on the second half of a surrogate pair.
    if (isLowSurrogate(text.charCodeAt(start))) start -= 1;
  }
}

/**
 * The end of the piece that starts at `start`: the last boundary in its second half, else the limit. The piece is
 * always longer than the overlap plus one, so the next piece starts further on (even one moved back off a surrogate).
 */
function cutAt(text: string, start: number, maxChars: number, overlap: number): number {
  const window = text.slice(start, start + maxChars);
  const earliest = Math.max(Math.floor(maxChars / 2), overlap + 2);
  for (const boundary of BOUNDARIES) {
    let last = -1;
    for (const match of window.matchAll(boundary)) {
      const after = (match.index ?? 0) + match[0].length;
      if (after >= earliest && after <= maxChars) last = after;
    }
    if (last > 0) return start + last;
  }
  const end = start + maxChars;
  return isLowSurrogate(text.charCodeAt(end)) ? end - 1 : end;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
