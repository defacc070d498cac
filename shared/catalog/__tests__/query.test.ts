import { catalogListQuery, escapeRegExp, normalizeKeyword } from '..';

describe('escapeRegExp', () => {
  it.each(['C++', 'a.b', '(a+)+$', '[x]', 'node.js?', 'a|b', '\\d{3}', '^$*', '/'])('matches %s literally', (text) => {
    const re = new RegExp(escapeRegExp(text), 'i');
    expect(re.test(`前缀 ${text.toUpperCase()} 后缀`)).toBe(true);
    expect(re.test('completely different')).toBe(false);
  });

  it('keeps a catastrophic pattern harmless: no quantifier or group of it is left active', () => {
    expect(escapeRegExp('(a+)+b')).toBe('\\(a\\+\\)\\+b');
    expect(new RegExp(escapeRegExp('(a+)+b')).test('(a+)+b')).toBe(true);
  });
});

describe('normalizeKeyword', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    ['  Vue   3 ', 'Vue 3'],
  ])('%j → %j', (input, output) => expect(normalizeKeyword(input)).toBe(output));
});

describe('catalogListQuery', () => {
  it('applies the defaults: published, popular, page 1 of 20', () => {
    expect(catalogListQuery({})).toEqual({
      where: { status: 'published' },
      orderBy: [
        ['learnerCount', 'desc'],
        ['_id', 'asc'],
      ],
      skip: 0,
      limit: 20,
      page: 1,
    });
  });

  it('filters, escapes the keyword and pages', () => {
    expect(
      catalogListQuery({ category: 'web', tag: 'Vue', keyword: ' C++ ', sort: 'priceAsc', page: 3, pageSize: 7 }),
    ).toEqual({
      where: { status: 'published', category: 'web', tags: 'Vue' },
      keyword: { pattern: 'C\\+\\+', options: 'i', fields: ['title', 'subtitle', 'tags'] },
      orderBy: [
        ['priceFen', 'asc'],
        ['_id', 'asc'],
      ],
      skip: 14,
      limit: 7,
      page: 3,
    });
  });

  it('ends every order with _id so pages are stable', () => {
    for (const sort of ['popular', 'newest', 'rating', 'priceAsc', 'priceDesc'] as const) {
      expect(catalogListQuery({ sort }).orderBy.at(-1)).toEqual(['_id', 'asc']);
    }
  });
});
