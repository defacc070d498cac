import { CronError, nextFireTime, parseCron } from '../cron';

/** A Beijing (UTC+8) wall-clock time. */
const bj = (text: string): Date => new Date(`${text.replace(' ', 'T')}+08:00`);

describe('nextFireTime (UTC+8)', () => {
  test.each([
    ['daily at 02:00', '0 0 2 * * * *', '2024-03-15 10:00:00', '2024-03-16 02:00:00'],
    ['strictly after a due time', '0 0 2 * * * *', '2024-03-16 02:00:00', '2024-03-17 02:00:00'],
    ['midnight Beijing is 16:00 UTC', '0 0 0 * * * *', '2024-03-15 23:59:59', '2024-03-16 00:00:00'],
    ['every 15 seconds', '*/15 * * * * * *', '2024-03-15 10:00:07', '2024-03-15 10:00:15'],
    ['every 5 minutes', '0 */5 * * * * *', '2024-03-15 10:03:00', '2024-03-15 10:05:00'],
    ['open step from 5', '5/20 * * * * * *', '2024-03-15 10:00:30', '2024-03-15 10:00:45'],
    ['range with step', '1-10/3 * * * * * *', '2024-03-15 10:00:05', '2024-03-15 10:00:07'],
    ['hour range with step', '0 0 9-17/4 * * * *', '2024-03-15 10:00:00', '2024-03-15 13:00:00'],
    ['day list, next month', '0 30 8 1,15 * * *', '2024-03-15 09:00:00', '2024-04-01 08:30:00'],
    ['the 31st skips short months', '0 0 0 31 * * *', '2024-04-01 00:00:00', '2024-05-31 00:00:00'],
    ['weekday by name', '0 0 10 * * MON *', '2024-03-15 10:00:00', '2024-03-18 10:00:00'],
    ['7 is Sunday', '0 0 12 * * 7 *', '2024-03-15 10:00:00', '2024-03-17 12:00:00'],
    ['weekday range', '0 0 9 * * 1-5 *', '2024-03-16 10:00:00', '2024-03-18 09:00:00'],
    ['day OR weekday: the 1st wins', '0 0 0 1 * 1 *', '2024-05-28 12:00:00', '2024-06-01 00:00:00'],
    ['day OR weekday: Monday wins', '0 0 0 1 * 1 *', '2024-03-15 12:00:00', '2024-03-18 00:00:00'],
    ['month by name, next year', '0 0 0 1 JAN * *', '2024-03-15 10:00:00', '2025-01-01 00:00:00'],
    ['leap day within a year range', '0 0 0 29 2 * 2024-2030', '2024-03-01 00:00:00', '2028-02-29 00:00:00'],
    ['year list', '0 0 12 25 12 * 2026,2030', '2024-03-15 10:00:00', '2026-12-25 12:00:00'],
  ])('%s: %s after %s is %s', (_name, expression, after, expected) => {
    expect(nextFireTime(parseCron(expression), bj(after))?.toISOString()).toBe(bj(expected).toISOString());
  });

  test('a schedule whose years have passed never fires again', () => {
    expect(nextFireTime(parseCron('0 0 0 1 1 * 2023'), bj('2024-01-01 00:00:00'))).toBeNull();
  });

  test('a day that never exists (Feb 30) ends at the last year', () => {
    expect(nextFireTime(parseCron('0 0 0 30 2 * *'), bj('2024-01-01 00:00:00'))).toBeNull();
  });

  test('sub-second instants round to the next whole second', () => {
    const after = new Date(bj('2024-03-15 10:00:00').getTime() + 400);
    expect(nextFireTime(parseCron('* * * * * * *'), after)?.toISOString()).toBe(
      bj('2024-03-15 10:00:01').toISOString(),
    );
  });
});

describe('parseCron', () => {
  test.each([
    ['six fields', '0 0 2 * * *'],
    ['second out of range', '60 * * * * * *'],
    ['day 0', '* * * 0 * * *'],
    ['month 13', '* * * * 13 * *'],
    ['weekday 8', '* * * * * 8 *'],
    ['year before 1970', '* * * * * * 1969'],
    ['not a number', 'a * * * * * *'],
    ['zero step', '*/0 * * * * * *'],
    ['reversed range', '5-1 * * * * * *'],
    ['empty list item', '1,,2 * * * * * *'],
  ])('rejects %s (%s)', (_name, expression) => {
    expect(() => parseCron(expression)).toThrow(CronError);
  });

  test('expands the fields', () => {
    const schedule = parseCron('0,30 1-3 */6 * * SUN,SAT *');
    expect([...schedule.seconds]).toEqual([0, 30]);
    expect([...schedule.minutes]).toEqual([1, 2, 3]);
    expect([...schedule.hours]).toEqual([0, 6, 12, 18]);
    expect([...schedule.weekdays].sort()).toEqual([0, 6]);
    expect(schedule.daysRestricted).toBe(false);
    expect(schedule.weekdaysRestricted).toBe(true);
  });
});
