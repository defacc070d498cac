/**
 * The content-security sandbox: `cloud.openapi.security.msgSecCheck` answered from a configurable list of words, as
 * version 2 of the API answers (`result.suggest` pass | review | risky with a `label`), and version 1 (errcode 87014
 * for risky content); `security.mediaCheckAsync` with its later push (./media-check.ts, `securityOf(cloud).media`).
 * Tests and `npm start` change the list with `securityOf(cloud).setRules(…)`, and mark openids that have not visited
 * recently with `setStaleOpenids` (both APIs answer them 61010); an outage is injected on the open-API registry
 * (`openApisOf(cloud).openApi.setFault('security.msgSecCheck', …)`). The developer endpoints are ./developer-api.ts.
 */
import { randomUUID } from 'node:crypto';
import type { LocalCloud } from '../../cloud';
import type { FunctionHost } from '../../functions';
import type { OpenApiCall, OpenApiReply } from '../../openapi';
import type { CloudPart } from '../../parts';
import { serveSecurityDeveloperApi } from './developer-api';
import { MEDIA_CHECK_ASYNC, MediaCheckSandbox } from './media-check';

export {
  CONTENT_PUSH_FUNCTION,
  DEFAULT_PUSH_DELAY_MS,
  MAX_MEDIA_BYTES,
  MEDIA_CHECK_ASYNC,
  MEDIA_TYPES,
  MediaCheckSandbox,
  type MediaCheckFailure,
  type MediaCheckSettings,
  type MediaRule,
  type MediaSubmission,
} from './media-check';

export const MSG_SEC_CHECK = 'security.msgSecCheck';

/** The labels of msgSecCheck v2. */
export const SECURITY_LABELS = {
  normal: 100,
  ad: 10001,
  politics: 20001,
  porn: 20002,
  abuse: 20003,
  crime: 20006,
  fraud: 20008,
  vulgar: 20012,
  copyright: 20013,
  other: 21000,
} as const;

export interface SecurityRule {
  /**
   * Matched case-insensitively anywhere in the content (and title, nickname, signature) exactly as given: no
   * normalisation of invisible characters, full-width forms or spacing, so a test shows that the product itself sends
   * the check form (shared/content).
   */
  word: string;
  suggest: 'review' | 'risky';
  label: number;
}

/** Enough to try each outcome by hand in `npm start`; tests set their own. */
export const DEFAULT_SECURITY_RULES: readonly SecurityRule[] = [
  { word: '加微信', suggest: 'review', label: SECURITY_LABELS.ad },
  { word: '刷单', suggest: 'risky', label: SECURITY_LABELS.fraud },
  { word: '赌博', suggest: 'risky', label: SECURITY_LABELS.crime },
];

/** The longest content the API takes. */
export const MAX_CONTENT_CHARS = 2500;

/** One check as the sandbox received it. */
export interface SecurityCheck {
  content: string;
  version: number;
  scene?: number;
  openid?: string;
  suggest: 'pass' | 'review' | 'risky';
  label: number;
}

export class SecuritySandbox {
  private rules: SecurityRule[];
  private staleOpenids = new Set<string>();
  /** Every check answered, oldest first. */
  readonly checks: SecurityCheck[] = [];
  /** `security.mediaCheckAsync` and the pushes it sends. */
  readonly media: MediaCheckSandbox;

  constructor(host: FunctionHost, rules: readonly SecurityRule[] = DEFAULT_SECURITY_RULES) {
    this.rules = rules.map((rule) => ({ ...rule }));
    this.media = new MediaCheckSandbox(host, (openid) => this.staleOpenids.has(openid));
  }

  /** These openids have not visited the mini-program recently: v2 checks with them answer 61010. */
  setStaleOpenids(openids: readonly string[]): void {
    this.staleOpenids = new Set(openids);
  }

  setRules(rules: readonly SecurityRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
  }

  /** The verdict for `text`: the strongest matching rule (risky over review), the first of equal ones. */
  judge(text: string): { suggest: 'pass' | 'review' | 'risky'; label: number; keyword?: string } {
    const lower = text.toLowerCase();
    const matches = this.rules.filter((rule) => rule.word !== '' && lower.includes(rule.word.toLowerCase()));
    const rule = matches.find((m) => m.suggest === 'risky') ?? matches[0];
    return rule ? { suggest: rule.suggest, label: rule.label, keyword: rule.word } : { suggest: 'pass', label: 100 };
  }

  /** The API itself: WeChat's JSON reply (snake_case; the SDK camelCases it). */
  answer(call: OpenApiCall): OpenApiReply {
    const { content, version = 1, scene, openid } = call.params;
    if (typeof content !== 'string' || content === '') return error(47001, 'content is required');
    if (content.length > MAX_CONTENT_CHARS) return error(47001, `content is longer than ${MAX_CONTENT_CHARS}`);
    if (version !== 1 && version !== 2) return error(47001, 'version must be 1 or 2');
    const extra = ['title', 'nickname', 'signature']
      .map((key) => call.params[key])
      .filter((v) => typeof v === 'string');
    const verdict = this.judge([content, ...extra].join('\n'));
    if (version === 1) {
      this.record({ content, version, suggest: verdict.suggest, label: verdict.label });
      return verdict.suggest === 'risky' ? error(87014, 'risky content') : { errcode: 0, errmsg: 'ok' };
    }
    if (typeof openid !== 'string' || openid === '') return error(40003, 'invalid openid');
    if (this.staleOpenids.has(openid)) return error(61010, 'code is expired');
    if (typeof scene !== 'number' || ![1, 2, 3, 4].includes(scene)) return error(47001, 'scene must be 1 to 4');
    this.record({ content, version, scene, openid, suggest: verdict.suggest, label: verdict.label });
    return {
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: verdict.suggest, label: verdict.label },
      detail: [
        verdict.keyword === undefined
          ? { strategy: 'content_model', errcode: 0, suggest: 'pass', label: 100, prob: 90 }
          : {
              strategy: 'keyword',
              errcode: 0,
              suggest: verdict.suggest,
              label: verdict.label,
              keyword: verdict.keyword,
            },
      ],
      trace_id: randomUUID(),
    };
  }

  private record(check: SecurityCheck): void {
    this.checks.push(check);
  }
}

function error(errcode: number, errmsg: string): OpenApiReply {
  return { errcode, errmsg };
}

/**
 * The security sandbox part: `security.msgSecCheck` and `security.mediaCheckAsync` on the cloud's open-API
 * transport, and its developer endpoints.
 */
export function securityPart(rules?: readonly SecurityRule[]): CloudPart<'security'> {
  return {
    name: 'security',
    attach(cloud) {
      const sandbox = new SecuritySandbox(cloud.parts.get('functions'), rules);
      const { openApi } = cloud.parts.get('openApi');
      openApi.register(MSG_SEC_CHECK, (call) => sandbox.answer(call));
      openApi.register(MEDIA_CHECK_ASYNC, (call) => sandbox.media.answer(call));
      serveSecurityDeveloperApi(cloud, sandbox);
      return sandbox;
    },
    close(sandbox) {
      sandbox.media.close();
    },
  };
}

/** Serves `security.msgSecCheck` and `security.mediaCheckAsync` on a started cloud (tests of the product, with their own word list). */
export function attachSecuritySandbox(cloud: LocalCloud, rules?: readonly SecurityRule[]): SecuritySandbox {
  return cloud.parts.add(securityPart(rules));
}

/** The sandbox attached to a cloud (for tests and tools that hold only the cloud). */
export function securityOf(cloud: LocalCloud): SecuritySandbox {
  return cloud.parts.get('security');
}
