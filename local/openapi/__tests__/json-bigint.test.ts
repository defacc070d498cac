import { parseJsonBigInt, stringifyJsonBigInt } from '../json-bigint';

describe('JSON with big integers', () => {
  test('integers beyond 2^53 parse as bigint; everything else as JSON.parse does', () => {
    expect(parseJsonBigInt('{"a":9007199254740993,"b":-9007199254740993,"c":9007199254740991,"d":1.5e300}')).toEqual({
      a: 9007199254740993n,
      b: -9007199254740993n,
      c: 9007199254740991,
      d: 1.5e300,
    });
  });

  test('digits inside strings, including escaped quotes, stay strings', () => {
    expect(parseJsonBigInt('["9007199254740993", "x\\"12345678901234567890\\"", 12345678901234567890]')).toEqual([
      '9007199254740993',
      'x"12345678901234567890"',
      12345678901234567890n,
    ]);
  });

  test('stringify writes bigint as a bare number and round-trips', () => {
    const value = { id: 12345678901234567891n, nested: [{ n: -5n }], s: 'bigint-0:1' };
    const text = stringifyJsonBigInt(value);
    expect(text).toBe('{"id":12345678901234567891,"nested":[{"n":-5}],"s":"bigint-0:1"}');
    expect(parseJsonBigInt(text)).toEqual({ id: 12345678901234567891n, nested: [{ n: -5 }], s: 'bigint-0:1' });
  });

  test('invalid JSON still throws', () => {
    expect(() => parseJsonBigInt('{"a":')).toThrow(SyntaxError);
  });
});
