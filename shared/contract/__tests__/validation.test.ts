import { Type } from '@sinclair/typebox';
import { describeSchema, formatPath, StringEnum, validate } from '../validation';

describe('formatPath', () => {
  it.each([
    ['', ''],
    ['/pageSize', 'pageSize'],
    ['/lessons/2/durationSec', 'lessons[2].durationSec'],
    ['/a~1b/c~0d', 'a/b.c~d'],
    ['/0', '[0]'],
  ])('%s → %s', (pointer, path) => expect(formatPath(pointer)).toBe(path));
});

describe('validate', () => {
  const Lesson = Type.Object(
    {
      title: Type.String({ minLength: 1, maxLength: 10 }),
      durationSec: Type.Integer({ minimum: 1 }),
      kind: StringEnum(['video', 'audio'] as const),
      at: Type.Optional(Type.String({ format: 'date-time' })),
    },
    { additionalProperties: false },
  );
  const Course = Type.Object({
    lessons: Type.Array(Lesson, { minItems: 1 }),
    note: Type.Union([Type.String(), Type.Null()]),
  });

  it('returns the value itself when valid', () => {
    const value = { lessons: [{ title: 'a', durationSec: 3, kind: 'video' }], note: null };
    expect(validate(Course, value)).toEqual({ ok: true, value });
  });

  it('names each failing field with what it must be', () => {
    const result = validate(
      Course,
      {
        lessons: [
          { title: 'ok', durationSec: 3, kind: 'video' },
          { title: '', durationSec: 'x', kind: 'tv', at: 'yesterday', extra: 1 },
        ],
        note: 5,
      },
      'course',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.message)).toEqual([
      'lessons[1].extra is not allowed',
      'lessons[1].title must have at least 1 characters',
      'lessons[1].durationSec must be an integer >= 1',
      'lessons[1].kind must be one of video, audio',
      'lessons[1].at must be an ISO-8601 date-time',
      'note must be a string or null',
    ]);
  });

  it('names own __proto__, constructor and prototype keys at any depth (as JSON.parse makes them)', () => {
    const value = JSON.parse(
      '{"lessons":[{"title":"a","durationSec":3,"kind":"video","__proto__":{"extra":1}},' +
        '{"title":"b","durationSec":3,"kind":"audio","constructor":"x"}],"note":null,"prototype":{}}',
    );
    const result = validate(Type.Object(Course.properties, { additionalProperties: false }), value, 'course');
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([
      'prototype is not allowed',
      'lessons[0].__proto__ is not allowed',
      'lessons[1].constructor is not allowed',
    ]);
  });

  it('uses the root name for the value itself', () => {
    expect(validate(Course, 'text', 'course')).toEqual({
      ok: false,
      problems: [{ path: '', message: 'course must be an object' }],
    });
  });

  it('describes schemas as phrases', () => {
    expect(describeSchema({ type: 'integer', minimum: 1, maximum: 50 })).toBe('an integer between 1 and 50');
    expect(describeSchema({ type: 'string', minLength: 1, maxLength: 60 })).toBe('a string of 1 to 60 characters');
    expect(describeSchema({ type: 'array', maxItems: 10 })).toBe('a list of at most 10 items');
  });
});
