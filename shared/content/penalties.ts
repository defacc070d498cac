/**
 * The platform's `Penalty_for_Violation` push (its `Event` is `wxa_punish_event`), recorded once per `punish_id` in
 * `penalties` for the operator and the creator: what was punished (`illegal_content`), why, the rule, the appeal
 * guide, and `detail` (a JSON string whose shape depends on `event_type`: warnings, bans, removals), parsed when it
 * parses. The push names content, not a course: matching it to one is for whoever shows it. A repeated push changes
 * nothing. Fields: https://developers.weixin.qq.com/miniprogram/dev/server/event_push/platform/Penalty_for_Violation
 */
import { COLLECTIONS } from '../collections';
import type { Database } from '../db';

export const PENALTY_EVENT = 'wxa_punish_event';

/** A `penalties` document. */
export interface PenaltyDoc {
  _id: string;
  eventType?: number;
  appid?: string;
  /** Epoch seconds, as pushed. */
  punishTime?: number;
  illegalReason?: string;
  illegalContent?: string;
  ruleName?: string;
  ruleUrl?: string;
  adjustGuideUrl?: string;
  /** `detail` parsed, or the string as pushed when it is not JSON. */
  detail?: unknown;
  /** Epoch ms. */
  receivedAt: number;
}

const TEXT_FIELDS = {
  appid: 'appid',
  illegalReason: 'illegal_reason',
  illegalContent: 'illegal_content',
  ruleName: 'rule_name',
  ruleUrl: 'rule_url',
  adjustGuideUrl: 'adjust_guide_url',
} as const;

/** The document a push makes, or undefined without a `punish_id`. */
export function penaltyOf(event: Record<string, unknown>, now: number): PenaltyDoc | undefined {
  const id = event.punish_id;
  if (typeof id !== 'string' || id === '') return undefined;
  const doc: PenaltyDoc = { _id: id, receivedAt: now };
  for (const [field, key] of Object.entries(TEXT_FIELDS)) {
    const value = event[key];
    if (typeof value === 'string') doc[field as keyof typeof TEXT_FIELDS] = value;
  }
  if (typeof event.event_type === 'number') doc.eventType = event.event_type;
  if (typeof event.punish_time === 'number') doc.punishTime = event.punish_time;
  if (typeof event.detail === 'string') {
    try {
      doc.detail = JSON.parse(event.detail);
    } catch {
      doc.detail = event.detail;
    }
  }
  return doc;
}

/** Records a penalty push; `repeated` when its `punish_id` is already recorded. */
export async function recordPenalty(
  db: Database,
  event: Record<string, unknown>,
  now: number,
): Promise<'recorded' | 'repeated' | 'unreadable'> {
  const doc = penaltyOf(event, now);
  if (!doc) {
    console.error('[contentCheck] a penalty push without punish_id', JSON.stringify(event));
    return 'unreadable';
  }
  // Loud on purpose: the operator must act on a penalty, and the log is where they look first.
  console.error(`[contentCheck] WeChat penalty ${doc._id}: ${doc.illegalReason ?? '?'} — ${doc.illegalContent ?? '?'}`);
  const { _id, ...data } = doc;
  try {
    await db.collection(COLLECTIONS.penalties).add({ data: { _id, ...data } });
    return 'recorded';
  } catch (error) {
    const found = (await db.collection(COLLECTIONS.penalties).where({ _id }).limit(1).get()) as unknown as {
      data: unknown[];
    };
    if (found.data.length > 0) return 'repeated';
    throw error;
  }
}
