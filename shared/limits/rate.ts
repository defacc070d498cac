/**
 * The rule every write limit follows, pure: a rate with a burst, as the generic cell rate algorithm (GCRA) keeps it.
 *
 * The whole state of one limit is one number, the "theoretical arrival time" (`tat`, epoch ms): when the learner's
 * calls would be used up if each took `everyMs`. A call at `now` is admitted while `max(tat, now) + everyMs` is no
 * more than `burst` intervals ahead of `now`, and then moves `tat` there. So `burst` calls may come at once, and after
 * that one call every `everyMs`; an idle learner gets the burst back at the same pace. One number means one field to
 * update with a condition, whichever document holds it (see ./store.ts and shared/learning/service.ts).
 */
import { AppError } from '../contract';

export interface Rate {
  /** Calls admitted at once from rest. */
  burst: number;
  /** Then one call per this many milliseconds. */
  everyMs: number;
}

export type Admission = { allowed: true; tat: number } | { allowed: false; retryAfterSec: number };

/** Whether a call at `now` is admitted under `rate` with the stored `tat` (absent: never called), and the new state. */
export function admit(rate: Rate, tat: number | undefined, now: number): Admission {
  const next = Math.max(tat ?? 0, now) + rate.everyMs;
  const ahead = next - now - rate.burst * rate.everyMs;
  if (ahead <= 0) return { allowed: true, tat: next };
  return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(ahead / 1000)) };
}

/**
 * The stored values that admit a call at `now`, split by the update that admits it, for a store that cannot read and
 * write in one step: a `tat` below `now` (or none) is replaced by `now + everyMs`; one from `now` up to `busyUpTo` is
 * increased by `everyMs`. Above `busyUpTo` the call is refused. The same decisions as `admit`.
 */
export function admissionRanges(rate: Rate, now: number): { restBelow: number; busyUpTo: number; step: number } {
  return { restBelow: now, busyUpTo: now + (rate.burst - 1) * rate.everyMs, step: rate.everyMs };
}

/** RESOURCE_EXHAUSTED with the wait in `details.retryAfterSec` and in the learner's message. */
export function limitedError(retryAfterSec: number): AppError {
  const wait = retryAfterSec < 60 ? `${retryAfterSec} 秒` : `${Math.ceil(retryAfterSec / 60)} 分钟`;
  return new AppError('RESOURCE_EXHAUSTED', `操作太频繁，请 ${wait}后再试`, { retryAfterSec });
}
