/**
 * The 7-field cron of CloudBase timer triggers: `second minute hour day-of-month month day-of-week year`, evaluated in
 * UTC+8 (the cloud's time zone). Each field takes `*`, numbers, `a-b` ranges, `x/n` and `a-b/n` steps and comma lists;
 * months and weekdays also take English abbreviations (JAN, MON). Weekdays are 0–6 from Sunday (7 is Sunday too).
 * When both day-of-month and day-of-week are restricted a day matches either (as classic cron does).
 */
export interface CronSchedule {
  readonly expression: string;
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  readonly daysRestricted: boolean;
  readonly weekdaysRestricted: boolean;
}

export class CronError extends Error {
  constructor(expression: string, reason: string) {
    super(`invalid cron expression "${expression}": ${reason}`);
    this.name = 'CronError';
  }
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 7, names: WEEKDAY_NAMES },
  { name: 'year', min: 1970, max: 2099 },
];

const UTC8_OFFSET_MS = 8 * 3600_000;

export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) {
    throw new CronError(expression, `expected ${FIELDS.length} fields (sec min hour day month weekday year)`);
  }
  const sets = parts.map((text, index) => parseField(expression, text, FIELDS[index] as FieldSpec));
  const [seconds, minutes, hours, days, months, weekdays, years] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    expression,
    seconds,
    minutes,
    hours,
    days,
    months,
    weekdays,
    years,
    daysRestricted: parts[3] !== '*',
    weekdaysRestricted: parts[5] !== '*',
  };
}

function parseField(expression: string, text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) throw new CronError(expression, `bad ${spec.name} item "${item}"`);
    const [, range = '', stepText] = match;
    // Sunday is both 0 and 7; a wildcard or open step stops at 6 so it is not counted twice.
    const last = spec.name === 'day-of-week' ? 6 : spec.max;
    let from: number;
    let to: number;
    if (range === '*') {
      [from, to] = [spec.min, last];
    } else {
      const [start = '', end] = range.split('-');
      from = parseValue(expression, start, spec);
      // `5/15` means from 5 to the end of the range, every 15.
      to = end !== undefined ? parseValue(expression, end, spec) : stepText !== undefined ? last : from;
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new CronError(expression, `${spec.name} step must be at least 1`);
    if (from > to) throw new CronError(expression, `${spec.name} range ${range} is reversed`);
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

function parseValue(expression: string, text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return spec.name === 'month' ? named + 1 : named;
  if (!/^\d+$/.test(text)) throw new CronError(expression, `bad ${spec.name} value "${text}"`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new CronError(expression, `${spec.name} ${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

/**
 * The first time strictly after `after` (whole seconds) that matches the schedule, or null when none does (the year
 * field has run out). Works on the UTC+8 wall clock by shifting the epoch, so the `getUTC*` getters read Beijing time.
 */
export function nextFireTime(schedule: CronSchedule, after: Date): Date | null {
  let t = Math.floor(after.getTime() / 1000) * 1000 + 1000 + UTC8_OFFSET_MS;
  const lastYear = Math.max(...schedule.years);
  // Each step below moves to the start of the next candidate year, month, day, hour, minute or second, so the loop
  // ends after at most a few thousand steps even for sparse schedules.
  for (;;) {
    const d = new Date(t);
    const [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
    const [hour, minute] = [d.getUTCHours(), d.getUTCMinutes()];
    if (year > lastYear) return null;
    if (!schedule.years.has(year)) t = Date.UTC(year + 1, 0, 1);
    else if (!schedule.months.has(month + 1)) t = Date.UTC(year, month + 1, 1);
    else if (!dayMatches(schedule, day, d.getUTCDay())) t = Date.UTC(year, month, day + 1);
    else if (!schedule.hours.has(hour)) t = Date.UTC(year, month, day, hour + 1);
    else if (!schedule.minutes.has(minute)) t = Date.UTC(year, month, day, hour, minute + 1);
    else if (!schedule.seconds.has(d.getUTCSeconds())) t += 1000;
    else return new Date(t - UTC8_OFFSET_MS);
  }
}

function dayMatches(schedule: CronSchedule, day: number, weekday: number): boolean {
  const byDay = schedule.days.has(day);
  const byWeekday = schedule.weekdays.has(weekday);
  if (schedule.daysRestricted && schedule.weekdaysRestricted) return byDay || byWeekday;
  return byDay && byWeekday;
}
