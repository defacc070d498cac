import { addDays, beijingDay, dayStart, weekOf } from '../calendar';

test('the day is Beijing’s: 16:00 UTC is already the next day', () => {
  expect(beijingDay(new Date('2026-12-02T15:59:59.999Z'))).toBe('2026-12-02');
  expect(beijingDay(new Date('2026-12-02T16:00:00.000Z'))).toBe('2026-12-03');
  expect(dayStart('2026-12-03').toISOString()).toBe('2026-12-02T16:00:00.000Z');
});

test('weeks start on Monday, across a month and a year', () => {
  expect(weekOf('2026-11-30')).toBe('2026-11-30'); // a Monday
  expect(weekOf('2026-12-06')).toBe('2026-11-30'); // the Sunday after
  expect(weekOf('2026-12-07')).toBe('2026-12-07');
  expect(weekOf('2027-01-01')).toBe('2026-12-28'); // a Friday
  expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
});
