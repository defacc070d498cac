/**
 * The platform's `Penalty_for_Violation` push (its `Event` is `wxa_punish_event`), recorded once per `punish_id` in
 * `penalties` for the operator and the creator: what was punished (`illegal_content`), why, the rule, the appeal
 * guide, and `detail` (a JSON string whose shape depends on `event_type`: warnings, bans, removals), parsed when it
 * parses. The push names content, not a course, so `namedCourses` matches it to the courses it names (a page path
 * with `courseId=`, or a course title quoted in what was punished) and the document keeps their ids and their
 * creators', for each creator to find theirs. A repeated push changes nothing. Fields: https://developers.weixin.qq.com/miniprogram/dev/server/event_push/platform/Penalty_for_Violation
 */
import { COLLECTIONS } from '../collections';
import { found, type Database } from '../db';

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
  /** The courses the push names, and their creators (empty when it names none the catalog knows). */
  courseIds: string[];
  creatorIds: string[];
  /** Epoch ms. */
  receivedAt: number;
}

/** What of a course a penalty is matched against. */
export interface PenaltyCourse {
  _id: string;
  title: string;
  creator: { id: string };
}

/** Documents a query reads at most. */
const PAGE = 1000;

/** Titles this short would match unrelated text. */
const MIN_TITLE_MATCH = 4;

/**
 * The courses a penalty names: any whose id is a `courseId=` in a page path of what was punished, else any whose
 * title (at least 4 characters) appears in it.
 */
export function namedCourses(doc: Pick<PenaltyDoc, 'illegalContent' | 'detail'>, courses: readonly PenaltyCourse[]) {
  const text = [
    doc.illegalContent ?? '',
    typeof doc.detail === 'string' ? doc.detail : JSON.stringify(doc.detail ?? ''),
  ].join('\n');
  const ids = new Set([...text.matchAll(/courseId=([A-Za-z0-9_-]+)/g)].map((m) => m[1]!));
  const byId = courses.filter((c) => ids.has(c._id));
  if (byId.length > 0) return byId;
  return courses.filter((c) => c.title.length >= MIN_TITLE_MATCH && text.includes(c.title));
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
  const doc: PenaltyDoc = { _id: id, courseIds: [], creatorIds: [], receivedAt: now };
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
  const named = namedCourses(doc, await courseTitles(db));
  doc.courseIds = named.map((c) => c._id);
  doc.creatorIds = [...new Set(named.map((c) => c.creator.id))];
  // Loud on purpose: the operator must act on a penalty, and the log is where they look first.
  console.error(
    `[contentCheck] WeChat penalty ${doc._id}: ${doc.illegalReason ?? '?'} — ${doc.illegalContent ?? '?'}` +
      (doc.courseIds.length > 0 ? ` (courses ${doc.courseIds.join(', ')})` : ''),
  );
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

/** Every course's id, title and creator, for matching (a penalty is rare: reading the catalog's titles is cheap). */
async function courseTitles(db: Database): Promise<PenaltyCourse[]> {
  const courses: PenaltyCourse[] = [];
  for (let after = ''; ;) {
    const page = await found<PenaltyCourse>(
      db
        .collection(COLLECTIONS.courses)
        .where(after === '' ? {} : { _id: db.command.gt(after) })
        .orderBy('_id', 'asc')
        .field({ _id: true, title: true, creator: true })
        .limit(PAGE),
    );
    courses.push(...page);
    if (page.length < PAGE) return courses;
    after = page[page.length - 1]!._id;
  }
}
