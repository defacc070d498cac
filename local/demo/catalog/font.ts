/**
 * A 3×5 pixel font of the digits, enough to print a lesson's number into a demo video frame, and the mask of a
 * text drawn with it: glyph pixels and a one-pixel outline around them, so the text reads on any background.
 */

const GLYPHS: Record<string, readonly string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '###', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '.#.', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** Mask values: what a pixel of the text mask is. */
export const TEXT = 2;
export const OUTLINE = 1;

/** Width in pixels of `text` at `scale` (glyphs one scaled column apart). */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

/**
 * Draws `text` (digits) into `mask` (`width` pixels a row) with its top-left corner at (`left`, `top`), each font
 * pixel a `scale`×`scale` square: TEXT on the glyphs, OUTLINE on the pixels around them. Pixels outside the mask
 * are clipped.
 */
export function drawText(
  mask: Uint8Array,
  width: number,
  text: string,
  left: number,
  top: number,
  scale: number,
): void {
  const height = mask.length / width;
  const set = (x: number, y: number, value: number): void => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = y * width + x;
    mask[i] = Math.max(mask[i] as number, value);
  };
  [...text].forEach((char, n) => {
    const rows = GLYPHS[char];
    if (!rows) throw new RangeError(`no glyph for ${JSON.stringify(char)}`);
    const x0 = left + n * (GLYPH_WIDTH + 1) * scale;
    rows.forEach((row, gy) => {
      [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        for (let y = top + gy * scale - 1; y < top + (gy + 1) * scale + 1; y += 1)
          for (let x = x0 + gx * scale - 1; x < x0 + (gx + 1) * scale + 1; x += 1) set(x, y, OUTLINE);
        for (let y = top + gy * scale; y < top + (gy + 1) * scale; y += 1)
          for (let x = x0 + gx * scale; x < x0 + (gx + 1) * scale; x += 1) set(x, y, TEXT);
      });
    });
  });
}
