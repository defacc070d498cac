import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalCloud } from '../cloud';
import type { AdminReply, AdminRequest } from '../server/admin';
import { CloudApiError, ErrorCodes } from '../server/errors';
import { HttpError, readBody } from '../server/http';
import type { BlobStore } from './blobs';
import { bucketOf, cloudPathProblem, contentTypeOf, formatFileId, parseFileId } from './paths';

/**
 * Temp URL lifetime when the caller gives no `max_age`, and the longest one granted (a longer `max_age` is cut to it).
 * The CloudBase server/H5 docs say "default 1 day, max 1 day" (the mini-program client doc says 10 min); see
 * docs/platform-facts.md "Protected media". Functions handing out paid media pass a short `maxAge` themselves.
 */
export const DEFAULT_URL_MAX_AGE_SEC = 86_400;
export const MAX_URL_MAX_AGE_SEC = 86_400;
/** Ids per `getTempFileURL` / `deleteFile` call, as the real service allows. */
export const MAX_FILES_PER_CALL = 50;
/** How long the PUT authorised by `getUploadMetadata` stays usable. */
export const UPLOAD_TTL_SEC = 600;
const MAX_PENDING_UPLOADS = 10_000;

/** `/cos/<bucket>/<cloudPath>`: where the SDK PUTs a file. */
export const UPLOAD_ROUTE = /^\/cos\/([^/]+)\/(.+)$/;
/** `/tcb/<bucket>/<cloudPath>?sign=…&t=…`: temp URLs. */
export const DOWNLOAD_ROUTE = /^\/tcb\/([^/]+)\/(.+)$/;

export interface StorageOptions {
  /** The clock temp URLs and uploads expire by, in epoch milliseconds. @default Date.now */
  now?: () => number;
  /** Largest file a PUT may carry; the local cloud holds a file in memory while receiving it. @default 256 MiB */
  maxFileBytes?: number;
}

interface PendingUpload {
  cloudPath: string;
  authorization: string;
  cosFileId: string;
  expiresAtMs: number;
}

interface FileResult {
  fileID: unknown;
  code: string;
  message?: string;
}

/** Cloud storage of one local cloud: the `storage.*` actions, the upload and download endpoints, and a direct API. */
export class Storage {
  readonly bucket: string;
  private readonly now: () => number;
  private readonly maxFileBytes: number;
  /** Uploads authorised by `getUploadMetadata`, by their security token; each allows one PUT. */
  private readonly pending = new Map<string, PendingUpload>();

  constructor(
    private readonly cloud: LocalCloud,
    private readonly blobs: BlobStore,
    options: StorageOptions = {},
  ) {
    this.bucket = bucketOf(cloud.envId);
    this.now = options.now ?? Date.now;
    this.maxFileBytes = options.maxFileBytes ?? 256 * 1024 * 1024;
  }

  /** The fileID a cloudPath has in this environment. */
  fileId(cloudPath: string): string {
    return formatFileId(this.cloud.envId, this.bucket, cloudPath);
  }

  /** Stores (or overwrites) a file and returns its fileID. */
  async put(cloudPath: string, bytes: Buffer): Promise<string> {
    const problem = cloudPathProblem(cloudPath);
    if (problem !== undefined) throw new Error(problem);
    await this.blobs.write(cloudPath, bytes);
    return this.fileId(cloudPath);
  }

  /** The file's bytes, or `undefined` when there is no such file in this environment. */
  async get(fileId: string): Promise<Buffer | undefined> {
    const cloudPath = this.pathOf(fileId);
    return cloudPath === undefined ? undefined : this.blobs.read(cloudPath);
  }

  async exists(fileId: string): Promise<boolean> {
    const cloudPath = this.pathOf(fileId);
    return cloudPath !== undefined && this.blobs.has(cloudPath);
  }

  /** Deletes a file; whether it existed. */
  async remove(fileId: string): Promise<boolean> {
    const cloudPath = this.pathOf(fileId);
    return cloudPath !== undefined && this.blobs.remove(cloudPath);
  }

  /**
   * A signed temp URL, as `getTempFileURL` gives (unencoded, like the real one). It does not check that the file exists;
   * fetching it then answers 404. Needs the cloud to be listening (the URL carries its port).
   */
  tempUrl(fileId: string, maxAgeSec = DEFAULT_URL_MAX_AGE_SEC): string {
    const cloudPath = this.pathOf(fileId);
    if (cloudPath === undefined) throw new Error(`not a fileID of environment ${this.cloud.envId}: ${fileId}`);
    return this.signedUrl(cloudPath, clampMaxAge(maxAgeSec));
  }

  /** `storage.getUploadMetadata {path}` → where and with which credentials to PUT the file. */
  getUploadMetadata(request: AdminRequest): AdminReply {
    const cloudPath = request.params.path;
    const problem = cloudPathProblem(cloudPath);
    if (problem !== undefined || typeof cloudPath !== 'string') {
      throw new CloudApiError(ErrorCodes.invalidParam, problem ?? 'path is required');
    }
    this.dropExpiredUploads();
    const token = randomBytes(24).toString('hex');
    const upload: PendingUpload = {
      cloudPath,
      authorization: `q-sign-algorithm=sha1&q-signature=${randomBytes(20).toString('hex')}`,
      cosFileId: randomBytes(16).toString('base64url'),
      expiresAtMs: this.now() + UPLOAD_TTL_SEC * 1000,
    };
    this.pending.set(token, upload);
    const url = `${this.cloud.url}/cos/${this.bucket}/${cloudPath.split('/').map(encodeURIComponent).join('/')}`;
    return {
      data: {
        url,
        token,
        authorization: upload.authorization,
        fileId: this.fileId(cloudPath),
        cosFileId: upload.cosFileId,
      },
    };
  }

  /** `storage.batchGetDownloadUrl {file_list:[{fileid, max_age?}]}` → a temp URL or an error code per file. */
  async batchGetDownloadUrl(request: AdminRequest): Promise<AdminReply> {
    const list = fileListParam(request.params.file_list, 'file_list');
    const downloadList = await Promise.all(
      list.map(async (item) => {
        const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
        const cloudPath = await this.storedPath(entry.fileid);
        if (cloudPath === undefined) return { ...notFound(entry.fileid), tempFileURL: '' };
        const maxAge = clampMaxAge(entry.max_age);
        return { fileID: entry.fileid, tempFileURL: this.signedUrl(cloudPath, maxAge), code: 'SUCCESS', maxAge };
      }),
    );
    return { data: { download_list: downloadList } };
  }

  /** `storage.batchDeleteFile {fileid_list}` → a result per file. */
  async batchDeleteFile(request: AdminRequest): Promise<AdminReply> {
    const list = fileListParam(request.params.fileid_list, 'fileid_list');
    const deleteList = await Promise.all(
      list.map(async (fileId): Promise<FileResult> => {
        if (typeof fileId !== 'string' || !(await this.remove(fileId))) return notFound(fileId);
        return { fileID: fileId, code: 'SUCCESS' };
      }),
    );
    return { data: { delete_list: deleteList } };
  }

  /** The PUT of an upload: 200 with an empty body, or a COS `<Error>` document the SDK turns into an error. */
  async receiveUpload(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> {
    const cloudPath = decodePath(match[2]);
    const resource = `/${cloudPath ?? ''}`;
    const tokenHeader = req.headers['x-cos-security-token'];
    const token = typeof tokenHeader === 'string' ? tokenHeader : '';
    const upload = this.pending.get(token);
    const authorised =
      upload !== undefined &&
      match[1] === this.bucket &&
      upload.cloudPath === cloudPath &&
      upload.authorization === req.headers.authorization &&
      upload.cosFileId === req.headers['x-cos-meta-fileid'] &&
      upload.expiresAtMs > this.now();
    if (!authorised) {
      req.resume();
      return sendCosError(res, 403, 'AccessDenied', 'No valid upload authorisation for this key.', resource);
    }
    let bytes: Buffer;
    try {
      bytes = await readBody(req, this.maxFileBytes);
    } catch (error) {
      if (error instanceof HttpError && error.status === 413) {
        return sendCosError(res, 400, 'EntityTooLarge', error.message, resource);
      }
      throw error;
    }
    this.pending.delete(token);
    await this.blobs.write(upload.cloudPath, bytes);
    res.writeHead(200, { etag: `"${createHash('md5').update(bytes).digest('hex')}"`, 'content-length': 0 });
    res.end();
  }

  /** GET or HEAD of a temp URL: the bytes (one `Range` honoured), 403 when expired or tampered, 404 when deleted. */
  async serveDownload(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, url: URL): Promise<void> {
    const cloudPath = decodePath(match[2]);
    const resource = `/${cloudPath ?? ''}`;
    const expiresAtSec = Number(url.searchParams.get('t'));
    const signature = url.searchParams.get('sign') ?? '';
    if (
      cloudPath === undefined ||
      match[1] !== this.bucket ||
      !this.validSignature(cloudPath, expiresAtSec, signature)
    ) {
      return sendCosError(res, 403, 'AccessDenied', 'Signature mismatch.', resource);
    }
    if (this.now() >= expiresAtSec * 1000)
      return sendCosError(res, 403, 'AccessDenied', 'Request has expired.', resource);
    const bytes = await this.blobs.read(cloudPath);
    if (bytes === undefined) return sendCosError(res, 404, 'NoSuchKey', 'The specified key does not exist.', resource);
    const headers = { 'content-type': contentTypeOf(cloudPath), 'accept-ranges': 'bytes' };
    const range = parseRange(req.headers.range, bytes.length);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${bytes.length}`, 'content-length': 0 });
      return void res.end();
    }
    if (range) {
      const [start, end] = range;
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${end}/${bytes.length}`,
        'content-length': end - start + 1,
      });
      return void res.end(bytes.subarray(start, end + 1));
    }
    res.writeHead(200, { ...headers, 'content-length': bytes.length });
    res.end(bytes);
  }

  private pathOf(fileId: unknown): string | undefined {
    return parseFileId(fileId, this.cloud.envId, this.bucket);
  }

  /** The cloudPath of a fileID whose file is stored, else `undefined`. */
  private async storedPath(fileId: unknown): Promise<string | undefined> {
    const cloudPath = this.pathOf(fileId);
    return cloudPath !== undefined && (await this.blobs.has(cloudPath)) ? cloudPath : undefined;
  }

  private signedUrl(cloudPath: string, maxAgeSec: number): string {
    const expiresAtSec = Math.floor(this.now() / 1000) + maxAgeSec;
    return `${this.cloud.url}/tcb/${this.bucket}/${cloudPath}?sign=${this.sign(cloudPath, expiresAtSec)}&t=${expiresAtSec}`;
  }

  private sign(cloudPath: string, expiresAtSec: number): string {
    return createHmac('sha256', this.blobs.urlSecret)
      .update(`${this.bucket}\n${cloudPath}\n${expiresAtSec}`)
      .digest('hex');
  }

  private validSignature(cloudPath: string, expiresAtSec: number, signature: string): boolean {
    if (!Number.isSafeInteger(expiresAtSec) || !/^[0-9a-f]{64}$/.test(signature)) return false;
    return timingSafeEqual(Buffer.from(this.sign(cloudPath, expiresAtSec), 'hex'), Buffer.from(signature, 'hex'));
  }

  private dropExpiredUploads(): void {
    const now = this.now();
    for (const [token, upload] of this.pending) {
      if (upload.expiresAtMs <= now || this.pending.size >= MAX_PENDING_UPLOADS) this.pending.delete(token);
    }
  }
}

/** The per-file answer for a fileID that names no stored file. */
function notFound(fileId: unknown): FileResult {
  return { fileID: fileId, code: ErrorCodes.storageFileNotExist, message: 'storage file not exists' };
}

function fileListParam(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new CloudApiError(ErrorCodes.invalidParam, `${name} must be an array`);
  if (value.length > MAX_FILES_PER_CALL) {
    throw new CloudApiError(
      ErrorCodes.invalidParam,
      `${name} has ${value.length} files; at most ${MAX_FILES_PER_CALL}`,
    );
  }
  return value;
}

/** A positive `max_age` is kept up to the cap; a missing or unusable one gets the default. */
function clampMaxAge(value: unknown): number {
  const seconds = Math.floor(Number(value));
  if (value === undefined || value === null || !Number.isFinite(seconds) || seconds <= 0) {
    return DEFAULT_URL_MAX_AGE_SEC;
  }
  return Math.min(seconds, MAX_URL_MAX_AGE_SEC);
}

function decodePath(encoded: string | undefined): string | undefined {
  try {
    const cloudPath = decodeURIComponent(encoded ?? '');
    return cloudPathProblem(cloudPath) === undefined ? cloudPath : undefined;
  } catch {
    return undefined;
  }
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; other forms are ignored (the whole file is sent). */
function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start > end || start >= size ? 'unsatisfiable' : [start, end];
}

/** The error document COS answers with; the SDK reads Code, Message, RequestId and TraceId from it. */
function sendCosError(res: ServerResponse, status: number, code: string, message: string, resource: string): void {
  const requestId = randomUUID();
  const body = Buffer.from(
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n<Code>${code}</Code>\n<Message>${escapeXml(message)}</Message>\n` +
      `<Resource>${escapeXml(resource)}</Resource>\n<RequestId>${requestId}</RequestId>\n<TraceId>${requestId}</TraceId>\n</Error>\n`,
  );
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': body.length,
    'x-cos-request-id': requestId,
  });
  res.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
