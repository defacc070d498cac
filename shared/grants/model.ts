/**
 * Grants: what lets a learner open a course. Each grant has a source (`via`) and a term (`until`, absent = for life),
 * and targets one course or one bundle; a learner can open a course while any grant that reaches it is active. A
 * refund or an expiry ends exactly the grant it gave, so a course bought separately stays open after a membership
 * lapses. Pure: the rules here take documents and a time.
 *
 * Ids are deterministic, so every write for the same grant meets on one document:
 * - the learner's own grant of a course (`purchase` or `free`): `courseGrantId(openid, courseId)`, the id the
 *   enrollment it replaces had (the migration keeps it);
 * - any other grant: `grantId(openid, via, target)` — one per learner, source and course or bundle.
 */
import { createHash } from 'node:crypto';
import type { Access, AccessVia } from '../contract';

export type GrantVia = AccessVia;
export type GrantStatus = 'active' | 'revoked';

/** One paid period of a membership: `days` from the later of `paidAt` and the end of the period before. */
export interface GrantTerm {
  orderId: string;
  days: number;
  /** ISO-8601. */
  paidAt: string;
}

export interface GrantDoc {
  _id: string;
  _openid: string;
  via: GrantVia;
  /** `course:<id>` or `bundle:<id>`. */
  target: string;
  /** Set when the target is a course. */
  courseId?: string;
  /** Set when the target is a bundle. */
  bundleId?: string;
  status: GrantStatus;
  /** ISO-8601; absent = for life. A membership's is the end of its terms. */
  until?: string;
  /** The order that paid for it, the latest one for a membership (a free grant has its zero-amount order too). */
  orderId?: string;
  /** A membership's paid periods, in payment order. */
  terms?: GrantTerm[];
  /** ISO-8601; when the learner first got it (kept when it is given again). */
  createdAt: string;
  /** ISO-8601; set while revoked. */
  revokedAt?: string;
}

export type GrantTarget = { kind: 'course'; id: string } | { kind: 'bundle'; id: string };

export function targetKey(target: GrantTarget): string {
  return `${target.kind}:${target.id}`;
}

function hashId(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** The id of the learner's own grant of a course: bought or free. */
export function courseGrantId(openid: string, courseId: string): string {
  return hashId([openid, courseId]);
}

/** The id of the grant a purchase, a code or an organisation gives a learner for a target. */
export function grantId(openid: string, via: GrantVia, target: GrantTarget): string {
  if (target.kind === 'course' && (via === 'purchase' || via === 'free')) return courseGrantId(openid, target.id);
  return hashId([openid, via, targetKey(target)]);
}

/** Whether the grant opens its target at `now`: not revoked and not past its term. */
export function isActive(grant: Pick<GrantDoc, 'status' | 'until'>, now: Date): boolean {
  return grant.status === 'active' && (grant.until === undefined || Date.parse(grant.until) > now.getTime());
}

const DAY_MS = 86_400_000;

/**
 * The end of a membership's terms: each starts at the later of its payment and the end of the one before, so buying
 * again before the end extends from the end, and after a lapse from the payment. ISO-8601.
 */
export function termsEnd(terms: readonly GrantTerm[]): string {
  let end = Number.NEGATIVE_INFINITY;
  for (const term of [...terms].sort((a, b) => Date.parse(a.paidAt) - Date.parse(b.paidAt))) {
    end = Math.max(Date.parse(term.paidAt), end) + term.days * DAY_MS;
  }
  return new Date(end).toISOString();
}

/** Which source a learner sees when two grants last equally long: their own purchase first. */
const VIA_ORDER: readonly GrantVia[] = ['purchase', 'free', 'redeem', 'bundle', 'org'];

/** Longer-lived first (for life before any date), then by VIA_ORDER. */
function compareGrants(a: GrantDoc, b: GrantDoc): number {
  const end = (g: GrantDoc) => (g.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(g.until));
  return end(b) - end(a) || VIA_ORDER.indexOf(a.via) - VIA_ORDER.indexOf(b.via) || (a._id < b._id ? -1 : 1);
}

/** The longest-lived of the grants active at `now`, or undefined when none is. */
export function longestGrant(grants: readonly GrantDoc[], now: Date): GrantDoc | undefined {
  return grants.filter((g) => isActive(g, now)).sort(compareGrants)[0];
}

/** What `catalog.detail` and `learning.myCourses` answer of a grant. */
export function accessOf(grant: Pick<GrantDoc, 'via' | 'until'>): Access {
  return grant.until === undefined ? { via: grant.via } : { via: grant.via, until: grant.until };
}

/**
 * The grant whose payment a delivered lesson counts against (the refund policy's consumption): the learner's own
 * purchase of the course when active, else an active paid bundle grant, the longest-lived first. Free, redeemed and
 * organisation grants were not paid by the learner, so nothing they open is counted.
 */
export function payingGrant(grants: readonly GrantDoc[], now: Date): GrantDoc | undefined {
  const paid = grants.filter((g) => isActive(g, now) && g.orderId !== undefined);
  return (
    paid.find((g) => g.via === 'purchase' && g.courseId !== undefined) ??
    paid.filter((g) => g.via === 'bundle').sort(compareGrants)[0]
  );
}
