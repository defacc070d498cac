/**
 * Images in a lesson article's Markdown body: `![alt](cloud://…)`, optionally with a title. The content checks send
 * each to the image check (shared/content/course-fields.ts); `learning.lesson` hands the article out with each
 * fileID replaced by a temp URL, since clients cannot read storage (README, "Storage").
 */

/** A Markdown image whose target is a cloud fileID; group 1 is the fileID. */
const BODY_IMAGE = /!\[([^\]]*)\]\(\s*<?(cloud:\/\/[^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** The fileIDs of the body's images, in order (an image used twice is listed twice). */
export function articleImageIds(body: string): string[] {
  return [...body.matchAll(BODY_IMAGE)].map((match) => match[2] ?? '');
}

/** The body with each image's fileID replaced by its URL; an image with none keeps only its alt text. */
export function withImageUrls(body: string, urls: ReadonlyMap<string, string>): string {
  return body.replace(BODY_IMAGE, (_image, alt: string, fileId: string) => {
    const url = urls.get(fileId);
    return url === undefined ? alt : `![${alt}](${url})`;
  });
}
