/**
 * Images in a lesson article's Markdown body: `![alt](target)`, optionally with a title. A creator's course file may
 * name a local image (`images/stack.png`, relative to the file the body is in): `course:import` uploads it to private
 * storage and writes its cloud fileID in its place. The content checks send each fileID to the image check
 * (shared/content/course-fields.ts); `learning.lesson` hands the article out with each fileID replaced by a temp URL,
 * since clients cannot read storage (README, "Storage").
 */
import { posix } from 'node:path';

/** A Markdown image; group 1 is the alt text, group 2 the target. */
const IMAGE = /!\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g;
/** A target with a scheme (`https:`, `cloud:`, `data:`) is not a local file. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

const isCloud = (target: string): boolean => target.startsWith('cloud://');

/** Each image replaced by what `replace` gives for it (its whole Markdown, or text). */
function mapImages(body: string, replace: (target: string, alt: string, image: string) => string): string {
  return body.replace(IMAGE, (image, alt: string, target: string) => replace(target, alt, image));
}

/** Where an image's file is: storage (a fileID), beside the course file (a path), or the web (never checked). */
export type ImageSource = 'cloud' | 'local' | 'web';

/**
 * The body's images in order (an image used twice is listed twice), each with its target as written (a local one
 * relative to the file the body is in). The import refuses web images and turns every local one into a fileID, so
 * an image's index here is its index in the published article.
 */
export function imagesOf(body: string): { target: string; source: ImageSource }[] {
  return [...body.matchAll(IMAGE)].map((match) => {
    const target = match[2] ?? '';
    return { target, source: isCloud(target) ? 'cloud' : SCHEME.test(target) ? 'web' : 'local' };
  });
}

/** The fileIDs of the body's images, in order. */
export function articleImageIds(body: string): string[] {
  return imagesOf(body).flatMap((image) => (image.source === 'cloud' ? [image.target] : []));
}

/** A local image's path relative to the course file, from the folder of the file its body is in. */
export function imagePath(bodyFolder: string, ref: string): string {
  return posix.normalize(posix.join(bodyFolder, ref));
}

/** The body with each local image's target replaced by its fileID (`fileIdOf` knows every one of them). */
export function withImageFileIds(body: string, fileIdOf: (ref: string) => string): string {
  return mapImages(body, (target, alt, image) => (SCHEME.test(target) ? image : `![${alt}](${fileIdOf(target)})`));
}

/**
 * The body with each image's fileID replaced by its URL. An image with none keeps only its alt text, and so does any
 * image that is not a fileID (a web image edited into the console): learners see only images that were checked.
 */
export function withImageUrls(body: string, urls: ReadonlyMap<string, string>): string {
  return mapImages(body, (target, alt) => {
    const url = isCloud(target) ? urls.get(target) : undefined;
    return url === undefined ? alt : `![${alt}](${url})`;
  });
}
