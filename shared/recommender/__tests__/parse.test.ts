import { parseInteractions } from '../data/parse';

describe('parseInteractions', () => {
  const expected = [
    { user: 'u1', item: 'c7', value: 4.5 },
    { user: 'u2', item: 'c8', value: 1 },
  ];

  it.each([
    ['tabs', 'u1\tc7\t4.5\t881250949\nu2\tc8\t1\t891717742\n'],
    ['spaces', 'u1 c7  4.5\n  u2   c8 1 891717742'],
    ['commas', 'u1,c7,4.5,881250949\r\nu2, c8, 1\n'],
    ['double colons', 'u1::c7::4.5::881250949\nu2::c8::1::891717742\n'],
  ])('reads %s', (_name, text) => {
    expect(parseInteractions(text)).toEqual(expected);
  });

  it('skips blank lines and # comments', () => {
    expect(parseInteractions('# user item rating\n\nu1 c7 4.5\n\nu2 c8 1\n')).toEqual(expected);
  });

  it.each([
    ['a non-numeric rating', 'user item rating'],
    ['too few fields', 'u1 c7'],
    ['too many fields', 'u1 c7 4 123 extra'],
  ])('names the line of %s', (_name, line) => {
    expect(() => parseInteractions(`u1 c7 4\n${line}\n`)).toThrow(/^Line 2: expected "user item rating \[timestamp\]"/);
  });
});
