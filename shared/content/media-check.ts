/**
 * Submitting a creator's image or audio to `security.mediaCheckAsync` v2, and reading what came of it. The platform
 * downloads a public URL (never a fileID), so each file is handed over as a temp URL that outlives the documented
 * 30-minute wait (MEDIA_URL_MAX_AGE_SEC); its size is read first with one ranged GET, and a file over 10 MB is
 * refused with the reason, never submitted. Each accepted submission is one `mediaChecks` document, `_id` = its trace
 * id, `status: 'pending'` until the `wxa_media_check` push answers it (./media-results.ts) or the timer expires and
 * resubmits it (./media-sweep.ts). A fileID's verdict is the best evidence among its submissions
 * (`mediaVerdictOf`): any risky answer, then review, then pass, then still pending, then expired.
 *
 * Known: WeChat says a pass on a URL it could not download is possible (docs/platform-facts.md), so a pass is weak
 * evidence; nothing here can tell.
 */
import { COLLECTIONS } from '../collections';
import type { Database } from '../db';
import { errCodeOf, SEC_CHECK_SCENES, STALE_OPENID_ERRCODE, type UnavailableReason } from './sec-check';
import type { MediaKind } from './course-fields';
import { UNAVAILABLE_ACTIONS } from './text-check';

/** The largest file mediaCheckAsync checks. */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;
/** The platform answers within 30 minutes. */
export const MEDIA_RESULT_WAIT_MS = 30 * 60 * 1000;
/** How long the temp URL handed to the platform lives: past the wait, so a late download still works. */
export const MEDIA_URL_MAX_AGE_SEC = 60 * 60;
/** Submissions of one file before an unanswered one is left expired. */
export const MAX_MEDIA_ATTEMPTS = 3;
/** How long the submitting call may take. */
export const MEDIA_SUBMIT_TIMEOUT_MS = 5000;

export type MediaCheckStatus = 'pending' | 'pass' | 'review' | 'risky' | 'expired';

/** A `mediaChecks` document. */
export interface MediaCheckDoc {
  _id: string;
  fileId: string;
  courseId: string;
  fieldPath: string;
  mediaType: MediaKind;
  openid: string;
  /** 1 for the first submission of this file for this field, then 2, … */
  attempt: number;
  /** Epoch ms. */
  submittedAt: number;
  status: MediaCheckStatus;
  label?: number;
  answeredAt?: number;
  /** The push came after the submission had expired. */
  late?: boolean;
  expiredAt?: number;
  /** The trace id of the submission that replaced this expired one. */
  resubmittedAs?: string;
}

export type MediaCheckAsync = (params: {
  media_url: string;
  media_type: MediaKind;
  version: 2;
  openid: string;
  scene: number;
}) => Promise<unknown>;

export interface MediaCheckDeps {
  db: Database;
  /** A temp URL of the file (the platform's `getTempFileURL`); undefined when there is no such file. */
  tempUrl: (fileId: string, maxAgeSec: number) => Promise<string | undefined>;
  mediaCheckAsync: MediaCheckAsync;
  /** The size of what a URL serves, in bytes; undefined when the server does not say. @default rangedSize */
  sizeOf?: (url: string) => Promise<number | undefined>;
  /** @default Date.now */
  now?: () => number;
}

export interface MediaSubmissionRequest {
  fileId: string;
  courseId: string;
  /** Where the file is in the course: `cover`, `lessons[2].media`, `lessons[0].body.images[1]`. */
  fieldPath: string;
  mediaType: MediaKind;
  /** The creator admin's openid (the API needs one that visited the mini-program in the last two hours). */
  openid: string;
  /** @default 1 */
  attempt?: number;
}

export type MediaSubmission =
  | { status: 'submitted'; traceId: string }
  | { status: 'refused'; reason: 'tooLarge' | 'notFound' | 'sizeUnknown'; message: string; bytes?: number }
  | { status: 'unavailable'; reason: UnavailableReason; action: string };

/**
 * Submits one file and records the submission. Refused (nothing submitted, nothing written): no such file, a size
 * the server will not tell, over 10 MB. Unavailable (nothing written; submit again later): the size could not be
 * read, the platform failed, gave no answer in time, no trace id, or the openid is stale.
 */
export async function submitMediaCheck(
  deps: MediaCheckDeps,
  request: MediaSubmissionRequest,
): Promise<MediaSubmission> {
  const { fileId, courseId, fieldPath, mediaType, openid } = request;
  if (openid === '') throw new Error("submitMediaCheck: openid (the creator admin's) is required");
  const url = await deps.tempUrl(fileId, MEDIA_URL_MAX_AGE_SEC);
  if (url === undefined) return { status: 'refused', reason: 'notFound', message: `文件不存在：${fileId}` };
  let bytes: number | undefined;
  try {
    bytes = await (deps.sizeOf ?? rangedSize)(url);
  } catch (error) {
    console.error(`[content] size of ${fileId} could not be read`, error);
    return unavailable('failed');
  }
  if (bytes === undefined) {
    return { status: 'refused', reason: 'sizeUnknown', message: `无法读取文件大小，未提交检查：${fieldPath}` };
  }
  if (bytes > MAX_MEDIA_BYTES) {
    const mb = (bytes / 1024 / 1024).toFixed(1);
    const message = `${fieldPath} 的文件为 ${mb} MB，超过内容检查 10 MB 的上限：请压缩后重新上传。`;
    return { status: 'refused', reason: 'tooLarge', message, bytes };
  }
  const answer = await askWithin(MEDIA_SUBMIT_TIMEOUT_MS, () =>
    deps.mediaCheckAsync({
      media_url: url,
      media_type: mediaType,
      version: 2,
      openid,
      scene: SEC_CHECK_SCENES.material,
    }),
  );
  if (answer === 'timeout') return unavailable('timeout');
  if ('error' in answer) {
    if (errCodeOf(answer.error) === STALE_OPENID_ERRCODE) return unavailable('staleOpenid');
    console.error(`[content] mediaCheckAsync failed for ${fileId}`, answer.error);
    return unavailable('failed');
  }
  const reply = (answer.reply ?? {}) as { traceId?: unknown; trace_id?: unknown };
  const traceId = reply.traceId ?? reply.trace_id;
  if (typeof traceId !== 'string' || traceId === '') return unavailable('unreadable');
  const doc: MediaCheckDoc = {
    _id: traceId,
    fileId,
    courseId,
    fieldPath,
    mediaType,
    openid,
    attempt: request.attempt ?? 1,
    submittedAt: (deps.now ?? Date.now)(),
    status: 'pending',
  };
  const { _id, ...data } = doc;
  await deps.db.collection(COLLECTIONS.mediaChecks).doc(_id).set({ data });
  return { status: 'submitted', traceId };
}

/** The best evidence among one file's submissions (see the module comment); undefined when there are none. */
export function mediaVerdictOf(docs: readonly Pick<MediaCheckDoc, 'status'>[]): MediaCheckStatus | undefined {
  const order: MediaCheckStatus[] = ['risky', 'review', 'pass', 'pending', 'expired'];
  return order.find((status) => docs.some((doc) => doc.status === status));
}

/** A course's media verdicts by field path (and file, as a field's file may change), with their submissions. */
export async function readMediaVerdicts(
  db: Database,
  courseId: string,
): Promise<{ fieldPath: string; fileId: string; status: MediaCheckStatus; label?: number }[]> {
  const found = (await db.collection(COLLECTIONS.mediaChecks).where({ courseId }).limit(1000).get()) as unknown as {
    data: MediaCheckDoc[];
  };
  const byField = new Map<string, MediaCheckDoc[]>();
  for (const doc of found.data) {
    const key = JSON.stringify([doc.fieldPath, doc.fileId]);
    byField.set(key, [...(byField.get(key) ?? []), doc]);
  }
  return [...byField.values()].map((docs) => {
    const status = mediaVerdictOf(docs) ?? 'pending';
    const label = docs.find((doc) => doc.status === status && doc.label !== undefined)?.label;
    const first = docs[0] as MediaCheckDoc;
    return { fieldPath: first.fieldPath, fileId: first.fileId, status, ...(label === undefined ? {} : { label }) };
  });
}

/** The size of what `url` serves, from one GET of its first byte (a temp URL is signed for GET only). */
export async function rangedSize(url: string): Promise<number | undefined> {
  const response = await fetch(url, { headers: { range: 'bytes=0-0' } });
  await response.body?.cancel();
  if (response.status === 206) {
    const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
    return total === undefined ? undefined : Number(total);
  }
  if (!response.ok) throw new Error(`HTTP ${response.status} for the file's temp URL`);
  const length = response.headers.get('content-length');
  return length === null ? undefined : Number(length);
}

function unavailable(reason: UnavailableReason): MediaSubmission {
  return { status: 'unavailable', reason, action: UNAVAILABLE_ACTIONS[reason] };
}

async function askWithin(
  ms: number,
  work: () => Promise<unknown>,
): Promise<{ reply: unknown } | { error: unknown } | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      work().then(
        (reply) => ({ reply }),
        (error: unknown) => ({ error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
