/**
 * `promo.redeem`: a redemption code opens its course or bundle to the learner who types it, once.
 *
 * - Single use under any concurrency: the code is marked used by a conditional update that matches only while it is
 *   `unused`, so of 20 learners redeeming one code at once exactly one update matches; the others are refused.
 * - Then the grant (via `redeem`, `grantId(openid, 'redeem', target)`) is written in a transaction: a course or a 专栏
 *   for life; a membership gains a term of `termDays` from the later of now and its current end, the term's `orderId`
 *   being `redeem:<first 12 hex of the code's hash>`, so a repeat adds nothing.
 * - Idempotent for its redeemer: the code used by the same learner answers their access again (and writes the grant
 *   if an earlier call died between the two writes), so a retry never loses what the code paid for.
 * - A code that is unknown, used by another learner, expired or of a revoked batch gets one answer, whichever it is:
 *   FAILED_PRECONDITION with the same message and details, so nothing is learnt by trying codes. Those failures are
 *   limited per learner (LIMITS.redeemFailure): every attempt spends first, and anything but such a failure gives its
 *   share back, so concurrent guesses cannot pass the limit either.
 * - A code of a batch the creator paused is kept as it is, and answered so (FAILED_PRECONDITION, `reason: 'paused'`),
 *   only when it would otherwise redeem; it counts as no failure, and redeems again once the batch is resumed.
 * - A code is kept unused when the learner already has its course or 专栏 for life (CONFLICT) or its target is no
 *   longer on sale (FAILED_PRECONDITION saying so).
 */
import { AppError, type PromoRedeemData } from '../contract';
import type { CourseDoc } from '../catalog/schema';
import { getById, inTransaction, txGet, updated, type Database } from '../db';
import { COLLECTIONS } from '../collections';
import {
  accessOf,
  courseAccess,
  grantId,
  learnerGrants,
  longestGrant,
  targetKey,
  termsEnd,
  type GrantDoc,
  type GrantTarget,
} from '../grants';
import { giveBackLimit, spendLimit } from '../limits';
import { codeHash, normalizeCode } from './codes';
import type { PromoDeps } from './deps';
import { readBundle, readRedeemBatch, readRedeemCode, type BundleDoc, type RedeemCodeDoc } from './documents';
import { isCourseOpen } from '../catalog/visibility';

/** The one answer to a code that cannot be redeemed, whatever the reason. */
class NotRedeemable extends AppError {
  constructor() {
    super('FAILED_PRECONDITION', '兑换码无效、已被使用或已过期，请核对后重试', { field: 'code' });
  }
}

/** The term's order id of a membership redeemed with the code whose hash is `hash`. */
export function redeemTermId(hash: string): string {
  return `redeem:${hash.slice(0, 12)}`;
}

/** The code's document if it could be redeemed by `openid` now: unused (or used by them), unexpired, batch active. */
async function readUsableCode(db: Database, hash: string, openid: string, now: Date): Promise<RedeemCodeDoc> {
  const raw = await getById<unknown>(db, COLLECTIONS.redeemCodes, hash);
  const read = raw === null ? undefined : readRedeemCode(raw);
  if (!read?.ok) throw new NotRedeemable();
  const code = read.value;
  if (code.status === 'used' && code.usedBy !== openid) throw new NotRedeemable();
  if (code.status === 'unused' && code.expiresAt !== undefined && Date.parse(code.expiresAt) <= now.getTime()) {
    throw new NotRedeemable();
  }
  const batch = await getById<unknown>(db, COLLECTIONS.redeemBatches, code.batchId);
  const readBatch = batch === null ? undefined : readRedeemBatch(batch);
  if (readBatch?.ok && readBatch.value.status === 'paused') {
    // Only a code that would redeem gets here, so saying so tells a guesser nothing.
    throw new AppError('FAILED_PRECONDITION', '这批兑换码已暂停兑换，请稍后再试或联系创作者', {
      field: 'code',
      reason: 'paused',
    });
  }
  if (!readBatch?.ok || readBatch.value.status !== 'active') throw new NotRedeemable();
  return code;
}

/** The published course or bundle the code opens; a bundle comes with its document (its kind and term). */
async function readOnSale(db: Database, target: GrantTarget): Promise<BundleDoc | undefined> {
  if (target.kind === 'course') {
    const course = await getById<CourseDoc>(db, COLLECTIONS.courses, target.id);
    if (!isCourseOpen(course)) {
      throw new AppError('FAILED_PRECONDITION', '兑换码对应的课程已下架，请联系创作者', { reason: 'notOnSale' });
    }
    return undefined;
  }
  const raw = await getById<unknown>(db, COLLECTIONS.bundles, target.id);
  const read = raw === null ? undefined : readBundle(raw);
  if (!read?.ok || read.value.status !== 'published') {
    throw new AppError('FAILED_PRECONDITION', '兑换码对应的会员或专栏已下架，请联系创作者', { reason: 'notOnSale' });
  }
  return read.value;
}

/** CONFLICT when the learner can already open the course or 专栏 for life (a code would be spent for nothing). */
async function refuseOwned(
  db: Database,
  openid: string,
  target: GrantTarget,
  bundle: BundleDoc | undefined,
  now: Date,
) {
  if (bundle?.kind === 'membership') return;
  const longest =
    target.kind === 'course'
      ? (await courseAccess(db, openid, target.id, now)).longest
      : longestGrant(
          (await learnerGrants(db, openid)).filter((g) => g.bundleId === target.id),
          now,
        );
  if (longest !== undefined && longest.until === undefined) {
    const what = target.kind === 'course' ? '这门课程' : '这个专栏';
    throw new AppError('CONFLICT', `你已永久拥有${what}，兑换码未使用，可以转赠他人`, { reason: 'owned' });
  }
}

/** Marks the code used by the learner; false when another call used it first. */
async function markUsed(db: Database, hash: string, openid: string, at: string): Promise<boolean> {
  const write = db
    .collection(COLLECTIONS.redeemCodes)
    .where({ _id: hash, status: 'unused' })
    .update({ data: { status: 'used', usedBy: openid, usedAt: at } });
  return (await updated(write)) === 1;
}

/**
 * Inside one transaction: the learner's redeem grant of the target made active, a membership's term added once.
 * Returns the grant and whether it opened something the grant did not open before.
 */
async function writeGrant(
  db: Database,
  openid: string,
  target: GrantTarget,
  bundle: BundleDoc | undefined,
  term: { orderId: string; paidAt: string },
): Promise<{ grant: Omit<GrantDoc, '_id'>; opened: boolean }> {
  const id = grantId(openid, 'redeem', target);
  return inTransaction(db, async (tx) => {
    const previous = await txGet<GrantDoc>(tx, COLLECTIONS.grants, id);
    const active = previous?.status === 'active';
    const grant: Omit<GrantDoc, '_id'> = {
      _openid: openid,
      via: 'redeem',
      target: targetKey(target),
      ...(target.kind === 'course' ? { courseId: target.id } : { bundleId: target.id }),
      status: 'active',
      createdAt: previous?.createdAt ?? term.paidAt,
    };
    if (bundle?.kind === 'membership' && bundle.termDays !== undefined) {
      const terms = active ? [...(previous?.terms ?? [])] : [];
      if (terms.some((t) => t.orderId === term.orderId)) return { grant: previous as GrantDoc, opened: false };
      terms.push({ orderId: term.orderId, days: bundle.termDays, paidAt: term.paidAt });
      grant.terms = terms;
      grant.until = termsEnd(terms);
    } else if (active && previous?.until === undefined) {
      return { grant: previous as GrantDoc, opened: false };
    }
    await tx.collection(COLLECTIONS.grants).doc(id).set({ data: grant });
    return { grant, opened: !active };
  });
}

/** After a course's redeem grant became active: its learner count, as a purchase moves it (nightly recount on loss). */
async function countLearner(deps: PromoDeps, courseId: string): Promise<void> {
  try {
    await deps.db
      .collection(COLLECTIONS.courses)
      .doc(courseId)
      .update({ data: { learnerCount: deps.db.command.inc(1) } });
  } catch (error) {
    deps.log(`[promo] learnerCount of ${courseId} not updated (the nightly recount corrects it)`, error);
  }
}

async function redeem(deps: PromoDeps, openid: string, typed: string, now: Date): Promise<PromoRedeemData> {
  const { db } = deps;
  const canonical = normalizeCode(typed);
  if (canonical === undefined) throw new NotRedeemable();
  const hash = codeHash(await deps.codeKey(), canonical);
  let code = await readUsableCode(db, hash, openid, now);
  const target: GrantTarget = code.target;
  const bundle = await readOnSale(db, target);
  if (code.status === 'unused') {
    await refuseOwned(db, openid, target, bundle, now);
    const at = now.toISOString();
    if (!(await markUsed(db, hash, openid, at))) {
      // Used between the read and the update: by another learner (refused), or by this one in another call.
      code = await readUsableCode(db, hash, openid, now);
    } else {
      code = { ...code, status: 'used', usedBy: openid, usedAt: at };
    }
  }
  const paidAt = code.usedAt ?? now.toISOString();
  const { grant, opened } = await writeGrant(db, openid, target, bundle, { orderId: redeemTermId(hash), paidAt });
  if (opened && target.kind === 'course') await countLearner(deps, target.id);
  const access: PromoRedeemData['access'] = {
    ...(target.kind === 'course' ? { courseId: target.id } : { bundleId: target.id }),
    via: 'redeem',
  };
  const { until } = accessOf(grant);
  if (until !== undefined) access.until = until;
  return { access };
}

/** Redeems the code the learner typed, or throws (see the module comment for which errors and what they spend). */
export async function redeemCode(deps: PromoDeps, openid: string, typed: string): Promise<PromoRedeemData> {
  const now = deps.now();
  await spendLimit(deps.db, openid, 'redeemFailure', now);
  let failed = false;
  try {
    return await redeem(deps, openid, typed, now);
  } catch (error) {
    failed = error instanceof NotRedeemable;
    throw error;
  } finally {
    if (!failed) {
      await giveBackLimit(deps.db, openid, 'redeemFailure', now).catch((error: unknown) =>
        deps.log('[promo] redeem limit not given back', error),
      );
    }
  }
}
