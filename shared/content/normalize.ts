/**
 * Text a person writes, in the two forms the product needs (reviews today; discussions and course text later):
 *
 * - `cleanText`, what is stored and shown: the text as typed, without what cannot be seen (zero-width characters,
 *   direction overrides, other default-ignorable code points, control characters other than newline and tab),
 *   canonically composed (NFC) and trimmed (the braille blank counts as a space). Emoji keep their joiners and
 *   presentation selectors, so 👨‍👩‍👧 and ❤️ look as typed. Full-width letters and Chinese punctuation stay as typed.
 * - `checkForm`, what content checks see (msgSecCheck and the operator's blocked terms), never stored: the clean text
 *   with no invisible character at all, compatibility forms folded (NFKC: ｗｘ → wx, ① → 1, the ideographic space →
 *   a space), the spacing between CJK characters removed (加 微 信 → 加微信) and other runs of spacing made one space.
 *   So `刷\u200b单返现` and `加 微信` are checked as 刷单返现 and 加微信.
 */

/** Code points no reader sees (Unicode's Default_Ignorable_Code_Point: ZWSP, ZWJ, LRM, RLO, BOM, fillers, tags, …). */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
const ALL_INVISIBLE = new RegExp(INVISIBLE.source, 'gu');
/** Control characters other than tab and newline (carriage returns are made newlines first). */
const CONTROL = /[^\P{Cc}\t\n]/gu;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
/** A skin-tone modifier, which sits between an emoji and the joiner that follows it. */
const MODIFIER = /\p{Emoji_Modifier}/u;
const ZWJ = '\u200d';
const PRESENTATION_SELECTORS = new Set(['\ufe0e', '\ufe0f']);

/** Han, kana, Hangul and Bopomofo: scripts written without spaces between words. */
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\p{Script=Bopomofo}';
/** Whitespace, and the braille blank that renders as one. */
const BLANK = '\\s\\u2800';
const CJK_SPACING = new RegExp(`(?<=[${CJK}])[${BLANK}]+(?=[${CJK}])`, 'gu');
const SPACING = new RegExp(`[${BLANK}]+`, 'gu');
const EDGE_BLANKS = new RegExp(`^[${BLANK}]+|[${BLANK}]+$`, 'gu');

/** Whether the code point before `index` (skipping a skin-tone modifier) is an emoji. */
function emojiBefore(chars: readonly string[], index: number): boolean {
  let i = index - 1;
  if (i >= 0 && MODIFIER.test(chars[i] ?? '')) i -= 1;
  return i >= 0 && PICTOGRAPH.test(chars[i] ?? '');
}

/** Keeps the one invisible character at `index` only where it is part of an emoji: a joiner or a selector. */
function keepsEmoji(chars: readonly string[], index: number): boolean {
  const char = chars[index] ?? '';
  if (PRESENTATION_SELECTORS.has(char)) return emojiBefore(chars, index);
  return char === ZWJ && emojiBefore(chars, index) && PICTOGRAPH.test(chars[index + 1] ?? '');
}

/** What is stored and shown (see the module comment). */
export function cleanText(text: string): string {
  const chars = [...text.replace(/\r\n?/g, '\n').replace(CONTROL, '')];
  const kept = chars.filter((char, index) => !INVISIBLE.test(char) || keepsEmoji(chars, index));
  return kept.join('').normalize('NFC').replace(EDGE_BLANKS, '');
}

/** What content checks see (see the module comment). */
export function checkForm(text: string): string {
  return cleanText(text)
    .replace(ALL_INVISIBLE, '')
    .normalize('NFKC')
    .replace(CJK_SPACING, '')
    .replace(SPACING, ' ')
    .replace(EDGE_BLANKS, '');
}

/**
 * The first of the operator's `terms` that `text` contains, both compared in check form and ignoring case; terms that
 * are blank in check form are skipped (they would match everything).
 */
export function findBlockedTerm(text: string, terms: readonly string[]): string | undefined {
  const haystack = checkForm(text).toLowerCase();
  return terms.find((term) => {
    const needle = checkForm(term).toLowerCase();
    return needle !== '' && haystack.includes(needle);
  });
}
