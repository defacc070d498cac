/**
 * The options of `npm run promo` as a creator types them, turned into document fields. Options are named like the
 * fields they set (`--amountFen 2000` sets `amountFen`), so the readers' problems (shared/promo/documents.ts), which
 * name fields, name the option to fix. A value that is not what the field takes is passed on as typed, for the
 * schema to say what it must be.
 */
import type { Problem } from '../../../shared/contract';

/** What the command line gave: `--name value` options and `--flag` switches, without the dashes. */
export type Options = Record<string, string | true>;

export const DAY_MS = 86_400_000;

/** The value of `--name`, or undefined (a switch given a value-less form counts as absent). */
export function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

/** `2000` → 2000; anything else as typed (the schema says it must be an integer). */
export function numeric(options: Options, name: string): number | string | undefined {
  const value = text(options, name);
  if (value === undefined) return undefined;
  return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

/** `a,b, c` → ['a', 'b', 'c']. */
export function list(options: Options, name: string): string[] | undefined {
  const value = text(options, name);
  return value
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A new id for a document the creator did not name: `coupon-3f9a2b1c0d4e`. */
export { newPromoId as newId } from '../../../shared/promo/manage';

/**
 * The window of `--startsAt` (default: now) and `--endsAt`, or `--days` from the start (neither: the schema says
 * the end is required). Times are ISO-8601; a time that does not parse is passed on for the schema to refuse.
 */
export function windowOf(
  options: Options,
  now: Date,
  end: 'endsAt' | 'expiresAt' = 'endsAt',
): { window: Record<string, string>; problems: Problem[] } {
  const startsAt = text(options, 'startsAt') ?? now.toISOString();
  const endsAt = text(options, end);
  const days = numeric(options, 'days');
  const problems: Problem[] = [];
  if (endsAt !== undefined && days !== undefined) {
    problems.push({ path: 'days', message: `days cannot be given with ${end}` });
  }
  const window: Record<string, string> = end === 'endsAt' ? { startsAt } : {};
  if (endsAt !== undefined) window[end] = endsAt;
  else if (days !== undefined) {
    const from = Date.parse(startsAt);
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) {
      problems.push({ path: 'days', message: 'days must be an integer >= 1' });
    } else if (!Number.isNaN(from)) {
      window[end] = new Date(from + days * DAY_MS).toISOString();
    }
  }
  return { window, problems };
}

/** `--course <id>` or `--bundle <id>`: exactly one. */
export function targetOf(options: Options): {
  target?: { kind: 'course' | 'bundle'; id: string };
  problems: Problem[];
} {
  const course = text(options, 'course');
  const bundle = text(options, 'bundle');
  if (course !== undefined && bundle !== undefined) {
    return { problems: [{ path: 'course', message: 'course and bundle cannot both be given' }] };
  }
  if (course !== undefined) return { target: { kind: 'course', id: course }, problems: [] };
  if (bundle !== undefined) return { target: { kind: 'bundle', id: bundle }, problems: [] };
  return { problems: [{ path: 'course', message: 'course or bundle is required' }] };
}
