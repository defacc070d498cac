/**
 * A small Markdown reader for lesson articles: headings, paragraphs, lists, quotes and code blocks become blocks the
 * page renders with plain views, so an article looks the same in WeChat and in the browser preview. Inline marks
 * (`**bold**`, `` `code` ``) are removed, links keep their text. An image on a line of its own is an `img` block (its
 * URL is the temp URL `learning.lesson` put there); an image inside a paragraph keeps its alt text.
 */

export type BlockKind = 'h1' | 'h2' | 'h3' | 'p' | 'li' | 'quote' | 'code' | 'img';

export interface Block {
  kind: BlockKind;
  /** The text; an image's alt text. */
  text: string;
  /** An image's URL. */
  src?: string;
}

/** `![alt](https://…)` alone on a line, optionally with a title. */
const IMAGE_LINE = /^\s*!\[([^\]]*)\]\(\s*<?(https?:\/\/[^\s)>]+)>?(?:\s+"[^"]*")?\s*\)\s*$/;

function inline(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/`([^`]+)`/g, '$1')
    .trim();
}

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  const endParagraph = (): void => {
    if (paragraph.length) blocks.push({ kind: 'p', text: inline(paragraph.join(' ')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^```/.test(line)) {
      endParagraph();
      const code: string[] = [];
      for (i++; i < lines.length && !/^```/.test(lines[i] ?? ''); i++) code.push(lines[i] ?? '');
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*(?:[-*+]|\d+\.)\s+(.*)$/.exec(line);
    const quote = /^>\s?(.*)$/.exec(line);
    const image = IMAGE_LINE.exec(line);
    if (image) {
      endParagraph();
      blocks.push({ kind: 'img', text: image[1] ?? '', src: image[2] ?? '' });
    } else if (heading) {
      endParagraph();
      const level = Math.min((heading[1] ?? '#').length, 3);
      blocks.push({ kind: `h${level}` as BlockKind, text: inline(heading[2] ?? '') });
    } else if (item) {
      endParagraph();
      blocks.push({ kind: 'li', text: inline(item[1] ?? '') });
    } else if (quote) {
      endParagraph();
      blocks.push({ kind: 'quote', text: inline(quote[1] ?? '') });
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line.trim());
    }
  }
  endParagraph();
  return blocks.filter((block) => block.text !== '' || block.kind === 'code' || block.kind === 'img');
}

/** The article's blocks without a leading `# Title` that repeats the lesson title the page already shows. */
export function articleBlocks(source: string, title: string): Block[] {
  const blocks = parseMarkdown(source);
  const [first] = blocks;
  return first?.kind === 'h1' && first.text === title.trim() ? blocks.slice(1) : blocks;
}
