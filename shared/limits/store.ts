/**
 * The database-backed limiter for the writes that have no document of their own to carry its state: one `rateLimits`
 * document per learner (`_id` = openid), a field per limit under `tat`. Never module memory: CloudBase runs each
 * request in whichever of many instances is free, so only the database sees all of a learner's calls.
 *
 * Each call is admitted by a conditional update that holds the rule's condition (./rate.ts `admissionRanges`), so
 * concurrent calls can never admit more than the limit: the database applies each update to the document's state at
 * that moment. A learner at rest costs one update; a call in a burst two; the first call ever an insert more; a
 * refused call a failed insert and a read, and writes nothing.
 */
import { getById, isDuplicateKey, updated, type Database } from '../db';
import { LIMITS, type LearnerLimitName } from './limits';
import { admissionRanges, admit, limitedError } from './rate';
import { COLLECTIONS } from '../collections';

export interface RateLimitDoc {
  /** The learner's openid. */
  _id: string;
  _openid: string;
  /** Each limit's theoretical arrival time, epoch ms (./rate.ts). */
  tat: Partial<Record<LearnerLimitName, number>>;
}

/**
 * Rounds before a call is refused as too frequent. A round fails only when another call of the learner's was admitted
 * in between (the state only moves forward), so a real learner never needs a second one.
 */
const ROUNDS = 5;

/** Admits one call of `name` for the learner at `now`, or throws RESOURCE_EXHAUSTED (nothing written). */
export async function spendLimit(db: Database, openid: string, name: LearnerLimitName, now: Date): Promise<void> {
  const rate = LIMITS[name];
  const at = now.getTime();
  const { restBelow, busyUpTo, step } = admissionRanges(rate, at);
  const _ = db.command;
  const field = `tat.${name}`;
  const limits = db.collection(COLLECTIONS.rateLimits);
  const applied = async (condition: unknown, data: Record<string, unknown>) =>
    (await updated(limits.where({ _id: openid, [field]: condition }).update({ data }))) === 1;
  for (let round = 0; round < ROUNDS; round++) {
    if (await applied(_.or(_.exists(false), _.lt(restBelow)), { [field]: at + step })) return;
    if (await applied(_.gte(restBelow).and(_.lte(busyUpTo)), { [field]: _.inc(step) })) return;
    // Neither matched: the learner has no document yet (the insert makes it), or is over the limit (the read says).
    try {
      await limits.add({ data: { _id: openid, _openid: openid, tat: { [name]: at + step } } });
      return;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const doc = await getById<RateLimitDoc>(db, COLLECTIONS.rateLimits, openid);
    const verdict = admit(rate, doc?.tat?.[name], at);
    if (!verdict.allowed) throw limitedError(verdict.retryAfterSec);
    // Another call moved the state between the updates and the read: try again on the new state.
  }
  throw limitedError(1);
}

/**
 * Gives back one call of `name` admitted at or before `now`, for a limit that counts only the calls that fail (spent
 * before the attempt, given back when it succeeds). One commutative `inc(-everyMs)`, and only while the state is
 * ahead of `now`: a learner at rest has nothing to give back, and a state moved below `now` reads as rest.
 */
export async function giveBackLimit(db: Database, openid: string, name: LearnerLimitName, now: Date): Promise<void> {
  const step = LIMITS[name].everyMs;
  const field = `tat.${name}`;
  await db
    .collection(COLLECTIONS.rateLimits)
    .where({ _id: openid, [field]: db.command.gt(now.getTime()) })
    .update({ data: { [field]: db.command.inc(-step) } });
}
