import { adminCreatorIds, ownsCourse } from '../access';

describe('adminCreatorIds', () => {
  it('keeps the non-empty string ids once, in order', () => {
    expect(adminCreatorIds({ creatorIds: ['b', 'a', 'b', '', 7 as unknown as string] })).toEqual(['b', 'a']);
  });

  it('is empty without a document or a list', () => {
    expect(adminCreatorIds(null)).toEqual([]);
    expect(adminCreatorIds({})).toEqual([]);
    expect(adminCreatorIds({ creatorIds: 'a' as unknown as string[] })).toEqual([]);
  });
});

describe('ownsCourse', () => {
  const course = { creator: { id: 'c1', name: 'C1' } };

  it('is true only for a course of one of the creators', () => {
    expect(ownsCourse(['c0', 'c1'], course)).toBe(true);
    expect(ownsCourse(['c2'], course)).toBe(false);
  });

  it('is false for a missing course or one without a creator', () => {
    expect(ownsCourse(['c1'], null)).toBe(false);
    expect(ownsCourse(['c1'], {} as typeof course)).toBe(false);
  });
});
