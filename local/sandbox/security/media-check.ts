/**
 * `security.mediaCheckAsync` version 2 as the platform serves it (docs/platform-facts.md "Content security"): the
 * call takes a public http(s) `media_url` of an image (`media_type` 2) or audio (1), an `openid` that visited
 * recently and a `scene`, and answers only a `trace_id` (wx-server-sdk: `traceId`); the verdict comes later as a
 * `wxa_media_check` message push to a cloud function (云开发 → 消息推送), after `delayMs`. The sandbox downloads the
 * URL when it pushes, as the platform does: a URL that has expired, is gone or is over 10 MB gets no push at all, and
 * media of another kind than `media_type` says (a video, say) passes (WeChat's community reports a wrong type passing silently).
 * Risky media are those whose file name contains a rule's `name` or whose bytes have a rule's SHA-256.
 *
 * Assumed where WeChat does not document it: a `media_url` that is not http(s) (a `cloud://` fileID) is refused with
 * errcode 47001; `failure: 'error'` answers -1 (系统繁忙); labels in the push are strings, as in a push a developer
 * posted (`"label":"100"`); the push invocation's `TCB_SOURCE` is the one the xpay sandbox uses.
 */
import { createHash, randomBytes } from 'node:crypto';
import { FunctionInvocationError, type FunctionHost } from '../../functions';
import type { OpenApiCall, OpenApiReply } from '../../openapi';
import { XPAY_PUSH_SOURCE as MESSAGE_PUSH_SOURCE, type PushOutcome } from '../xpay/pushes';

export const MEDIA_CHECK_ASYNC = 'security.mediaCheckAsync';
/** The function the pushes go to, as configured in 云开发 → 消息推送. */
export const CONTENT_PUSH_FUNCTION = 'contentCheck';
export const MEDIA_TYPES = { audio: 1, image: 2 } as const;
/** The largest file the platform checks. */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;
/** The sandbox's own default wait before it pushes (the platform promises within 30 minutes). */
export const DEFAULT_PUSH_DELAY_MS = 1000;

const APPID = 'wxlocalcloudapp00';
const PUSH_HEADER = { ToUserName: 'gh_localcloud0001', FromUserName: 'oWeChatOfficialPushOpenid000' } as const;

export interface MediaRule {
  /** Matched case-insensitively inside the file name (the last segment of the URL's path). */
  name?: string;
  /** The SHA-256 of the file's bytes, hex. */
  sha256?: string;
  suggest: 'review' | 'risky';
  label: number;
}

/** `none`: calls are answered and pushed; `error`: every call fails; `noPush`: calls are answered, nothing is pushed. */
export type MediaCheckFailure = 'none' | 'error' | 'noPush';

export interface MediaCheckSettings {
  /** @default DEFAULT_PUSH_DELAY_MS */
  delayMs?: number;
  /** @default 'none' */
  failure?: MediaCheckFailure;
  /** @default CONTENT_PUSH_FUNCTION */
  pushFunction?: string;
}

/** What became of one accepted call. */
export interface MediaSubmission {
  traceId: string;
  mediaUrl: string;
  mediaType: number;
  openid: string;
  scene: number;
  /** `pending` until the push is due; `notPushed` when the failure mode kept it back. */
  outcome: 'pending' | 'pushed' | 'notPushed' | 'undownloadable' | 'tooLarge';
}

type Json = Record<string, unknown>;

export class MediaCheckSandbox {
  /** Every accepted call, oldest first. */
  readonly submissions: MediaSubmission[] = [];
  /** Every push (media results and penalties) and what the function answered. */
  readonly pushLog: { event: Json; outcome: PushOutcome }[] = [];
  private rules: MediaRule[] = [];
  private settings: Required<MediaCheckSettings> = {
    delayMs: DEFAULT_PUSH_DELAY_MS,
    failure: 'none',
    pushFunction: CONTENT_PUSH_FUNCTION,
  };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly host: FunctionHost,
    private readonly isStaleOpenid: (openid: string) => boolean,
  ) {}

  setRules(rules: readonly MediaRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
  }

  /** Changes the delay, failure mode or push function of the calls that follow. */
  configure(settings: MediaCheckSettings): void {
    this.settings = { ...this.settings, ...definedOf(settings) };
  }

  /** Waits until every push that is due has been delivered (or dropped). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Drops the pushes not yet due (the cloud is closing). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** The API itself: WeChat's JSON reply (snake_case; the SDK camelCases it). */
  answer(call: OpenApiCall): OpenApiReply {
    if (this.settings.failure === 'error') return error(-1, 'system error');
    const { media_url: mediaUrl, media_type: mediaType, version, openid, scene } = call.params;
    if (version !== 2) return error(47001, 'version must be 2');
    if (typeof mediaUrl !== 'string' || !/^https?:\/\/[^/]+/i.test(mediaUrl)) {
      return error(47001, 'media_url must be a public http or https URL');
    }
    if (mediaType !== MEDIA_TYPES.audio && mediaType !== MEDIA_TYPES.image) {
      return error(47001, 'media_type must be 1 (audio) or 2 (image)');
    }
    if (typeof openid !== 'string' || openid === '') return error(40003, 'invalid openid');
    if (this.isStaleOpenid(openid)) return error(61010, 'code is expired');
    if (typeof scene !== 'number' || ![1, 2, 3, 4].includes(scene)) return error(47001, 'scene must be 1 to 4');
    const traceId = [4, 4, 4].map((n) => randomBytes(n).toString('hex')).join('-');
    const submission: MediaSubmission = { traceId, mediaUrl, mediaType, openid, scene, outcome: 'pending' };
    this.submissions.push(submission);
    if (this.settings.failure === 'noPush') submission.outcome = 'notPushed';
    else this.schedule(submission, call.appid || APPID);
    return { errcode: 0, errmsg: 'ok', trace_id: traceId };
  }

  /** The `Penalty_for_Violation` push (its `Event` is `wxa_punish_event`), with the sandbox's defaults for the rest. */
  penaltyEvent(fields: Json = {}): Json {
    const now = Math.floor(Date.now() / 1000);
    return {
      ...PUSH_HEADER,
      CreateTime: now,
      MsgType: 'event',
      Event: 'wxa_punish_event',
      event_type: 1,
      punish_id: `punish_${randomBytes(4).toString('hex')}`,
      appid: APPID,
      punish_time: now,
      illegal_reason: '内容涉嫌违规',
      illegal_content: '课程封面',
      rule_name: '《微信小程序平台运营规范》',
      rule_url: 'https://developers.weixin.qq.com/miniprogram/product/',
      adjust_guide_url: 'https://developers.weixin.qq.com/miniprogram/product/',
      detail: JSON.stringify({ warned_type: 1, rectify_deadline: now + 7 * 86_400, warned_ban_days: [7] }),
      ...fields,
    };
  }

  /** Pushes a penalty now and returns what the function answered. */
  pushPenalty(fields: Json = {}): Promise<PushOutcome> {
    return this.deliver(this.penaltyEvent(fields));
  }

  /** Invokes the push function as the platform does. */
  async deliver(event: Json): Promise<PushOutcome> {
    let outcome: PushOutcome;
    try {
      outcome = {
        result: await this.host.invoke(this.settings.pushFunction, event, { source: MESSAGE_PUSH_SOURCE }),
      };
    } catch (caught) {
      if (!(caught instanceof FunctionInvocationError)) throw caught;
      outcome = { error: caught.message };
    }
    this.pushLog.push({ event, outcome });
    return outcome;
  }

  private schedule(submission: MediaSubmission, appid: string): void {
    const pushed = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.check(submission, appid).finally(resolve);
      }, this.settings.delayMs);
      this.timers.add(timer);
    });
    this.inFlight.add(pushed);
    void pushed.finally(() => this.inFlight.delete(pushed));
  }

  /** Downloads the media, judges it and pushes the verdict (nothing when it cannot be downloaded). */
  private async check(submission: MediaSubmission, appid: string): Promise<void> {
    let bytes: Buffer;
    let contentType: string;
    try {
      const response = await fetch(submission.mediaUrl);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      bytes = Buffer.from(await response.arrayBuffer());
      contentType = response.headers.get('content-type') ?? '';
    } catch {
      submission.outcome = 'undownloadable';
      return;
    }
    if (bytes.length > MAX_MEDIA_BYTES) {
      submission.outcome = 'tooLarge';
      return;
    }
    const kind = contentType.startsWith('audio/')
      ? MEDIA_TYPES.audio
      : contentType.startsWith('image/')
        ? MEDIA_TYPES.image
        : undefined;
    const verdict =
      kind === submission.mediaType
        ? this.judge(fileNameOf(submission.mediaUrl), bytes)
        : { suggest: 'pass', label: 100 };
    submission.outcome = 'pushed';
    const label = String(verdict.label);
    await this.deliver({
      ...PUSH_HEADER,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: 'wxa_media_check',
      appid,
      trace_id: submission.traceId,
      version: 2,
      result: { suggest: verdict.suggest, label },
      detail: [{ strategy: 'content_model', errcode: 0, suggest: verdict.suggest, label, prob: 90 }],
    });
  }

  /** The strongest matching rule (risky over review), else pass. */
  private judge(fileName: string, bytes: Buffer): { suggest: string; label: number } {
    const name = fileName.toLowerCase();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const matches = this.rules.filter(
      (rule) =>
        (rule.name !== undefined && rule.name !== '' && name.includes(rule.name.toLowerCase())) ||
        rule.sha256 === sha256,
    );
    const rule = matches.find((m) => m.suggest === 'risky') ?? matches[0];
    return rule ? { suggest: rule.suggest, label: rule.label } : { suggest: 'pass', label: 100 };
  }
}

function fileNameOf(url: string): string {
  const last = new URL(url).pathname.split('/').at(-1) ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function definedOf(settings: MediaCheckSettings): MediaCheckSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

function error(errcode: number, errmsg: string): OpenApiReply {
  return { errcode, errmsg };
}
