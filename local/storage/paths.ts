import path from 'node:path';

/** The longest cloudPath accepted, in UTF-8 bytes (COS object keys are limited to 850 bytes). */
export const MAX_CLOUD_PATH_BYTES = 850;

/**
 * Why a cloudPath is refused, or `undefined` when it is acceptable. Stricter than COS on purpose: no `.`/`..` or empty
 * segments (so no path can mean a folder above the storage root, whatever the backend), no backslashes or control
 * characters, and no `?` or `#`, which the unencoded temp URL (the SDK only `encodeURI`s it) could not carry.
 */
export function cloudPathProblem(cloudPath: unknown): string | undefined {
  if (typeof cloudPath !== 'string' || cloudPath.length === 0) return 'cloudPath must be a non-empty string';
  if (Buffer.byteLength(cloudPath) > MAX_CLOUD_PATH_BYTES) return `cloudPath exceeds ${MAX_CLOUD_PATH_BYTES} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\\?#\u0000-\u001f\u007f]/.test(cloudPath)) return 'cloudPath contains a forbidden character';
  const segments = cloudPath.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'cloudPath must not have empty, "." or ".." segments';
  }
  return undefined;
}

/**
 * The bucket name of an environment, shaped like the real one (`<hex of the env id's first two chars>-<envId>-<appid
 * number>`, e.g. `7465-test-1250000000`); the number is fixed locally.
 */
export function bucketOf(envId: string): string {
  return `${Buffer.from(envId.slice(0, 2)).toString('hex')}-${envId}-1250000000`;
}

/** `cloud://<envId>.<bucket>/<cloudPath>`, the fileID the real service gives. */
export function formatFileId(envId: string, bucket: string, cloudPath: string): string {
  return `cloud://${envId}.${bucket}/${cloudPath}`;
}

/** The cloudPath a fileID of this environment names, or `undefined` for any other or malformed fileID. */
export function parseFileId(fileId: unknown, envId: string, bucket: string): string | undefined {
  const prefix = `cloud://${envId}.${bucket}/`;
  if (typeof fileId !== 'string' || !fileId.startsWith(prefix)) return undefined;
  const cloudPath = fileId.slice(prefix.length);
  return cloudPathProblem(cloudPath) === undefined ? cloudPath : undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  '.aac': 'audio/aac',
  '.css': 'text/css; charset=utf-8',
  '.gif': 'image/gif',
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'application/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4a': 'audio/mp4',
  '.md': 'text/markdown; charset=utf-8',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'video/mp2t',
  '.txt': 'text/plain; charset=utf-8',
  '.vtt': 'text/vtt; charset=utf-8',
  '.wav': 'audio/wav',
  '.webm': 'video/webm',
  '.webp': 'image/webp',
};

/** The Content-Type a download is served with, from the file's extension. */
export function contentTypeOf(cloudPath: string): string {
  return CONTENT_TYPES[path.posix.extname(cloudPath).toLowerCase()] ?? 'application/octet-stream';
}
