/**
 * Covers as clients get them: every `cover` in a function's answer is turned from the stored fileID into a temp URL
 * on the way out (shared/entry `clientFunction`), so no client ever needs read access to storage. The environment's
 * storage is admin-only (README, "Storage"): a paid lesson's file and a cover still waiting for its content check
 * are readable by functions and nobody else, and a published course's cover reaches learners only through the
 * course's public answer.
 *
 * The URLs are cached for the warm instance: one lives a day (the longest the platform gives) and is handed out
 * while at least half of it remains, so every learner sees the same URL (the phone's image cache keeps working) and
 * a page of covers costs at most one `getTempFileURL` call, none while the cache holds them.
 */
import { isCloudFileId } from '../catalog/course-file/schema';
import type { TempUrls } from './temp-urls';

/** A day: the longest lifetime `getTempFileURL` grants. */
export const COVER_URL_LIFETIME_SEC = 86_400;
/** A cached URL is handed out while at least this much of its life is left. */
export const COVER_URL_MIN_LEFT_SEC = 43_200;
/** Covers a warm instance remembers; past it the oldest are forgotten first. */
const MAX_CACHED = 5_000;

export interface CoverUrlsOptions {
  /** Epoch milliseconds. @default Date.now */
  now?: () => number;
  /** Where a failed `getTempFileURL` is reported; the answer then carries empty covers. */
  log?: (message: string, error: unknown) => void;
}

export class CoverUrls {
  private readonly cache = new Map<string, { url: string; expiresAtMs: number }>();
  private readonly now: () => number;
  private readonly log: (message: string, error: unknown) => void;

  constructor(
    private readonly tempUrls: TempUrls,
    options: CoverUrlsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((message, error) => console.warn(message, error));
  }

  /**
   * A copy of `data` with every `cover` fileID replaced by its URL (an empty string for a file that does not exist
   * or when the platform fails: a missing picture, never a failed page). Other values are copied as they are.
   */
  async resolve<T>(data: T): Promise<T> {
    const fileIds = new Set<string>();
    collectCovers(data, fileIds);
    if (fileIds.size === 0) return data;
    const urls = await this.urlsOf([...fileIds]);
    return replaceCovers(data, urls) as T;
  }

  private async urlsOf(fileIds: string[]): Promise<Map<string, string>> {
    const nowMs = this.now();
    const urls = new Map<string, string>();
    const missing: string[] = [];
    for (const fileId of fileIds) {
      const cached = this.cache.get(fileId);
      if (cached && cached.expiresAtMs - nowMs >= COVER_URL_MIN_LEFT_SEC * 1000) urls.set(fileId, cached.url);
      else missing.push(fileId);
    }
    if (missing.length === 0) return urls;
    let fresh: Map<string, string>;
    try {
      fresh = await this.tempUrls(missing, COVER_URL_LIFETIME_SEC);
    } catch (error) {
      this.log('[covers] getTempFileURL failed; the answer goes out without these covers', error);
      return urls;
    }
    const expiresAtMs = nowMs + COVER_URL_LIFETIME_SEC * 1000;
    for (const [fileId, url] of fresh) {
      urls.set(fileId, url);
      this.cache.delete(fileId);
      this.cache.set(fileId, { url, expiresAtMs });
    }
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED) break;
      this.cache.delete(oldest);
    }
    return urls;
  }
}

function collectCovers(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectCovers(item, into);
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'cover' && typeof item === 'string' && isCloudFileId(item)) into.add(item);
      else collectCovers(item, into);
    }
  }
}

function replaceCovers(value: unknown, urls: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceCovers(item, urls));
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const replaced =
      key === 'cover' && typeof item === 'string' && isCloudFileId(item)
        ? (urls.get(item) ?? '')
        : replaceCovers(item, urls);
    // As data properties: a key `__proto__` stays a key.
    Object.defineProperty(copy, key, { value: replaced, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** Plain objects only: anything else (a Date, a Buffer) goes out as it is. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
